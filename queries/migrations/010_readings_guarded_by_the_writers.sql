-- Version 10: one reading per person and day (snapshots) is checked by the writes, like
-- one activity value per person, day and metric since version 7.
-- The unique index cost a first import of 1.5 million rows 0.55 s of 3.1 (0.27 s to insert
-- the keys, 0.27 s more to commit them) and a Monday upload into a two-year store 0.02-0.2
-- s. Every write to snapshots (import, undo) now counts, in its own transaction, the
-- readings of the keys it wrote (queries/ingest.sql: readings_held_twice), and the importer
-- names the lines of a file that would give one person two readings on one day.
drop index snapshots_one_per_rep_day;
