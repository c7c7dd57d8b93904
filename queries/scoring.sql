-- The scoring layer's SQL. Rules (bands, thresholds, windows) are bound from
-- dashboard/scoring/scoring.toml; nothing here hard-codes them.

-- name: leaderboard
-- One row per rep with a reading on or before $as_of: their latest reading and its age.
-- $rep_id (null: everyone) keeps one rep's row, with company-wide ranks: only that rep's
-- changes and trend are computed (a self-check of 100,000 reps' store). The rows come
-- unordered: scoring.leaderboard orders them (BOARD_ORDER). DuckDB's sort carries every
-- column through it, where Arrow sorts five columns and takes the rows. The company's and each team's averages are
-- `listed_averages`: only the self-check shows them, and on every row they were 10 of the
-- board's 52 columns.
-- Reps whose latest reading is at most $listed_days old are "listed": ranked, and counted
-- in averages. Older ones keep a row (rank null) so nobody drops off without a word.
-- Changes compare the latest reading with the rep's reading as of 7 and 30 days before
-- it; the date compared against is returned, and a change across a longer gap (the earlier
-- reading more than $stale_days older than the window) is null, not a change over months.
-- Each part reads `snapshots where ssi is not null` itself rather than from one shared CTE:
-- DuckDB then pushes each part's day range into its own scan (a shared CTE fed every
-- reading of the store to every part).
with recent_latest as (
    -- When some rep has a reading after $as_of (not $from_latest), each rep's latest on or
    -- before it: first searched among the $listed_days up to it, where exactly the listed
    -- reps have one.
    select * from ssi_listed_latest_days($as_of, $listed_days) where not $from_latest
), gap_latest as (
    -- A rep with readings after $as_of but none in that range: among their earlier ones.
    select rep_id, max(day) as day from snapshots
    where not $from_latest and ssi is not null and day < cast($as_of as date) - $listed_days
      and rep_id in (select rep_id from rep_latest
                     where not $from_latest and day > cast($as_of as date)
                       and rep_id not in (select rep_id from recent_latest))
    group by rep_id
), cur_rows as (
    -- Each rep's latest reading on or before $as_of. A rep with none after it has it in
    -- rep_latest (migration 008): every rep when $from_latest (the default date's usual
    -- case), otherwise those not found in the listing range. Grouping every reading up to
    -- $as_of instead made a leaderboard on a past date take 239 ms at 10,000 reps over two
    -- years (now 147 ms, as on the newest day) and 2.1 s at 100,000 (now 1.2 s).
    select s.*, cast($as_of as date) - s.day <= $listed_days as listed, true as from_summary
    from rep_latest s
    where s.day <= cast($as_of as date)
      and ($from_latest or s.rep_id not in (select rep_id from recent_latest))
    union all
    select s.*, true as listed, false as from_summary
    from recent_latest c join snapshots s on s.rep_id = c.rep_id and s.day = c.day
    where s.day <= cast($as_of as date) and s.day >= cast($as_of as date) - $listed_days
    union all
    select s.*, false as listed, false as from_summary
    from gap_latest c join snapshots s on s.rep_id = c.rep_id and s.day = c.day
    where s.day < cast($as_of as date) - $listed_days
), kept_bases as (
    -- A row taken from rep_latest is the rep's latest reading, and the readings its changes
    -- compare with are kept beside it (rep_change_bases, migration 009): on the newest day
    -- that is every row, and nothing below is searched. Searching them took 40-60 ms of
    -- the leaderboard's 100-150 at 10,000 reps over two years.
    select b.rep_id, b.window_days, b.day, b.ssi
    from rep_change_bases b join cur_rows c on c.rep_id = b.rep_id and c.from_summary
    where $rep_id is null or b.rep_id = $rep_id
), points as (
    -- The rest (past dates only): each reading's points 7 and 30 days before it.
    select c.rep_id, o.window_days, c.day - o.window_days as at
    from cur_rows c cross join (values (7), (30)) o(window_days)
    where not $from_latest and not c.from_summary and ($rep_id is null or c.rep_id = $rep_id)
), bounded as (
    -- The reading a change compares with: the latest on or before the window's start. A
    -- change needs it at most $stale_days older than that, so most are found in that short
    -- range by a join; an ASOF join over every reading sorts the whole store (25 times the
    -- cost at 6.6 million readings). Only points at most $stale_days + 30 days back (7 and
    -- 30 are the windows of `points`) are joined here, to the readings of that fixed range:
    -- 44 days at the default rules, where the join's own filter read about half of a
    -- two-year store. Points further back find the same reading in `older`.
    select p.rep_id, p.window_days, max(s.day) as day, arg_max(s.ssi, s.day) as ssi
    from points p join (
        select rep_id, day, ssi from snapshots
        where ssi is not null and day <= cast($as_of as date) - 7
          and day >= cast($as_of as date) - $stale_days - 30 - $stale_days
    ) s on s.rep_id = p.rep_id and s.day <= p.at and s.day >= p.at - $stale_days
    where p.at >= cast($as_of as date) - $stale_days - 30
    group by p.rep_id, p.window_days
), older_points as (
    -- The rest: points `bounded` did not look at or found nothing for. A change is still
    -- computed from a reading at most $stale_days before the window's start (a rep whose
    -- latest reading is old); otherwise only the date of the reading before is shown.
    select * from points p anti join bounded b using (rep_id, window_days)
), older_near as (
    -- Their reading is usually in the 35 days before the point: looking there first joins
    -- a few readings per point instead of every earlier one (the leaderboard: 88-98 ms
    -- against 105-158 ms at 10,000 reps over two years, 0.66-0.73 s against 0.84-1.25 s
    -- at 100,000). The range changes how it is found, not what.
    select p.rep_id, p.window_days, max(s.day) as day, arg_max(s.ssi, s.day) as ssi
    from older_points p
    join snapshots s on s.rep_id = p.rep_id and s.ssi is not null
     and s.day <= p.at and s.day >= p.at - 35
    group by p.rep_id, p.window_days
), older as (
    select * from older_near
    union all
    select p.rep_id, p.window_days, max(s.day) as day, arg_max(s.ssi, s.day) as ssi
    from (select * from older_points anti join older_near using (rep_id, window_days)) p
    join snapshots s on s.rep_id = p.rep_id and s.ssi is not null and s.day < p.at - 35
    group by p.rep_id, p.window_days
), earlier as (
    select * from kept_bases union all select * from bounded union all select * from older
), window_stats as (
    select rep_id,
           avg(ssi) filter (where day > cast($as_of as date) - $rolling_days) as rolling_avg,
           regr_slope(ssi, day - date '2000-01-01') as slope,
           regr_intercept(ssi, day - date '2000-01-01') as intercept,
           count(*) as n_readings
    from snapshots
    where ssi is not null and day > cast($as_of as date) - $slope_days and day <= cast($as_of as date)
      and ($rep_id is null or rep_id = $rep_id)
    group by rep_id
), with_min as (
    select c.*,
           -- A missing pillar leaves balance and "weakest" unknown, never guessed.
           case when c.brand is null or c.people is null or c.insights is null
                     or c.relationships is null then null
                else least(c.brand, c.people, c.insights, c.relationships) end as min_pillar
    from cur_rows c
), company as (
    -- Whole-company and per-team counts as plain aggregates joined back. As window
    -- aggregates with a filter their cost grew faster than the number of reps: 0.17 s of
    -- CPU at 10,000 reps, 7.2 s at 100,000 (the leaderboard took 4.5-5.8 s there, now
    -- 1.8-2.3 s).
    select count(*) as n_company from with_min where listed
), per_team as (
    select team_id, count(*) as n_team from with_min where listed group by team_id
), ranks as (
    -- Ranked on four columns and joined back: a window over every column of the rows
    -- carried them all through its sort (15 ms of the leaderboard's 120 at 10,000 reps).
    select rep_id, rank() over (order by ssi desc) as rank,
           rank() over (partition by team_id order by ssi desc) as rank_team
    from with_min where listed
), ranked as (
    select c.*, r.rank, r.rank_team, co.n_company, coalesce(t.n_team, 0) as n_team
    from with_min c cross join company co left join per_team t using (team_id)
    left join ranks r using (rep_id)
), scored as (
    select k.*, w.rolling_avg, w.slope, w.n_readings,
           -- Days until the trend line reaches the target. Rounded before ceil: the parallel
           -- sums of regr_slope differ in the last bits from run to run, and a quotient of
           -- 12.000000000001 against 11.999999999999 moved a forecast date by a day (1-2
           -- reps of 100,000 between two runs).
           ceil(round(($target - (w.intercept + w.slope
                                  * (cast($as_of as date) - date '2000-01-01'))) / w.slope, 6))
               as days_to_target,
           e7.ssi as ssi_7d_before, e7.day as day_7d_before,
           e30.ssi as ssi_30d_before, e30.day as day_30d_before
    from ranked k
    left join window_stats w using (rep_id)
    left join earlier e7 on e7.rep_id = k.rep_id and e7.window_days = 7
    left join earlier e30 on e30.rep_id = k.rep_id and e30.window_days = 30
)
select s.rank, s.rep_id, r.name as rep, r.email, t.name as team, s.day as as_of,
       cast($as_of as date) - s.day as age_days, s.listed,
       s.ssi, s.brand, s.people, s.insights, s.relationships,
       s.rank_team, s.n_team,
       case when s.listed then cast(ceil(100.0 * s.rank_team / s.n_team) as integer) end
           as top_pct_team,
       case when s.listed then cast(ceil(100.0 * s.rank / s.n_company) as integer) end
           as top_pct_company,
       -- A rep with no reading in the listing window has no change now: theirs would be
       -- from months ago.
       case when s.listed and s.day_7d_before >= s.day - 7 - $stale_days
            then s.ssi - s.ssi_7d_before end as ssi_change_7d,
       case when s.listed then s.day_7d_before end as ssi_change_7d_since,
       case when s.listed and s.day_30d_before >= s.day - 30 - $stale_days
            then s.ssi - s.ssi_30d_before end as ssi_change_30d,
       case when s.listed then s.day_30d_before end as ssi_change_30d_since,
       -- The readings compared with, for the movers (scoring.signals.movers).
       s.ssi_7d_before, s.ssi_30d_before,
       ssi_band(s.ssi, $top_from, $above_average_from, $low_from) as band,
       s.listed and s.ssi > $leader_above as leader,
       s.listed and s.ssi < $laggard_below as laggard,
       ssi_balanced(s.brand, s.people, s.insights, s.relationships, $balanced_min) as balanced,
       s.ssi >= $well_rounded_min and s.min_pillar >= $balanced_min as well_rounded,
       case when s.min_pillar is null then null
            when s.brand = s.min_pillar then 'brand'
            when s.people = s.min_pillar then 'people'
            when s.insights = s.min_pillar then 'insights'
            else 'relationships' end as weakest_pillar,
       greatest(0, $balanced_min - s.min_pillar) as weakest_gap,
       greatest(s.brand, s.people, s.insights, s.relationships) - s.min_pillar as pillar_spread,
       cast($as_of as date) - s.day > $stale_days as stale,
       s.rolling_avg as rolling_7d,
       coalesce(s.n_readings, 0) as n_readings,
       case when s.n_readings >= $min_readings then s.slope * 7 end as slope_per_week,
       case when s.ssi >= $target then 'reached'
            when coalesce(s.n_readings, 0) < $min_readings then 'not enough readings'
            when s.slope is null or s.slope <= 0 then 'not on the current trend'
            when s.days_to_target > $horizon then 'not on the current trend'
            else 'on track' end as forecast_status,
       case when s.ssi < $target and s.n_readings >= $min_readings and s.slope > 0
             and s.days_to_target <= $horizon
            then cast($as_of as date) + cast(greatest(1, s.days_to_target) as integer)
       end as forecast_date,
       s.industry_rank, s.network_rank, s.industry_ssi, s.network_ssi
from scored s
join reps r using (rep_id)
join teams t on t.team_id = s.team_id
where $rep_id is null or s.rep_id = $rep_id;

-- name: listed_average_ssi
-- The average SSI of the listed reps as of $as_of, of the teams named in $teams (empty:
-- all): the leaderboard's headline average without the rest of the leaderboard, for the
-- week-earlier figure a KPI compares with. Only SSI: `listed_averages` reads the pillars
-- too.
select avg(s.ssi) as average_ssi, count(*) as reps
from ssi_listed_latest_days($as_of, $listed_days) c
join snapshots s on s.rep_id = c.rep_id and s.day = c.day
join teams t on t.team_id = s.team_id
where len($teams) = 0 or list_contains($teams, t.name);

-- name: listed_averages
-- The company's and the teams' in $teams (names) averages of the listed reps as of $as_of:
-- how many, their SSI and each pillar, for the self-check's comparisons, without the rest
-- of the leaderboard. A rep is listed when their latest reading is at most $listed_days
-- old, as in the leaderboard, and counts in the team of that reading. When no rep has a
-- reading after $as_of ($from_latest), those readings are the latest kept per rep
-- (migration 008).
with listed_rows as (
    select team_id, ssi, brand, people, insights, relationships from rep_latest
    where $from_latest
      and day <= cast($as_of as date) and day >= cast($as_of as date) - $listed_days
    union all
    select s.team_id, s.ssi, s.brand, s.people, s.insights, s.relationships
    from ssi_listed_latest_days($as_of, $listed_days) c
    join snapshots s on s.rep_id = c.rep_id and s.day = c.day
    where not $from_latest
), mine as (
    select l.*, list_contains($teams, t.name) as in_team
    from listed_rows l join teams t using (team_id)
)
select count(*) as n_company,
       avg(ssi) as company_avg_ssi, avg(brand) as company_avg_brand,
       avg(people) as company_avg_people, avg(insights) as company_avg_insights,
       avg(relationships) as company_avg_relationships,
       count(*) filter (where in_team) as n_team,
       avg(ssi) filter (where in_team) as team_avg_ssi,
       avg(brand) filter (where in_team) as team_avg_brand,
       avg(people) filter (where in_team) as team_avg_people,
       avg(insights) filter (where in_team) as team_avg_insights,
       avg(relationships) filter (where in_team) as team_avg_relationships
from mine;

-- name: averages_over_time
-- Team and company averages per date from $start to $end every $step days. Each rep counts
-- with their latest reading at most $carry_days old, in the team they were in then.
with days as (
    select cast(unnest(generate_series(cast($start as date), cast($end as date),
                                       to_days(cast($step as integer)))) as date) as d
), grid as (
    select r.rep_id, d.d from reps r cross join days d
), carried as (
    select g.d, s.* exclude (day), g.d - s.day as age,
           ssi_band(s.ssi, $top_from, $above_average_from, $low_from) as band,
           ssi_balanced(s.brand, s.people, s.insights, s.relationships, $balanced_min) as balanced
    -- Only readings that can still be carried into the period are sorted for the join: an
    -- older one is more than $carry_days old at every date of it.
    from grid g asof join (
        select * from snapshots
        where ssi is not null and day >= cast($start as date) - cast($carry_days as integer)
          and day <= cast($end as date)
    ) s on g.rep_id = s.rep_id and g.d >= s.day
)
select c.d as day, t.name as team, grouping(t.name) = 1 as company,
       count(*) as reps,
       avg(ssi) as ssi, avg(brand) as brand, avg(people) as people,
       avg(insights) as insights, avg(relationships) as relationships,
       count(*) filter (where band = 'top') as band_top,
       count(*) filter (where band = 'above average') as band_above_average,
       count(*) filter (where band = 'low') as band_low,
       count(*) filter (where band = 'very poor') as band_very_poor,
       avg(cast(balanced as double)) as share_balanced,
       count(balanced) as balanced_known
from carried c join teams t on t.team_id = c.team_id
where c.age <= $carry_days
group by grouping sets ((c.d, t.name), (c.d))
order by day, company desc, team;

-- name: rep_history
-- One rep's readings from $start to $end, with a rolling average over $rolling_days.
select day, ssi, brand, people, insights, relationships,
       industry_rank, network_rank, industry_ssi, network_ssi,
       avg(ssi) over (order by day range between to_days(cast($rolling_days as integer) - 1)
                      preceding and current row) as rolling_avg
from snapshots
where rep_id = $rep_id and ssi is not null and day between $start and $end
order by day;

-- name: sparklines
-- Every rep's SSI week by week over the $days days up to $as_of: the latest reading of each
-- week counted back from $as_of (the weeks readings_by_week reads), rep by rep and oldest
-- first, for leaderboard sparklines (dashboard/scoring/trends.py cuts it into one line per
-- rep). Weekly, not daily: daily lines were most of what the leaderboard sent to each
-- browser, for a line 90 pixels wide.
select rep_id, (cast($as_of as date) - day) // 7 as weeks_ago, arg_max(ssi, day) as ssi
from snapshots
where ssi is not null and day > cast($as_of as date) - $days and day <= $as_of
group by all
order by rep_id, weeks_ago desc;

-- name: readings_by_week
-- Each rep's reading as of $as_of and each of the $weeks weeks before (week 0 = $as_of), for
-- the reps in $rep_ids (null: everyone; a self-check asks for one), for the falling-streak
-- signal. A point with no reading in the week before it has no row, except the oldest: its
-- reading would be the next older point's own, and a streak needs each week lower than the
-- one before, so such a rep is not falling either way.
with points as (
    select r.rep_id, w.week, cast($as_of as date) - cast(7 * w.week as integer) as at
    from reps r cross join (select unnest(range(0, $weeks + 1)) as week) w
    where $rep_ids is null or r.rep_id in (select unnest($rep_ids::integer[]))
), bounded as (
    -- The latest reading in the week up to each point: the readings of those weeks, each
    -- counted in its week by its distance from $as_of (joining each point to the readings
    -- of its range took twice as long: 0.6-0.9 s at 100,000 reps, now 0.28-0.34 s).
    select rep_id, (cast($as_of as date) - day) // 7 as week, arg_max(ssi, day) as ssi,
           max(day) as day
    from snapshots
    where ssi is not null and day <= cast($as_of as date)
      and day > cast($as_of as date) - 7 * ($weeks + 1)
      and ($rep_ids is null or rep_id in (select unnest($rep_ids::integer[])))
    group by all
), missing as (
    -- Oldest points with no reading in their week: mostly reps with no reading since, whose
    -- reading then is their latest (rep_latest, migration 008). Looking every such point's
    -- reading up in the whole history was most of this query's time.
    select p.*, l.day > p.at as read_later, l.ssi as latest_ssi, l.day as latest_day
    from (select * from points anti join bounded using (rep_id, week) where week = $weeks) p
    join rep_latest l using (rep_id)
), older as (
    select rep_id, week, latest_ssi as ssi, latest_day as day from missing where not read_later
    union all
    -- The others (back after a gap): among their earlier readings.
    select p.rep_id, p.week, arg_max(s.ssi, s.day) as ssi, max(s.day) as day
    from (select * from missing where read_later) p
    join snapshots s on s.rep_id = p.rep_id and s.ssi is not null and s.day <= p.at
    group by p.rep_id, p.week
)
select rep_id, week, ssi, day from bounded
union all
select rep_id, week, ssi, day from older
order by rep_id, week;

-- name: change_over_window
-- Change of each listed rep's SSI over $days days: their latest reading on or before $as_of
-- against their reading as of $days days before it. A pair further apart than
-- $days + $stale_days is no change "over $days days" and is left out.
-- Each rep's latest reading as in the leaderboard: from rep_latest when $from_latest, else
-- searched among the listing days only (a rep with no reading there is not listed), not by
-- grouping every reading up to $as_of.
with now_rows as (
    select rep_id, day, ssi, team_id from rep_latest
    where $from_latest and day <= cast($as_of as date)
      and cast($as_of as date) - day <= $listed_days
    union all
    select s.rep_id, s.day, s.ssi, s.team_id
    from (select rep_id, max(day) as day from snapshots
          where not $from_latest and ssi is not null and day <= cast($as_of as date)
            and day >= cast($as_of as date) - $listed_days
          group by rep_id) n
    join snapshots s on s.rep_id = n.rep_id and s.day = n.day
    where s.day <= cast($as_of as date) and s.day >= cast($as_of as date) - $listed_days
), points as (
    select rep_id, day - cast($days as integer) as at from now_rows
), before as (
    -- Only a reading at most $stale_days before the window's start can count (see below),
    -- so a join over that range does what an ASOF join over every reading did, without
    -- sorting the whole store.
    select p.rep_id, max(s.day) as day, arg_max(s.ssi, s.day) as ssi
    from points p join snapshots s
      on s.rep_id = p.rep_id and s.ssi is not null
     and s.day <= p.at and s.day >= p.at - $stale_days
    group by p.rep_id
)
select n.rep_id, r.name as rep, r.email, t.name as team, b.day as day_before,
       b.ssi as ssi_before, n.day as day_now, n.ssi as ssi_now, n.ssi - b.ssi as change
from now_rows n join before b using (rep_id)
join reps r on r.rep_id = n.rep_id join teams t on t.team_id = n.team_id
where b.day >= n.day - cast($days as integer) - $stale_days;

-- name: teams_with_data
-- Teams with readings, then (only for teams without any) teams with activity: the activity
-- table is the store's largest (111 million rows at 10,000 reps over two years), and it is
-- scanned only when some team has no reading.
with in_snapshots as (select distinct team_id from snapshots),
without as (select team_id from teams anti join in_snapshots using (team_id)),
in_activity as (
    select distinct a.team_id from activity a semi join without w using (team_id)
)
select t.name from teams t
where t.team_id in (select team_id from in_snapshots union all select team_id from in_activity)
order by t.name;

-- name: date_range
-- Clamped to the dates Python has (a reading stored as 1 BC by an old import is no reason
-- for a page to fail); the newest is at most a day ahead, so a typo of 9999 does not become
-- everyone's "as of".
-- (greatest and least skip nulls, so an empty store is checked first.)
select if(count(*) = 0, null, greatest(min(day), date '0001-01-01')) as first_day,
       if(count(*) = 0, null, greatest(least(max(day), current_date + 1),
                                       greatest(min(day), date '0001-01-01'))) as last_day
from snapshots where ssi is not null;

-- name: default_as_of
-- What "now" means for a store of exports: the newest day on which at least $share of the
-- busiest recent day's reps have a reading. One rep's hand-typed reading after the weekly
-- export does not move everyone else's view to a day they have no reading on.
with recent as (
    select day, count(*) as n from snapshots
    where ssi is not null and day <= current_date + 1  -- a typo of 9999 is not "now"
      and day > (select max(day) from snapshots where ssi is not null and day <= current_date + 1)
                - $listed_days
    group by day
)
select max(day) from recent where n >= $share * (select max(n) from recent);

-- name: rep_newest_reading
-- The rep's newest reading after $after (null: at all), up to tomorrow. The self-check only
-- asks whether the rep has one newer than the store's "now", so only the store's newest days
-- are read, not the rep's whole history.
select max(day) from snapshots
where rep_id = $rep_id and ssi is not null and day <= current_date + 1
  and day > coalesce(cast($after as date), date '0001-01-01');

-- name: find_rep
-- Reps whose name or e-mail matches $name (exactly, or a part of the name, taken literally:
-- % and _ are letters here), exact matches first, kept to the asker's scope before anything
-- leaves the query: everyone ($everyone), the reps whose current team is in $teams, or the
-- one person $own_rep_id. A name outside the scope is answered as one that does not exist.
with matched as (
    select rep_id, name, email from reps
    where lower(name) = lower($name) or lower(email) = lower($name)
       or contains(lower(name), lower($name))
), scoped as (
    select m.* from matched m
    where $everyone or m.rep_id = $own_rep_id
       or list_contains($teams, coalesce(
              (select t.name from rep_latest l join teams t using (team_id)
               where l.rep_id = m.rep_id),
              (select t.name from activity a join teams t using (team_id)
               where a.rep_id = m.rep_id order by a.day desc limit 1)))
)
select rep_id, name, email from scoped
order by lower(name) = lower($name) desc, name
limit 10;

-- name: rep_names
-- Every rep with a row, in the team of their newest row. The inner join keeps only reps
-- with rows: one scan of the snapshots, not a second one for `exists`.
select r.rep_id, r.name, r.email, t.name as team
from reps r
join (select rep_id, arg_max(team_id, day) as team_id from snapshots group by rep_id) l
     using (rep_id)
left join teams t on t.team_id = l.team_id
order by r.name;

-- name: rep_last_reading
select max(day) from snapshots where rep_id = $rep_id and ssi is not null and day <= $as_of;
