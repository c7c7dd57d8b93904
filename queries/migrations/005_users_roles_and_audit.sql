-- Version 5: who may sign in, with which role and over which teams; settings an admin
-- changes; and an audit of who uploaded, undid or changed a role, and when.
create table users (
    email         varchar primary key,     -- lower case: what sign-in matches on
    role          varchar not null,        -- admin | manager | rep | viewer
    rep_id        integer,                 -- a rep's own person
    password_hash varchar,                 -- argon2id; NULL: signs in through OIDC only
    failed_logins integer not null default 0,
    locked_until  timestamp,
    created_at    timestamp not null
);
create table user_teams (
    email   varchar not null,
    team_id integer not null,
    primary key (email, team_id)
);
create table settings (
    key   varchar primary key,
    value varchar not null
);
insert into settings values ('rep_leaderboard', 'anonymised'), ('managers_upload', 'no');

create sequence if not exists audit_ids start 1;
create table audit (
    audit_id integer primary key default nextval('audit_ids'),
    happened_at timestamp not null,
    actor    varchar not null,
    action   varchar not null,
    detail   varchar not null
);
