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

-- name: reading_days_of_import
-- The first and last day of the readings an import wrote or changed.
select min(day), max(day) from snapshot_changes where change <> 'same';

-- name: reading_days_of_undo
-- The first and last day of the readings an undo takes out and puts back (read before it).
select min(day), max(day) from (
    select day from snapshots where import_id = $import_id
    union all
    select day from snapshot_history where replaced_by = $import_id
);

-- name: reading_days
select min(day), max(day) from snapshots where ssi is not null;

-- name: sum_team_days
-- The days from $first to $last summed again. Each reading is spread over the days it
-- counts on, so a store's span of dates costs nothing where it has no readings (a reading
-- typed as year 1 adds $carry_days + 1 days, not two thousand years of empty ones).
delete from team_days where day between cast($first as date) and cast($last as date);
insert into team_days
with readings as (
    select rep_id, day, team_id, ssi, brand, people, insights, relationships,
           lead(day) over (partition by rep_id order by day) as next_day
    from snapshots
    where ssi is not null
      and day >= cast($first as date) - cast($carry_days as integer)
      and day <= cast($last as date)
), spread as (
    select cast(unnest(generate_series(
               greatest(day, cast($first as date)),
               least(coalesce(next_day - 1, day + cast($carry_days as integer)),
                     day + cast($carry_days as integer), cast($last as date)),
               interval 1 day)) as date) as day,
           team_id, ssi, brand, people, insights, relationships
    from readings
)
select day, team_id, count(*), sum(ssi),
       count(brand), sum(brand), count(people), sum(people),
       count(insights), sum(insights), count(relationships), sum(relationships),
       count(*) filter (where ssi >= $top_from),
       count(*) filter (where ssi >= $above_average_from and ssi < $top_from),
       count(*) filter (where ssi >= $low_from and ssi < $above_average_from),
       count(*) filter (where ssi < $low_from),
       -- least() skips a missing pillar, as the averages computed from readings do.
       count(*) filter (where least(brand, people, insights, relationships) >= $balanced_min)
from spread
group by day, team_id
order by day, team_id;

-- name: averages_from_team_days
-- What `averages_over_time` computes, from the summary: team and company figures per date
-- from $start to $end every $step days.
with days as (
    select cast(unnest(generate_series(cast($start as date), cast($end as date),
                                       to_days(cast($step as integer)))) as date) as d
)
select s.day, t.name as team, grouping(t.name) = 1 as company,
       cast(sum(s.reps) as bigint) as reps,
       sum(s.ssi_sum) / sum(s.reps) as ssi,
       sum(s.brand_sum) / nullif(sum(s.brand_n), 0) as brand,
       sum(s.people_sum) / nullif(sum(s.people_n), 0) as people,
       sum(s.insights_sum) / nullif(sum(s.insights_n), 0) as insights,
       sum(s.relationships_sum) / nullif(sum(s.relationships_n), 0) as relationships,
       cast(sum(s.band_top) as bigint) as band_top,
       cast(sum(s.band_above_average) as bigint) as band_above_average,
       cast(sum(s.band_low) as bigint) as band_low,
       cast(sum(s.band_very_poor) as bigint) as band_very_poor,
       cast(sum(s.balanced) as double) / sum(s.reps) as share_balanced
from team_days s
join days on days.d = s.day
join teams t on t.team_id = s.team_id
where s.day between cast($start as date) and cast($end as date)
group by grouping sets ((s.day, t.name), (s.day))
order by s.day, company desc, team;
