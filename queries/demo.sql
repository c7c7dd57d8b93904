-- name: count_imports
select count(*) from imports;

-- name: count_snapshots
select count(*) from snapshots;

-- name: load_demo
-- The demo organisation, from DataFrames registered by dashboard/demo.py.
insert into teams (team_id, name) select team_id, name from demo_teams;
insert into reps (rep_id, name, email) select rep_id, name, email from demo_reps;
insert into snapshots
select rep_id, day, team_id, ssi, brand, people, insights, relationships,
       industry_rank, network_rank, industry_ssi, network_ssi, 'reported', $import_id
from demo_snapshots;
insert into activity by name
select rep_id, day, team_id, metric, value, $import_id as import_id,
       cast(period_end as date) as period_end
from demo_activity;
insert into activity_gaps
select rep_id, day, period_end, team_id, $import_id from demo_gaps;
select setval('team_ids', (select max(team_id) from teams));
select setval('rep_ids', (select max(rep_id) from reps));
insert into imports (import_id, file_name, content_hash, format, rows_read, rows_loaded,
                     imported_at, status)
values ($import_id, $label, 'demo:' || $label, 'demo organisation', $rows, $rows, now(), 'loaded');
