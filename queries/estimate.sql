-- name: estimate_inputs
-- Each rep's value of every estimate input as of $as_of, with its level on the saturating
-- curve, the points it earns and the points it would add at its target (the levels are
-- the macro ssi_estimate_levels, queries/macros.sql). $rep_id narrows it to one rep (a
-- self-check); null means every rep.
-- The input's own columns (pillar, name, action...) are attached in Python by input_no:
-- 140,000 rows of repeated text cost more to hand to pandas than the query itself.
select rep_id, input_no, value, value is not null as has_data, level,
       25 * weight * level as points,
       25 * weight * (1 - level) as gain_at_target
from ssi_estimate_levels($as_of, $window_days, $curve_k, $rep_id, 'estimate_config')
order by rep_id, pillar, input;

-- name: estimated_pillars
-- Each rep's estimated pillars and SSI as of $as_of: the points of a pillar's inputs
-- summed and held to 0-25, missing unless the inputs with data carry at least
-- $min_coverage of the pillar's weight; the SSI is missing unless all four pillars are
-- there. What estimated_pillars(estimate_inputs(...)) computes in pandas, summed here: at
-- 100,000 reps the 1.3 million rows of inputs took longer to sort and hand over than to
-- compute. $rep_id narrows it to one rep; null means every rep with activity.
with per_pillar as (
    select rep_id, pillar, sum(25 * weight * level) as points,
           coalesce(sum(weight) filter (where value is not null), 0) as known_weight
    from ssi_estimate_levels($as_of, $window_days, $curve_k, $rep_id, 'estimate_config')
    group by rep_id, pillar
), held as (
    select rep_id, pillar,
           case when known_weight >= $min_coverage - 1e-9
                then least(greatest(points, 0), 25) end as points
    from per_pillar
), wide as (
    select rep_id,
           max(points) filter (where pillar = 'brand') as brand,
           max(points) filter (where pillar = 'people') as people,
           max(points) filter (where pillar = 'insights') as insights,
           max(points) filter (where pillar = 'relationships') as relationships
    from held
    group by rep_id
)
select rep_id, brand, people, insights, relationships,
       brand + people + insights + relationships as ssi
from wide
order by rep_id;

-- name: reported_on_day
-- Reported readings taken exactly on $as_of (to set beside estimates of the same day).
select rep_id, ssi, brand, people, insights, relationships
from snapshots where day = $as_of and ssi is not null and source = 'reported';
