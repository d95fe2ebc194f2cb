#!/usr/bin/env bash
# Real logins over TCP with scram-sha-256: what a synced role can actually do.
#
# Needs a running server whose pg_hba.conf allows the superuser in over the
# Unix socket (PGHOST) and asks for scram-sha-256 on 127.0.0.1, as
# scripts/cluster.sh sets it up.  SERVER_LOG, if set, is checked for
# passwords.  Prints "N passed, N failed" last; exits non-zero on a failure.
set -u

DB=regress_pgsr_login
ADMIN=regress_pgsr_admin
USER_A=regress_pgsr_tcp
passed=0
failed=0

ok()   { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && echo "#   $2"; }

su_sql()    { psql -X -q -v ON_ERROR_STOP=1 -At -d "$DB" -c "$1"; }
admin_sql() { psql -X -q -v ON_ERROR_STOP=1 -At -U "$ADMIN" -d "$DB" -c "$1"; }

# sync as the non-superuser caller; the document is JSON text.
sync() { admin_sql "SELECT count(*) FROM pg_sync_roles.sync('$1', \$doc\$$2\$doc\$)" >/dev/null; }

# Tries a password login over TCP; prints the server's complaint on failure.
login() {
    PGPASSWORD="$2" psql -X -At "host=127.0.0.1 port=$PGPORT user=$1 dbname=${3:-$DB} connect_timeout=5" \
        -c "SELECT current_user" 2>&1
}

expect_login() {
    local out
    if out=$(login "$1" "$2" "${4:-}") && [ "$out" = "$1" ]; then ok "$3"; else fail "$3" "$out"; fi
}

expect_refused() {
    local out
    if out=$(login "$1" "$2"); then fail "$3" "logged in: $out"
    elif grep -q -- "$4" <<<"$out"; then ok "$3"
    else fail "$3" "unexpected error: $out"; fi
}

setup() {
    psql -X -q -d postgres -v ON_ERROR_STOP=1 <<SQL >/dev/null
SET client_min_messages = warning;
DROP DATABASE IF EXISTS $DB;
SELECT 'CREATE ROLE $ADMIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ADMIN') \gexec
ALTER ROLE $ADMIN NOSUPERUSER CREATEROLE LOGIN;
CREATE DATABASE $DB OWNER $ADMIN;
\c $DB
CREATE EXTENSION pg_sync_roles;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_sync_roles TO $ADMIN;
-- As in a warehouse: only those granted CONNECT may connect.
REVOKE CONNECT ON DATABASE $DB FROM PUBLIC;
SQL
}

teardown() {
    psql -X -q -d postgres <<SQL >/dev/null 2>&1
DROP DATABASE IF EXISTS $DB;
DROP ROLE IF EXISTS $USER_A, regress_pgsr_tcp_model, regress_pgsr_tcp_many;
SQL
    psql -X -q -d postgres -At -c "SELECT format('DROP ROLE %I', a.rolname) FROM pg_roles a
        WHERE a.rolname LIKE '\_pgsr\_%' AND NOT EXISTS (SELECT FROM pg_shdepend d
              WHERE d.refclassid = 'pg_authid'::regclass AND d.refobjid = a.oid)" |
        psql -X -q -d postgres >/dev/null 2>&1
}

setup || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
LOG_START=$( [ -n "${SERVER_LOG:-}" ] && stat -c %s "$SERVER_LOG" || echo 0)

CONNECT="{\"type\": \"database_connect\", \"database\": \"$DB\"}"

sync $USER_A "[{\"type\": \"login\", \"password\": \"pw-first secret\"}, $CONNECT]"
expect_login $USER_A "pw-first secret" "the declared password logs in over TCP (scram-sha-256)"
expect_refused $USER_A "pw-wrong" "a wrong password is refused" "password authentication failed"

sync $USER_A "[{\"type\": \"login\", \"password\": null}, $CONNECT]"
expect_login $USER_A "pw-first secret" "a null password keeps the current one"

sync $USER_A "[{\"type\": \"login\", \"password\": \"pw-second\"}, $CONNECT]"
expect_refused $USER_A "pw-first secret" "a changed password replaces the old one" "password authentication failed"
expect_login $USER_A "pw-second" "the changed password logs in"

