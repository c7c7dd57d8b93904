-- The typed projection of a staged file (dashboard/ingest/staging.py): stage_raw's text
-- cells c<position> (or numbers n<position>, read as numbers by the reader) become typed,
-- named columns. Which cells exist depends on the file, so the pieces below are put
-- together by staging.project_typed; each piece is one of these blocks, filled only with
-- column positions, our own field names and fragments made from other blocks.

-- name: stage_present
-- The file's own columns, typed; the rows (s) joined to what is read once per distinct
-- value (people p, dates d<position>).
-- slot columns: fragments
-- slot joins: fragments " "
create or replace temp table stage_present as
select {columns} from stage_raw s {joins};

-- name: stage_people_view
-- The file's distinct people as the rows name them, for the checks on names and the
-- matching of people (a few thousand, where the rows are millions).
-- slot source: name
create or replace temp view stage_people as
select distinct rep_name, email, team, rep_key from {source};

-- name: stage_rows_as_present
-- Every score field is a column of the file: the rows are the projection as it is.
create or replace temp view stage_rows as select * from stage_present;

-- name: stage_rows_with_absent
-- The absent score fields added as NULL, so the fixed queries of queries/ingest.sql always
-- see every score field; only the file's own columns were materialised.
-- slot absent: fragments
create or replace temp view stage_rows as select *, {absent} from stage_present;

-- name: stage_people_cells_given
-- A file naming no one: one person, the one given with the upload.
-- slot person: fragment
create or replace temp table stage_people_cells as select {person};

-- name: stage_people_cells
-- The file's distinct person cells (name, e-mail, team), each read once.
-- slot cells: names
-- slot person: fragment
create or replace temp table stage_people_cells as
select {cells}, {person} from (select distinct {cells} from stage_raw);

-- name: people_joined
-- slot same: fragments " and "
join stage_people_cells p on {same}

-- name: people_given_joined
cross join stage_people_cells p

-- name: same_cell
-- slot cell: name
s.{cell} is not distinct from p.{cell}

-- name: stage_dates
-- The file's distinct date cells, parsed once each (the format is one of
-- dashboard/ingest/dates.py's own).
-- slot format: text
create or replace temp table stage_dates as
select cell, cast(try_strptime(ssi_date_text(cell), {format}) as date) as parsed
from stage_date_cells;

-- name: dates_joined
-- slot alias: name
-- slot cell: name
left join stage_dates {alias} on {alias}.cell = s.{cell}

-- name: date_parsed
-- A date cell parsed in its row.
-- slot cell: name
-- slot format: text
cast(try_strptime(ssi_date_text(s.{cell}), {format}) as date)

-- name: column_of
-- slot column: name
{column}

-- name: column_as
-- slot column: name
-- slot alias: name
{column} as {alias}

-- name: fragment_as
-- slot value: fragment
-- slot alias: name
{value} as {alias}

-- name: text_absent
-- slot alias: name
cast(null as varchar) as {alias}

-- name: number_absent
-- slot alias: name
cast(null as double) as {alias}

-- name: date_absent
-- slot alias: name
cast(null as date) as {alias}

-- name: day_of_cell
-- The day a row is of: its date cell parsed, or the day given with the upload when the
-- cell is empty (a cell that cannot be read stays NULL: the checks name it).
-- slot cell: name
-- slot parsed: fragment
coalesce({parsed}, case when s.{cell} is null or trim(s.{cell}) = ''
                        then cast($default_day as date) end) as day

-- name: day_given
cast($default_day as date) as day

-- name: end_of_week
-- A weekly file without an end date: the week's last day.
cast(day + 6 as date) as period_end

-- name: trimmed_text_as
-- slot cell: name
-- slot alias: name
nullif(trim(s.{cell}), '') as {alias}

-- name: number_of_cell
-- slot cell: name
ssi_number(s.{cell}, $comma_decimal)

-- name: coach_level_of_cell
-- A coach level, written as a number or as a word.
-- slot cell: name
-- slot words: fragments " "
coalesce(case lower(trim(s.{cell})) {words} end, ssi_number(s.{cell}, $comma_decimal))

-- name: word_means
-- slot word: text
-- slot level: integer
when {word} then {level}

-- name: any_metric
-- slot present: fragments " or "
({present}) as any_metric

-- name: no_metric
false as any_metric

-- name: is_given
-- slot column: name
{column} is not null

-- name: person_columns
-- rep_name, email, team and rep_key (the key each row is matched on) from the raw cells;
-- DuckDB lets a later column use an earlier alias. The person given (--rep, the page's
-- Person field) is the person of the rows that name no one: a row named by its e-mail
-- alone is that e-mail's person.
-- slot email: fragment
-- slot name: fragment
-- slot team: fragment
{email} as email, coalesce({name}, if(email is null, $rep, null)) as rep_name,
{team} as team, coalesce(email, lower(rep_name)) as rep_key

-- name: name_of_cell
-- slot cell: name
nullif(trim({cell}), '')

-- name: name_of_parts
-- slot parts: fragments
nullif(trim(concat_ws(' ', {parts})), '')

-- name: trimmed
-- slot cell: name
trim({cell})

-- name: no_name
null

-- name: email_of_cell
-- slot cell: name
nullif(lower(trim({cell})), '')

-- name: no_email
cast(null as varchar)

-- name: team_of_cell
-- slot cell: name
coalesce(nullif(trim({cell}), ''), $team)

-- name: team_given
$team

-- name: people_counted
-- About how many distinct people the file names (HyperLogLog: no table of a million of
-- them is made to learn that there are a million).
-- slot cells: names
select approx_count_distinct(hash({cells})) from stage_raw;

-- name: date_cells_counted
select count(*) from stage_date_cells;

-- name: stage_date_cells
-- The distinct cells of every date column (start and end dates are written alike: one
-- format is chosen for all of them).
-- slot selects: fragments " union all "
create or replace temp table stage_date_cells as
select distinct cell from ({selects}) as t(cell) where cell is not null;

-- name: cells_of
-- slot cell: name
select {cell} from stage_raw

-- name: date_texts
-- The distinct date texts, trimmed, for the vote on the format.
select distinct trim(cell) as txt from stage_date_cells where trim(cell) <> '' limit 5000;

-- name: rows_where_any
-- Whether any of the file's first 10,000 rows meets one of the conditions.
-- slot conditions: fragments " or "
select count(*) from (select * from stage_raw limit 10000) where {conditions};

-- name: only_decimal_comma
-- A number with a comma followed by other than three digits: the comma can only be a
-- decimal mark.
-- slot cell: name
(regexp_full_match(trim({cell}), '[+-]?\d+\,\d+%?')
 and not regexp_full_match(trim({cell}), '[+-]?\d{1,3}(\,\d{3})+'))

-- name: only_decimal_point
-- slot cell: name
(regexp_full_match(trim({cell}), '[+-]?\d+\.\d+%?')
 and not regexp_full_match(trim({cell}), '[+-]?\d{1,3}(\.\d{3})+'))
