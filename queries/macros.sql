-- The SQL macros of the importer and the activity views. Applied on every connect
-- (Store.apply_macros), not by a migration: change a macro here and every store picks it up
-- at its next start.

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
-- The date part of a cell that may carry a time: '3/7/26, 9:15 AM', '2026-03-07 09:15:02 UTC'.
create or replace macro ssi_date_text(raw) as case
    when contains(raw, ':') then regexp_replace(trim(raw), '([ T,]+\d{1,2}:\d{2}.*)$', '')
    else trim(raw) end;

-- Activity per seat, week and metric from the Monday start_week to as_of: whole weeks
-- before current_week (as_of's Monday) from the weekly summary, kept exact by every import
-- and undo; as_of's own week, which as_of may cut short, from the activity table. A seat's
-- week belongs to the team of its newest row. The value is what the metric's kind calls
-- for: counts summed, percentages averaged over the periods, stocks their latest value.
create or replace macro ssi_activity_weeks(start_week, current_week, as_of) as table
with grouped as (
    select rep_id, week as bucket, metric, team_id, last_day, total, periods, latest, longest
    from activity_weekly where week >= start_week and week < current_week
    union all
    select rep_id, cast(date_trunc('week', day) as date), metric, arg_max(team_id, day),
           max(day), sum(value), count(*), arg_max(value, day),
           max(datediff('day', day, coalesce(period_end, day))) + 1
    from activity where day between current_week and as_of
    group by all
)
select g.*, c.kind,
       case c.kind when 'count' then g.total when 'percent' then g.total / g.periods
                   else g.latest end as value,
       g.longest > 7 as too_long
from grouped g join metric_catalogue c using (metric);
