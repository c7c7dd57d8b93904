-- PostgreSQL's own statements for a PostgreSQL store (dashboard/store/postgres.py and
-- changes.py's PgSide), run through psycopg: values are bound as %s.

-- name: pg_session
set timezone = 'UTC';
set datestyle = 'ISO';
set extra_float_digits = 1;

-- name: pg_try_lock
select pg_try_advisory_xact_lock(%s);

-- name: pg_lock
select pg_advisory_xact_lock(%s);

-- name: pg_lock_timeout
-- How long this transaction waits for the lock, in milliseconds.
select set_config('lock_timeout', %s, true);

-- name: pg_has_meta
select to_regclass('ssi_meta') is not null;

-- name: pg_meta
select store_id, schema_version from ssi_meta;

-- name: pg_store_id
select store_id from ssi_meta;

-- name: pg_create_meta
-- The store's own bookkeeping: its id and schema, the change log, the id sequences.
create table if not exists ssi_meta (store_id text not null, schema_version integer not null);
create table if not exists ssi_changes (
    version  bigint primary key,
    imports  integer[] not null,
    tables   text[] not null,
    made_at  timestamptz not null default now()
);
create table if not exists ssi_sequences (name text primary key, last_value bigint not null);

-- name: pg_new_meta
insert into ssi_meta values (%s, %s);

-- name: pg_schema_moved_on
update ssi_meta set schema_version = %s;

-- name: pg_dropped_table
-- slot table: name
drop table if exists {table};

-- name: pg_created_table
-- slot table: name
-- slot columns: fragments
create table {table} ({columns});

-- name: pg_column_spec
-- slot column: name
-- slot type: type
{column} {type}

-- name: pg_created_index
-- slot table: name
-- slot columns: names
create index on {table} ({columns});

-- name: pg_version
select version from store_state;

-- name: pg_cleared_version
delete from store_state;

-- name: pg_first_version
insert into store_state values (%s);

-- name: pg_next_version
update store_state set version = version + 1 returning version;

-- name: pg_logged_change
insert into ssi_changes (version, imports, tables) values (%s, %s, %s);

-- name: pg_logged_whole_copy
insert into ssi_changes (version, imports, tables) values (%s, %s, %s)
on conflict (version) do update set tables = excluded.tables, imports = excluded.imports;

-- name: pg_changes_since
select imports, tables from ssi_changes where version > %s and version <= %s;

-- name: pg_sequences
select name, last_value from ssi_sequences;

-- name: pg_sequence_moved_on
-- PostgreSQL's record of an id sequence moves on, never back.
insert into ssi_sequences values (%s, %s) on conflict (name) do update
set last_value = greatest(ssi_sequences.last_value, excluded.last_value);

-- name: pg_copy_out
-- slot select: fragment
copy ({select}) to stdout with (format csv, header, force_quote *)

-- name: pg_copy_in
-- slot table: name
-- slot columns: names
copy {table} ({columns}) from stdin with (format csv)

-- name: pg_as_text
-- slot column: name
t.{column}::text as {column}

-- name: pg_rows_as_text
-- slot columns: fragments
-- slot table: name
select {columns} from {table} t

-- name: pg_rows_as_text_for_keys
-- slot columns: fragments
-- slot table: name
-- slot keys: name
-- slot same: fragments " and "
select {columns} from {table} t where exists (select 1 from {keys} k where {same})

-- name: pg_rows_as_text_in_scope
-- slot columns: fragments
-- slot table: name
-- slot scope: name
select {columns} from {table} t where t.{scope} = any(%s)

-- name: pg_keys_in_scope
-- slot columns: fragments
-- slot table: name
-- slot scope: name
select distinct {columns} from {table} t where t.{scope} = any(%s)

-- name: pg_same_key
-- slot column: name
t.{column} = k.{column}

-- name: pg_keys_table
-- A table of keys for one transaction.
-- slot table: name
-- slot columns: fragments
create temp table {table} ({columns}) on commit drop;

-- name: pg_deleted_keys
-- slot table: name
-- slot keys: name
-- slot same: fragments " and "
delete from {table} t using {keys} k where {same};

-- name: pg_deleted_in_scope
-- slot table: name
-- slot scope: name
delete from {table} where {scope} = any(%s);

-- name: pg_emptied_table
-- slot table: name
delete from {table};

-- name: pg_table_is_empty
-- slot table: name
select not exists (select 1 from {table});

-- name: pg_table_indexes
select indexname, indexdef from pg_indexes where tablename = %s;

-- name: pg_dropped_index
-- slot index: name
drop index {index};
