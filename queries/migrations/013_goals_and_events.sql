-- Version 13: goals and events. A goal is a target for a metric (SSI, a pillar, an activity
-- metric, the share of balanced reps) to reach by a day, for the company, a team or a rep;
-- an event is a dated note (a training, LinkedIn changing its scoring) for the same scopes.
-- A goal file's goals carry its import, so undoing the file takes them out.
create sequence if not exists goal_ids start 1;
create table goals (
    goal_id     integer primary key default nextval('goal_ids'),
    team_id     integer,            -- a team's goal (null: the company's or a rep's)
    rep_id      integer,            -- a rep's goal
    metric      varchar not null,   -- ssi, a pillar, balanced_share, or an activity metric
    target      double not null,
    start_day   date not null,
    due_day     date not null,
    set_by      varchar not null,
    set_at      timestamp not null,
    import_id   integer             -- the goal file it came from (null: set by hand)
);
create sequence if not exists event_ids start 1;
create table events (
    event_id    integer primary key default nextval('event_ids'),
    day         date not null,
    title       varchar not null,
    team_id     integer,            -- a team's event (null: everyone's or a rep's)
    rep_id      integer,            -- a rep's event
    set_by      varchar not null,
    set_at      timestamp not null
);
