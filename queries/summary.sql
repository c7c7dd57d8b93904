-- The weekly activity summary (migration 006), kept exact: after any write, the weeks it
-- touched are summed again from the activity table itself.

-- name: weeks_of_touched_activity
-- The seat-weeks a write touched (its write-set: the keys it put in or took out).
create or replace temp table touched_weeks as
select distinct rep_id, cast(date_trunc('week', day) as date) as week from touched_activity;

-- name: refresh_touched_weeks
delete from activity_weekly
where (rep_id, week) in (select (rep_id, week) from touched_weeks);
insert into activity_weekly
select a.rep_id, cast(date_trunc('week', a.day) as date) as week, a.metric,
       arg_max(a.team_id, a.day), max(a.day), sum(a.value), count(*), arg_max(a.value, a.day),
       max(datediff('day', a.day, coalesce(a.period_end, a.day))) + 1
from activity a
semi join touched_weeks t on t.rep_id = a.rep_id and t.week = date_trunc('week', a.day)
-- The touched weeks' day range, so a store's older row groups are skipped unread.
where a.day >= (select min(week) from touched_weeks)
  and a.day < (select max(week) from touched_weeks) + 7
group by a.rep_id, week, a.metric;

-- name: refresh_touched_weeks_in_range
-- The same, when the touched weeks' day range holds few rows besides theirs (a first
-- import, a backfill into an empty range; `touched_range` decides): every
-- seat-week of the range is summed and the touched ones kept. Joining first made DuckDB
-- hash the range's rows to probe them with the touched weeks, slower than summing them
-- all (bench/test_import_speed.py).
delete from activity_weekly
where (rep_id, week) in (select (rep_id, week) from touched_weeks);
insert into activity_weekly
select g.* from ssi_weeks_of_range((select min(week) from touched_weeks),
                                   (select max(week) from touched_weeks) + 7) g
semi join touched_weeks t on t.rep_id = g.rep_id and t.week = g.week;

-- name: refresh_weeks_of_range
-- The same, when the range holds the touched keys and nothing else (`touched_range` and
-- `touched_range_holds_touched_keys`: a first import, a backfill into empty weeks): every
-- seat-week of the range is then a touched one, and none needs picking out (no semi join).
delete from activity_weekly
where (rep_id, week) in (select (rep_id, week) from touched_weeks);
insert into activity_weekly
select * from ssi_weeks_of_range((select min(week) from touched_weeks),
                                 (select max(week) from touched_weeks) + 7);

-- name: touched_range
-- The activity rows in the touched weeks' day range and the keys the write touched,
-- counted. At most WHOLE_RANGE_UP_TO (importer.py) rows per touched key: a check and the
-- weekly refresh read the whole range. As many rows as keys: the range may hold each
-- touched key once and nothing else (a first import, a backfill into empty weeks), which
-- `touched_range_holds_touched_keys` confirms. Counting the range reads one column of its
-- row groups only.
with bounds as (
    select min(week) as first_day, max(week) + 7 as past_day from touched_weeks
)
select (select count(*) from activity
        where day >= (select first_day from bounds) and day < (select past_day from bounds))
           as in_range,
       (select count(*) from touched_activity) as touched;

-- name: touched_range_holds_touched_keys
-- Whether the range's rows, as many as the touched keys, are those keys: the two sums of
-- the keys' hashes agree. Then the range holds each touched key once and the store's rule
-- needs no further check. (touched_activity holds each key once: an import refused a
-- second row for a person and day and unpivots each metric once; an undo's keys are a
-- union.) A write that put one key in twice and another not at all changes the sum. Two
-- scans of three columns, no hash table: several times faster than counting every key.
with bounds as (
    select min(week) as first_day, max(week) + 7 as past_day from touched_weeks
)
select (select coalesce(sum(hash(rep_id, day, metric)), 0) from activity
        where day >= (select first_day from bounds) and day < (select past_day from bounds))
     = (select coalesce(sum(hash(rep_id, day, metric)), 0) from touched_activity);

-- name: rebuild_weekly
-- In week order, as imports add weeks: a date range then reads only its part of the table.
delete from activity_weekly;
insert into activity_weekly
select rep_id, cast(date_trunc('week', day) as date), metric, arg_max(team_id, day), max(day),
       sum(value), count(*), arg_max(value, day),
       max(datediff('day', day, coalesce(period_end, day))) + 1
from activity group by all
order by 2, 1;

-- name: weekly_from_scratch
-- What the summary must equal (tests compare the two).
select rep_id, cast(date_trunc('week', day) as date) as week, metric,
       arg_max(team_id, day) as team_id, max(day) as last_day, sum(value) as total,
       count(*) as periods, arg_max(value, day) as latest,
       max(datediff('day', day, coalesce(period_end, day))) + 1 as longest
from activity group by all order by all;

-- name: weekly_summary
select * from activity_weekly order by all;

-- name: activity_touched_by_import
-- The person, day and metric keys an import wrote (for the check below).
create or replace temp table touched_activity as
select rep_id, day, metric from activity_changes where change <> 'same';

-- name: activity_touched_by_undo
-- The keys an undo puts back and takes out (read before it does). A key taken out and not
-- put back holds no row after the undo, so the check below never flags it; it is listed so
-- that `touched_range` weighs every row the undo writes.
create or replace temp table touched_activity as
select rep_id, day, metric from activity_history where replaced_by = $import_id
union
select rep_id, day, metric from activity where import_id = $import_id;

-- name: activity_keys_held_twice
-- Keys a write just touched that now hold two activity rows: none, unless the write is
-- wrong. The store's rule (one value per person, day and metric) is checked here, in the
-- write's own transaction, rather than by a unique index over every row (migration 007).
-- Only the touched keys are counted: counting every key of the touched days is faster for
-- a new store, but a history backfilled into a two-year store would count every key of
-- it (a hundred million), so the importer chooses by the rows in range
-- (`touched_range`; the whole-range way is `activity_keys_held_twice_in_range`).
select a.rep_id, a.day, a.metric, count(*) as n
from activity a
semi join touched_activity t on t.rep_id = a.rep_id and t.day = a.day and t.metric = a.metric
where a.day between (select min(day) from touched_activity)
                and (select max(day) from touched_activity)
group by a.rep_id, a.day, a.metric
having count(*) > 1
order by a.rep_id, a.day, a.metric
limit 3;

-- name: activity_keys_held_twice_in_range
-- The same, when the touched keys are most of the range's rows (`touched_range`):
-- every key of the range is counted and only then are the touched ones kept, so the join
-- sees the keys held twice (none) rather than every row: about twice as fast for a first
-- import (bench/test_import_speed.py).
with twice as (
    select rep_id, day, metric, count(*) as n from activity
    where day between (select min(day) from touched_activity)
                  and (select max(day) from touched_activity)
    group by rep_id, day, metric
    having count(*) > 1
)
select w.* from twice w
semi join touched_activity t on t.rep_id = w.rep_id and t.day = w.day and t.metric = w.metric
order by w.rep_id, w.day, w.metric
limit 3;
