-- Queries of the Analytics activity import (dashboard/ingest/events.py): one row per action
-- (activityId, activityType, createdAt, seatId), counted per seat and day.

-- name: event_problems
-- Rows that cannot be counted: an unreadable time, no seat, a date out of range. The first
-- $listed of each kind, and how many there are.
select line, column_name, value, expected, count(*) over (partition by column_name, expected)
from (
    select line, 'createdAt' as column_name, created_raw as value,
           'a time written MM-DD-YYYY HH:MM:SS (UTC), e.g. 11-20-2026 14:05:09' as expected
    from stage_events where created_at is null
    union all
    select line, 'seatId', null, 'a seat id' from stage_events where seat_id is null
    union all
    select line, 'createdAt', created_raw, 'a date from ' || $first_day || ' on'
    from stage_events where cast(created_at as date) < cast($first_day as date)
    union all
    select line, 'createdAt', created_raw, 'a date no later than ' || $last_day || ' (today)'
    from stage_events where cast(created_at as date) > cast($last_day as date)
)
window kind as (partition by column_name, expected order by line)
qualify row_number() over kind <= $listed
order by line;

-- name: unmapped_seats
-- Seats the store cannot name a person for, with their first line and row count.
select e.seat_id, min(e.line) as first_line, count(*) as rows, count(*) over () as seats
from stage_events e
where e.seat_id is not null and e.seat_id not in (select seat_id from seats)
group by e.seat_id order by first_line limit $listed;

-- name: unknown_event_types
select activity_type, count(*) as rows, min(line) as first_line
from stage_events where activity_type not in (select unnest($known)) and activity_type is not null
group by activity_type order by first_line;

-- name: repeated_events
-- The same activityId twice (an export downloaded over an overlapping range): counted once.
select count(*) - count(distinct activity_id) from stage_events where activity_id is not null;

-- name: event_span
select min(cast(created_at as date)), max(cast(created_at as date)) from stage_events;

-- name: count_events
-- slot counts: fragments
-- Counts per seat holder and day, shaped like a staged file (queries/ingest.sql's
-- stage_resolved), so the same writes, undo and change counts apply. Every known type gets
-- a count, 0 when the seat did none of it that day; a day with any action is a day active.
create or replace temp table stage_resolved as
with counted as (
    select s.rep_id, cast(e.created_at as date) as day, min(e.line) as line,
           any_value(s.team_id) as seat_team,
           {counts}, 1.0 as m_days_active
    from (select distinct on (coalesce(activity_id, cast(line as varchar))) * from stage_events
          order by coalesce(activity_id, cast(line as varchar)), line) e
    join seats s using (seat_id)
    where e.activity_type in (select unnest($known))
    group by s.rep_id, cast(e.created_at as date)
), latest_team as (
    select rep_id, arg_max(team_id, day) as team_id from snapshots
    where rep_id in (select rep_id from counted) group by rep_id
)
select c.line, c.day, cast(null as date) as period_end, c.rep_id,
       coalesce(c.seat_team, lt.team_id, (select team_id from teams where name = $unassigned))
           as team_id,
       cast(null as double) as ssi_value, cast(null as double) as brand,
       cast(null as double) as people, cast(null as double) as insights,
       cast(null as double) as relationships, cast(null as double) as industry_rank,
       cast(null as double) as network_rank, cast(null as double) as industry_ssi,
       cast(null as double) as network_ssi, true as any_metric,
       c.* exclude (rep_id, day, line, seat_team)
from counted c left join latest_team lt using (rep_id);


-- name: event_count
-- One known type's count per seat holder and day, in count_events.
-- slot kind: text
-- slot metric: name
cast(count(*) filter (where e.activity_type = {kind}) as double) as {metric}

-- name: stage_events
-- One typed row per action, with its line; the columns are the export's, by position.
-- slot activity_id: name
-- slot activity_type: name
-- slot created_at: name
-- slot seat_id: name
-- slot created_format: text
create or replace temp table stage_events as
select line, nullif(trim({activity_id}), '') as activity_id,
       upper(nullif(trim({activity_type}), '')) as activity_type,
       {created_at} as created_raw,
       try_strptime(trim({created_at}), {created_format}) as created_at,
       nullif(trim({seat_id}), '') as seat_id
from stage_raw;

-- name: events_counted
-- The days active counted and the seat-days they make.
select coalesce(sum(m_days_active), 0), count(*) from stage_resolved;

-- name: events_actions_counted
-- The distinct actions of a known type (an action repeated in the file counts once).
select count(distinct coalesce(activity_id, cast(line as varchar)))
    filter (where activity_type in (select unnest($known)))
from stage_events;
