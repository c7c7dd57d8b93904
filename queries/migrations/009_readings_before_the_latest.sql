-- Version 9: each rep's readings before their latest, kept exact by every write with
-- rep_latest (queries/latest.sql).
--
-- A leaderboard row's 7- and 30-day changes compare the rep's latest reading with their
-- latest reading on or before 7 and 30 days earlier. For a rep whose row comes from
-- rep_latest (everyone on the store's newest day), those readings depend on nothing but
-- the rep's own readings, so they are kept here instead of being searched for at every
-- leaderboard: that search was most of the query's cost at 10,000 reps over two years.
-- A rep with no reading that far back has no row for that window.
create table rep_change_bases (
    rep_id      integer not null,
    window_days integer not null,  -- 7 or 30
    day         date not null,     -- the reading compared with: on or before the latest - window_days
    ssi         double not null
);
insert into rep_change_bases
select p.rep_id, p.window_days, s.day, s.ssi
from (select l.rep_id, w.window_days, l.day - w.window_days as at
      from rep_latest l cross join (values (7), (30)) w(window_days)) p
asof join (select rep_id, day, ssi from snapshots where ssi is not null) s
  on s.rep_id = p.rep_id and p.at >= s.day
order by p.rep_id, p.window_days;
