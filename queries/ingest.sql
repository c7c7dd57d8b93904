-- Queries of the importer. Staging tables are temporary, so they live and die with the
-- import's own cursor and transaction.

-- name: find_loaded_import
-- The earlier, still loaded import of exactly this content, if any.
select import_id, file_name, imported_at
from imports where content_hash = $hash and status = 'loaded'
order by import_id limit 1;

-- name: stage_csv
-- Every cell as text, in the file's order (a table's rowid follows it).
create or replace temp table stage_cells as
select * from read_csv($path, delim = $delim, header = false, skip = $header_line,
                       auto_detect = false, quote = '"', escape = '"', columns = $columns,
                       null_padding = false, strict_mode = true, compression = 'none',
                       max_line_size = $longest_line);

-- name: stage_csv_typed
-- The same read with the numeric columns read as numbers, named n<position> ($columns):
-- faster (bench/test_import_speed.py), and nothing left to parse or copy. A row
-- the reader cannot take (a cell that is not a plain number, "45%", "1,234"; a row of
-- another width) is skipped instead of failing the read, which would abort the import's
-- transaction; the importer counts the rows read against the file's lines and, when one
-- is missing, reads the file as text (stage_csv), whose checks name every such cell. It
-- reads it so as well when a check fails on one of these columns, for the messages.
-- Skipping, not setting rows aside (store_rejects): that keeps about a kilobyte per bad
-- row, gigabytes for a file of millions of short bad rows.
create or replace temp table stage_cells as
select * from read_csv($path, delim = $delim, header = false, skip = $header_line,
                       auto_detect = false, quote = '"', escape = '"', columns = $columns,
                       null_padding = false, strict_mode = true, compression = 'none',
                       max_line_size = $longest_line, ignore_errors = true);

-- name: count_staged_rows
select count(*) from stage_cells;

-- name: cells_with_line_breaks
-- Whether any quoted cell holds a line break (Excel writes notes so), and where the table's
-- row ids start (inside a transaction they start far from 0, then count up one per row).
-- Only the text cells (c<position>): a number read as one (n<position>) holds no break.
select count(*) filter (where contains(concat_ws('', *columns('^c\d+$')), chr(10)))
           as with_breaks,
       min(rowid) as first_rowid
from stage_cells;

-- name: first_staged_rowid
-- Where the table's row ids start, for a file with no quoted cell (so no line breaks).
select min(rowid) from stage_cells;

-- name: stage_lines
-- The usual file: each row is on one line, so its line is its row id plus a constant (an
-- integer the importer computed: DuckDB binds no parameters in a view). A view, not a copy
-- of every cell.
-- slot line_offset: integer
create or replace temp view stage_raw as
select cast(rowid + {line_offset} as integer) as line, * from stage_cells;

-- name: stage_lines_counting_breaks
-- A file whose cells hold line breaks: each row's line is the file's own, counting the
-- breaks inside the cells of the rows before it.
create or replace temp table stage_raw as
with breaks as (
    select rowid - $first_rowid as rn, *,
           coalesce(length(concat_ws('', *columns('^c\d+$'))) - length(replace(
               concat_ws('', *columns('^c\d+$')), chr(10), '')), 0) as breaks_in_row
    from stage_cells
)
select cast(rn + 1 + $header_line + coalesce(sum(breaks_in_row) over (
           order by rn rows between unbounded preceding and 1 preceding), 0) as integer) as line,
       * exclude (rn, breaks_in_row)
from breaks;

-- name: stage_frame
create or replace temp table stage_raw as select * from stage_frame_df;

-- name: count_staged
select count(*) from stage_raw;

-- name: date_format_votes
-- How many of the file's distinct date texts one candidate format reads. DuckDB wants the
-- format as a constant: one of dashboard/ingest/dates.py's own formats.
-- slot date_format: text
select count(*) filter (where try_strptime(ssi_date_text(txt), {date_format}) is not null)
           as parsed,
       count(*) as total
