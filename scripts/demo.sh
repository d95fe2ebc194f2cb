#!/usr/bin/env bash
# Quick start: installs what is needed (as root), builds and installs the
# extension, starts a throwaway cluster, and runs an example sync as a
# non-superuser caller, printing the change table.  The cluster is removed
# on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
[ -x "$PG_CONFIG" ] || PG_CONFIG=pg_config

scripts/install-deps.sh
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
\echo '-- alice: can log in until the end of 2030, connect to the warehouse, and is an analyst'
SELECT * FROM pg_sync_roles.sync('alice', '[
    {"type": "login", "password": "correct horse battery staple", "valid_until": "2030-12-31"},
    {"type": "database_connect", "database": "warehouse"},
    {"type": "role_membership", "role": "analysts"}
]');

\echo '-- the same again: nothing to change, no lock taken'
SELECT * FROM pg_sync_roles.sync('alice', '[
    {"type": "login", "valid_until": "2030-12-31"},
    {"type": "database_connect", "database": "warehouse"},
    {"type": "role_membership", "role": "analysts"}
]');

\echo '-- bob shares the intermediate role that holds CONNECT'
SELECT * FROM pg_sync_roles.sync('bob', '[{"type": "database_connect", "database": "warehouse"}]');

\echo '-- alice leaves: what would change, then the change'
SELECT * FROM pg_sync_roles.plan('alice', '[]');
SELECT * FROM pg_sync_roles.sync('alice', '[]');
SQL

echo "demo done: the throwaway cluster is removed now"
