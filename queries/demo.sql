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