sync $USER_A "[{\"type\": \"login\"}]"
expect_refused $USER_A "pw-second" "without database_connect the role cannot connect" "permission denied for database"
sync $USER_A "[{\"type\": \"login\"}, $CONNECT]"
expect_login $USER_A "pw-second" "database_connect given back: it connects again"

sync $USER_A "[{\"type\": \"login\", \"valid_until\": \"2001-01-01 00:00:00+00\"}, $CONNECT]"
expect_refused $USER_A "pw-second" "a valid_until in the past is refused" "password authentication failed"
sync $USER_A "[{\"type\": \"login\", \"valid_until\": \"2999-01-01 00:00:00+00\"}, $CONNECT]"
expect_login $USER_A "pw-second" "a valid_until in the future logs in"

# A SCRAM secret is used as is: the plaintext it was made from logs in.
su_sql "CREATE ROLE regress_pgsr_tcp_model PASSWORD 'made elsewhere'" >/dev/null
SECRET=$(su_sql "SELECT rolpassword FROM pg_authid WHERE rolname = 'regress_pgsr_tcp_model'")
sync $USER_A "[{\"type\": \"login\", \"password\": \"$SECRET\"}, $CONNECT]"
expect_login $USER_A "made elsewhere" "a SCRAM-SHA-256 secret is stored as given"

sync $USER_A "[$CONNECT]"
expect_refused $USER_A "made elsewhere" "no login in the document: the role cannot log in" "not permitted to log in\|password authentication failed"
if [ "$(su_sql "SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = '$USER_A'")" = t ]; then
    ok "removing login clears the password"
else
    fail "removing login clears the password"
fi

# sync_many: the same for a role of a roles document.
admin_sql "SELECT count(*) FROM pg_sync_roles.sync_many(\$doc\${\"regress_pgsr_tcp_many\": [{\"type\": \"login\", \"password\": \"pw-many\"}, $CONNECT]}\$doc\$)" >/dev/null
expect_login regress_pgsr_tcp_many "pw-many" "sync_many: the declared password logs in over TCP"

# check_password_hook sees the plaintext, before it is hashed.
out=$(psql -X -q -At -d "$DB" 2>&1 <<SQL
LOAD 'passwordcheck';
SET ROLE $ADMIN;
SELECT count(*) FROM pg_sync_roles.sync('$USER_A', '[{"type": "login", "password": "short1"}]');
SQL
)
if grep -q "password is too short" <<<"$out" && ! grep -q "short1" <<<"$out"; then
    ok "check_password_hook rejects a weak plaintext password, without echoing it"
else
    fail "check_password_hook rejects a weak plaintext password, without echoing it" "$out"
fi

# A NOTICE (a missing schema) raised while a document holds a password is
# logged without the calling statement as context.
psql -X -q -d "$DB" >/dev/null 2>&1 <<SQL
SET log_min_messages = notice;
SET ROLE $ADMIN;
DO \$\$ BEGIN
    PERFORM pg_sync_roles.sync('$USER_A', '[{"type": "login", "password": "pw-in-notice"},
                                             {"type": "schema_usage", "schema": "regress_pgsr_no_such_schema"}]');
END \$\$;
SQL
# A malformed document holding a password is not logged with its statement.
admin_sql "SELECT pg_sync_roles.sync('$USER_A', '[{\"type\": \"login\", \"password\": \"pw-malformed\"}, {\"type\": 1}]')" \
    >/dev/null 2>&1
# Nor one that is not even JSON (jsonb's input function refuses it before sync
# runs), in a session where an earlier call has loaded the extension.
psql -X -q -U "$ADMIN" -d "$DB" >/dev/null 2>&1 <<SQL
SELECT count(*) FROM pg_sync_roles.plan('$USER_A', '[]');
SELECT pg_sync_roles.sync('$USER_A', '[{"type": "login", "password": "pw-syntax"]');
SQL
# No password, plaintext or hashed, reached the server log while this ran.
if [ -n "${SERVER_LOG:-}" ]; then
    written=$(tail -c +$((LOG_START + 1)) "$SERVER_LOG")
    if grep -q -F -e "pw-first secret" -e "pw-second" -e "pw-many" -e "short1" -e "pw-malformed" -e "pw-syntax" -e "pw-in-notice" -e "$SECRET" <<<"$written"; then
        fail "no password in the server log" "$(grep -F -e pw- -e short1 <<<"$written" | head -3)"
    else
        ok "no password in the server log"
    fi
