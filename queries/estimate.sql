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
-- Each rep's estimated pillars and SSI as of $as_of, by the estimate's rule (the macro
-- ssi_estimate_rule, queries/macros.sql), for every rep with activity in the window ($rep_id
-- null: the team review) or one. Summed here, not in pandas: at 100,000 reps the 1.3
-- million rows of inputs took longer to sort and hand over than to compute.
with levels as (
    select * from ssi_estimate_levels($as_of, $window_days, $curve_k, $rep_id, 'estimate_config')
)
select * from ssi_estimate_rule('levels', $min_coverage)
order by rep_id;

-- name: estimate_of_inputs
-- The same rule over inputs a page already holds (the self-check reads its rep's inputs to
-- show them, registered as rep_inputs): asking the store for that rep's pillars would read
-- the window's activity a second time.
select * from ssi_estimate_rule('rep_inputs', $min_coverage)
order by rep_id;

-- name: reported_on_day
-- Reported readings taken exactly on $as_of (to set beside estimates of the same day).
select rep_id, ssi, brand, people, insights, relationships
from snapshots where day = $as_of and ssi is not null and source = 'reported';
