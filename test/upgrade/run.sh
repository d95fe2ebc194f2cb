#!/usr/bin/env bash
# Updating the extension in place, and the package's metadata.
#
# One database gets pg_sync_roles 0.1.0 (CREATE EXTENSION ... VERSION
# '0.1.0'), the non-superuser caller syncs roles with it, and a superuser
# runs ALTER EXTENSION pg_sync_roles UPDATE; another database gets the
# default version fresh.  Checked: 0.1.0 is exactly its three functions and
# they work with the current module; after the update the functions are the
# fresh install's (catalog rows of pg_proc with owners, ACLs, initial
# privileges, comments and extension membership; psql's \df+, \dx+, \dn+),
# the new ones callable by nobody until granted; the roles can do exactly
# what they could before (privileges, memberships, ownership, password,
# real connections and queries); and plan, plan_many and sync_many then find
# nothing to do.  Then META.json (test/upgrade/meta.py).
#
# Needs a running server whose pg_hba.conf lets the superuser (PGUSER) and
# every role in over PGHOST without a password, as scripts/cluster.sh sets it
# up, and the extension installed with all its scripts (make install).
# Prints "N passed, N failed" last; exits non-zero on a failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)

OLD=regress_pgsr_upgrade_old    # installed at 0.1.0, then updated
NEW=regress_pgsr_upgrade_new    # installed fresh at default_version
ADMIN=regress_pgsr_upgrade_admin
R=regress_pgsr_up               # prefix of the synced roles
FIRST=0.1.0
PYTHON=${PYTHON:-/usr/bin/python3}
passed=0
failed=0

