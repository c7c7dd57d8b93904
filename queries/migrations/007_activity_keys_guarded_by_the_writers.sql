-- Version 7: the activity table and its weekly summary lose their unique indexes; one
-- reading per person and day (snapshots) keeps its own.
-- At 10,000 reps over two years the activity index holds 111 million keys. A Monday upload
-- of 9,255 rows into such a store took 15-20 s and 6 GB, nearly all of it in these two
-- indexes (1-1.6 s and 0.55 GB without them). Every write to activity (import, undo) now
-- checks, in its own transaction, that no person, day and metric it wrote holds two values
-- (queries/summary.sql: activity_keys_held_twice), so the rule still holds where it is made.
drop index activity_one_per_rep_day_metric;
drop index activity_weekly_key;
