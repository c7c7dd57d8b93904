-- Each rep's latest reading (migration 008), kept exact: after any write to the readings,
-- the reps it touched get theirs again from the readings themselves.

-- name: reps_of_import
create or replace temp table touched_reps as
select distinct rep_id from snapshot_changes where change <> 'same';

-- name: reps_of_undo
-- The reps whose readings an undo takes out or puts back (read before it does).
create or replace temp table touched_reps as
select distinct rep_id from (
    select rep_id from snapshots where import_id = $import_id
    union all
    select rep_id from snapshot_history where replaced_by = $import_id
);

-- name: refresh_latest_readings
delete from rep_latest where rep_id in (select rep_id from touched_reps);
insert into rep_latest
select s.* from snapshots s
join (select rep_id, max(day) as day from snapshots
      where ssi is not null and rep_id in (select rep_id from touched_reps)
      group by rep_id) l
  on l.rep_id = s.rep_id and l.day = s.day;

-- name: rebuild_latest_readings
delete from rep_latest;
insert into rep_latest
select s.* from snapshots s
join (select rep_id, max(day) as day from snapshots where ssi is not null group by rep_id) l
  on l.rep_id = s.rep_id and l.day = s.day
order by s.rep_id;

-- name: latest_from_scratch
-- What the summary must equal (tests compare the two).
select * from snapshots where ssi is not null
qualify day = max(day) over (partition by rep_id)
order by rep_id;

-- name: latest_readings
select * from rep_latest order by rep_id;

-- name: reps_read_after
-- How many reps have a reading after $as_of: when none, everyone's reading as of $as_of is
-- their latest, and the leaderboard takes it from rep_latest.
select count(*) from rep_latest where day > cast($as_of as date);
