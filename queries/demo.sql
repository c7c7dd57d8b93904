-- name: count_imports
select count(*) from imports;

-- name: count_snapshots
select count(*) from snapshots;

-- name: demo_counts
select (select count(*) from reps) as reps, (select count(*) from snapshots) as snapshots,
       (select count(*) from activity) as activity;

-- name: load_demo
-- The demo organisation: teams and reps registered by dashboard/demo.py, then its blocks
-- of reps, each written by it to Parquet files ($snapshots), read back day by day.
insert into teams (team_id, name) select team_id, name from demo_teams;
insert into reps (rep_id, name, email) select rep_id, name, email from demo_reps;
insert into snapshots
select rep_id, day, team_id, ssi, brand, people, insights, relationships,
       industry_rank, network_rank, industry_ssi, network_ssi, 'reported', $import_id
from read_parquet($snapshots)
order by day, rep_id;
select setval('team_ids', (select max(team_id) from teams));
select setval('rep_ids', (select max(rep_id) from reps));
insert into imports (import_id, file_name, content_hash, format, rows_read, rows_loaded,
                     imported_at, status)
values ($import_id, $label, 'demo:' || $label, 'demo organisation', $rows, $rows, now(), 'loaded');

-- name: load_demo_gaps
-- The never-activated seats' weeks, from the blocks that have any ($gaps).
insert into activity_gaps
select rep_id, day, period_end, team_id, $import_id from read_parquet($gaps)
order by rep_id, day;

-- name: load_demo_activity
-- One metric's demo activity from every block's Parquet file ($activity), day by day.
-- Metric after metric, as one export per metric fills the table; each sort then holds one
-- metric's rows, not all 100 million.
insert into activity by name
select rep_id, day, team_id, metric, value, $import_id as import_id,
       cast(null as date) as period_end
from read_parquet($activity)
where metric = $metric
order by day, rep_id;

-- name: demo_goals
-- Goals as managers set them at the start of the demo's last quarter: the first team's SSI
-- two points up, the second team's "Find the right people" pillar one point up, the
-- company's days active, and the first team's first three reps' SSI one, three and six
-- points up, each from where it stood when the quarter began.
insert into goals (team_id, rep_id, metric, target, start_day, due_day, set_by, set_at, import_id)
with quarter as (
    select cast(date_trunc('quarter', max(day)) as date) as q0,
           cast(date_trunc('quarter', max(day)) + interval 3 month - interval 1 day as date) as q1
    from snapshots
), at_start as (
    select s.rep_id, arg_max(s.team_id, s.day) as team_id, arg_max(s.ssi, s.day) as ssi,
           arg_max(s.people, s.day) as people
    from snapshots s, quarter q
    where s.day <= q.q0 and s.day > q.q0 - 90 and s.ssi is not null
    group by s.rep_id
), teams_in_order as (
    select team_id, row_number() over (order by team_id) as n from teams
    where team_id in (select team_id from at_start)
), wanted as (
    select t.team_id, null as rep_id, 'ssi' as metric, round(avg(a.ssi)) + 2 as target
    from at_start a join teams_in_order t using (team_id) where t.n = 1 group by t.team_id
    union all
    select t.team_id, null, 'people', least(round(avg(a.people)) + 1, 25)
    from at_start a join teams_in_order t using (team_id) where t.n = 2 group by t.team_id
    union all
    select null, null, 'days_active', 3.5
    union all
    select null, rep_id, 'ssi', least(round(ssi) + [1, 3, 6][k], 100)
    from (select a.rep_id, a.ssi, row_number() over (order by a.rep_id) as k
          from at_start a join teams_in_order t using (team_id) where t.n = 1)
    where k <= 3
)
select w.team_id, w.rep_id, w.metric, w.target, q.q0, q.q1, 'demo', now(), $import_id
from wanted w, quarter q;

-- name: demo_events
-- What happened, as a demo organisation would note it: LinkedIn changing its scoring, a
-- training of the first team, a rep of it moving territory.
insert into events (day, title, team_id, rep_id, set_by, set_at)
with last as (select max(day) as d from snapshots),
first_team as (select min(team_id) as team_id from rep_latest),
first_rep as (select min(rep_id) as rep_id from rep_latest
              where team_id = (select team_id from first_team))
select cast(d - 75 as date), 'LinkedIn changed how the SSI is scored', null, null, 'demo', now()
from last
union all
select cast(d - 40 as date), 'Social selling training', (select team_id from first_team), null,
       'demo', now()
from last
union all
select cast(d - 20 as date), 'Moved to a new territory', null, (select rep_id from first_rep),
       'demo', now()
from last;

-- name: demo_rep_months
-- Each rep's months with readings: their average SSI, their team and the store's last day.
select rep_id, cast(date_trunc('month', day) as date) as month, arg_max(team_id, day) as team_id,
       avg(ssi) as ssi, (select max(day) from snapshots) as last_day
from snapshots group by all order by rep_id, month;

-- name: load_demo_deals
-- The demo's deals (demo_deals, from dashboard/demo.py), as a Salesforce export would give them.
insert into deals
select 'salesforce', crm_id, name, account, rep_id, stage, status, amount, currency, amount,
       currency, created_day, cast(closed_day as date), $import_id
from demo_deals;
