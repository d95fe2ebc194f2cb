#!/usr/bin/env bash
# The exact cost of one call, in instructions (valgrind's callgrind), with
# every cache cold: a single-user backend is started for the call, on a copy
# of a data directory that test/bench/run.sh kept, once for each build that
# run.sh made.  A count is not disturbed by other work on the machine, so two
# builds compare on a shared machine where times do not.  Not part of
# test/run.sh (it needs valgrind, and minutes).
#
#   BENCH_KEEP=/tmp/pgsr-bench/kept BENCH_BASELINE=REV test/bench/run.sh
#   test/bench/instructions.sh /tmp/pgsr-bench/kept
#
# The call is BENCH_CALL (default: SELECT many('m4000'), the no-op sync_many
# of run.sh's 4,000 roles), run as bench_admin in the database bench.  What
# the backend costs without it (its start and end, and a query reading the
# same row of many_docs) is run too and subtracted.  The builds are the
# private server trees run.sh left under BENCH_DIR (default
# /tmp/pgsr-bench): baseline and current, whichever exist.
# BENCH_CALLGRIND_OUT=DIR keeps each run's callgrind file there, for
# callgrind_annotate.
set -euo pipefail
kept=${1:?usage: test/bench/instructions.sh DATA_DIR (kept by BENCH_KEEP=DIR test/bench/run.sh)}
DIR=${BENCH_DIR:-/tmp/pgsr-bench}
CALL=${BENCH_CALL:-"SELECT many('m4000')"}
BASE=${BENCH_BASE_CALL:-"SELECT 1 FROM many_docs WHERE name = 'm4000'"}
OUT=${BENCH_CALLGRIND_OUT:-}
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
[ -f "$kept/PG_VERSION" ] || { echo "instructions.sh: $kept is not a data directory" >&2; exit 1; }
as_server_user() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

work=$(mktemp -d /tmp/pgsr-instructions.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 777 "$work"

# Instructions of one single-user backend running SQL on a fresh copy of the
# data directory, with the server binaries of TREE's pg_config.
count() {  # PG_CONFIG NAME SQL
    local bindir data="$work/data" file="$work/callgrind.$2"
    bindir=$("$1" --bindir)
    rm -rf "$data"; cp -a "$kept" "$data"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$data"
    echo "SET ROLE bench_admin; $3;" | as_server_user valgrind --tool=callgrind --callgrind-out-file="$file" \
        -- "$bindir/postgres" --single -D "$data" bench >"$work/log.$2" 2>&1 ||
        { cat "$work/log.$2" >&2; exit 1; }
    grep -q 'ERROR' "$work/log.$2" && { grep 'ERROR' "$work/log.$2" >&2; exit 1; }
    [ -n "$OUT" ] && { mkdir -p "$OUT"; cp "$file" "$OUT/"; }
    awk '/Collected :/ { print $NF }' "$work/log.$2"
}

echo "instructions of one call, every cache cold: $CALL"
found=0
for build in baseline current; do
    pgc=$(ls "$DIR/$build"/usr/lib/postgresql/*/bin/pg_config 2>/dev/null | head -1 || true)
    [ -n "$pgc" ] || continue
    found=1
    with=$(count "$pgc" "$build.call" "$CALL")
    without=$(count "$pgc" "$build.base" "$BASE")
    awk -v b="$build" -v w="$with" -v o="$without" \
        'BEGIN { printf "  %-9s %8.1f million (%.1f with the backend, %.1f without the call)\n", b, (w - o) / 1e6, w / 1e6, o / 1e6 }'
done
[ "$found" = 1 ] || { echo "instructions.sh: no build under $DIR (run test/bench/run.sh first)" >&2; exit 1; }
