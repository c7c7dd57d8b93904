-- Version 8: two summaries of the readings, kept exact by every write.
--
-- Each rep's latest reading (queries/latest.sql): the leaderboard and the movers as of the
-- store's newest day take it from here instead of finding each rep's newest day among every
-- reading (a group over 6.6 million rows at 10,000 reps over two years).
create table rep_latest (
    rep_id        integer not null,
    day           date not null,
    team_id       integer not null,
    ssi           double,
    brand         double,
    people        double,
    insights      double,
    relationships double,
    industry_rank double,
    network_rank  double,
    industry_ssi  double,
    network_ssi   double,
    source        varchar not null,
    import_id     integer not null
);
insert into rep_latest
select s.* from snapshots s
join (select rep_id, max(day) as day from snapshots where ssi is not null group by rep_id) l
  on l.rep_id = s.rep_id and l.day = s.day
order by s.rep_id;

-- Each team's SSI summed per day (queries/team_days.sql), so the team review's
-- averages over time read one row per team and day instead of carrying every rep's latest
-- reading to every date of the chart (229 ms at 10,000 reps, 2.8-3.4 s at 100,000).
-- Its figures depend on the scoring rules (how long a reading is carried, the band bounds,
-- the balanced pillar), so the rules it was summed with are kept beside it. It starts empty,
-- with no rules: the averages are computed from the readings, as before, until an upload,
-- the demo or `python -m dashboard init` sums it with the rules in force.
create table team_days (
    day              date not null,
    team_id          integer not null,
    reps             integer not null,  -- reps counted that day: a reading at most carry_days old
    ssi_sum          double not null,
    brand_n          integer not null,  -- a pillar's average leaves out reps without it
    brand_sum        double,
    people_n         integer not null,
    people_sum       double,
    insights_n       integer not null,
    insights_sum     double,
    relationships_n  integer not null,
    relationships_sum double,
    band_top         integer not null,
    band_above_average integer not null,
    band_low         integer not null,
    band_very_poor   integer not null,
    balanced         integer not null   -- reps whose weakest pillar reaches balanced_min
);
create table team_days_rules (
    carry_days          integer not null,
    top_from            double not null,
    above_average_from  double not null,
    low_from            double not null,
    balanced_min        double not null
);
