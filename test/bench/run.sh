#!/usr/bin/env bash
# On-demand benchmark (not part of test/run.sh): time per sync call, in a
# PL/pgSQL loop inside the server (no round trips), as a non-superuser
# caller with CREATEROLE, on throwaway clusters.  Compare numbers only within
# one run: the machine is shared and noisy.
#
#   test/bench/run.sh [ROLES] [TABLES]     default 1000 roles, 1000 tables
#
# For each scale (ROLES:TABLES, or the list in BENCH_SCALES, e.g.
# BENCH_SCALES="100:1000 10000:1000 1000:100000"): a database with TABLES
# tables and ROLES roles already synced to a 5-element document (login,
# database_connect, role_membership, schema_usage, table_select), then
#
#   no-op sync           BENCH_CALLS calls (default 1000) re-syncing the
#                        roles that already match in turn, after a warm-up
#   first sync           BENCH_FIRST new roles (default 200), each synced once
#   hand-written SQL     what first sync reaches, for BENCH_FIRST other new
#                        roles, written by hand: CREATE ROLE each, then
#                        multi-role GRANTs in chunks of 100, one transaction
#   loop overhead        the same loop and document, calling no sync
#
# Then, on the same database (BENCH_MANY="1000 4000": sizes N), the same end
# states reached four ways, first sync and no-op, as seconds for all N roles:
#
#   client, sync per role    one statement per role from psql (round trips)
#   PL/pgSQL loop, sync      sync per role, in the server
#   one sync_many            all N roles in one call (its argument built
#                            beforehand, not timed)
#   hand-written SQL         as above, for N other roles
#
# and: one role with BENCH_WIDE (500) table_select elements, first sync and
# no-op; one table_regex over a schema of BENCH_REGEX_TABLES (20,000) tables;
# memory of one backend (pg_backend_memory_contexts total and VmRSS, and
# VmHWM, the peak RSS) once every synced role has been synced once (the
# caches hold them all), after BENCH_MEMORY_CALLS (100,000) more no-op
# syncs, and after a first and a no-op sync_many of the largest N roles.
#
# BENCH_INSTALLED=1 uses the extension installed for PG_CONFIG instead of
# building this tree (what the smoke run in test/run.sh does).
#
# BENCH_BASELINE=REV also builds git revision REV and runs every measure on
# it in the same run, on a copy of the same cluster (same catalogs), the two
# builds taking turns.  Builds go to private copies of the server's
# directories under BENCH_DIR (default /tmp/pgsr-bench): the installed
# extension is left alone.  Without BENCH_BASELINE the build of this tree is
# measured alone.  BENCH_REUSE=1 reuses the builds of the last run.
#
# BENCH_KEEP=DIR keeps the data directory of the last scale's cluster (this
# tree's, stopped) in DIR, for test/bench/instructions.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
ROLES=${1:-1000}
TABLES=${2:-1000}
SCALES=${BENCH_SCALES:-$ROLES:$TABLES}
CALLS=${BENCH_CALLS:-1000}
FIRST=${BENCH_FIRST:-200}
DIR=${BENCH_DIR:-/tmp/pgsr-bench}
PG_CONFIG=${PG_CONFIG:-pg_config}
as_server_user() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# A private copy of the server's directories (PostgreSQL finds its share
# and lib directories relative to its binaries), with one build installed.
server_tree() {  # NAME SOURCE_DIR -> prints the tree's pg_config
    local name=$1 src=$2 tree="$DIR/$1"
    local bindir libdir sharedir incdir
    bindir=$($PG_CONFIG --bindir)
    if [ -n "${BENCH_REUSE:-}" ] && [ -x "$tree$bindir/pg_config" ]; then
        echo "$tree$bindir/pg_config"; return
    fi
    libdir=${bindir%/bin}
    sharedir=$($PG_CONFIG --sharedir)
    incdir=$($PG_CONFIG --includedir)
    rm -rf "$tree"
    mkdir -p "$tree${libdir%/*}" "$tree${sharedir%/*}" "$tree${incdir%/*}"
    cp -a "$libdir" "$tree${libdir%/*}/"
    cp -a "$sharedir" "$tree${sharedir%/*}/"
    cp -a "$incdir" "$tree${incdir%/*}/"
    rm -f "$tree$libdir/pg_sync_roles.so" "$tree$sharedir"/extension/pg_sync_roles*
    local pgc="$tree$bindir/pg_config"
    (cd "$src" && make -s clean PG_CONFIG="$pgc" >/dev/null 2>&1 || true
     make -s -j"$(nproc)" PG_CONFIG="$pgc" >"$DIR/$name-build.log" 2>&1 &&
         make -s install PG_CONFIG="$pgc" >>"$DIR/$name-build.log" 2>&1) ||
        { cat "$DIR/$name-build.log" >&2; exit 1; }
    chmod -R a+rX "$tree"
    echo "$pgc"
}

