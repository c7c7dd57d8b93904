-- The weekly activity summary (migration 006), kept exact: after any write, the weeks it
-- touched are summed again from the activity table itself.

-- name: weeks_of_import
-- The seat-weeks an import changed (new or changed rows).
create or replace temp table touched_weeks as
select distinct rep_id, cast(date_trunc('week', day) as date) as week
from activity_changes where change <> 'same';

-- name: weeks_of_undo
-- The seat-weeks an undo changes: the rows it takes out and the rows it puts back.
create or replace temp table touched_weeks as
select distinct rep_id, cast(date_trunc('week', day) as date) as week from (
    select rep_id, day from activity where import_id = $import_id
    union all
    select rep_id, day from activity_history where replaced_by = $import_id
);

-- name: refresh_touched_weeks
delete from activity_weekly
where (rep_id, week) in (select (rep_id, week) from touched_weeks);
insert into activity_weekly
select a.rep_id, cast(date_trunc('week', a.day) as date) as week, a.metric,
       arg_max(a.team_id, a.day), max(a.day), sum(a.value), count(*), arg_max(a.value, a.day),
       max(datediff('day', a.day, coalesce(a.period_end, a.day))) + 1
from activity a
semi join touched_weeks t on t.rep_id = a.rep_id and t.week = date_trunc('week', a.day)
group by a.rep_id, week, a.metric;

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