from date_texts;

-- name: check_people_and_days
-- Rows that name no person or carry no readable date.
select line, column_name, value, expected, count(*) over (partition by column_name, expected) as kind_total from (
    select line, $name_column as column_name, null as value,
           'a name or e-mail (or give the person with ' || $person_hint || ')' as expected
    from stage_rows where rep_key is null
    union all
    select line, $day_column, day_raw,
           case when day_raw is null or trim(day_raw) = ''
                then 'a date (or give one with ' || $day_hint || ' or in the file name, e.g. ssi_2026-11-20.csv)'
                else 'a date in this file''s format, ' || $date_format_label end
    from stage_rows where day is null
    union all
    -- A name is shown on every page and export: a control character breaks them, a
    -- direction override (U+202A-E, U+2066-9) shows it reversed, and a megabyte of it is
    -- no name. Looked for among the file's few distinct people (stage_people), then their
    -- rows listed: regular expressions over every row took 0.15-0.25 s of 1.5 million.
    select line, $name_column, rep_name, case
               when regexp_matches(rep_name, $unshown_characters)
                   then 'a name without control characters or text-direction overrides'
               else 'a name of at most ' || $longest_name || ' characters' end
    from stage_rows where rep_name in (select rep_name from stage_people
                                       where regexp_matches(rep_name, $unshown_characters)
                                          or length(rep_name) > $longest_name)
    union all
    select line, 'team', team, case
               when regexp_matches(team, $unshown_characters)
                   then 'a team name without control characters or text-direction overrides'
               else 'a team name of at most ' || $longest_team || ' characters' end
    from stage_rows where team in (select team from stage_people
                                   where regexp_matches(team, $unshown_characters)
                                      or length(team) > $longest_team)
    union all
    select line, $email_column, email,
           'an e-mail address such as name@example.com (at most 254 characters)'
    from stage_rows where email in (select email from stage_people
                                    where not regexp_full_match(email, $email_pattern)
                                       or length(email) > 254)
    union all
    -- 0001-01-01 or 1900 is a placeholder or a broken export, never an SSI reading.
    select line, $day_column, day_raw, 'a date from ' || $first_day || ' on (LinkedIn''s SSI '
           || 'did not exist before)'
    from stage_rows where day < cast($first_day as date)
    union all
    -- A reading cannot come from the future; $last_day allows for time zones.
    select line, $day_column, day_raw, 'a date no later than ' || $last_day || ' (today)'
    from stage_rows where day > cast($last_day as date)
    union all
    select line, $end_column, period_end_raw,
           case when period_end is null then 'an end date in this file''s format, ' || $date_format_label
                when period_end < day then 'an end date on or after the start date (' || day_raw || ')'
                when period_end > cast($last_day as date) then 'an end date no later than ' || $last_day || ' (today)'
                else 'a period of at most ' || $longest_period || ' days' end
    from stage_rows
    where period_end_raw is not null and day is not null
      and (period_end is null or period_end < day or period_end > cast($last_day as date)
           or datediff('day', day, period_end) >= $longest_period)
)
-- Linear in the file however many rows are wrong: the first $listed of each kind, and a count.
window kind as (partition by column_name, expected order by line)
qualify row_number() over kind <= $listed
order by line;

