-- Version 14: what each user is sent (the weekly digest, alerts) and how, and every message
-- sent or tried. A user with no row gets the defaults of scoring.toml's [digest].
create table notification_settings (
    email       varchar primary key,  -- a user's (users.email)
    digest      boolean not null,     -- the weekly digest at all
    weekday     integer not null,     -- 0 Monday ... 6 Sunday
    hour        integer not null,     -- 0-23, UTC
    channel     varchar not null,     -- email | slack | teams
    webhook     varchar,              -- the incoming webhook of a slack or teams channel
    alerts      varchar not null,     -- JSON list of the alert kinds wanted
    updated_at  timestamp not null
);
-- The capability in each message's unsubscribe link: one per user, made on first need.
create table unsubscribe_tokens (
    token       varchar primary key,
    email       varchar not null
);
-- Every digest and alert made for someone, kept whole until it is handed over (a failed
-- one is sent again as it was); a second run in the same week (or for the same trigger)
-- finds it and sends nothing new.
create sequence if not exists delivery_ids start 1;
create table deliveries (
    delivery_id integer primary key default nextval('delivery_ids'),
    email       varchar not null,
    kind        varchar not null,     -- digest | alert
    period      varchar not null,     -- a digest: its ISO week (2026-W49); an alert: its trigger
    as_of       date,                 -- the day the figures are of
    channel     varchar not null,
    subject     varchar not null,
    message     varchar not null,     -- the e-mail (RFC 5322, 7-bit) or the webhook's JSON, as sent
    status      varchar not null,     -- sent | failed
    attempts    integer not null,
    last_error  varchar,
    made_at     timestamp not null,
    sent_at     timestamp
);
-- Which alerts a user has been sent (each goes once), and in which message.
create table alerts_sent (
    email       varchar not null,
    alert_key   varchar not null,     -- what triggered it: kind, whom, and the reading or day
    delivery_id integer not null,
    primary key (email, alert_key)
);
