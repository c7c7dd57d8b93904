-- The DuckDB side of moving rows between a PostgreSQL store and a process's replica
-- (dashboard/store/changes.py, postgres.py). Tables and columns come from the replica's own
-- catalogue; rows travel as text, cast by the receiving side with the column's type.

-- name: table_columns
select column_name, data_type from duckdb_columns()
where schema_name = 'main' and table_name = $table order by column_index;

-- name: store_tables
select table_name from duckdb_tables() where schema_name = 'main' and not temporary
order by table_name;

-- name: table_indexes
-- An index's name and its definition, to drop it before filling its table and make it again.
select index_name, sql from duckdb_indexes() where table_name = $table;

-- name: dropped_index
-- slot index: name
drop index {index};

-- name: as_text
-- slot column: name
cast(t.{column} as varchar) as {column}

-- name: rows_as_text
-- slot columns: fragments
-- slot table: name
select {columns} from {table} t;

-- name: rows_as_text_for_keys
-- The rows whose key is one of the keys registered as {keys}.
-- slot columns: fragments
-- slot table: name
-- slot keys: name
-- slot same: fragments " and "
select {columns} from {table} t semi join {keys} k on {same};

-- name: rows_as_text_in_scope
-- slot columns: fragments
-- slot table: name
-- slot scope: name
select {columns} from {table} t where t.{scope} in (select unnest($scope::integer[]));

-- name: keys_in_scope
-- slot columns: fragments
-- slot table: name
-- slot scope: name
select distinct {columns} from {table} t where t.{scope} in (select unnest($scope::integer[]));

-- name: same_key
-- A key column of the table (t) equal to the key given as text (k), cast to its type.
-- slot column: name
-- slot type: type
t.{column} = cast(k.{column} as {type})

-- name: deleted_keys
-- slot table: name
-- slot keys: name
-- slot same: fragments " and "
delete from {table} t using {keys} k where {same};

-- name: deleted_in_scope
-- slot table: name
-- slot scope: name
delete from {table} where {scope} in (select unnest($scope::integer[]));

-- name: table_is_empty
-- slot table: name
select count(*) = 0 from (select 1 from {table} limit 1);

-- name: cast_as
-- slot column: name
-- slot type: type
cast({column} as {type})

-- name: inserted_rows
-- slot table: name
-- slot columns: names
-- slot values: fragments
-- slot source: name
insert into {table} ({columns}) select {values} from {source};

-- name: rows_counted
-- slot table: name
select count(*) from {table};

-- name: rows_fingerprint
-- A small table's rows, in one signature.
-- slot table: name
select count(*), coalesce(sum(hash(t)), 0) from {table} t;

-- name: imports_by_row
select import_id, hash(i) from imports i;

-- name: set_store_version
update store_state set version = $version;

-- name: replica_sequences
select sequence_name, last_value from duckdb_sequences();

-- name: replica_sequences_used
select sequence_name, last_value from duckdb_sequences() where last_value is not null;

-- name: sequence_moved_on
select count(nextval($name)) from range($steps);

-- name: incoming_as_text
-- Rows of a backup (registered as ssi_incoming) as DuckDB's text, in the table's order.
-- slot columns: fragments
select {columns} from ssi_incoming;

-- name: column_as_text
-- slot column: name
cast({column} as varchar) as {column}

-- name: weeks_of_activity_keys
-- (rep, Monday of the week, metric) for the activity keys a change moves: the rows of the
-- weekly summary they feed, as text.
select distinct rep_id, cast(cast(date_trunc('week', cast(day as date)) as date) as varchar)
       as week, metric
from activity_keys;