-- name: mark_duplicates
-- Every later row for a person and day, paired with the first one (not every pair with every
-- other: 10,000 copies make 9,999 pairs, not 50 million). Different ones are errors;
-- identical copies are skipped (their lines go to skipped_lines).
-- Only the people and days that repeat are hashed and sorted (most files have none).
-- Rows are compared on their values, not on how the numbers are written ("45" and "45.0"
-- are one reading): the raw_ texts are left out, and a file read with numbers as numbers
-- (stage_csv_typed) has none.
create or replace temp table duplicate_pairs as
with repeated as (
    select rep_key, day from stage_rows
    where rep_key is not null and day is not null
    group by rep_key, day having count(*) > 1
), keyed as (
    select line, rep_key, day,
           hash(*columns(lambda c: c not in ('line', 'rep_key', 'day', 'day_raw')
                                   and not starts_with(c, 'raw_'))) as h
    from stage_rows semi join repeated using (rep_key, day)
), firsts as (
    select line, rep_key, day, h,
           first_value(line) over w as first_line,
           first_value(h) over w as first_h
    from keyed
    window w as (partition by rep_key, day order by line)
)
select first_line, line as second_line, rep_key, day, h = first_h as identical
from firsts where line <> first_line;

-- name: list_duplicates
-- One row per person and day that repeats: the first two repeating lines and how many repeat.
select first_line, rep_key, day, identical,
       list(second_line order by second_line)[1:2] as lines, count(*) as repeats
from duplicate_pairs group by first_line, rep_key, day, identical
order by min(second_line);

-- name: pillar_sum_mismatch
-- Rows whose SSI differs from the sum of their pillars by more than $tolerance.
select line, ssi, brand + people + insights + relationships as pillar_sum, count(*) over () as total
from stage_rows
where ssi is not null and brand is not null and people is not null
  and insights is not null and relationships is not null
  and abs(ssi - (brand + people + insights + relationships)) > $tolerance
order by line limit $listed;

-- name: list_zero_lines
select line, count(*) over () as total from zero_lines order by line limit $listed;