free_port() {
    local port
    for _ in $(seq 50); do
        port=$(( 20000 + RANDOM % 20000 ))
        grep -qi ":$(printf '%04X' $port) " /proc/net/tcp /proc/net/tcp6 2>/dev/null || break
    done
    echo $port
}

# Clusters: name -> data dir, port, bindir.
declare -A C_DIR C_PORT C_BIN
cluster_init() {  # NAME PG_CONFIG
    local dir="$DIR/cluster-$1"
    rm -rf "$dir"; mkdir -p "$dir"; chmod 700 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    C_DIR[$1]=$dir; C_BIN[$1]=$($2 --bindir)
    as_server_user "${C_BIN[$1]}/initdb" -D "$dir/data" -U postgres --auth-local=trust -E UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
}
cluster_copy() {  # NAME FROM PG_CONFIG: a copy of FROM's (stopped) data directory
    local dir="$DIR/cluster-$1"
    rm -rf "$dir"; mkdir -p "$dir"; chmod 700 "$dir"
    cp -a "${C_DIR[$2]}/data" "$dir/data"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
    C_DIR[$1]=$dir; C_BIN[$1]=$($3 --bindir)
}
cluster_start() {  # NAME
    local dir=${C_DIR[$1]}
    C_PORT[$1]=$(free_port)
    cat >"$dir/data/postgresql.auto.conf" <<CONF
port = ${C_PORT[$1]}
listen_addresses = ''
unix_socket_directories = '$dir'
max_connections = 20
fsync = off
synchronous_commit = off
max_locks_per_transaction = 4096  # a table_regex over 20,000 tables locks each
log_min_messages = warning
CONF
    as_server_user "${C_BIN[$1]}/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null ||
        { cat "$dir/server.log"; exit 1; }
}
cluster_stop() { as_server_user "${C_BIN[$1]}/pg_ctl" -D "${C_DIR[$1]}/data" -m fast -w stop >/dev/null 2>&1 || true; }
cleanup() { for c in "${!C_DIR[@]}"; do cluster_stop "$c"; rm -rf "${C_DIR[$c]}"; done; }
trap cleanup EXIT
sql() {  # NAME USER SQL...: psql on that cluster's database bench
    local c=$1 u=$2; shift 2
    "${C_BIN[$c]}/psql" -X -q -At -h "${C_DIR[$c]}" -p "${C_PORT[$c]}" -U "$u" -d bench -v ON_ERROR_STOP=1 "$@"
}