fi

# Every path by which the calling statement could reach the log.  Each check
# reads what the server logged while it ran: the error (or duration line) must
# be there, and the password must not.  The control checks show that the same
# reading finds a statement's text when it holds no secret.
log_at() { stat -c %s "$SERVER_LOG"; }
logged_since() { tail -c +$(($1 + 1)) "$SERVER_LOG"; }

# expect_in_log START DESCRIPTION MARKER LINE_REGEX: the log since START has
# a line matching LINE_REGEX, and MARKER nowhere.  With MARKER_EXPECTED=1 the
# marker must be there (a control).
expect_in_log() {
    local written
    written=$(logged_since "$1")
    if ! grep -q -E -- "$4" <<<"$written"; then
        fail "$2" "nothing logged matching: $4"
    elif [ "${MARKER_EXPECTED:-0}" = 1 ]; then
        if grep -q -F -- "$3" <<<"$written"; then ok "$2"; else fail "$2" "$3 not in the log"; fi
    elif grep -q -F -- "$3" <<<"$written"; then
        fail "$2" "$(grep -F -- "$3" <<<"$written" | head -3)"
    else
        ok "$2"
    fi
}

# Runs SQL as the superuser, then as the non-superuser caller (SET ROLE);
# errors are expected.
as_caller() { printf '%s\n' "${2:-}" "SET ROLE $ADMIN;" "$1" | psql -X -q -d "$DB" >/dev/null 2>&1; }

