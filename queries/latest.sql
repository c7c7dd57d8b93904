-- Each rep's latest reading (migration 008), kept exact: after any write to the readings,
-- the reps it touched get theirs again from the readings themselves.

-- name: reps_of_touched_readings
-- The reps whose readings a write touched (its write-set, dashboard/store/writes.py).
create or replace temp table touched_reps as
select distinct rep_id from touched_readings;

-- name: refresh_latest_readings
-- A touched rep's latest reading is on or after their previous one, unless the write took
-- that one out (an undo, or a re-import leaving its SSI blank); then it is usually a little
-- before it. So each rep's readings are read from their previous latest on, or from 35
-- days (five weekly exports) before it when it was taken out, and only reps with nothing
-- there (new ones, or a longer gap) have all their readings read: a Monday upload and its
-- undo read a few times fewer rows than reading every reading of every touched rep
-- (bench/test_big_store.py).
create or replace temp table latest_search as
select t.rep_id,
       l.day - case when s.ssi is not null then 0 else 35 end as from_day
from touched_reps t
left join rep_latest l on l.rep_id = t.rep_id
left join snapshots s on s.rep_id = l.rep_id and s.day = l.day;
create or replace temp table latest_days as
select s.rep_id, max(s.day) as day from snapshots s
join latest_search f on f.rep_id = s.rep_id and s.day >= f.from_day
where s.ssi is not null and s.day >= (select min(from_day) from latest_search)
group by s.rep_id;
insert into latest_days
select rep_id, max(day) from snapshots
where ssi is not null
  and rep_id in (select rep_id from touched_reps anti join latest_days using (rep_id))
group by rep_id;
delete from rep_latest where rep_id in (select rep_id from touched_reps);
insert into rep_latest
select s.* from snapshots s
join latest_days l on l.rep_id = s.rep_id and l.day = s.day;
-- Their readings before the latest (migration 009): a reading on the point's own day first
-- (daily and weekly exports have one there), then the latest in the 35 days before it,
-- then, for points with nothing there, the latest of all earlier ones.
create or replace temp table base_points as
select l.rep_id, w.window_days, l.day - w.window_days as at
from rep_latest l cross join (values (7), (30)) w(window_days)
where l.rep_id in (select rep_id from touched_reps);
create or replace temp table bases_found as
select p.rep_id, p.window_days, s.day, s.ssi
from base_points p join snapshots s on s.rep_id = p.rep_id and s.day = p.at
where s.ssi is not null and s.day >= (select min(b.at) from base_points b);
create or replace temp table bases_missing as
select * from base_points anti join bases_found using (rep_id, window_days);
insert into bases_found
select p.rep_id, p.window_days, max(s.day) as day, arg_max(s.ssi, s.day) as ssi
from bases_missing p
join snapshots s on s.rep_id = p.rep_id and s.day < p.at and s.day >= p.at - 35
where s.ssi is not null and s.day >= (select min(b.at) from bases_missing b) - 35
group by p.rep_id, p.window_days;
insert into bases_found
select p.rep_id, p.window_days, max(s.day), arg_max(s.ssi, s.day)
from (select * from bases_missing anti join bases_found using (rep_id, window_days)) p
join snapshots s on s.rep_id = p.rep_id and s.day < p.at - 35
where s.ssi is not null
group by p.rep_id, p.window_days;
delete from rep_change_bases where rep_id in (select rep_id from touched_reps);
insert into rep_change_bases
select rep_id, window_days, day, ssi from bases_found order by rep_id, window_days;

-- name: rebuild_latest_readings
delete from rep_latest;
insert into rep_latest
select s.* from snapshots s
join (select rep_id, max(day) as day from snapshots where ssi is not null group by rep_id) l
  on l.rep_id = s.rep_id and l.day = s.day
order by s.rep_id;
delete from rep_change_bases;
-- An ASOF join sorts every reading: fine once per demo, not per upload.
insert into rep_change_bases
select p.rep_id, p.window_days, s.day, s.ssi
from (select l.rep_id, w.window_days, l.day - w.window_days as at
      from rep_latest l cross join (values (7), (30)) w(window_days)) p
asof join (select rep_id, day, ssi from snapshots where ssi is not null) s
  on s.rep_id = p.rep_id and p.at >= s.day
order by p.rep_id, p.window_days;

-- name: latest_from_scratch
-- What the summary must equal (tests compare the two).
select * from snapshots where ssi is not null
qualify day = max(day) over (partition by rep_id)
order by rep_id;

-- name: latest_readings
select * from rep_latest order by rep_id;

-- name: change_bases_from_scratch
-- What rep_change_bases must equal (tests compare the two): for each rep's latest reading,
-- their latest reading on or before 7 and 30 days earlier.
with latest as (
    select rep_id, max(day) as day from snapshots where ssi is not null group by rep_id
), points as (
    select l.rep_id, w.window_days, l.day - w.window_days as at
    from latest l cross join (values (7), (30)) w(window_days)
)
select p.rep_id, p.window_days, s.day, s.ssi
from points p join snapshots s on s.rep_id = p.rep_id and s.ssi is not null and s.day <= p.at
qualify s.day = max(s.day) over (partition by p.rep_id, p.window_days)
order by p.rep_id, p.window_days;

-- name: change_bases
select * from rep_change_bases order by rep_id, window_days;

-- name: reps_read_after
-- How many reps have a reading after $as_of: when none, everyone's reading as of $as_of is
-- their latest, and the leaderboard takes it from rep_latest.
select count(*) from rep_latest where day > cast($as_of as date);
