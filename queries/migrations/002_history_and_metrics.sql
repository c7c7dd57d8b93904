-- Version 2: keep what an import overwrote, so the import can be undone; name the metrics.
create table snapshot_history as select *, 0 as replaced_by from snapshots limit 0;
create table activity_history as select *, 0 as replaced_by from activity limit 0;

create table metric_catalogue (
    metric varchar primary key,
    label  varchar not null,
    kind   varchar not null  -- count (summed over a window) | stock (latest value) | percent
);
insert into metric_catalogue values
    ('profile_views', 'Profile views', 'count'),
    ('searches', 'Searches performed', 'count'),
    ('days_active', 'Days active', 'count'),
    ('posts', 'Posts', 'count'),
    ('comments', 'Comments', 'count'),
    ('reactions', 'Reactions', 'count'),
    ('messages_sent', 'Messages sent', 'count'),
    ('messages_replied', 'Messages replied', 'count'),
    ('invitations_sent', 'Invitations sent', 'count'),
    ('invitations_accepted', 'Invitations accepted', 'count'),
    ('connections', 'Connections', 'stock'),
    ('leads_saved', 'Leads saved', 'count'),
    ('accounts_saved', 'Accounts saved', 'count'),
    ('inmails_sent', 'InMails sent', 'count'),
    ('inmails_accepted', 'InMails accepted', 'count'),
    ('inmail_acceptance_rate', 'InMail acceptance rate', 'percent'),
    ('profile_completeness', 'Profile completeness', 'percent'),
    ('endorsements', 'Endorsements received', 'count');

