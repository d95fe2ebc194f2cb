#!/usr/bin/env bash
# On-demand benchmark (not part of test/run.sh): time per sync call for
# creating roles, re-syncing them with nothing to change, and changing them,
# on a throwaway cluster, as a non-superuser caller.  Compare numbers only
# within one run: the machine is shared and noisy.
#
#   test/bench/run.sh [ROLES] [TABLES]     default 1000 roles, 200 tables
set -euo pipefail
cd "$(dirname "$0")/../.."
ROLES=${1:-1000}
TABLES=${2:-200}
source scripts/cluster.sh
cluster_start >/dev/null

psql -X -q -d postgres -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE bench_admin CREATEROLE LOGIN;
CREATE DATABASE bench OWNER bench_admin;
\c bench
CREATE EXTENSION pg_sync_roles;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_sync_roles TO bench_admin;
SQL

psql -X -q -U bench_admin -d bench -v ON_ERROR_STOP=1 <<SQL
CREATE SCHEMA data;
SELECT format('CREATE TABLE data.t%s (x int)', i) FROM generate_series(1, $TABLES) i \gexec
CREATE FUNCTION doc(i int, direct bool) RETURNS jsonb LANGUAGE sql AS \$\$
    SELECT jsonb_build_array(
        jsonb_build_object('type', 'login'),
        jsonb_build_object('type', 'database_connect', 'database', 'bench'),
        jsonb_build_object('type', 'schema_usage', 'schema', 'data', 'direct', direct),
        jsonb_build_object('type', 'table_select', 'schema', 'data', 'table', 't' || (i % $TABLES + 1), 'direct', direct),
        jsonb_build_object('type', 'table_select', 'schema', 'data', 'table_regex', '^t' || (i % 9 + 1) || '\$', 'direct', direct))
\$\$;
CREATE FUNCTION bench(label text, n int, direct bool) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp(); changes bigint := 0; c bigint;
BEGIN
    FOR i IN 1..n LOOP
        SELECT count(*) INTO c FROM pg_sync_roles.sync('bench_' || i, doc(i, direct));
        changes := changes + c;
    END LOOP;
    RETURN format('%-38s %6s calls %8s statements %8s ms/call', label, n, changes,
                  round((extract(epoch FROM clock_timestamp() - t0) * 1000 / n)::numeric, 3));
END \$\$;
SQL

run() { psql -X -q -At -U bench_admin -d bench -c "SELECT bench('$1', $ROLES, $2)"; }
echo "pg_sync_roles benchmark: $ROLES roles, $TABLES tables"
run "create (through intermediate roles)" false
run "nothing to change" false
run "switch to direct grants" true
run "nothing to change (direct)" true
run "switch back to intermediate roles" false
cluster_stop