ok()   { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && sed 's/^/#   /' <<<"$2"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected '$3', got '$2'"; fi; }
finish() { echo; echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

su_sql()    { psql -X -q -v ON_ERROR_STOP=1 -At -d "$1" -c "$2"; }
admin_sql() { psql -X -q -v ON_ERROR_STOP=1 -At -U "$ADMIN" -d "$OLD" -c "$1"; }
# Equal outputs, or a failure showing their diff.
same() {
    local d
    if [ -z "$2" ]; then fail "$1" "nothing to compare: the query returned no rows"
    elif d=$(diff <(echo "$2") <(echo "$3")); then ok "$1"
    else fail "$1" "$d"; fi
}

DOC_TEAM='[{"type": "schema_usage", "schema": "sales"},
           {"type": "table_select", "schema": "sales", "table": "orders"}]'
DOC_ALICE="[{\"type\": \"login\", \"password\": \"pw-upgrade secret\", \"valid_until\": \"2031-01-01 00:00:00+00\"},
            {\"type\": \"database_connect\", \"database\": \"$OLD\"},
            {\"type\": \"role_membership\", \"role\": \"${R}_team\"},
            {\"type\": \"table_select\", \"schema\": \"sales\", \"table\": \"refunds\"}]"
# The password is set at the first sync; the documents after keep it (a
# caller who cannot read pg_authid cannot compare it, and would set it again).
DOC_ALICE_FIRST=$DOC_ALICE
DOC_ALICE=${DOC_ALICE/\"pw-upgrade secret\"/null}
DOC_BOB="[{\"type\": \"login\"},
          {\"type\": \"database_connect\", \"database\": \"$OLD\"},
          {\"type\": \"schema_usage\", \"schema\": \"sales\", \"direct\": true},
          {\"type\": \"schema_create\", \"schema\": \"sales\", \"direct\": true},
          {\"type\": \"table_select\", \"schema\": \"sales\", \"table\": \"orders\", \"direct\": true},
          {\"type\": \"table_ownership\", \"schema\": \"sales\", \"table\": \"targets\"},
          {\"type\": \"schema_ownership\", \"schema\": \"bob_sandbox\"}]"
doc_of() { case $1 in team) echo "$DOC_TEAM" ;; alice) echo "$DOC_ALICE" ;; bob) echo "$DOC_BOB" ;; esac; }
# How many statements plan finds for each synced role, on one line.
planned() {
    local role
    for role in team alice bob; do
        admin_sql "SELECT count(*) FROM pg_sync_roles.plan('${R}_$role', \$d\$$(doc_of $role)\$d\$)"
    done | paste -sd' '
}
ROLES_DOC="{\"${R}_team\": $DOC_TEAM, \"${R}_alice\": $DOC_ALICE, \"${R}_bob\": $DOC_BOB}"

teardown() {
    psql -X -q -d postgres >/dev/null 2>&1 <<SQL
DROP DATABASE IF EXISTS $OLD WITH (FORCE);
DROP DATABASE IF EXISTS $NEW WITH (FORCE);
DROP ROLE IF EXISTS ${R}_alice, ${R}_bob, ${R}_team, ${R}_carol;
SQL
    psql -X -q -d postgres -At -c "SELECT format('DROP ROLE %I', a.rolname) FROM pg_roles a
        WHERE a.rolname LIKE '\_pgsr\_%' AND NOT EXISTS (SELECT FROM pg_shdepend d
              WHERE d.refclassid = 'pg_authid'::regclass AND d.refobjid = a.oid)" |
        psql -X -q -d postgres >/dev/null 2>&1
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS $ADMIN" >/dev/null 2>&1
}

# --- the package's metadata (no server needed) -------------------------------

out=$("$PYTHON" "$HERE/meta.py" "$HERE/../.." 2>&1)
echo "$out"
passed=$((passed + $(grep -c '^ok - ' <<<"$out")))
failed=$((failed + $(grep -c '^not ok - ' <<<"$out")))
grep -qE '^(not )?ok - ' <<<"$out" || fail "test/upgrade/meta.py ran" "$out"
DEFAULT=$(sed -n "s/^default_version *= *'\(.*\)'.*/\1/p" "$HERE/../../pg_sync_roles.control")

# --- 0.1.0, used -------------------------------------------------------------

teardown
trap teardown EXIT
psql -X -q -d postgres -v ON_ERROR_STOP=1 >/dev/null <<SQL || { fail "setup"; finish; }
SET client_min_messages = warning;
SELECT 'CREATE ROLE $ADMIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ADMIN') \gexec
ALTER ROLE $ADMIN NOSUPERUSER CREATEROLE LOGIN;
CREATE DATABASE $OLD OWNER $ADMIN;
CREATE DATABASE $NEW OWNER $ADMIN;
REVOKE CONNECT ON DATABASE $OLD FROM PUBLIC;
\c $OLD
CREATE EXTENSION pg_sync_roles VERSION '$FIRST';
-- What an administrator grants at 0.1.0.
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_sync_roles TO $ADMIN;
\c $NEW
CREATE EXTENSION pg_sync_roles;
SQL
psql -X -q -U "$ADMIN" -d "$OLD" -v ON_ERROR_STOP=1 >/dev/null <<SQL || { fail "the caller's setup"; finish; }
CREATE SCHEMA sales;
CREATE TABLE sales.orders (id int);
CREATE TABLE sales.refunds (id int);
CREATE TABLE sales.targets (id int);
CREATE TABLE sales.gone (id int);
INSERT INTO sales.orders VALUES (1), (2);
INSERT INTO sales.refunds VALUES (3);
SQL

check "CREATE EXTENSION ... VERSION '$FIRST' installs $FIRST: sync, plan and drop_unused_roles, nothing else" \
    "$(su_sql "$OLD" "SELECT e.extversion || ': ' || string_agg(p.proname, ', ' ORDER BY p.proname)
                        FROM pg_extension e JOIN pg_depend d ON d.refobjid = e.oid AND d.deptype = 'e'
                             AND d.classid = 'pg_proc'::regclass
                        JOIN pg_proc p ON p.oid = d.objid
                       WHERE e.extname = 'pg_sync_roles' GROUP BY e.extversion")" \
    "$FIRST: drop_unused_roles, plan, sync"
check "default_version ($DEFAULT) is reached from $FIRST by one update script" \
    "$(su_sql "$NEW" "SELECT path FROM pg_extension_update_paths('pg_sync_roles')
                       WHERE source = '$FIRST' AND target = '$DEFAULT'")" "$FIRST--$DEFAULT"

# The caller syncs with 0.1.0's functions (the current module behind them).
n=0
for role in team alice bob; do
    doc=$(doc_of $role)
    [ $role = alice ] && doc=$DOC_ALICE_FIRST
    c=$(admin_sql "SELECT count(*) FROM pg_sync_roles.sync('${R}_$role', \$d\$$doc\$d\$)") && n=$((n + c))
done
admin_sql "SELECT count(*) FROM pg_sync_roles.sync('${R}_carol', '[{\"type\": \"table_select\", \"schema\": \"sales\", \"table\": \"gone\"}]')" >/dev/null
admin_sql "DROP TABLE sales.gone" >/dev/null
if [ "$n" -gt 10 ]; then ok "sync at $FIRST: the roles are made ($n statements)"; else fail "sync at $FIRST" "$n statements"; fi
check "sync at $FIRST: alice's password is set, as a SCRAM secret" \
    "$(su_sql "$OLD" "SELECT rolpassword LIKE 'SCRAM-SHA-256\$%' FROM pg_authid WHERE rolname = '${R}_alice'")" "t"
check "plan at $FIRST: nothing left to do" \
    "$(planned)" \
    "0 0 0"
check "drop_unused_roles at $FIRST: drops the intermediate role of a dropped table" \
    "$(admin_sql "SELECT string_agg(regexp_replace(r, '[0-9]+_table_select_[0-9a-f]{8}$', 'N_table_select_X'), ',')
                    FROM pg_sync_roles.drop_unused_roles() r")" "_pgsr_local_N_table_select_X"

# What the roles are and can do, as a superuser sees it (pg_authid), with
# role names rather than oids.
STATE_SQL="
WITH rs(r) AS (VALUES ('${R}_team'), ('${R}_alice'), ('${R}_bob'), ('${R}_carol')),
objs(o) AS (VALUES ('sales.orders'), ('sales.refunds'), ('sales.targets'))
SELECT 'role', r, a.rolcanlogin::text, a.rolinherit::text, a.rolvaliduntil::text, md5(coalesce(a.rolpassword, ''))
  FROM rs JOIN pg_authid a ON a.rolname = r
UNION ALL
SELECT 'connect', r, has_database_privilege(r, '$OLD', 'CONNECT')::text, '', '', ''
  FROM rs
UNION ALL
SELECT 'schema', r, has_schema_privilege(r, 'sales', 'USAGE')::text, has_schema_privilege(r, 'sales', 'CREATE')::text, '', ''
  FROM rs
UNION ALL
SELECT 'table', r || ' ' || o, has_table_privilege(r, o, 'SELECT')::text, has_table_privilege(r, o, 'INSERT')::text,
       has_table_privilege(r, o, 'DELETE')::text, ''
  FROM rs, objs
UNION ALL
SELECT 'member', g.rolname || ' <- ' || m.rolname, gr.rolname,
       (to_jsonb(am) - 'oid' - 'roleid' - 'member' - 'grantor')::text, '', ''
  FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
  JOIN pg_roles gr ON gr.oid = am.grantor
 WHERE m.rolname IN (SELECT r FROM rs) OR m.rolname LIKE '\_pgsr\_%' OR g.rolname LIKE '\_pgsr\_%'
UNION ALL
SELECT 'acl', c.oid::regclass::text, pg_get_userbyid(c.relowner), c.relacl::text, '', ''
  FROM pg_class c WHERE c.relnamespace = 'sales'::regnamespace
UNION ALL
SELECT 'schema acl', n.nspname, pg_get_userbyid(n.nspowner), n.nspacl::text, '', ''
  FROM pg_namespace n WHERE n.nspname IN ('sales', 'bob_sandbox')
UNION ALL
SELECT 'database acl', d.datname, '', d.datacl::text, '', '' FROM pg_database d WHERE d.datname = '$OLD'
UNION ALL
SELECT 'intermediate', a.rolname, a.rolcanlogin::text, shobj_description(a.oid, 'pg_authid'), '', ''
  FROM pg_authid a WHERE a.rolname LIKE '\_pgsr\_%'
ORDER BY 1, 2, 3, 4"
before=$(su_sql "$OLD" "$STATE_SQL")

# --- the update ----------------------------------------------------------------

out=$(su_sql "$OLD" "ALTER EXTENSION pg_sync_roles UPDATE; SELECT extversion FROM pg_extension WHERE extname = 'pg_sync_roles'" 2>&1)
check "ALTER EXTENSION pg_sync_roles UPDATE goes from $FIRST to $DEFAULT" "$out" "$DEFAULT"

same "the roles are untouched by the update: attributes, password, privileges, memberships, ACLs, intermediate roles" \
    "$before" "$(su_sql "$OLD" "$STATE_SQL")"

# The functions as the catalogs hold them.  An administrator granted EXECUTE
# at 0.1.0: the update grants nothing on the new functions.
check "after the update the caller keeps EXECUTE on the $FIRST functions and has none on the new ones" \
    "$(su_sql "$OLD" "SELECT string_agg(p.proname || '=' || has_function_privilege('$ADMIN', p.oid, 'EXECUTE'), ' ' ORDER BY p.proname)
                        FROM pg_proc p WHERE p.pronamespace = 'pg_sync_roles'::regnamespace")" \
    "describe=false describe_many=false drop_unused_roles=true plan=true plan_many=false sync=true sync_many=false"
# The same grants in the fresh database, then both compared whole.
su_sql "$NEW" "GRANT EXECUTE ON FUNCTION pg_sync_roles.sync, pg_sync_roles.plan, pg_sync_roles.drop_unused_roles TO $ADMIN" >/dev/null
FUNCS_SQL="
SELECT p.proname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
       p.prokind, p.provolatile, p.proparallel, p.prosecdef, p.proleakproof, p.proisstrict, p.proretset,
       p.procost, p.prorows, p.proconfig, l.lanname, p.prosrc, p.probin,
       pg_get_userbyid(p.proowner), p.proacl, obj_description(p.oid, 'pg_proc'),
       (SELECT i.initprivs FROM pg_init_privs i WHERE i.classoid = 'pg_proc'::regclass AND i.objoid = p.oid),
       (SELECT e.extname || ' ' || e.extversion FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
         WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'pg_sync_roles'::regnamespace
UNION ALL
SELECT n.nspname, pg_get_userbyid(n.nspowner), n.nspacl::text, '', '', '', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       '', '', '', '', NULL, obj_description(n.oid, 'pg_namespace'), NULL, ''
  FROM pg_namespace n WHERE n.nspname = 'pg_sync_roles'
ORDER BY 1, 2"
same "the functions match a fresh install: arguments, defaults, results, volatility, security, settings, symbols, owners, ACLs, initial privileges, comments, membership" \
    "$(su_sql "$OLD" "$FUNCS_SQL")" "$(su_sql "$NEW" "$FUNCS_SQL")"
describe() { psql -X -d "$1" -c '\df+ pg_sync_roles.*' -c '\dx+ pg_sync_roles' -c '\dn+ pg_sync_roles' 2>&1; }
same "psql's \\df+, \\dx+ and \\dn+ show the same as for a fresh install" "$(describe "$OLD")" "$(describe "$NEW")"

# --- after the update ----------------------------------------------------------

su_sql "$OLD" "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_sync_roles TO $ADMIN" >/dev/null
check "plan after the update: nothing to do" \
    "$(planned)" \
    "0 0 0"
check "plan_many and sync_many (new in $DEFAULT) find nothing to do for the roles $FIRST synced" \
    "$(admin_sql "SELECT count(*) FROM pg_sync_roles.plan_many(\$d\$$ROLES_DOC\$d\$)
                  UNION ALL SELECT count(*) FROM pg_sync_roles.sync_many(\$d\$$ROLES_DOC\$d\$)" | paste -sd' ')" \
    "0 0"
same "the roles are as before after sync_many" "$before" "$(su_sql "$OLD" "$STATE_SQL")"

# What the roles really do: connect (CONNECT is revoked from PUBLIC) and query.
as_role() { psql -X -q -At -U "$1" -d "$OLD" -c "$2" 2>&1; }
check "alice connects and reads orders (through her team) and refunds" \
    "$(as_role "${R}_alice" "SELECT (SELECT count(*) FROM sales.orders) || ' ' || (SELECT count(*) FROM sales.refunds)")" "2 1"
out=$(as_role "${R}_alice" "SELECT count(*) FROM sales.targets")
if grep -q "permission denied" <<<"$out"; then ok "alice cannot read targets"; else fail "alice cannot read targets" "$out"; fi
check "bob owns targets, reads orders directly and can create in sales" \
    "$(as_role "${R}_bob" "BEGIN; CREATE TABLE sales.bob_new (id int); SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'sales.targets'::regclass; SELECT count(*) FROM sales.orders; ROLLBACK;")" \
    "${R}_bob
2"
out=$(as_role "${R}_team" "SELECT 1")
if grep -q "not permitted to log in" <<<"$out"; then ok "the team role cannot log in"; else fail "the team role cannot log in" "$out"; fi

finish
