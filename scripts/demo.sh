#!/usr/bin/env bash
# Quick start: installs what is needed (as root), builds and installs the
# extension, starts a throwaway cluster, and runs an example sync as a
# non-superuser caller, printing the change table.  The cluster is removed
# on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# Decided once the packages are there: on a new machine they are not yet.
export PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
[ -x "$PG_CONFIG" ] || PG_CONFIG=pg_config
make -s PG_CONFIG="$PG_CONFIG" >/dev/null
make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
source scripts/cluster.sh
cluster_start

psql -X -q -v ON_ERROR_STOP=1 -d postgres <<'SQL'
-- As on a managed service: the caller is not a superuser, but has CREATEROLE
-- and owns the warehouse database.
CREATE ROLE warehouse_admin CREATEROLE LOGIN;
CREATE DATABASE warehouse OWNER warehouse_admin;
\c warehouse
CREATE EXTENSION pg_sync_roles;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_sync_roles TO warehouse_admin;
REVOKE CONNECT ON DATABASE warehouse FROM PUBLIC;
SQL

psql -X -U warehouse_admin -d warehouse -v ON_ERROR_STOP=1 <<'SQL'
CREATE SCHEMA sales;
CREATE TABLE sales.orders (id serial PRIMARY KEY, amount numeric);
CREATE TABLE sales.customers (id int PRIMARY KEY, name text);
CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE amount > 1000;
INSERT INTO sales.orders (amount) VALUES (50), (5000);

\echo '-- a team role: reads everything in sales, through shared intermediate roles'
SELECT * FROM pg_sync_roles.sync('sales_readers', '[
    {"type": "schema_usage", "schema": "sales"},
    {"type": "table_select", "schema": "sales", "table_regex": ".*"}
]');

\echo '-- alice: logs in until the end of 2030, connects, is in the team, owns a sandbox schema'
SELECT * FROM pg_sync_roles.sync('alice', '[
    {"type": "login", "password": "correct horse battery staple", "valid_until": "2030-12-31"},
    {"type": "database_connect", "database": "warehouse"},
    {"type": "role_membership", "role": "sales_readers"},
    {"type": "schema_ownership", "schema": "alice_sandbox"}
]');

\echo '-- the same again: nothing to change, no lock taken'
SELECT * FROM pg_sync_roles.sync('alice', '[
    {"type": "login", "valid_until": "2030-12-31"},
    {"type": "database_connect", "database": "warehouse"},
    {"type": "role_membership", "role": "sales_readers"},
    {"type": "schema_ownership", "schema": "alice_sandbox"}
]');

\echo '-- bob: one table, granted directly; an INSERT given by hand is revoked'
GRANT INSERT ON sales.customers TO sales_readers;
SELECT * FROM pg_sync_roles.sync('bob', '[
    {"type": "database_connect", "database": "warehouse"},
    {"type": "schema_usage", "schema": "sales"},
    {"type": "table_select", "schema": "sales", "table": "customers", "direct": true}
]');
SELECT * FROM pg_sync_roles.sync('sales_readers', '[
    {"type": "schema_usage", "schema": "sales"},
    {"type": "table_select", "schema": "sales", "table_regex": ".*"}
]');

\echo '-- alice leaves: what would change, then the change'
SELECT * FROM pg_sync_roles.plan('alice', '[]');
SELECT * FROM pg_sync_roles.sync('alice', '[]');
SQL

echo "demo done: the throwaway cluster is removed now"
