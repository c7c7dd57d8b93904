-- The Activity page (dashboard/scoring/activity.py): seats, adoption and activity over time.
-- A row's counts belong to the week or month its period starts in; a period is never
-- spread over days. Only rows starting between $start and $as_of are read.

-- name: activity_window
-- One pass over the period's activity, kept for this cursor: per seat, bucket and metric.
-- The page's other figures are read from it, not from the activity table again. The value
-- each metric's kind calls for is chosen on the grouped rows.
create or replace temp table activity_window as
with grouped as (
    select rep_id, cast(date_trunc($grain, day) as date) as bucket, metric,
           arg_max(team_id, day) as team_id, max(day) as last_day, sum(value) as total,
           count(*) as periods, arg_max(value, day) as latest,
           max(datediff('day', day, coalesce(period_end, day))) + 1 as longest
    from activity where day between $start and $as_of
    group by rep_id, bucket, metric
)
select g.*, c.kind,
       case c.kind when 'count' then g.total when 'percent' then g.total / g.periods
                   else g.latest end as value,
       g.longest > $grain_days as too_long
from grouped g join metric_catalogue c using (metric);

-- name: activity_window_weekly
-- The same by week (see the macro ssi_activity_weeks): whole weeks from the weekly summary.
create or replace temp table activity_window as
select * from ssi_activity_weeks($start, $current_week, $as_of, null);

-- name: rep_against_team_weeks
-- The self-check's chart: per metric of $metrics and week from $start (a Monday) to
-- $as_of, the median seat of team $team_id, how many seats, and rep $rep_id's own value
-- (null when the rep has none that week). Weeks a longer period fell in are left out.
select metric, bucket, median(value) as team_median, count(*) as seats,
       any_value(value) filter (where rep_id = $rep_id) as you
from ssi_activity_weeks($start, $current_week, $as_of, $team_id)
where not too_long and metric in (select unnest($metrics))
group by metric, bucket;

-- name: recent_seats
-- Seats that did something (a count above 0) in the days from $active_from to $as_of.
create or replace temp table recent_seats as
select distinct a.rep_id from activity a join metric_catalogue c using (metric)
where a.day between $active_from and $as_of and c.kind = 'count' and a.value > 0;

-- name: window_metric
-- One metric per seat and bucket, for the trend and the sparklines.
select rep_id, team_id, bucket, metric, value, too_long from activity_window
where metric = $metric;

-- name: window_by_rep
-- Each metric per seat over the whole period: counts summed, percentages averaged over
-- the periods, stocks their latest value.
select rep_id, metric,
       case any_value(kind)
            when 'count' then sum(value)
            when 'percent' then sum(total) / sum(periods)
            else arg_max(value, last_day) end as value
from activity_window group by rep_id, metric;

-- name: window_active_seats
-- Per bucket: seats with any figure, and seats that did something (a count above 0), of
-- the chosen teams ($team_ids, all when empty) as they were that week or month.
select bucket, count(distinct rep_id) as with_data,
       count(distinct rep_id) filter (where kind = 'count' and value > 0) as active
from activity_window where len($team_ids) = 0 or list_contains($team_ids, team_id)
group by bucket order by bucket;

-- name: activity_seats
-- Every seat in the period: its team (latest), days active, whether it did anything in the
-- last days, whether it has activity data at all or only "no data" periods.
with per_rep as (
    select rep_id, arg_max(team_id, last_day) as team_id,
           sum(value) filter (where metric = 'days_active') as days_active,
           coalesce(sum(value) filter (where kind = 'count' and metric <> 'days_active'), 0)
               as actions,
           bool_or(rep_id in (select rep_id from recent_seats)) as active_recently
    from activity_window group by rep_id
), gaps as (
    select rep_id, arg_max(team_id, day) as team_id
    from activity_gaps where day between $start and $as_of group by rep_id
), mapped as (
    -- Seats from a seat list with neither activity nor a "no data" period in the window.
    select rep_id, team_id from seats
    where team_id is not null and rep_id not in (select rep_id from per_rep)
      and rep_id not in (select rep_id from gaps)
    qualify row_number() over (partition by rep_id order by seat_id) = 1
)
select coalesce(p.rep_id, g.rep_id) as rep_id, r.name, t.name as team, p.days_active,
       coalesce(p.actions, 0) as actions, coalesce(p.active_recently, false) as active_recently,
       p.rep_id is not null as has_data
from per_rep p full join gaps g using (rep_id)
join reps r on r.rep_id = coalesce(p.rep_id, g.rep_id)
join teams t on t.team_id = coalesce(p.team_id, g.team_id)
union all
select m.rep_id, r.name, t.name, null, 0, false, false
from mapped m join reps r using (rep_id) join teams t using (team_id);

-- name: metric_labels
select metric, label, kind from metric_catalogue;

-- name: team_ids
select team_id, name from teams;

-- name: rep_activity_team
-- The team of a rep's newest activity row from week $start up to $as_of (teams are kept
-- per row); null when the rep has none in that period. Weeks before $as_of's own come from
-- the weekly summary (the team of each week's newest row); only $as_of's week is read from
-- the activity table, which is 7 times the size. Only the period's weeks are read, not the
-- rep's whole history (bench/test_big_store.py).
select arg_max(team_id, day) from (
    select team_id, last_day as day from activity_weekly
    where rep_id = $rep_id and week < cast(date_trunc('week', cast($as_of as date)) as date)
      and week >= $start
    union all
    select team_id, day from activity
    where rep_id = $rep_id and day <= $as_of
      and day >= cast(date_trunc('week', cast($as_of as date)) as date)
);

-- name: ssi_on
-- Each person's newest SSI on or before $day, if it is at most $listed_for_days old (the
-- leaderboard's rule for a reading that counts).
select rep_id, arg_max(ssi, day) as ssi from snapshots
where day between cast($day as date) - cast($listed_for_days as integer) and $day
  and ssi is not null
group by rep_id;
