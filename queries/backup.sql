-- The store's own tables and sequences, for backup and restore (dashboard/backup.py).

-- name: base_tables
select table_name from information_schema.tables
where table_schema = 'main' and table_type = 'BASE TABLE'
order by table_name;

-- name: sequence_positions
-- How far each sequence has gone (null: never used).
select sequence_name, last_value from duckdb_sequences() order by sequence_name;

-- name: advance_sequence
-- DuckDB has no setval: a restored sequence is moved on by taking $steps values.
select count(nextval($name)) from range(cast($steps as bigint));

-- name: restore_version
-- The restored change version, less the one the restoring transaction adds as it commits.
update store_state set version = cast($version as bigint) - 1;
