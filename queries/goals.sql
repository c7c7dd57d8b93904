-- Goals and events (migration 013; dashboard/scoring/goals.py, events.py, actions/goals.py).

-- name: every_goal
-- Every goal with the names of its team and rep, and the rep's current team (the team of
-- their newest reading), which decides who may see and set it.
-- (A rep with no reading has no team here: scoring/goals.py asks rep_team for them.)
select g.goal_id, g.metric, g.target, g.start_day, g.due_day, g.set_by, g.set_at, g.import_id,
       t.name as team, g.rep_id, r.name as rep, r.email, ct.name as rep_team
from goals g
left join teams t on t.team_id = g.team_id
left join reps r on r.rep_id = g.rep_id
left join rep_latest c on c.rep_id = g.rep_id
left join teams ct on ct.team_id = c.team_id
order by g.due_day, g.goal_id;

-- name: every_team
select name from teams order by name;

-- name: add_goal
insert into goals (team_id, rep_id, metric, target, start_day, due_day, set_by, set_at, import_id)
values ((select team_id from teams where name = $team), $rep_id, $metric, $target, $start_day,
        $due_day, $set_by, now(), $import_id)
returning goal_id;

-- name: remove_goal
delete from goals where goal_id = $goal_id;

-- name: goal_file_goals
-- The goals of a goal file (staged as goal_rows), written with its import.
insert into goals (team_id, rep_id, metric, target, start_day, due_day, set_by, set_at, import_id)
select (select team_id from teams where name = g.team), g.rep_id, g.metric, g.target,
       g.start_day, g.due_day, $set_by, now(), $import_id
from goal_rows g
order by g.line;

-- name: activity_metrics
-- The activity metrics the store knows, for a goal's metric.
select metric, label, kind from metric_catalogue order by metric;

-- name: goal_rep_readings
-- Each wanted (k, rep_id, day): the rep's latest reading on or before the day that gives any
-- score, and its day, read among the readings since $since only (the earliest wanted day
-- less a year: no scan of every reading). A goal whose metric this leaves empty is read
-- again, exactly, by goal_rep_values.
select w.k, s.day as value_day, s.ssi, s.brand, s.people, s.insights, s.relationships
from wanted_rep_values w
asof left join (
    select rep_id, day, ssi, brand, people, insights, relationships from snapshots
    where day >= cast($since as date)
      and (ssi is not null or brand is not null or people is not null or insights is not null
           or relationships is not null)
      and rep_id in (select rep_id from wanted_rep_values)
) s on s.rep_id = w.rep_id and w.day >= s.day;