if [ -n "${SERVER_LOG:-}" ]; then
    at=$(log_at)
    as_caller "SELECT pg_sync_roles.sync('$USER_A', '[{\"type\": \"schema_usage\", \"schema\": \"ctl-logged-statement\"}, {\"type\": 1}]');"
    MARKER_EXPECTED=1 expect_in_log "$at" "control: a failing sync without a secret is logged with its statement" \
        ctl-logged-statement 'STATEMENT:.*pg_sync_roles\.sync'

    at=$(log_at)
    as_caller "SELECT * FROM pg_sync_roles.sync(repeat('x', 64), '[{\"type\": \"login\", \"password\": \"pw-bad-role-name\"}]');"
    expect_in_log "$at" "a bad role_name is logged without the statement holding the password" \
        pw-bad-role-name 'ERROR:.*role_name: name is longer than 63 bytes'

    for key in Password PASSWORD pass pwd; do
        at=$(log_at)
        as_caller "SELECT * FROM pg_sync_roles.plan('$USER_A', '[{\"type\": \"login\", \"$key\": \"pw-key-$key\"}]');"
        expect_in_log "$at" "a password under a mistyped key (\"$key\") is not logged" \
            "pw-key-$key" "ERROR:.*grants\\[0\\]\\.$key: unexpected key"
    done

    at=$(log_at)
    as_caller "SELECT (SELECT count(*) FROM pg_sync_roles.sync('$USER_A', '[{\"type\": \"login\", \"password\": \"pw-second-call\"}]')),
                      (SELECT count(*) FROM pg_sync_roles.sync(repeat('y', 64), '[]'));"
    expect_in_log "$at" "a second call failing in the same statement does not log it" \
        pw-second-call 'ERROR:.*role_name: name is longer than 63 bytes'

    at=$(log_at)
    as_caller "SELECT 1 / (count(*) - count(*)) FROM pg_sync_roles.sync('$USER_A', '[{\"type\": \"login\", \"password\": \"pw-after-return\"}]');"
    expect_in_log "$at" "an error in the same statement after sync returned does not log it" \
        pw-after-return 'ERROR:  division by zero'

    at=$(log_at)
    as_caller "DO \$\$ BEGIN
                   PERFORM pg_sync_roles.sync('$USER_A', '[{\"type\": \"login\", \"password\": \"pw-in-do-block\"}]');
                   PERFORM 1 / 0;
               END \$\$;"
    expect_in_log "$at" "an error later in a DO block that called sync does not log the block" \
        pw-in-do-block 'ERROR:  division by zero'

    # A document that is not JSON is refused by jsonb's input function while
    # the statement is parsed, before any call: its error is still logged
    # without the statement, CONTEXT or DETAIL (which quote the document) once
    # the library is loaded in the session -- by an earlier call, or by
    # session_preload_libraries for the very first one.
    at=$(log_at)
    as_caller "SELECT * FROM pg_sync_roles.sync('$USER_A', '[{\"type\": \"login\", \"password\": pwbaretoken}]');" \
        "SELECT count(*) FROM pg_sync_roles.plan('$USER_A', '[]');"
    expect_in_log "$at" "a document that is not JSON is logged without its statement, CONTEXT or DETAIL" \
        pwbaretoken 'ERROR:  invalid input syntax for type json'
    su_sql "ALTER DATABASE $DB SET session_preload_libraries = 'pg_sync_roles'"
    at=$(log_at)
    as_caller "SELECT * FROM pg_sync_roles.plan_many('{\"$USER_A\": [{\"type\": \"login\", \"password\": \"pw-first-call\"]}');"
    expect_in_log "$at" "with session_preload_libraries, so is one in a session's first statement" \
        pw-first-call 'ERROR:  invalid input syntax for type json'
    at=$(log_at)
    as_caller "SELECT '[{\"type\": \"ctl-not-json\"]'::jsonb;"
    MARKER_EXPECTED=1 expect_in_log "$at" "control: a document that is not JSON, in a statement calling no sync, is logged" \
        ctl-not-json 'STATEMENT:.*ctl-not-json'
    su_sql "ALTER DATABASE $DB RESET session_preload_libraries"

    # sync_many: role names are no secret, so a roles document is kept out
    # of the log only when a role's grants hold a password (or may).
    at=$(log_at)
    as_caller "SELECT * FROM pg_sync_roles.sync_many('{\"regress_pgsr_tcp_many\": [{\"type\": \"login\", \"password\": \"pw-many-error\"}], \"regress_pgsr_tcp_other\": [{\"type\": 1}]}');"
    expect_in_log "$at" "sync_many: an error in another role's document does not log the one holding a password" \
        pw-many-error 'ERROR:.*roles\["regress_pgsr_tcp_other"\]\[0\]'
    at=$(log_at)
    as_caller "SELECT * FROM pg_sync_roles.plan_many('{\"regress_pgsr_tcp_many\": [{\"type\": \"login\", \"pass\": \"pw-many-key\"}]}');"
    expect_in_log "$at" "sync_many: a password under a mistyped key is not logged" \
        pw-many-key 'ERROR:.*roles\["regress_pgsr_tcp_many"\]\[0\]\.pass: unexpected key'
    at=$(log_at)
    as_caller "SELECT * FROM pg_sync_roles.sync_many('{\"regress_pgsr_tcp_many\": [{\"type\": \"login\", \"password\": null}], \"ctl-many-logged\": [{\"type\": 1}]}');"
    MARKER_EXPECTED=1 expect_in_log "$at" "control: a failing sync_many without a password is logged with its statement" \
        ctl-many-logged 'STATEMENT:.*pg_sync_roles\.sync_many'
    at=$(log_at)
    as_caller "SELECT count(*) FROM pg_sync_roles.sync_many('{\"regress_pgsr_tcp_many\": [{\"type\": \"login\", \"password\": \"pw-many-duration\"}]}');" \
        "SET log_min_duration_statement = 0;"
    expect_in_log "$at" "sync_many: the duration line of a call holding a password does not show it" \
        pw-many-duration 'duration: .* statement: (<not shown: pg_sync_roles|SELECT count\(\*\) FROM pg_sync_roles)'

    # log_min_duration_statement logs the statement in the message itself.
    at=$(log_at)
    as_caller "SELECT count(*) FROM pg_sync_roles.sync('$USER_A', '[{\"type\": \"login\", \"password\": \"pw-duration\"}]');" \
        "SET log_min_duration_statement = 0;"
    expect_in_log "$at" "the duration line of a sync holding a password does not show it" \
        pw-duration 'duration: .* statement: (<not shown: pg_sync_roles|SELECT count\(\*\) FROM pg_sync_roles)'
    at=$(log_at)
    as_caller "SELECT count(*) FROM pg_sync_roles.plan('$USER_A', '[{\"type\": \"login\", \"valid_until\": null}, {\"type\": \"role_membership\", \"role\": \"ctl-duration\"}]');" \
        "SET log_min_duration_statement = 0;"
    MARKER_EXPECTED=1 expect_in_log "$at" "control: the duration line of a sync without a secret shows its statement" \
        ctl-duration 'duration: .* statement: SELECT count'