-- name: mark_skipped_lines
-- All-zero rows (a tracker's failed reading, never a real score of 0) and repeated copies.
create or replace temp table zero_lines as select line from stage_rows
where coalesce(ssi, 0) = 0 and coalesce(brand, 0) = 0 and coalesce(people, 0) = 0
  and coalesce(insights, 0) = 0 and coalesce(relationships, 0) = 0
  and (ssi is not null or brand is not null)
order by line;
create or replace temp table skipped_lines as
select line from zero_lines
union
select second_line from duplicate_pairs where identical;

-- name: add_teams
insert into teams (name)
select distinct team from stage_rows s
where team is not null and team not in (select name from teams)
  and not exists (select 1 from skipped_lines z where z.line = s.line);

-- name: ensure_team
insert into teams (name) select $name where $name not in (select name from teams);

-- name: add_reps
-- New people: matched on e-mail when the file has one, else on the name, case-blind. A file
-- with e-mails and no names names a new person by the e-mail it gives (nothing invented).
-- Two anti joins, one per way of matching: one subquery with both conditions OR-ed was a
-- nested loop over every pair of rows and reps.
-- By e-mail first, then by name: a row without an e-mail whose name another row of the
-- file gives with one is that person (stage_resolved matches it by name to them), and
-- finds them among the reps the first insert made, so no second rep of that name.
insert into reps (name, email)
select coalesce(any_value(w.rep_name order by w.line), any_value(w.email)), any_value(w.email)
from stage_rows w
anti join (select lower(email) as email from reps where email is not null) r
  on r.email = w.email
where w.email is not null and w.rep_key is not null and w.day is not null
  and not exists (select 1 from skipped_lines z where z.line = w.line)
group by w.rep_key;
insert into reps (name, email)
select any_value(w.rep_name order by w.line), null
from stage_rows w
anti join (select lower(name) as name from reps) r on r.name = lower(w.rep_name)
where w.email is null and w.rep_key is not null and w.day is not null
  and not exists (select 1 from skipped_lines z where z.line = w.line)
group by w.rep_key;

-- name: fill_rep_emails
-- A person first known by name gets the e-mail a later file gives. Run before add_reps:
-- after it, the row's e-mail, unknown until then, had made a second rep of that name.
-- Only where it is unambiguous: the file gives the name one e-mail, no one has that
-- e-mail yet, and one rep has that name and no e-mail (two such reps are two people the
-- file cannot tell apart; two e-mails for one name are two people, as add_reps makes them).
update reps set email = s.email
from (select lower(rep_name) as name, any_value(email) as email from stage_people
      where email is not null and rep_name is not null
      group by lower(rep_name) having count(distinct email) = 1) s
where reps.email is null and lower(reps.name) = s.name
  and s.email not in (select lower(email) from reps where email is not null)
  and (select count(*) from reps r where r.email is null and lower(r.name) = s.name) = 1;

-- name: stage_resolved
-- One row per person and day, with ids; failed all-zero readings and exact copies dropped.
-- stage_keys: each of the file's ways of naming a person (rep_key) with the rep it names.
create or replace temp table stage_keys as
with rep_keys as (  -- stage_people holds the names and e-mails of the rows, distinct
    select rep_key, any_value(email) as email, any_value(rep_name) as rep_name
    from stage_people where rep_key is not null group by rep_key
)
select k.rep_key,
       coalesce(
           (select min(r.rep_id) from reps r where k.email is not null and lower(r.email) = k.email),
           (select min(r.rep_id) from reps r where lower(r.name) = lower(k.rep_name))
       ) as rep_id
from rep_keys k;
create or replace temp table stage_resolved as
with matched as (
    -- A period of one day is a daily row, and is stored like one.
    select s.line, s.day, nullif(s.period_end, s.day) as period_end, s.team, k.rep_id, s.ssi, s.brand, s.people,
           s.insights, s.relationships, s.industry_rank, s.network_rank, s.industry_ssi,
           s.network_ssi, s.any_metric, columns('^m_')
    from stage_rows s join stage_keys k using (rep_key)
    where s.day is not null and not exists (select 1 from skipped_lines z where z.line = s.line)
), latest_team as (
    select rep_id, arg_max(team_id, day) as team_id from snapshots
    where rep_id in (select rep_id from stage_keys) group by rep_id
)
select m.* exclude (team),
       coalesce(t.team_id, lt.team_id, (select team_id from teams where name = $unassigned))
           as team_id,
       coalesce(m.ssi, m.brand + m.people + m.insights + m.relationships) as ssi_value
from matched m
left join teams t on t.name = m.team
left join latest_team lt on lt.rep_id = m.rep_id;

-- name: same_person_twice
-- Rows for one person and day that the duplicate check could not pair, because they name the
-- person differently (an e-mail on one row, only the name on another) and both resolve to
-- the same rep. The checks before refused or dropped every second row of one rep_key and
-- day, so only reps named two ways can repeat: their rows alone are grouped (most files
-- have none, and nothing is grouped, where grouping every row was a visible share of a
-- large import).
with named_two_ways as (
    select rep_id from stage_keys group by rep_id having count(*) > 1
), repeated as (
    select rep_id, day from stage_resolved semi join named_two_ways using (rep_id)
    group by rep_id, day having count(*) > 1
), ordered as (
    select s.line, s.rep_id, s.day,
           first_value(s.line) over (partition by s.rep_id, s.day order by s.line) as first_line
    from stage_resolved s semi join repeated using (rep_id, day)
)
select o.line, o.first_line, r.name as rep_name, r.email, o.day, count(*) over () as total
from ordered o join reps r using (rep_id)
where o.line <> o.first_line
order by o.line limit $listed;

-- name: readings_on_one_stored_day
-- A period's reading is stored on its last day: rows of one person whose readings land on
-- one day without starting on it (a week ending on the day of a daily row), which
-- same_person_twice, by the day a row starts, does not pair. Only files with periods.
with readings as (
    select line, rep_id, coalesce(period_end, day) as stored_day from stage_resolved
    where ssi_value is not null or brand is not null
), repeated as (
    select rep_id, stored_day from readings group by rep_id, stored_day having count(*) > 1
), ordered as (
    select r.line, r.rep_id, r.stored_day,
           first_value(r.line) over (partition by r.rep_id, r.stored_day order by r.line)
               as first_line
    from readings r semi join repeated using (rep_id, stored_day)
)
select o.line, o.first_line, r.name as rep_name, r.email, o.stored_day as day,
       count(*) over () as total
from ordered o join reps r using (rep_id)
where o.line <> o.first_line
order by o.line limit $listed;

-- name: snapshot_changes
-- Each staged reading against the store: new, changed or unchanged. A file without rank or
-- group columns keeps the ranks an earlier file gave for that day.
create or replace temp table snapshot_changes as
with joined as (
    select s.rep_id, coalesce(s.period_end, s.day) as day, s.team_id, s.line,
           s.ssi_value as ssi, s.brand, s.people, s.insights, s.relationships,
           coalesce(s.industry_rank, old.industry_rank) as industry_rank,
           coalesce(s.network_rank, old.network_rank) as network_rank,
           coalesce(s.industry_ssi, old.industry_ssi) as industry_ssi,
           coalesce(s.network_ssi, old.network_ssi) as network_ssi,
           old.rep_id is null as is_new,
           (old.ssi, old.brand, old.people, old.insights, old.relationships,
            old.industry_rank, old.network_rank, old.industry_ssi, old.network_ssi, old.team_id)
               as old_values
    from stage_resolved s
    left join snapshots old on old.rep_id = s.rep_id and old.day = coalesce(s.period_end, s.day)
    where s.ssi_value is not null or s.brand is not null
)
select * exclude (is_new, old_values),
       case when is_new then 'new'
            when old_values is not distinct from
                 (ssi, brand, people, insights, relationships, industry_rank, network_rank,
                  industry_ssi, network_ssi, team_id)
                 then 'same'
            else 'changed' end as change
from joined;

-- name: keep_replaced_snapshots
insert into snapshot_history
select old.*, $import_id from snapshots old
join snapshot_changes c on c.rep_id = old.rep_id and c.day = old.day and c.change = 'changed';

-- name: update_snapshots
update snapshots set team_id = c.team_id, ssi = c.ssi, brand = c.brand, people = c.people,
    insights = c.insights, relationships = c.relationships,
    industry_rank = c.industry_rank, network_rank = c.network_rank,
    industry_ssi = c.industry_ssi, network_ssi = c.network_ssi,
    source = 'reported', import_id = $import_id
from snapshot_changes c
where c.change = 'changed' and snapshots.rep_id = c.rep_id and snapshots.day = c.day;

-- name: insert_snapshots
insert into snapshots
select rep_id, day, team_id, ssi, brand, people, insights, relationships,
       industry_rank, network_rank, industry_ssi, network_ssi, 'reported', $import_id
from snapshot_changes where change = 'new';

-- name: readings_of_import
-- The readings an import wrote (new or changed), once per person and day, with how many
-- rows the write gave each: more than one is a fault of the write, which the check below
-- refuses (migration 010: no unique index holds this rule).
create or replace temp table touched_readings as
select rep_id, day, count(*) as rows_written from snapshot_changes
where change <> 'same' group by rep_id, day;

-- name: readings_of_undo
-- The readings an undo puts back (one row written) and takes out (none: a key taken out and
-- not put back holds no reading after it, so it cannot hold two), read before it does.
create or replace temp table touched_readings as
select rep_id, day, sum(written) as rows_written from (
    select rep_id, day, 1 as written from snapshot_history where replaced_by = $import_id
    union all
    select rep_id, day, 0 from snapshots where import_id = $import_id
) group by rep_id, day;

-- name: touched_readings_range
-- The readings in the written keys' day range against the written keys (a key an undo took
-- out holds none): as many rows as keys, and the same sum of key hashes, and the range
-- holds each written key once and nothing else (a first import, a backfill into empty
-- days), so no key holds two readings and none needs counting. Scans of two columns, no
-- hash table (bench/test_import_speed.py).
with written as (select rep_id, day, rows_written from touched_readings where rows_written > 0),
bounds as (select min(day) as first_day, max(day) as last_day from written),
in_range as (
    select count(*) as n, coalesce(sum(hash(rep_id, day)), 0) as key_sum from snapshots
    where day between (select first_day from bounds) and (select last_day from bounds)
)
select coalesce((select max(rows_written) from written), 0) > 1 as written_twice,
       (select n from in_range) = (select count(*) from written)
       and (select key_sum from in_range)
           = (select coalesce(sum(hash(rep_id, day)), 0) from written)
           as holds_touched_keys_once;

