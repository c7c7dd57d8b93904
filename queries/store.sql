-- What the store itself asks of its schema and its writes (dashboard/store/).

-- name: imports_fingerprint
-- A write that moves a row of the import log (a new import, one marked undone) must have
-- declared what it touched (dashboard/store/writes.py). The log is small: a count and a sum
-- of row hashes tell whether it moved.
select count(*) as n, coalesce(sum(hash(i)), 0) as row_sum from imports i;

-- name: tables_with_columns
-- The store's tables having any of $columns (for the tables that carry an import).
select distinct table_name from duckdb_columns()
where schema_name = 'main' and not internal and column_name in (select unnest($columns))
order by table_name;

-- name: readings_of_every_rep
-- Every reading as touched (a write-set for a writer that cannot name fewer; tests).
create or replace temp table touched_readings as
select rep_id, day, count(*) as rows_written from snapshots group by rep_id, day;


-- name: store_version
-- The store's change version: moved on by every write that commits.
select version from store_state;

-- name: next_store_version
update store_state set version = version + 1;

-- name: whole_table
-- Every row of one of the store's own tables (a backup; the door checked the name).
-- slot table: name
select * from {table};

-- name: emptied_table
-- slot table: name
delete from {table};

-- name: restored_table
-- A table's rows from a backup (registered as restored_rows).
-- slot table: name
insert into {table} select * from restored_rows;

-- name: has_schema_version
select count(*) from information_schema.tables where table_name = 'schema_version';

-- name: schema_version
select coalesce(max(version), 0) from schema_version;

-- name: record_migration
insert into schema_version (version, name, applied_at) values ($version, $name, now());

-- name: held_macros_digest
select ssi_macros_digest();

-- name: remember_macros_digest
-- Which macros text the store holds (a hex digest of queries/macros.sql).
-- slot digest: text
create or replace macro ssi_macros_digest() as {digest};
