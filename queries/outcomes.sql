-- Queries of the Outcomes view (dashboard/views/outcomes.py): deals beside SSI and activity.
-- A period runs from $start to $end (both kept); its lag is the period of the same length
-- just before it, from $lag_start to the day before $start.

-- name: outcomes_per_rep
-- Each rep with a reading or a deal that counts in the period, with their team as of the
-- period's end (their latest reading up to it; else their latest), the deals created and
-- closed in it, their SSI at its start (the latest reading on or before $start, at most
-- $listed_days old), at its end (likewise at $end) and on average over the lag, and their
-- activity ($metric: the weeks whose Monday is in the period, and in the lag). $teams
-- (empty: every team) and $rep (null: every rep) narrow it before anything is summed.
with readings as (
    select rep_id,
           arg_max(team_id, day) as team_id,
           arg_max(ssi, day) filter (where day <= $start and ssi is not null) as ssi_start,
           max(day) filter (where day <= $start and ssi is not null) as start_day,
           arg_max(ssi, day) filter (where ssi is not null) as ssi_end,
           avg(ssi) filter (where day >= $lag_start and day < $start) as ssi_lag
    from snapshots
    where day <= $end and day > cast($lag_start as date) - $listed_days
      and ($rep is null or rep_id = $rep)
    group by rep_id
), dealt as (
    select rep_id,
           count(*) filter (where created_day between $start and $end) as deals_created,
           sum(value) filter (where created_day between $start and $end) as created_amount,
           count(*) filter (where status = 'won' and closed_day between $start and $end)
               as deals_won,
           sum(value) filter (where status = 'won' and closed_day between $start and $end)
               as won_amount,
           count(*) filter (where status = 'lost' and closed_day between $start and $end)
               as deals_lost,
           avg(closed_day - created_day) filter (where status = 'won'
               and closed_day between $start and $end and closed_day >= created_day)
               as cycle_days
    from deals
    where ($rep is null or rep_id = $rep)
      and (created_day between $start and $end or closed_day between $start and $end)
    group by rep_id
), active as (
    select rep_id,
           sum(total) filter (where week between $start and $end) as activity,
           sum(total) filter (where week >= $lag_start and week < $start) as activity_lag
    from activity_weekly
    where metric = $metric and week between $lag_start and $end
      and ($rep is null or rep_id = $rep)
    group by rep_id
), people as (
    select rep_id from readings union select rep_id from dealt
)
select p.rep_id, r.name as rep, r.email,
       t.name as team,
       coalesce(d.deals_created, 0) as deals_created, coalesce(d.created_amount, 0) as created_amount,
       coalesce(d.deals_won, 0) as deals_won, coalesce(d.won_amount, 0) as won_amount,
       coalesce(d.deals_lost, 0) as deals_lost,
       case when coalesce(d.deals_won, 0) + coalesce(d.deals_lost, 0) > 0
            then d.deals_won / (d.deals_won + d.deals_lost) end as win_rate,
       case when d.deals_won > 0 then d.won_amount / d.deals_won end as average_won,
       d.cycle_days,
       case when g.start_day > cast($start as date) - $listed_days then g.ssi_start end as ssi_start,
       g.ssi_end - case when g.start_day > cast($start as date) - $listed_days
                        then g.ssi_start end as ssi_change,
       ssi_band(case when g.start_day > cast($start as date) - $listed_days then g.ssi_start end,
                $top_from, $above_average_from, $low_from) as band,
       g.ssi_end, g.ssi_lag, a.activity, a.activity_lag
from people p
join reps r using (rep_id)
left join readings g using (rep_id)
left join dealt d using (rep_id)
left join active a using (rep_id)
left join rep_latest l using (rep_id)
join teams t on t.team_id = coalesce(g.team_id, l.team_id)
where len($teams) = 0 or t.name in (select unnest($teams))
order by won_amount desc, deals_created desc, rep;

-- name: outcomes_deals
-- The deals that count in the period (created or closed in it) of the reps $reps, newest
-- first: what a person in scope may open.
select d.name as deal, d.account, r.name as rep, d.stage, d.status, d.value, d.amount,
       d.currency, d.created_day, d.closed_day, d.crm
from deals d join reps r using (rep_id)
where d.rep_id in (select unnest($reps))
  and (d.created_day between $start and $end or d.closed_day between $start and $end)
order by coalesce(d.closed_day, d.created_day) desc, d.value desc nulls last
limit $limit;

-- name: outcomes_periods
-- The store's deal span and currency: the first and last day a deal was created or closed.
select min(created_day) as first_day,
       greatest(max(created_day), coalesce(max(closed_day), max(created_day))) as last_day,
       min(store_currency) as currency, count(*) as deals
from deals;

-- name: rep_emails
-- The e-mails of the reps of $teams (empty: every rep), for the Upload page's owner choices.
select r.email from reps r
left join rep_latest l using (rep_id) left join teams t on t.team_id = l.team_id
where r.email is not null and (len($teams) = 0 or t.name in (select unnest($teams)))
order by r.email;
