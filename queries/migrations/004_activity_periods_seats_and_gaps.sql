-- Version 4: activity counted over periods (a week, a date range), seats from the Analytics
-- export mapped to people, and seats that had no data for a period.

-- A row's counts cover day .. period_end. NULL means the one day (almost every row), so
-- daily rows cost nothing more. A period's counts are stored once, never spread over days.
alter table activity add column period_end date;
alter table activity_history add column period_end date;

-- Sales Navigator seat ids (the Analytics export's seatId) and the person holding each.
create table seats (
    seat_id   varchar primary key,
    rep_id    integer not null,
    team_id   integer,
    import_id integer not null
);
create table seat_history as select *, 0 as replaced_by from seats limit 0;

-- A seat that was in a usage export but had no activity data for a period (never
-- activated, or opted out of activity tracking): "no data", which is not zero.
create table activity_gaps (
    rep_id     integer not null,
    day        date not null,
    period_end date,
    team_id    integer not null,
    import_id  integer not null
);

insert into metric_catalogue values
    ('lists_created', 'Lists created', 'count'),
    ('connections_made', 'Connections made', 'count'),
    ('coach_level', 'Coach level', 'stock');
