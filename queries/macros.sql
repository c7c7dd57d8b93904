-- The SQL macros of the importer and the activity views. Applied on every connect
-- (Store.apply_macros), not by a migration: change a macro here and every store picks it up
-- at its next start.

-- Whether a reading is balanced: every pillar at least balanced_min. Unknown (NULL) when a
-- pillar is missing: such a reading is neither balanced nor unbalanced, and a share of
-- balanced reps counts it in neither part (least() would skip the NULL and call it
-- balanced). The leaderboard, the KPI, the team comparison and the trend all use this.
create or replace macro ssi_balanced(brand, people, insights, relationships, balanced_min) as
    case when brand is null or people is null or insights is null or relationships is null
         then null
         else brand >= balanced_min and people >= balanced_min and insights >= balanced_min
              and relationships >= balanced_min end;

-- An SSI's band, from the bounds of scoring.toml [bands] (NULL for no SSI).
create or replace macro ssi_band(ssi, top_from, above_average_from, low_from) as
    case when ssi >= top_from then 'top'
         when ssi >= above_average_from then 'above average'
         when ssi >= low_from then 'low'
         when ssi is not null then 'very poor' end;

-- Parses numbers as people type them: 45%, 1,234 and, in decimal-comma files, 20,5.
create or replace macro ssi_clean_number(raw) as regexp_replace(trim(raw), '[%\s]', '', 'g');
create or replace macro ssi_number_slow(raw, comma_decimal) as case
    when ssi_clean_number(raw) = '' then null
    when comma_decimal and regexp_full_match(ssi_clean_number(raw), '[+-]?\d{1,3}(\.\d{3})+(,\d+)?')
        then try_cast(replace(replace(ssi_clean_number(raw), '.', ''), ',', '.') as double)
    when comma_decimal and regexp_full_match(ssi_clean_number(raw), '[+-]?\d*,\d+')
        then try_cast(replace(ssi_clean_number(raw), ',', '.') as double)
    when not comma_decimal and regexp_full_match(ssi_clean_number(raw), '[+-]?\d{1,3}(,\d{3})+(\.\d+)?')
        then try_cast(replace(ssi_clean_number(raw), ',', '') as double)
    when regexp_full_match(ssi_clean_number(raw), '[+-]?(\d+\.?\d*|\.\d+)')
        then try_cast(ssi_clean_number(raw) as double)
    else null end;
-- Fast path first: most cells are plain numbers that a cast reads directly.
create or replace macro ssi_number(raw, comma_decimal) as case
    when raw is null then null
    when not comma_decimal then coalesce(try_cast(raw as double), ssi_number_slow(raw, false))
    when not contains(raw, '.')
        then coalesce(try_cast(replace(raw, ',', '.') as double), ssi_number_slow(raw, true))
    else ssi_number_slow(raw, true) end;
-- An amount as a CRM exports it ('12,500.00', '$12,500', 'EUR 1.200,50', '12 500 €'):
-- its number without the currency, and the currency it names (a code wins over a sign).
create or replace macro ssi_amount_text(raw) as
    regexp_replace(trim(raw), '^([A-Z]{3}|[$€£¥])\s*|\s*([A-Z]{3}|[$€£¥])$', '', 'g');
create or replace macro ssi_amount_currency(raw) as case
    when regexp_matches(trim(raw), '^[A-Z]{3}|[A-Z]{3}$')
        then regexp_extract(trim(raw), '^([A-Z]{3})|([A-Z]{3})$', 0)
    when contains(raw, '€') then 'EUR' when contains(raw, '£') then 'GBP'
    when contains(raw, '¥') then 'JPY' when contains(raw, '$') then 'USD' end;
-- A stage's name as matched against scoring.toml's [deals] stages: 'Closed Won' = 'closedwon'.
create or replace macro ssi_stage_key(stage) as
    regexp_replace(lower(strip_accents(stage)), '[^0-9a-z]+', '', 'g');
-- A person's name as matched against a CRM's owner: case, accents and spacing aside, and
-- 'Lee, Ann' read as 'Ann Lee'.
create or replace macro ssi_person_key(name) as trim(regexp_replace(lower(strip_accents(
    case when contains(name, ',') and not contains(name, '@')
         then split_part(name, ',', 2) || ' ' || split_part(name, ',', 1)
         else name end)), '[^0-9a-z@.]+', ' ', 'g'));
-- A yes/no flag as reports write it.
create or replace macro ssi_flag(raw) as lower(trim(raw)) in ('1', 'true', 'yes', 'y', 'x', 'wahr', 'vrai', 'ja', 'oui');
-- The date part of a cell that may carry a time: '3/7/26, 9:15 AM', '2026-03-07 09:15:02 UTC'.
create or replace macro ssi_date_text(raw) as case
    when contains(raw, ':') then regexp_replace(trim(raw), '([ T,]+\d{1,2}:\d{2}.*)$', '')
    else trim(raw) end;

-- Each rep's latest reading day among the listed_days up to as_of: exactly the reps the
-- leaderboard lists on that date (a rep is listed when their latest reading is at most
-- listed_days old), found without grouping every earlier reading.
create or replace macro ssi_listed_latest_days(as_of, listed_days) as table
select rep_id, max(day) as day from snapshots
where ssi is not null
  and day <= cast(as_of as date) and day >= cast(as_of as date) - listed_days
group by rep_id;

-- The weekly activity summary's rows (migration 006) for the days from first_day up to,
-- not including, past_day, summed from the activity table: what a write's refresh of the
-- summary puts back for the weeks it touched (queries/summary.sql).
create or replace macro ssi_weeks_of_range(first_day, past_day) as table
select rep_id, cast(date_trunc('week', day) as date) as week, metric,
       arg_max(team_id, day), max(day), sum(value), count(*), arg_max(value, day),
       max(datediff('day', day, coalesce(period_end, day))) + 1
