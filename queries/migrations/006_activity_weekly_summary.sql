-- Version 6: activity summed per seat, week (Monday first) and metric, kept exact by every
-- import and undo (queries/summary.sql), so the Activity page reads weeks, not days.
create table activity_weekly (
    rep_id    integer not null,
    week      date not null,
    metric    varchar not null,
    team_id   integer not null,  -- the team of the week's newest row
    last_day  date not null,     -- the week's newest row
    total     double not null,   -- the sum of the week's values
    periods   integer not null,  -- how many rows (days or periods) the week holds
    latest    double not null,   -- the newest row's value (for stocks)
    longest   integer not null   -- the longest period starting in the week, in days
);
create unique index activity_weekly_key on activity_weekly (rep_id, week, metric);
insert into activity_weekly
select rep_id, cast(date_trunc('week', day) as date), metric, arg_max(team_id, day), max(day),
       sum(value), count(*), arg_max(value, day),
       max(datediff('day', day, coalesce(period_end, day))) + 1
from activity group by all;