setup() {  # NAME ROLES TABLES
    local c=$1 roles=$2 tables=$3
    "${C_BIN[$c]}/psql" -X -q -h "${C_DIR[$c]}" -p "${C_PORT[$c]}" -U postgres -d postgres -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE bench_admin CREATEROLE LOGIN;
CREATE DATABASE bench OWNER bench_admin;
\c bench
CREATE EXTENSION pg_sync_roles;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_sync_roles TO bench_admin;
GRANT pg_read_all_stats TO bench_admin;  -- pg_backend_memory_contexts
SQL
    sql "$c" bench_admin <<SQL
CREATE SCHEMA data;
SELECT format('CREATE TABLE data.t%s (x int)', i) FROM generate_series(1, $tables) i \gexec
CREATE ROLE bench_group NOLOGIN;
-- The 5-element document of role i: its table is one of the first 1,000
-- (and of the first ROLES, so that first syncs find every table's
-- intermediate role made).
CREATE FUNCTION doc(i int) RETURNS jsonb LANGUAGE sql AS \$\$
    SELECT jsonb_build_array(
        jsonb_build_object('type', 'login', 'password', null),
        jsonb_build_object('type', 'database_connect', 'database', 'bench'),
        jsonb_build_object('type', 'role_membership', 'role', 'bench_group'),
        jsonb_build_object('type', 'schema_usage', 'schema', 'data'),
        jsonb_build_object('type', 'table_select', 'schema', 'data',
                           'table', 't' || (i % least($tables, $roles, 1000) + 1)))
\$\$;
-- Syncs roles prefix_a .. prefix_b, or with m > 0, calls a .. b on roles
-- prefix_1 .. prefix_m in turn.
CREATE FUNCTION sync_loop(prefix text, a int, b int, m int DEFAULT 0) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp(); n bigint := 0; c bigint; r int;
BEGIN
    FOR i IN a..b LOOP
        r := CASE WHEN m > 0 THEN (i - 1) % m + 1 ELSE i END;
        SELECT count(*) INTO c FROM pg_sync_roles.sync(prefix || r, doc(r));
        n := n + c;
    END LOOP;
    RETURN format('%s %s', round((extract(epoch FROM clock_timestamp() - t0) * 1000 / (b - a + 1))::numeric, 3), n);
END \$\$;
-- The loop with the document built and read, and no sync.
CREATE FUNCTION empty_loop(prefix text, a int, b int, m int DEFAULT 0) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp(); n bigint := 0; c bigint; r int;
BEGIN
    FOR i IN a..b LOOP
        r := CASE WHEN m > 0 THEN (i - 1) % m + 1 ELSE i END;
        SELECT count(*) INTO c FROM pg_catalog.jsonb_array_elements(doc(r)) WHERE prefix || r <> '';
        n := n + c;
    END LOOP;
    RETURN format('%s %s', round((extract(epoch FROM clock_timestamp() - t0) * 1000 / (b - a + 1))::numeric, 3), 0);
END \$\$;
-- The same end state as first syncs of roles prefix_a..prefix_b, by hand:
-- the intermediate roles that hold each privilege are found in the ACLs
-- (m, for the same arguments as the loops, is not used).
CREATE FUNCTION by_hand(prefix text, a int, b int, m int DEFAULT 0) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp(); g record; n bigint := 0;
BEGIN
    FOR i IN a..b LOOP
        EXECUTE format('CREATE ROLE %I LOGIN VALID UNTIL ''infinity''', prefix || i);
        n := n + 1;
    END LOOP;
    FOR g IN
        WITH held AS (
            SELECT 'bench_group' AS held_by, i FROM generate_series(a, b) i
            UNION ALL
            SELECT (SELECT x.grantee::regrole::text FROM pg_database d, aclexplode(d.datacl) x
                     WHERE d.datname = 'bench' AND x.grantee::regrole::text LIKE '\_pgsr\_global\_database\_connect\_%'), i
              FROM generate_series(a, b) i
            UNION ALL
            SELECT (SELECT x.grantee::regrole::text FROM pg_namespace s, aclexplode(s.nspacl) x
                     WHERE s.nspname = 'data' AND x.grantee::regrole::text LIKE '\_pgsr\_local\_%\_schema\_usage\_%'), i
              FROM generate_series(a, b) i
            UNION ALL
            SELECT (SELECT x.grantee::regrole::text FROM pg_class c, aclexplode(c.relacl) x
                     WHERE c.oid = ('data.t' || (i % least($tables, $roles, 1000) + 1))::regclass
                       AND x.grantee::regrole::text LIKE '\_pgsr\_local\_%\_table\_select\_%'), i
              FROM generate_series(a, b) i)
        SELECT held_by, string_agg(quote_ident(prefix || i), ', ') AS members
          FROM (SELECT held_by, i, (row_number() OVER (PARTITION BY held_by ORDER BY i) - 1) / 100 AS chunk
                  FROM held) x
         GROUP BY held_by, chunk
    LOOP
        EXECUTE format('GRANT %I TO %s', g.held_by, g.members);
        n := n + 1;
    END LOOP;
    RETURN format('%s %s', round((extract(epoch FROM clock_timestamp() - t0) * 1000 / (b - a + 1))::numeric, 3), n);
END \$\$;
SQL
    sql "$c" bench_admin <<SQL
-- sync_many's argument for roles prefix_a .. prefix_b, kept under a name so
-- that building it is not timed.
CREATE TABLE many_docs (name text PRIMARY KEY, d jsonb);
CREATE FUNCTION docs(prefix text, a int, b int) RETURNS jsonb LANGUAGE sql AS \$\$
    SELECT jsonb_object_agg(prefix || i, doc(i)) FROM generate_series(a, b) i
\$\$;
-- One call of sync_many (or of sync, for a role named r): ms, statements.
CREATE FUNCTION many(doc_name text) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz; n bigint; doc jsonb;
BEGIN
    SELECT d INTO doc FROM many_docs WHERE name = doc_name;
    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM pg_sync_roles.sync_many(doc);
    RETURN format('%s %s', round((extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric, 1), n);
END \$\$;
CREATE FUNCTION once(r text, doc_name text) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz; n bigint; doc jsonb;
BEGIN
    SELECT d INTO doc FROM many_docs WHERE name = doc_name;
    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM pg_sync_roles.sync(r, doc);
    RETURN format('%s %s', round((extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric, 1), n);
END \$\$;
-- The backend's memory: its contexts' total (pg_backend_memory_contexts), in kB.
CREATE FUNCTION context_kb() RETURNS bigint LANGUAGE sql AS
    'SELECT sum(total_bytes) / 1024 FROM pg_catalog.pg_backend_memory_contexts';
SQL
    # The roles already synced, in batches (one transaction each).
    local i
    for ((i = 1; i <= roles; i += 1000)); do
        sql "$c" bench_admin -c "SELECT sync_loop('bench_', $i, $((i + 999 < roles ? i + 999 : roles)))" >/dev/null
    done
    sql "$c" postgres -c "VACUUM ANALYZE" >/dev/null
}

# Runs one measure on every build, in turn; prints, per build, the wall
# clock time per call and, in parentheses, the backend's CPU time per call
# (from /proc/PID/schedstat: on a loaded machine the wall clock also counts
# waiting for a core).  Keeps the wall clock time in RES[KEY,build].
measure() {  # KEY LABEL FUNCTION PREFIX A B [M]
    local key=$1 label=$2 fn=$3 prefix=$4 a=$5 b=$6 m=${7:-0} line="" c out wall cpu
    for c in "${BUILDS[@]}"; do
        out=$(sql "$c" bench_admin <<SQL
SELECT pg_backend_pid() AS pid \\gset
\\setenv BENCH_PID :pid
\\! cut -d' ' -f1 /proc/\$BENCH_PID/schedstat
SELECT $fn('$prefix', $a, $b, $m);
\\! cut -d' ' -f1 /proc/\$BENCH_PID/schedstat
SQL
)
        wall=$(sed -n 2p <<<"$out"); wall=${wall%% *}
        cpu=$(awk -v n=$((b - a + 1)) 'NR == 1 { t0 = $1 } NR == 3 { printf "%.3f", ($1 - t0) / 1e6 / n }' <<<"$out")
        line+=$(printf ' %7s (%5s)' "$wall" "$cpu")
        RES[$key,$c]=$wall
    done
    printf '  %-34s %6s calls%s\n' "$label" $((b - a + 1)) "$line"
}

# ms (3 decimals) as seconds.
secs() { awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }'; }
# Wall clock ms of a psql script run from the client, one statement a line.
client_ms() {  # CLUSTER FILE
    local t0 t1
    t0=$(date +%s%N)
    sql "$1" bench_admin -f "$2" >/dev/null
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}

# The cases beyond per-call times, on this build's cluster of the last scale.
extra_cases() {  # CLUSTER ROLES TABLES
    local c=$1 roles=$2 tables=$3 n f first noop hand line
    echo
    echo "  the same end states for N new roles, seconds for all N: first sync / no-op (first / hand-written)"
    for n in ${BENCH_MANY:-1000 4000}; do
        f="$DIR/client-$n.sql"
        seq 1 "$n" | awk -v n="$n" '{ printf "SELECT count(*) FROM pg_sync_roles.sync(%s, doc(%d));\n", "'"'"'c" n "_" $1 "'"'"'", $1 }' >"$f"
        sql "$c" bench_admin -c "INSERT INTO many_docs VALUES ('m$n', docs('m${n}_', 1, $n))"
        hand=$(sql "$c" bench_admin -c "SELECT by_hand('h${n}_', 1, $n)"); hand=$(awk -v p="${hand%% *}" -v n="$n" 'BEGIN { print p * n }')
        line() { printf '    %-6s %-24s %8s / %-8s (%.1fx)\n' "$n" "$1" "$(secs "$2")" "$(secs "$3")" "$(awk -v a="$2" -v b="$hand" 'BEGIN { print a / b }')"; }
        first=$(client_ms "$c" "$f"); noop=$(client_ms "$c" "$f")
        line "client, sync per role" "$first" "$noop"
        first=$(sql "$c" bench_admin -c "SELECT sync_loop('l${n}_', 1, $n)"); first=$(awk -v p="${first%% *}" -v n="$n" 'BEGIN { print p * n }')
        noop=$(sql "$c" bench_admin -c "SELECT sync_loop('l${n}_', 1, $n)"); noop=$(awk -v p="${noop%% *}" -v n="$n" 'BEGIN { print p * n }')
        line "PL/pgSQL loop, sync" "$first" "$noop"
        first=$(sql "$c" bench_admin -c "SELECT many('m$n')"); noop=$(sql "$c" bench_admin -c "SELECT many('m$n')")
        line "one sync_many" "${first%% *}" "${noop%% *}"
        printf '    %-6s %-24s %8s\n' "$n" "hand-written SQL" "$(secs "$hand")"
    done

    local wide=${BENCH_WIDE:-500}
    [ "$wide" -gt "$tables" ] && wide=$tables
    sql "$c" bench_admin -c "INSERT INTO many_docs SELECT 'wide', jsonb_agg(jsonb_build_object('type', 'table_select', 'schema', 'data', 'table', 't' || i)) FROM generate_series(1, $wide) i"
    first=$(sql "$c" bench_admin -c "SELECT once('wide_1', 'wide')"); noop=$(sql "$c" bench_admin -c "SELECT once('wide_1', 'wide')")
    printf '  one role, %s table_select elements: first sync %ss (%s statements), no-op %ss\n' \
        "$wide" "$(secs "${first%% *}")" "${first##* }" "$(secs "${noop%% *}")"

    local rt=${BENCH_REGEX_TABLES:-20000}
    sql "$c" bench_admin >/dev/null <<SQL
CREATE SCHEMA wide;
SELECT format('CREATE TABLE wide.t%s (x int)', i) FROM generate_series(1, $rt) i \gexec
INSERT INTO many_docs VALUES ('regex', '[{"type": "schema_usage", "schema": "wide"},
                                         {"type": "table_select", "schema": "wide", "table_regex": "^t[0-9]+\$"}]');
SQL
    sql "$c" postgres -c "VACUUM ANALYZE" >/dev/null
    first=$(sql "$c" bench_admin -c "SELECT once('regex_1', 'regex')"); noop=$(sql "$c" bench_admin -c "SELECT once('regex_1', 'regex')")
    printf '  one table_regex over %s tables: first sync %ss (%s statements), no-op %ss\n' \
        "$rt" "$(secs "${first%% *}")" "${first##* }" "$(secs "${noop%% *}")"

    local calls=${BENCH_MEMORY_CALLS:-100000} big
    big=$(echo ${BENCH_MANY:-1000 4000} | tr ' ' '\n' | sort -n | tail -1)
    sql "$c" bench_admin -c "INSERT INTO many_docs VALUES ('mem', docs('mem_', 1, $big))"
    echo "  one backend's memory: its contexts' total (pg_backend_memory_contexts), VmRSS, VmHWM (peak RSS):"
    mem() { printf 'SELECT context_kb() AS kb \\gset\n\\setenv KB :kb\n\\! echo "    %-40s contexts $KB kB, $(grep -E "^Vm(RSS|HWM)" /proc/$P/status | tr -s " \\t" " " | tr "\\n" " ")"\n' "$1"; }
    sql "$c" bench_admin <<SQL
SELECT pg_backend_pid() AS pid \gset
\setenv P :pid
SELECT sync_loop('bench_', 1, $roles, $roles) AS warm \gset
$(mem "after a no-op sync of each of the $roles roles")
SELECT sync_loop('bench_', 1, $calls, $roles) AS loop \gset
$(mem "after $calls more no-op syncs")
SELECT many('mem') AS first \gset
$(mem "after a first sync_many of $big roles")
SELECT many('mem') AS noop \gset
$(mem "after a no-op sync_many of them")
SQL
}

mkdir -p "$DIR"
chmod a+rx "$DIR"
declare -A TREE RES
if [ -n "${BENCH_BASELINE:-}" ]; then
    rev=$(git rev-parse --short "$BENCH_BASELINE")
    rm -rf "$DIR/src-baseline" "$DIR/src-current"
    mkdir -p "$DIR/src-baseline" "$DIR/src-current"
    git archive "$rev" | tar -x -C "$DIR/src-baseline"
    tar --exclude=.git -cf - . | tar -x -C "$DIR/src-current"
    echo "building $rev and this tree ..."
    TREE[baseline]=$(server_tree baseline "$DIR/src-baseline")
    TREE[current]=$(server_tree current "$DIR/src-current")
    BUILDS=(baseline current)
else
    if [ -n "${BENCH_INSTALLED:-}" ]; then
        TREE[current]=$PG_CONFIG
    else
        rm -rf "$DIR/src-current"; mkdir -p "$DIR/src-current"
        tar --exclude=.git -cf - . | tar -x -C "$DIR/src-current"
        echo "building this tree ..."
        TREE[current]=$(server_tree current "$DIR/src-current")
    fi
    BUILDS=(current)
fi

echo "pg_sync_roles benchmark: $($PG_CONFIG --version), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ms per call, in-server PL/pgSQL loop: wall clock (backend CPU time)"
header=$(printf ' %15s' "${BUILDS[@]}")
[ -n "${BENCH_BASELINE:-}" ] && header+="  (baseline = $rev)"
for scale in $SCALES; do
    roles=${scale%%:*}; tables=${scale##*:}
    echo
    echo "$roles roles synced, $tables tables:"
    cluster_init current "${TREE[current]}"
    cluster_start current
    setup current "$roles" "$tables"
    if [ -n "${BENCH_BASELINE:-}" ]; then
        cluster_stop current
        cluster_copy baseline current "${TREE[baseline]}"
        cluster_start current
        cluster_start baseline
    fi
    printf '  %-34s %12s%s\n' "" "" "$header"
    # A warm-up pass (caches, plans), then no-op calls on the synced roles in turn.
    for c in "${BUILDS[@]}"; do
        sql "$c" bench_admin -c "SELECT sync_loop('bench_', 1, $(( CALLS < roles ? CALLS : roles )))" >/dev/null
    done
    measure loop "loop overhead (no sync)" empty_loop bench_ 1 "$CALLS" "$roles"
    measure noop "no-op sync" sync_loop bench_ 1 "$CALLS" "$roles"
    measure first "first sync" sync_loop new_ 1 "$FIRST"
    measure hand "hand-written SQL, same end state" by_hand floor_ 1 "$FIRST"
    line=""
    for c in "${BUILDS[@]}"; do
        line+=$(awk -v f="${RES[first,$c]}" -v h="${RES[hand,$c]}" 'BEGIN { printf " %14.1fx", f / h }')
    done
    printf '  %-34s %12s%s\n' "first sync / hand-written SQL" "" "$line"
    [ "$scale" = "${SCALES##* }" ] && extra_cases current "$roles" "$tables"
    for c in "${BUILDS[@]}"; do
        cluster_stop "$c"
        if [ -n "${BENCH_KEEP:-}" ] && [ "$c" = current ] && [ "$scale" = "${SCALES##* }" ]; then
            rm -rf "$BENCH_KEEP"; mkdir -p "$(dirname "$BENCH_KEEP")"
            mv "${C_DIR[$c]}/data" "$BENCH_KEEP"
            rm -f "$BENCH_KEEP/postgresql.auto.conf"
            echo "kept: $BENCH_KEEP"
        fi
        rm -rf "${C_DIR[$c]}"; unset "C_DIR[$c]"
    done
done