-- name: readings_held_twice
-- Touched keys that hold two readings now, or were written twice: none, unless the write
-- is wrong. Every key of
-- the range is counted and then the touched ones kept, so the join sees the keys held
-- twice (none), not every reading.
with twice as (
    select rep_id, day, count(*) as n from snapshots
    where day between (select min(day) from touched_readings)
                  and (select max(day) from touched_readings)
    group by rep_id, day
    having count(*) > 1
)
select w.* from twice w semi join touched_readings t using (rep_id, day)
union
-- Two rows written for one key, even where an update kept one of them.
select rep_id, day, rows_written from touched_readings where rows_written > 1
order by rep_id, day
limit 3;

-- name: activity_changes
create or replace temp table activity_changes as
with staged as (
    select rep_id, day, period_end, team_id, line, has_reading, substr(metric, 3) as metric,
           value
    from (unpivot (select rep_id, day, period_end, team_id, line,
                          ssi_value is not null or brand is not null as has_reading,
                          columns('^m_')
                   from stage_resolved)
          on columns('^m_') into name metric value value)
    where value is not null
)
select s.*,
       case when old.rep_id is null then 'new'
            when old.value = s.value and old.team_id = s.team_id
                 and old.period_end is not distinct from s.period_end then 'same'
            else 'changed' end as change
