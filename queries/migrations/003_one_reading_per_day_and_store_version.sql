-- Version 3: the store itself guarantees one reading per person and day (and one value
-- per metric, person and day), and keeps a change counter every process can read.
create unique index snapshots_one_per_rep_day on snapshots (rep_id, day);
create unique index activity_one_per_rep_day_metric on activity (rep_id, day, metric);

-- Moved by every committed write; a process caches results until it sees a new value.
create table store_state (version bigint not null);
insert into store_state values (0);
