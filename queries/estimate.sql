-- name: estimate_inputs
-- Each rep's value of every estimate input as of $as_of, with its level on the saturating
-- curve, the points it earns and the points it would add at its target. The inputs come
-- from scoring.toml, registered as the table estimate_config. An input whose metric the rep
-- has no rows for in the window has no value (null, has_data false): unknown, not zero.
-- $rep_id narrows it to one rep (a self-check); null means every rep.
with parts as (
    -- The window's whole weeks (Monday to Sunday) from the weekly summary, and only its
    -- days before the first whole week and after the last from the activity table, the
    -- store's largest: a third of the rows a 30-day window reads otherwise.
    select rep_id, metric, total, latest as latest_value, last_day
    from activity_weekly
    where week >= cast(date_trunc('week', cast($as_of as date) - $window_days + 7) as date)
      and week <= cast(date_trunc('week', cast($as_of as date) - 6) as date)
      and ($rep_id is null or rep_id = $rep_id)
    union all
    select rep_id, metric, value, value, day
    from activity
    where day > cast($as_of as date) - $window_days and day <= cast($as_of as date)
      and not (day >= cast(date_trunc('week', cast($as_of as date) - $window_days + 7) as date)
               and day < cast(date_trunc('week', cast($as_of as date) - 6) as date) + 7)
      and ($rep_id is null or rep_id = $rep_id)
), win as (
    select rep_id, metric, sum(total) as total, arg_max(latest_value, last_day) as latest_value
    from parts
    group by rep_id, metric
), active_reps as (
    select distinct rep_id from win
), values_ as (
    select a.rep_id, c.input_no, c.pillar, c.input, c.aggregate, c.target, c.weight,
           case c.aggregate
               when 'sum' then w.total
               when 'latest' then w.latest_value
               when 'rate' then 100.0 * w.total / nullif(d.total, 0)
           end as value
    from active_reps a
    cross join estimate_config c
    left join win w on w.rep_id = a.rep_id and w.metric = c.metric
    left join win d on d.rep_id = a.rep_id and d.metric = c.denominator
), levelled as (
    select *,
           case when value is null or value <= 0 then 0.0
                when value >= target then 1.0
                else (1 - exp(-$curve_k * value / target)) / (1 - exp(-$curve_k)) end as level
    from values_
)
-- The input's own columns (pillar, name, action...) are attached in Python by input_no:
-- 140,000 rows of repeated text cost more to hand to pandas than the query itself.
select rep_id, input_no, value, value is not null as has_data, level,
       25 * weight * level as points,
       25 * weight * (1 - level) as gain_at_target
from levelled
order by rep_id, pillar, input;

-- name: reported_on_day
-- Reported readings taken exactly on $as_of (to set beside estimates of the same day).
select rep_id, ssi, brand, people, insights, relationships
from snapshots where day = $as_of and ssi is not null and source = 'reported';