from staged s
left join activity old on old.rep_id = s.rep_id and old.day = s.day and old.metric = s.metric;

-- name: keep_replaced_activity
insert into activity_history by name
select old.*, $import_id as replaced_by from activity old
join activity_changes c on c.rep_id = old.rep_id and c.day = old.day and c.metric = old.metric
where c.change = 'changed';

-- name: update_activity
update activity set value = c.value, team_id = c.team_id, period_end = c.period_end,
    import_id = $import_id
from activity_changes c
where c.change = 'changed' and activity.rep_id = c.rep_id and activity.day = c.day
  and activity.metric = c.metric;

-- name: insert_activity
insert into activity by name
select rep_id, day, team_id, metric, value, $import_id as import_id, period_end
from activity_changes where change = 'new';

-- name: rows_outside_teams
-- Rows whose team is not one of $allowed (a manager's upload).
select s.line, t.name as team, count(*) over () as total
from stage_resolved s join teams t using (team_id)
where not list_contains($allowed, t.name)
order by s.line limit $listed;

-- name: people_of_other_teams
-- Rows naming a person already in the store whose current team (their newest reading's,
-- else their newest activity's, as before this import) is not one of $allowed: a manager's
-- upload may add people to their teams and change their own people, never move someone
-- from another team or overwrite their readings.
with current_team as (
    select k.rep_id, coalesce(
               (select t.name from rep_latest l join teams t using (team_id)
                where l.rep_id = k.rep_id),
               (select t.name from activity a join teams t using (team_id)
                where a.rep_id = k.rep_id order by a.day desc limit 1)) as team
    from (select distinct rep_id from stage_resolved) k
)
select s.line, count(*) over () as total
from stage_resolved s join current_team c using (rep_id)
where c.team is not null and not list_contains($allowed, c.team)
order by s.line limit $listed;

-- name: period_overlaps
-- A staged period that overlaps a stored one of another span for the same person and
-- metric: storing both would count the overlap twice.
select c.line, r.name as rep_name, c.metric, c.day, coalesce(c.period_end, c.day) as last_day,
       a.day as stored_day, coalesce(a.period_end, a.day) as stored_last_day, a.import_id,
       count(*) over () as total
from activity_changes c
join activity a on a.rep_id = c.rep_id and a.metric = c.metric
 and a.day <= coalesce(c.period_end, c.day) and coalesce(a.period_end, a.day) >= c.day
 and not (a.day = c.day and a.period_end is not distinct from c.period_end)
join reps r on r.rep_id = c.rep_id
order by c.line limit $listed;

-- name: insert_gaps
-- Rows of a file with activity columns whose cells were all empty and which hold no SSI:
-- the seat had no data for the period (never activated, or opted out of tracking).
-- The activity table (the store's largest) is only probed with these rows' keys: an anti
-- join against it hashed every row of it (seconds and gigabytes for a two-year store).
insert into activity_gaps
with candidates as (
    select s.rep_id, s.day, s.period_end, s.team_id from stage_resolved s
    where not s.any_metric and s.ssi_value is null and s.brand is null
), with_activity as (
    select distinct a.rep_id, a.day from activity a
    semi join candidates c on c.rep_id = a.rep_id and c.day = a.day
    where a.day between (select min(day) from candidates) and (select max(day) from candidates)
)
select c.*, $import_id from candidates c
anti join with_activity w on w.rep_id = c.rep_id and w.day = c.day
where not exists (select 1 from activity_gaps g
                  where g.rep_id = c.rep_id and g.day = c.day
                    and g.period_end is not distinct from c.period_end);

-- name: count_gaps
select count(*) from activity_gaps where import_id = $import_id;

-- name: stage_seats
-- The rows that name a seat, its id trimmed.
create or replace temp table stage_seats as
select line, trim(seat_id) as seat_id from stage_rows where nullif(trim(seat_id), '') is not null;

-- name: seat_changes_counted
select count(*) filter (where change = 'changed'), count(*) filter (where change = 'new')
from seat_changes;

-- name: map_seats
-- Seat ids a file names, with the person on the row: new seats added, reassigned seats
-- changed (the earlier holder kept for undo).
create or replace temp table seat_changes as
select distinct on (s.seat_id) s.seat_id, r.rep_id, r.team_id,
       case when old.seat_id is null then 'new'
            when old.rep_id = r.rep_id and old.team_id is not distinct from r.team_id then 'same'
            else 'changed' end as change
from stage_seats s join stage_resolved r using (line)
left join seats old on old.seat_id = s.seat_id
order by s.seat_id, s.line desc;
insert into seat_history select old.*, $import_id from seats old
join seat_changes c using (seat_id) where c.change = 'changed';
update seats set rep_id = c.rep_id, team_id = c.team_id, import_id = $import_id
from seat_changes c where c.change = 'changed' and seats.seat_id = c.seat_id;
insert into seats select seat_id, rep_id, team_id, $import_id from seat_changes
where change = 'new';

-- name: change_counts
-- Per row of the file: did it add something, change something, or nothing.
with per_line as (
    select line, change from snapshot_changes
    union all
    select line, change from activity_changes
)
select count(*) filter (where c = 'changed') as updated,
       count(*) filter (where c = 'new') as loaded
from (select line,
             case when bool_or(change = 'changed') then 'changed'
                  when bool_or(change = 'new') then 'new' else 'same' end as c
      from per_line group by line);

-- name: every_change_is_new
-- Whether the import only added rows (a first import, a backfill): then change_counts_all_new
-- counts its lines without grouping them.
select not exists (select 1 from snapshot_changes where change <> 'new')
   and not exists (select 1 from activity_changes where change <> 'new');

-- name: change_counts_all_new
-- change_counts when every row is new: each line with a reading has its one row in
-- snapshot_changes (snapshot_changes' own condition is has_reading), and only the lines
-- without one are counted from activity_changes, not every change row grouped by line
-- (bench/test_import_speed.py).
select 0 as updated,
       (select count(*) from snapshot_changes)
       + (select count(distinct line) from activity_changes where not has_reading) as loaded;

-- name: next_import_id
-- The next number after the last import. Taken inside the write transaction, so dry runs
-- and rejected files leave no gaps (a sequence would be consumed by them).
select coalesce(max(import_id), 0) + 1 from imports;

-- name: log_import
insert into imports (import_id, file_name, content_hash, format, rows_read, rows_loaded,
                     rows_updated, rows_skipped, rows_rejected, warnings, imported_at, status)
values ($import_id, $file_name, $hash, $format, $rows_read, $rows_loaded, $rows_updated,
        $rows_skipped, 0, $warnings, now(), 'loaded');

-- name: import_log
select import_id, file_name, format, rows_read, rows_loaded, rows_updated, rows_skipped,
       rows_rejected, json_array_length(warnings) as warnings, imported_at, status
from imports order by import_id desc;

-- name: import_by_id
select import_id, file_name, status from imports where import_id = $import_id;

-- name: later_overwrites
-- Later imports that replaced rows this import wrote: they must be undone first.
select distinct replaced_by from (
    select replaced_by from snapshot_history where import_id = $import_id
    union all
    select replaced_by from activity_history where import_id = $import_id
    union all
    select replaced_by from seat_history where import_id = $import_id
    union all
    select replaced_by from deal_history where import_id = $import_id
) order by 1;

-- name: undo_delete_rows
delete from snapshots where import_id = $import_id;
delete from activity where import_id = $import_id;
delete from activity_gaps where import_id = $import_id;
delete from seats where import_id = $import_id;
delete from goals where import_id = $import_id;
delete from deals where import_id = $import_id;

-- name: undo_restore_rows
insert into snapshots select * exclude (replaced_by) from snapshot_history where replaced_by = $import_id;
insert into activity by name select * exclude (replaced_by) from activity_history where replaced_by = $import_id;
insert into seats select * exclude (replaced_by) from seat_history where replaced_by = $import_id;
insert into deals select * exclude (replaced_by) from deal_history where replaced_by = $import_id;
delete from deal_history where replaced_by = $import_id;
delete from snapshot_history where replaced_by = $import_id;
delete from activity_history where replaced_by = $import_id;
delete from seat_history where replaced_by = $import_id;
update imports set status = 'undone' where import_id = $import_id;


-- name: number_problems
-- The numeric cells that are not numbers or are out of range, at most $listed of each kind,
-- with how many there are of that kind: one check per numeric column of the file.
-- slot checks: fragments " union all "
select *, count(*) over (partition by column_name, expected) from ({checks})
window kind as (partition by column_name, expected order by line)
qualify row_number() over kind <= $listed;

-- name: number_check_of_text
-- One column read as text: a cell that is not a number, or a number out of its range or
-- NaN (NaN is not a reading, whatever its place in DuckDB's ordering). The column's header,
-- what is expected and the bounds are bound per position ($header_<i>, ...).
-- slot i: integer
-- slot raw: name
-- slot value: name
select line, $header_{i} as column_name, {raw} as value, $expected_{i} as expected
from stage_rows
where ({raw} is not null and trim({raw}) <> '' and {value} is null)
   or {value} < $low_{i} or {value} > $high_{i} or isnan({value})

-- name: number_check_of_numbers
-- One column read as numbers: no text to quote, only the range.
-- slot i: integer
-- slot value: name
select line, $header_{i} as column_name, cast(null as varchar) as value,
       $expected_{i} as expected
from stage_rows where {value} < $low_{i} or {value} > $high_{i} or isnan({value})
