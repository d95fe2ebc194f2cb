#!/usr/bin/env bash
# pg_cron runs the README's recipe (test/cron/recipe.sql): a table holds the
# desired documents, a job scheduled by the non-superuser caller runs a loop
# of pg_sync_roles.sync over it, as that caller.  Checked: what
# cron.job_run_details says of a clean run and of a run with a bad document,
# what the roles can do afterwards (log in over TCP, SELECT), and that no
# password reaches the server log or pg_cron's tables.
#
# Needs a running server with pg_cron in shared_preload_libraries, whose
# pg_hba.conf lets the superuser in over PGHOST without a password, lets
# pg_cron's job connections (cron.host) in as the caller, and asks for
# scram-sha-256 on 127.0.0.1: as scripts/cluster.sh sets it up.  SERVER_LOG,
# if set, is checked for passwords.  CRON_WAIT is how long to wait for a run
# (default 150 s: pg_cron before 1.5 runs jobs at most once a minute).
# Prints "N passed, N failed" last; exits non-zero on a failure.
set -u
cd "$(dirname "$0")"

DB=regress_pgsr_cron
ADMIN=regress_pgsr_admin
ROLE=regress_pgsr_cron
JOB=regress_pgsr_cron_sync
PW_ALICE="pw-cron-alice secret"
PW_BOB="pw-cron-bob"
PW_CAROL="pw-cron-carol-typo"
PW_ERIN="pw-cron-erin"
passed=0
failed=0

