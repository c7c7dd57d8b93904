-- Version 1: teams, reps, SSI snapshots, activity metrics and the import log.
create table if not exists schema_version (
    version    integer primary key,
    name       varchar not null,
    applied_at timestamp not null
);

create sequence if not exists team_ids start 1;
create table teams (
    team_id integer primary key default nextval('team_ids'),
    name    varchar not null unique
);

create sequence if not exists rep_ids start 1;
create table reps (
    rep_id  integer primary key default nextval('rep_ids'),
    name    varchar not null,
    email   varchar
);

create sequence if not exists import_ids start 1;
create table imports (
    import_id     integer primary key default nextval('import_ids'),
    file_name     varchar not null,
    content_hash  varchar not null,
    format        varchar not null,
    rows_read     integer not null default 0,
    rows_loaded   integer not null default 0,
    rows_updated  integer not null default 0,
    rows_skipped  integer not null default 0,
    rows_rejected integer not null default 0,
    warnings      varchar not null default '[]',   -- JSON list of strings
    imported_at   timestamp not null,
    status        varchar not null default 'loaded' -- loaded | undone
);

-- One row per rep per day. The team is kept per row so history stays true after a move.
-- No primary key: uniqueness is kept by the importer, and DuckDB's bulk loads run faster.
create table snapshots (
    rep_id        integer not null,
    day           date not null,
    team_id       integer not null,
    ssi           double,
    brand         double,
    people        double,
    insights      double,
    relationships double,
    industry_rank double,
    network_rank  double,
    industry_ssi  double,
    network_ssi   double,
    source        varchar not null default 'reported', -- reported | estimated
    import_id     integer not null
);

-- Activity metrics in long form, so a new metric needs no new column.
create table activity (
    rep_id    integer not null,
    day       date not null,
    team_id   integer not null,
    metric    varchar not null,
    value     double not null,
    import_id integer not null
);

-- Parses numbers as people type them: 45%, 1,234 and, in decimal-comma files, 20,5.
create or replace macro ssi_clean_number(raw) as regexp_replace(trim(raw), '[%\s]', '', 'g');
create or replace macro ssi_number_slow(raw, comma_decimal) as case
    when ssi_clean_number(raw) = '' then null
    when comma_decimal and regexp_full_match(ssi_clean_number(raw), '[+-]?\d{1,3}(\.\d{3})+(,\d+)?')
        then try_cast(replace(replace(ssi_clean_number(raw), '.', ''), ',', '.') as double)
    when comma_decimal and regexp_full_match(ssi_clean_number(raw), '[+-]?\d*,\d+')
        then try_cast(replace(ssi_clean_number(raw), ',', '.') as double)
    when not comma_decimal and regexp_full_match(ssi_clean_number(raw), '[+-]?\d{1,3}(,\d{3})+(\.\d+)?')
        then try_cast(replace(ssi_clean_number(raw), ',', '') as double)
    when regexp_full_match(ssi_clean_number(raw), '[+-]?(\d+\.?\d*|\.\d+)')
        then try_cast(ssi_clean_number(raw) as double)
    else null end;
-- Fast path first: most cells are plain numbers that a cast reads directly.
create or replace macro ssi_number(raw, comma_decimal) as case
    when raw is null then null
    when not comma_decimal then coalesce(try_cast(raw as double), ssi_number_slow(raw, false))
    when not contains(raw, '.')
        then coalesce(try_cast(replace(raw, ',', '.') as double), ssi_number_slow(raw, true))
    else ssi_number_slow(raw, true) end;
-- The date part of a cell that may carry a time: '3/7/26, 9:15 AM', '2026-03-07 09:15:02 UTC'.
create or replace macro ssi_date_text(raw) as case
    when contains(raw, ':') then regexp_replace(trim(raw), '([ T,]+\d{1,2}:\d{2}.*)$', '')
    else trim(raw) end;
