-- Users, their roles and teams, settings and the audit (dashboard/users.py).

-- name: count_users
select count(*) from users;

-- name: admins_besides
-- Whether this account is an admin, and how many other admins there are.
select coalesce(bool_or(lower(email) = lower($email)), false) as is_admin,
       count(*) filter (where lower(email) <> lower($email)) as other_admins
from users where role = 'admin';

-- name: user_by_email
select u.email, u.role, u.rep_id, u.password_hash, u.sessions_from,
       list(t.name order by t.name) filter (where t.name is not null) as teams
from users u
left join user_teams ut using (email)
left join teams t using (team_id)
where u.email = lower(trim($email))
group by all;

-- name: list_users
select u.email, u.role, r.name as rep, u.password_hash is not null as has_password,
       string_agg(t.name, ', ' order by t.name) as teams,
       (select max(f.locked_until) from sign_in_failures f
        where f.email = u.email and f.locked_until > now()) as locked_until, u.created_at
from users u
left join reps r on r.rep_id = u.rep_id
left join user_teams ut on ut.email = u.email
left join teams t on t.team_id = ut.team_id
group by all order by u.email;

-- name: add_user
insert into users (email, role, rep_id, password_hash, created_at)
values (lower(trim($email)), $role, $rep_id, $password_hash, now());

-- name: set_user_teams
delete from user_teams where email = lower(trim($email));
insert into user_teams select lower(trim($email)), team_id from teams
where list_contains($teams, name);

-- name: remove_user
delete from user_teams where email = lower(trim($email));
delete from users where email = lower(trim($email));

-- name: set_role
update users set role = $role, rep_id = $rep_id where email = lower(trim($email));

-- name: set_password
-- A new password ends every session started before it, and lifts every lock of the account.
update users set password_hash = $password_hash, sessions_from = $now
where email = lower(trim($email));
delete from sign_in_failures where email = lower(trim($email));

-- name: sign_in_lock
-- Until when sign-ins of $email from $source are refused (NULL: they are not).
select locked_until from sign_in_failures
where email = lower(trim($email)) and source = $source and locked_until > $now;

-- name: failed_sign_in
-- One more failure of $email from $source; failures further apart than $window start the
-- count again, and the $limit-th in a row locks that source until $until. Old rows go.
delete from sign_in_failures where last_failed < $now - interval 1 day
                               and (locked_until is null or locked_until < $now);
insert into sign_in_failures values (lower(trim($email)), $source, 1, $now, null)
on conflict (email, source) do update set
    failures = case when last_failed < $now - $window then 1 else failures + 1 end,
    last_failed = $now,
    locked_until = case when (case when last_failed < $now - $window then 1
                                   else failures + 1 end) >= $limit then $until end;

-- name: good_sign_in
delete from sign_in_failures where email = lower(trim($email)) and source = $source;

-- name: unlock_user
-- An admin lifts every lock of an account, from every source.
delete from sign_in_failures where email = lower(trim($email));

-- name: session_key
select value from settings where key = 'session_key';

-- name: make_session_key
insert into settings values ('session_key', $key) on conflict (key) do nothing;

-- name: end_sessions
-- Every session of the account started before now has ended (sign-out everywhere).
-- $now from the process that issues sessions: the same clock as their issue times.
update users set sessions_from = $now where email = lower(trim($email));

-- name: settings
select key, value from settings;

-- name: set_setting
update settings set value = $value where key = $key;

-- name: record_audit
insert into audit (happened_at, actor, action, detail) values (now(), $actor, $action, $detail);

-- name: audit_log
select happened_at, actor, action, detail from audit order by audit_id desc limit $limit;

-- name: rep_team
-- A person's current team: their newest reading's, else their newest activity's.
select coalesce(
    (select t.name from snapshots s join teams t using (team_id)
     where s.rep_id = $rep_id order by s.day desc limit 1),
    (select t.name from activity a join teams t using (team_id)
     where a.rep_id = $rep_id order by a.day desc limit 1));

-- name: rep_by_email
select rep_id from reps where lower(email) = lower(trim($email)) order by rep_id limit 1;

-- name: reps_named
-- The people of exactly this name (case aside): a rep user for someone known by name only.
select rep_id from reps where lower(name) = lower(trim($name)) order by rep_id;

-- name: is_demo_store
-- The demo of `make run` (settings: demo = on), until it ends for good: at the first import
-- made by anyone but the demo's visitor (the command line, a signed-in user), undone or
-- not, or at the first user ever added (the audit keeps that line). A store that once held
-- real data never again opens to anyone without a sign-in.
select coalesce((select value = 'on' from settings where key = 'demo'), false)
   and not exists (select 1 from audit where action = 'user added');

-- name: start_demo
insert into settings values ('demo', 'on') on conflict (key) do update set value = 'on';

-- name: end_demo
update settings set value = 'ended' where key = 'demo';

-- name: rep_identity
select name, email from reps where rep_id = $rep_id;