fi

# A copy of the database (CREATE DATABASE ... TEMPLATE) names the same
# intermediate roles in its own ACLs: the original's next sync still finds
# them fit for reuse, and changes nothing.
sync $USER_A "[{\"type\": \"login\"}, $CONNECT]"
su_sql "CREATE SCHEMA IF NOT EXISTS s; CREATE TABLE IF NOT EXISTS s.t (x int)" >/dev/null
DOC="[{\"type\": \"login\"}, $CONNECT, {\"type\": \"schema_usage\", \"schema\": \"s\"}, {\"type\": \"table_select\", \"schema\": \"s\", \"table\": \"t\"}]"
su_sql "ALTER SCHEMA s OWNER TO $ADMIN; ALTER TABLE s.t OWNER TO $ADMIN" >/dev/null
sync $USER_A "$DOC"
psql -X -q -d postgres -c "CREATE DATABASE regress_pgsr_login_copy TEMPLATE $DB" >/dev/null
changes=$(admin_sql "SELECT count(*) FROM pg_sync_roles.sync('$USER_A', \$doc\$$DOC\$doc\$)")
psql -X -q -d postgres -c "DROP DATABASE regress_pgsr_login_copy" >/dev/null
if [ "$changes" = 0 ]; then ok "a copy of the database does not make its intermediate roles unfit for reuse"
else fail "a copy of the database does not make its intermediate roles unfit for reuse" "$changes changes"; fi

# A copy kept beside its original (CREATE DATABASE ... TEMPLATE): the copy
# names the original's intermediate roles in its ACLs.  Syncing the same
# role in both converges, and neither takes access away in the other.
COPY=regress_pgsr_login_copy
psql -X -q -d postgres -c "CREATE DATABASE $COPY TEMPLATE $DB OWNER $ADMIN" >/dev/null
copy_admin() { psql -X -q -v ON_ERROR_STOP=1 -At -U "$ADMIN" -d "$COPY" -c "$1" 2>&1; }
can_select() { psql -X -q -At -d "$1" -c "SET ROLE $USER_A; SELECT count(*) FROM s.t" 2>&1; }
changes() { psql -X -q -At -U "$ADMIN" -d "$1" -c "SELECT count(*) FROM pg_sync_roles.$2('$USER_A', \$doc\$$3\$doc\$)" 2>&1; }
first=$(changes "$COPY" sync "$DOC")
after=$(changes "$DB" plan "$DOC")/$(changes "$COPY" plan "$DOC")/$(changes "$DB" sync "$DOC")/$(changes "$COPY" plan "$DOC")
if [ "$first" != 0 ] && [ "$after" = 0/0/0/0 ] && [ "$(can_select "$DB")" = 0 ] && [ "$(can_select "$COPY")" = 0 ]; then
    ok "a copy beside its original: both converge, and the role reads in both"
else
    fail "a copy beside its original: both converge, and the role reads in both" \
        "first sync in the copy: $first; plans and syncs after: $after; selects: $(can_select "$DB") / $(can_select "$COPY")"
fi
NO_SELECT="[{\"type\": \"login\"}, $CONNECT, {\"type\": \"schema_usage\", \"schema\": \"s\"}]"
changes "$COPY" sync "$NO_SELECT" >/dev/null
if [ "$(can_select "$DB")" = 0 ] && grep -q "permission denied" <<<"$(can_select "$COPY")" \
    && [ "$(changes "$DB" plan "$DOC")" = 0 ]; then
    ok "a copy beside its original: what the copy takes away stays in the original"
else
    fail "a copy beside its original: what the copy takes away stays in the original" \
        "original: $(can_select "$DB"); copy: $(can_select "$COPY"); plan in the original: $(changes "$DB" plan "$DOC")"
fi
psql -X -q -d postgres -c "DROP DATABASE $COPY" >/dev/null

teardown
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