from activity
where day >= first_day and day < past_day
group by all;

-- Activity per seat, week and metric from the Monday start_week to as_of: whole weeks
-- before current_week (as_of's Monday) from the weekly summary, kept exact by every import
-- and undo; as_of's own week, which as_of may cut short, from the activity table. A seat's
-- week belongs to the team of its newest row. The value is what the metric's kind calls
-- for: counts summed, percentages averaged over the periods, stocks their latest value.
-- only_team (null: every seat) keeps the seat-weeks of that team. as_of's week is then
-- grouped for the seats with some row of that team in it only (a seat's week can belong to
-- the team only then): the self-check's chart grouped the whole company's week to keep one
-- team's (bench/test_big_store.py).
create or replace macro ssi_activity_weeks(start_week, current_week, as_of, only_team) as table
with grouped as (
    select rep_id, week as bucket, metric, team_id, last_day, total, periods, latest, longest
    from activity_weekly where week >= start_week and week < current_week
    union all
    select rep_id, cast(date_trunc('week', day) as date), metric, arg_max(team_id, day),
           max(day), sum(value), count(*), arg_max(value, day),
           max(datediff('day', day, coalesce(period_end, day))) + 1
    from activity where day between current_week and as_of
      and (only_team is null or rep_id in (
          select rep_id from activity
          where day between current_week and as_of and team_id = only_team))
    group by all
)
select g.*, c.kind,
       case c.kind when 'count' then g.total when 'percent' then g.total / g.periods
                   else g.latest end as value,
       g.longest > 7 as too_long
from grouped g join metric_catalogue c using (metric)
where only_team is null or g.team_id = only_team;

-- Each rep's level on every estimate input as of as_of (one_rep: that rep only; null: every
-- rep with activity in the window), for the estimate's two queries (queries/estimate.sql):
-- one row per rep and input, with the input's pillar, weight and value. The inputs are the
-- table named by inputs, which the caller registers from scoring.toml on its cursor (named,
-- not written here: a macro's tables must exist when it is created). An input whose metric
-- the rep has no rows for in the window has no value (null): unknown, not zero.
create or replace macro ssi_estimate_levels(as_of, window_days, curve_k, one_rep, inputs) as table
with config as (
    select * from query_table(inputs)
), wanted as (
    -- The metrics the inputs read, numbered. Grouping by that number rather than by the
    -- metric's name, and reading only these metrics, took the grouping of 18 million rows
    -- at 100,000 reps from 0.81-1.03 s to 0.67-0.76 s.
    select metric, cast(row_number() over (order by metric) as integer) as metric_no
    from (select metric from config
          union select denominator from config where denominator is not null)
), parts as (
    -- The window's whole weeks (Monday to Sunday) from the weekly summary, and only its
    -- days before the first whole week and after the last from the activity table, the
    -- store's largest: a third of the rows a 30-day window reads otherwise.
    select a.rep_id, w.metric_no, a.total, a.latest as latest_value, a.last_day
    from activity_weekly a join wanted w using (metric)
    where a.week >= cast(date_trunc('week', cast(as_of as date) - window_days + 7) as date)
      and a.week <= cast(date_trunc('week', cast(as_of as date) - 6) as date)
      and (one_rep is null or a.rep_id = one_rep)
    union all
    select a.rep_id, w.metric_no, a.value, a.value, a.day
    from activity a join wanted w using (metric)
    where a.day > cast(as_of as date) - window_days and a.day <= cast(as_of as date)
      and not (a.day >= cast(date_trunc('week', cast(as_of as date) - window_days + 7) as date)
               and a.day < cast(date_trunc('week', cast(as_of as date) - 6) as date) + 7)
      and (one_rep is null or a.rep_id = one_rep)
), win as (
    select rep_id, metric_no, sum(total) as total,
           arg_max(latest_value, last_day) as latest_value
    from parts
    group by rep_id, metric_no
), described as (
    select c.*, m.metric_no, d.metric_no as denominator_no
    from config c
    join wanted m on m.metric = c.metric
    left join wanted d on d.metric = c.denominator
), values_ as (
    select a.rep_id, c.input_no, c.pillar, c.input, c.target, c.weight,
           case c.aggregate
               when 'sum' then w.total
               when 'latest' then w.latest_value
               when 'rate' then 100.0 * w.total / nullif(d.total, 0)
           end as value
    from (select distinct rep_id from win) a
    cross join described c
    left join win w on w.rep_id = a.rep_id and w.metric_no = c.metric_no
    left join win d on d.rep_id = a.rep_id and d.metric_no = c.denominator_no
)
select rep_id, input_no, pillar, input, weight, value,
       case when value is null or value <= 0 then 0.0
            when value >= target then 1.0
            else (1 - exp(-curve_k * value / target)) / (1 - exp(-curve_k)) end as level
from values_;

-- The estimate's rule, its one home: per rep, a pillar is the points of its inputs
-- (25 x weight x level) summed and held to 0-25, and missing unless the inputs with a value
-- carry at least min_coverage of its weight; the SSI is the four pillars' sum, missing
-- unless all four are there. levels names a table or CTE with one row per rep and input:
-- rep_id, pillar, weight, level and value (null: no data).
create or replace macro ssi_estimate_rule(levels, min_coverage) as table
with per_pillar as (
    select rep_id, pillar, sum(25 * weight * level) as points,
           coalesce(sum(weight) filter (where value is not null), 0) as known_weight
    from query_table(levels)
    group by rep_id, pillar
), held as (
    select rep_id, pillar,
           case when known_weight >= min_coverage - 1e-9
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
from wide;