ok()   { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && echo "#   $2"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected '$3', got '$2'"; fi; }
finish() { echo; echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

sql()       { psql -X -q -v ON_ERROR_STOP=1 -At -d "${2:-$DB}" -c "$1"; }
admin_sql() { psql -X -q -v ON_ERROR_STOP=1 -At -U "$ADMIN" -d "${2:-$DB}" -c "$1"; }

# Runs a query over TCP as a role, with its password.
as_role() {
    PGPASSWORD="$2" psql -X -At "host=127.0.0.1 port=$PGPORT user=$1 dbname=$DB connect_timeout=5" \
        -c "$3" 2>&1
}
expect_query() {
    local out
    if out=$(as_role "$1" "$2" "$3") && [ "$out" = "$4" ]; then ok "$5"; else fail "$5" "$out"; fi
}
expect_denied() {
    local out
    if out=$(as_role "$1" "$2" "$3"); then fail "$5" "ran: $out"
    elif grep -q -- "$4" <<<"$out"; then ok "$5"
    else fail "$5" "unexpected error: $out"; fi
}

if ! sql "SHOW shared_preload_libraries" postgres | grep -qw pg_cron; then
    echo "pg_cron is not in shared_preload_libraries (scripts/cluster.sh loads it where it is installed)"
    failed=1
    finish
fi
CRON_DB=$(sql "SHOW cron.database_name" postgres)

teardown() {
    admin_sql "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = '$JOB'" "$CRON_DB" >/dev/null 2>&1
    psql -X -q -d postgres >/dev/null 2>&1 <<SQL
DROP DATABASE IF EXISTS $DB WITH (FORCE);
DROP ROLE IF EXISTS ${ROLE}_alice, ${ROLE}_bob, ${ROLE}_carol, ${ROLE}_erin;
SQL
    psql -X -q -d postgres -At -c "SELECT format('DROP ROLE %I', a.rolname) FROM pg_roles a
        WHERE a.rolname LIKE '\_pgsr\_%' AND NOT EXISTS (SELECT FROM pg_shdepend d
              WHERE d.refclassid = 'pg_authid'::regclass AND d.refobjid = a.oid)" |
        psql -X -q -d postgres >/dev/null 2>&1
    [ "${CREATED_CRON:-f}" = t ] && sql "DROP EXTENSION pg_cron" "$CRON_DB" >/dev/null 2>&1
}

# What a superuser (the service provider) does once: the caller owns the
# warehouse database and may call pg_sync_roles; pg_cron is installed in its
# own database, where the caller may schedule jobs into other databases.
setup() {
    teardown
    CREATED_CRON=$(sql "SELECT NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron')" "$CRON_DB")
    psql -X -q -d postgres -v ON_ERROR_STOP=1 <<SQL >/dev/null
SET client_min_messages = warning;
SELECT 'CREATE ROLE $ADMIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ADMIN') \gexec
ALTER ROLE $ADMIN NOSUPERUSER CREATEROLE LOGIN;
CREATE DATABASE $DB OWNER $ADMIN;
REVOKE CONNECT ON DATABASE $DB FROM PUBLIC;
\c $DB
CREATE EXTENSION pg_sync_roles;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_sync_roles TO $ADMIN;
\c $CRON_DB
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_cron;
GRANT USAGE ON SCHEMA cron TO $ADMIN;
GRANT EXECUTE ON FUNCTION cron.schedule_in_database TO $ADMIN;
SQL
}

setup || { echo "setup failed"; failed=1; finish; }
trap teardown EXIT
LOG_START=$( [ -n "${SERVER_LOG:-}" ] && stat -c %s "$SERVER_LOG" || echo 0)

# The caller's own setup: a table to read, the recipe, the documents.
psql -X -q -v ON_ERROR_STOP=1 -U "$ADMIN" -d "$DB" >/dev/null <<SQL || { echo "the recipe failed"; failed=1; finish; }
CREATE SCHEMA sales;
CREATE TABLE sales.orders (id int);
INSERT INTO sales.orders VALUES (1), (2);
\i recipe.sql
INSERT INTO role_sync.desired_roles VALUES
  ('${ROLE}_alice', '[{"type": "login", "password": "$PW_ALICE"},
                      {"type": "database_connect", "database": "$DB"},
                      {"type": "schema_usage", "schema": "sales"},
                      {"type": "table_select", "schema": "sales", "table": "orders"}]'),
  ('${ROLE}_bob',   '[{"type": "login", "password": "$PW_BOB"},
                      {"type": "database_connect", "database": "$DB"}]');
SQL

# pg_cron 1.5 and later run a job every few seconds; before, once a minute.
SCHEDULE=$(sql "SELECT CASE WHEN string_to_array(split_part(extversion, '-', 1), '.')::int[] >= '{1,5}'
                            THEN '2 seconds' ELSE '* * * * *' END
                  FROM pg_extension WHERE extname = 'pg_cron'" "$CRON_DB")
echo "# pg_cron $(sql "SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'" "$CRON_DB"), schedule '$SCHEDULE'"

# The caller schedules the job itself, from pg_cron's database, to run in the
# warehouse database as the caller.
JOBID=$(admin_sql "SELECT cron.schedule_in_database('$JOB', '$SCHEDULE',
                       'CALL role_sync.sync_desired_roles()', '$DB')" "$CRON_DB")
check "the caller (not a superuser) schedules the job" \
    "$(sql "SELECT j.username || ' ' || r.rolsuper FROM cron.job j JOIN pg_roles r ON r.rolname = j.username
             WHERE j.jobid = ${JOBID:-0}" "$CRON_DB")" "$ADMIN false"

# Waits for the first run of the job that started after $1 to end; prints
# its status and return_message, as the caller reads them.
wait_run() {
    local deadline=$((SECONDS + ${CRON_WAIT:-150})) out
    while [ $SECONDS -lt $deadline ]; do
        out=$(admin_sql "SELECT status || ': ' || coalesce(return_message, '') FROM cron.job_run_details
                          WHERE jobid = $JOBID AND start_time > '$1' AND status IN ('succeeded', 'failed')
                          ORDER BY runid LIMIT 1" "$CRON_DB")
        [ -n "$out" ] && { echo "$out"; return 0; }
        sleep 2
    done
    echo "no run ended within ${CRON_WAIT:-150} s"
    return 1
}

# --- a clean run ---------------------------------------------------------------
since=$(sql "SELECT clock_timestamp()")
run=$(wait_run "$since")
echo "#   $run"
check "a run of every document succeeds" "$run" "succeeded: CALL"
expect_query ${ROLE}_alice "$PW_ALICE" "SELECT count(*) FROM sales.orders" 2 \
    "alice logs in with her declared password and reads the table"
expect_query ${ROLE}_bob "$PW_BOB" "SELECT current_user" ${ROLE}_bob "bob logs in with his"
expect_denied ${ROLE}_bob "$PW_BOB" "SELECT count(*) FROM sales.orders" "permission denied for schema sales" \
    "bob cannot read the table: his document does not grant it"

# --- a run with a bad document -------------------------------------------------
# alice loses SELECT; carol's document misspells "password"; erin, after her,
# is new.
admin_sql "UPDATE role_sync.desired_roles
              SET grants = '[{\"type\": \"login\", \"password\": \"$PW_ALICE\"},
                             {\"type\": \"database_connect\", \"database\": \"$DB\"},
                             {\"type\": \"schema_usage\", \"schema\": \"sales\"}]'
            WHERE role_name = '${ROLE}_alice';
           INSERT INTO role_sync.desired_roles VALUES
             ('${ROLE}_carol', '[{\"type\": \"login\", \"pasword\": \"$PW_CAROL\"}]'),
             ('${ROLE}_erin', '[{\"type\": \"login\", \"password\": \"$PW_ERIN\"},
                                {\"type\": \"database_connect\", \"database\": \"$DB\"}]')"
since=$(sql "SELECT clock_timestamp()")
run=$(wait_run "$since")
echo "#   $run"
case $run in
    "failed: ERROR:  1 of 4 roles not synced: ${ROLE}_carol: grants[0]"*"(SQLSTATE 22023)"*)
        ok "the run fails, and return_message names the role, the element and the SQLSTATE" ;;
    *) fail "the run fails, and return_message names the role, the element and the SQLSTATE" "$run" ;;
esac
expect_denied ${ROLE}_alice "$PW_ALICE" "SELECT count(*) FROM sales.orders" "permission denied for table orders" \
    "the other roles are synced: alice no longer reads the table"
expect_query ${ROLE}_erin "$PW_ERIN" "SELECT current_user" ${ROLE}_erin \
    "erin, synced after the failed role, logs in"
check "carol's sync is undone: the role does not exist" \
    "$(sql "SELECT count(*) FROM pg_roles WHERE rolname = '${ROLE}_carol'")" 0

# --- no password anywhere --------------------------------------------------------
mapfile -t SECRETS < <(sql "SELECT rolpassword FROM pg_authid WHERE rolname LIKE '${ROLE}\_%' AND rolpassword IS NOT NULL")
leaks=$(sql "SELECT count(*) FROM cron.job_run_details d JOIN cron.job j USING (jobid)
              WHERE j.jobid = $JOBID
                AND (concat(d.command, d.return_message, j.command) ~ 'pw-cron'
                     OR concat(d.command, d.return_message) ~ 'SCRAM-SHA-256')" "$CRON_DB")
check "no password in cron.job or cron.job_run_details" "$leaks" 0
if [ -n "${SERVER_LOG:-}" ]; then
    written=$(tail -c +$((LOG_START + 1)) "$SERVER_LOG")
    if ! grep -q "cron job $JOBID" <<<"$written"; then
        fail "no password in the server log" "the log shows no run of job $JOBID: is it the server's log?"
    elif grep -q -F -e "pw-cron" "${SECRETS[@]/#/-e}" <<<"$written"; then
        fail "no password in the server log" "$(grep -F -e pw-cron <<<"$written" | head -3)"
    else
        ok "no password in the server log (plaintext or SCRAM secret)"
    fi
fi

check "the caller unschedules the job" \
    "$(admin_sql "SELECT cron.unschedule($JOBID)" "$CRON_DB")" t
finish
