-- The per-team daily SSI summary (migration 008), kept exact: after any write to the
-- readings, the days it can have changed are summed again from the readings themselves.
-- A reading counts for its rep from its own day until the rep's next reading, and at most
-- $carry_days after it (as `averages_over_time` carries it), in the team it names.

-- name: team_days_rules
select carry_days, top_from, above_average_from, low_from, balanced_min from team_days_rules;

-- name: set_team_days_rules
delete from team_days_rules;
insert into team_days_rules
values ($carry_days, $top_from, $above_average_from, $low_from, $balanced_min);

-- name: days_of_touched_readings
-- The first and last day of the readings a write touched, put in or taken out. (Kept in
-- SQL: a store may hold a day Python has no date for, 1 BC from an old import, and days are
-- added to it.)
create or replace temp table touched_days as
select min(day) as first_day, max(day) as last_day from touched_readings;

-- name: clear_team_days
delete from team_days;

-- name: days_of_every_reading
create or replace temp table touched_days as
select min(day) as first_day, max(day) as last_day from snapshots where ssi is not null;

-- name: sum_team_days
-- The days a write to readings from first_day to last_day (touched_days) can have changed,
-- summed again: a reading counts up to $carry_days after its day. Each reading is spread
-- over the days it counts on, so a store's span of dates costs nothing where it has no
-- readings (a reading typed as year 1 adds $carry_days + 1 days, not two thousand years of
-- empty ones). Nothing when the write touched no reading (the days are null).
-- Sums are taken as decimals: exact, so they do not depend on the order rows arrive in
-- (as doubles they moved in the last bits from run to run, which moved a rounded average
-- by 0.01). A value too large for a decimal (none an import accepts) is left out.
create or replace temp table summed_days as
select first_day, last_day + cast($carry_days as integer) as last_day from touched_days;
delete from team_days
where day between (select first_day from summed_days) and (select last_day from summed_days);
insert into team_days
with readings as (
    select rep_id, day, team_id, ssi, brand, people, insights, relationships,
           ssi_band(ssi, $top_from, $above_average_from, $low_from) as band,
           ssi_balanced(brand, people, insights, relationships, $balanced_min) as balanced,
           lead(day) over (partition by rep_id order by day) as next_day
    from snapshots
    where ssi is not null
      and day >= (select first_day from summed_days) - cast($carry_days as integer)
      and day <= (select last_day from summed_days)
), spread as (
    select cast(unnest(generate_series(
               greatest(day, (select first_day from summed_days)),
               least(coalesce(next_day - 1, day + cast($carry_days as integer)),
                     day + cast($carry_days as integer), (select last_day from summed_days)),
               interval 1 day)) as date) as day,
           team_id, ssi, brand, people, insights, relationships, band, balanced
    from readings
)
select day, team_id, count(*), cast(sum(try_cast(ssi as decimal(38, 10))) as double),
       count(brand), cast(sum(try_cast(brand as decimal(38, 10))) as double),
       count(people), cast(sum(try_cast(people as decimal(38, 10))) as double),
       count(insights), cast(sum(try_cast(insights as decimal(38, 10))) as double),
       count(relationships), cast(sum(try_cast(relationships as decimal(38, 10))) as double),
       count(*) filter (where band = 'top'), count(*) filter (where band = 'above average'),
       count(*) filter (where band = 'low'), count(*) filter (where band = 'very poor'),
       count(*) filter (where balanced), count(balanced)
from spread
group by day, team_id
order by day, team_id;

-- name: averages_from_team_days
-- What `averages_over_time` computes, from the summary: team and company figures per date
-- from $start to $end every $step days (sums as decimals again, so in any order the same).
with days as (
    select cast(unnest(generate_series(cast($start as date), cast($end as date),
                                       to_days(cast($step as integer)))) as date) as d
), s as (
    select day, team_id, reps, brand_n, people_n, insights_n, relationships_n,
           try_cast(ssi_sum as decimal(38, 10)) as ssi_sum,
           try_cast(brand_sum as decimal(38, 10)) as brand_sum,
           try_cast(people_sum as decimal(38, 10)) as people_sum,
           try_cast(insights_sum as decimal(38, 10)) as insights_sum,
           try_cast(relationships_sum as decimal(38, 10)) as relationships_sum,
           band_top, band_above_average, band_low, band_very_poor, balanced, pillars_known
    from team_days
    where day between cast($start as date) and cast($end as date)
)
select s.day, t.name as team, grouping(t.name) = 1 as company,
       cast(sum(s.reps) as bigint) as reps,
       cast(sum(s.ssi_sum) as double) / sum(s.reps) as ssi,
       cast(sum(s.brand_sum) as double) / nullif(sum(s.brand_n), 0) as brand,
       cast(sum(s.people_sum) as double) / nullif(sum(s.people_n), 0) as people,
       cast(sum(s.insights_sum) as double) / nullif(sum(s.insights_n), 0) as insights,
       cast(sum(s.relationships_sum) as double) / nullif(sum(s.relationships_n), 0)
           as relationships,
       cast(sum(s.band_top) as bigint) as band_top,
       cast(sum(s.band_above_average) as bigint) as band_above_average,
       cast(sum(s.band_low) as bigint) as band_low,
       cast(sum(s.band_very_poor) as bigint) as band_very_poor,
       cast(sum(s.balanced) as double) / nullif(sum(s.pillars_known), 0) as share_balanced,
       cast(sum(s.pillars_known) as bigint) as balanced_known
from s
join days on days.d = s.day
join teams t on t.team_id = s.team_id
group by grouping sets ((s.day, t.name), (s.day))
order by s.day, company desc, team;