-- name: goal_rep_values
-- Each wanted (k, rep_id, day, until), exactly: the rep's latest reading that gives
-- {metric} on or before the day, and their first after it up to until (for a goal set
-- before the rep's first such reading), each with its day. One scan of the reps' readings.
-- slot metric: name
select w.k,
       max(s.day) filter (where s.day <= w.day) as before_day,
       arg_max(s.{metric}, s.day) filter (where s.day <= w.day) as before_value,
       min(s.day) filter (where s.day > w.day and s.day <= w.until) as after_day,
       arg_min(s.{metric}, s.day) filter (where s.day > w.day and s.day <= w.until)
           as after_value
from wanted_rep_values w
join snapshots s on s.rep_id = w.rep_id
where s.{metric} is not null
group by w.k;

-- name: goal_team_values
-- Each wanted (k, team, day): the averages of the listed reps of the team (null: of the
-- company) on that day, from the team-day summary the trend charts read; balanced_share in
-- percent of the reps whose four pillars are known.
-- Sums as decimals, as averages_from_team_days takes them: the same figure as the chart's.
select w.k, cast(w.day as date) as value_day, cast(sum(d.reps) as bigint) as reps,
       cast(sum(try_cast(d.ssi_sum as decimal(38, 10))) as double)
           / nullif(sum(d.reps), 0) as ssi,
       cast(sum(try_cast(d.brand_sum as decimal(38, 10))) as double)
           / nullif(sum(d.brand_n), 0) as brand,
       cast(sum(try_cast(d.people_sum as decimal(38, 10))) as double)
           / nullif(sum(d.people_n), 0) as people,
       cast(sum(try_cast(d.insights_sum as decimal(38, 10))) as double)
           / nullif(sum(d.insights_n), 0) as insights,
       cast(sum(try_cast(d.relationships_sum as decimal(38, 10))) as double)
           / nullif(sum(d.relationships_n), 0) as relationships,
       100.0 * sum(d.balanced) / nullif(sum(d.pillars_known), 0) as balanced_share
from wanted_team_values w
join team_days d on d.day = cast(w.day as date)
    and (w.team is null or d.team_id = (select team_id from teams where name = w.team))
group by w.k, w.day
having sum(d.reps) > 0;

-- name: goal_activity_values
-- Each wanted (k, rep_id, team, metric, day): the metric's weekly figure over the $weeks
-- full weeks up to the day (a count: the mean weekly total; a stock or a rate: the newest
-- value), for a rep, else averaged over the seats of a team (its weeks in that team) or of
-- the company. A week a seat has no row for is no data, never 0.
with wanted as (
    select k, rep_id, team is not null as for_team, metric, cast(day as date) as day,
           (select team_id from teams t where t.name = w.team) as team_id
    from wanted_activity_values w
), recent as (
    -- The weeks and metrics wanted at all, as constants the scan can skip by.
    select a.*, c.kind from activity_weekly a join metric_catalogue c using (metric)
    where a.week between cast($first_week as date) and cast($last_week as date)
      and a.metric in (select distinct metric from wanted_activity_values)
), weeks as (
    -- A rep's own weeks (joined on the rep: an OR in the join made it a loop over all rows).
    select w.k, w.day, a.rep_id as seat, a.week, a.total, a.latest, a.kind
    from wanted w
    join recent a on a.rep_id = w.rep_id and a.metric = w.metric
        and a.week + 6 <= w.day and a.week > w.day - 7 * ($weeks + 1)
    union all
    -- A team's seats' weeks in that team, or every seat's for the company.
    select w.k, w.day, a.rep_id, a.week, a.total, a.latest, a.kind
    from wanted w
    join recent a on a.metric = w.metric
        and a.week + 6 <= w.day and a.week > w.day - 7 * ($weeks + 1)
        and (not w.for_team or a.team_id = w.team_id)
    where w.rep_id is null
), per_seat as (
    select k, seat, any_value(day) as day,
           if(any_value(kind) = 'count', avg(total), arg_max(latest, week)) as value
    from weeks
    group by k, seat
)
select k, max(day) as value_day, avg(value) as value, count(*) as reps
from per_seat
group by k;

-- name: every_event
-- (A rep with no reading has no team here: scoring/events.py asks rep_team for them.)
select e.event_id, e.day, e.title, t.name as team, e.rep_id, r.name as rep, r.email,
       ct.name as rep_team, e.set_by, e.set_at
from events e
left join teams t on t.team_id = e.team_id
left join reps r on r.rep_id = e.rep_id
left join rep_latest c on c.rep_id = e.rep_id
left join teams ct on ct.team_id = c.team_id
order by e.day, e.event_id;

-- name: add_event
insert into events (day, title, team_id, rep_id, set_by, set_at)
values ($day, $title, (select team_id from teams where name = $team), $rep_id, $set_by, now())
returning event_id;

-- name: remove_event
delete from events where event_id = $event_id;

-- name: reps_on_days
-- Each rep's reading as of each of three days (before, at and after an event): the latest on
-- or before the day, at most $stale_days old. With the rep's team on the event's day.
with days as (
    select unnest([cast($before as date), cast($at as date), cast($after as date)]) as day
), pairs as (
    select r.rep_id, d.day from (select distinct rep_id from snapshots) r cross join days d
)
select p.rep_id, p.day, s.ssi, s.day as reading_day, t.name as team
from pairs p
asof left join (select rep_id, day, ssi, team_id from snapshots where ssi is not null) s
    on s.rep_id = p.rep_id and p.day >= s.day
left join teams t on t.team_id = s.team_id
where s.day is not null and p.day - s.day <= $stale_days;
