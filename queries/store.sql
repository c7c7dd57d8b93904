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
