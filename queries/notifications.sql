-- Notifications: each user's settings, unsubscribe links and every message made
-- (migration 014; dashboard/notify/).

-- name: notification_users
-- Every user with their settings (null: the defaults), in e-mail order.
select u.email, n.digest, n.weekday, n.hour, n.channel, n.webhook, n.alerts
from users u
left join notification_settings n on n.email = u.email
order by u.email;

-- name: notification_settings_of
select email, digest, weekday, hour, channel, webhook, alerts
from notification_settings where email = lower(trim($email));

-- name: save_notification_settings
delete from notification_settings where email = lower(trim($email));
insert into notification_settings (email, digest, weekday, hour, channel, webhook, alerts,
                                   updated_at)
values (lower(trim($email)), $digest, $weekday, $hour, $channel, $webhook, $alerts, now());

-- name: unsubscribe_tokens
select email, token from unsubscribe_tokens;

-- name: add_unsubscribe_token
insert into unsubscribe_tokens (token, email) values ($token, lower(trim($email)));

-- name: email_of_unsubscribe_token
select email from unsubscribe_tokens where token = $token;

-- name: delivery_of
-- The message made for (email, kind, period), if any: a second run sends nothing new.
select delivery_id, status, attempts, as_of, made_at, sent_at
from deliveries where email = lower(trim($email)) and kind = $kind and period = $period;

-- name: last_digest_day
-- The day the figures of a user's last digest sent were of: what "since" means in the next.
select max(as_of) from deliveries
where email = lower(trim($email)) and kind = 'digest' and status = 'sent';

-- name: add_delivery
insert into deliveries (email, kind, period, as_of, channel, subject, message, status,
                        attempts, last_error, made_at, sent_at)
values (lower(trim($email)), $kind, $period, $as_of, $channel, $subject, $message, $status,
        $attempts, $last_error, now(), $sent_at)
returning delivery_id;

-- name: delivery_tried
-- A message handed over is not kept whole any more (its PDF would grow the store by a
-- megabyte a reader a week); a failed one is, to be sent again as it was.
update deliveries set status = $status, attempts = attempts + $attempts,
       last_error = $last_error, sent_at = $sent_at,
       message = if($status = 'sent', '', message)
where delivery_id = $delivery_id;

-- name: failed_deliveries
select delivery_id, email, kind, period, channel, subject, message, attempts
from deliveries where status = 'failed' order by delivery_id;

-- name: deliveries_list
select delivery_id, email, kind, period, as_of, channel, subject, status, attempts,
       last_error, made_at, sent_at
from deliveries order by delivery_id desc limit $limit;

-- name: import_days
-- The days SSI and activity files were imported on (not undone), newest first: when the
-- usual weekly import is late.
select cast(imported_at as date) as day, format from imports
where status = 'loaded' and format not in ('demo organisation', 'goal file')
order by imported_at desc limit 200;

-- name: alerts_already_sent
select alert_key from alerts_sent where email = lower(trim($email));

-- name: alert_sent
insert into alerts_sent (email, alert_key, delivery_id)
select lower(trim($email)), unnest($keys), $delivery_id;

-- name: import_refusals
-- Uploads refused (nothing written), from the audit.
select audit_id, happened_at, actor, detail from audit
where action = 'import refused' and happened_at >= $since order by audit_id;

-- name: alert_readings
-- Each rep's newest reading (rep_latest) with their newest reading at least $drop_days
-- older (for an SSI drop), their name, e-mail and team.
select l.rep_id, r.name as rep, r.email, t.name as team, l.day, l.ssi, l.brand, l.people,
       l.insights, l.relationships, b.day as before_day, b.ssi as before_ssi
from rep_latest l
join reps r on r.rep_id = l.rep_id
left join teams t on t.team_id = l.team_id
asof left join (select rep_id, day, ssi from snapshots where ssi is not null) b
    on b.rep_id = l.rep_id and l.day - cast($drop_days as integer) >= b.day
order by l.rep_id;

-- name: rep_users
-- The user each rep signs in as (a rep's own alerts go to them).
select rep_id, email from users where role = 'rep' and rep_id is not null;

-- name: team_managers
-- The managers of each team, by name.
select t.name as team, u.email from users u
join user_teams ut on ut.email = u.email
join teams t on t.team_id = ut.team_id
where u.role = 'manager';

-- name: admin_emails
select email from users where role = 'admin' order by email;
