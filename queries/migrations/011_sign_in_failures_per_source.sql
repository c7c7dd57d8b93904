-- Version 11: failed sign-ins are counted per e-mail and source (the address a sign-in
-- comes from), for known and unknown e-mails alike. A lock then stops that source only:
-- five wrong passwords from a stranger no longer lock the account's owner out, and an
-- unknown e-mail is locked exactly as a known one is, so "locked" tells no one that an
-- account exists. sessions_from: a signed-in session started before it has ended (sign-out
-- everywhere, a reset password, a removed user).
create table sign_in_failures (
    email        varchar not null,  -- as typed, trimmed and lower-cased: known or not
    source       varchar not null,
    failures     integer not null,
    last_failed  timestamp not null,
    locked_until timestamp,
    primary key (email, source)
);
-- The demo is a setting of the store from now on (it was: any store with the demo's
-- import). A store that is the demo and nothing else stays the demo.
insert into settings select 'demo', 'on'
where exists (select 1 from imports where format = 'demo organisation')
  and not exists (select 1 from imports where format <> 'demo organisation')
  and not exists (select 1 from users);
-- team_days counted a rep with a missing pillar as balanced: forgetting the rules it was
-- summed with makes the next `init` or upload sum it again (scoring/team_days.py).
delete from team_days_rules;
alter table users drop column failed_logins;
alter table users drop column locked_until;
alter table users add column sessions_from timestamp;
