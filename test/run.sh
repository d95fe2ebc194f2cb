#!/usr/bin/env bash
# Runs every test suite of pg_sync_roles on a throwaway cluster:
#   unit (GoogleTest), fuzz (libFuzzer, bounded), regress (pg_regress, as a
#   non-superuser caller), isolation (pg_isolation_regress), login (TCP),
#   model (model-based random test, bounded).
# As root it first installs the packages it needs.  The last line is
# "N passed, N failed"; the exit status is non-zero on any failure.
#
#   test/run.sh [suite ...]      default: all suites
#   FUZZ_SECONDS=20              time given to the fuzzer
#   MODEL_SECONDS=60             time given to the model-based test (MODEL_SEED: its seed)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SUITES=("$@")
[ ${#SUITES[@]} -eq 0 ] && SUITES=(unit fuzz regress isolation login model)

passed=0
failed=0
count() { passed=$((passed + $1)); failed=$((failed + $2)); }
section() { echo; echo "=== $*"; }

section "dependencies"
scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
# Decided once the packages are there: on a new machine they are not yet.
export PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
[ -x "$PG_CONFIG" ] || PG_CONFIG=pg_config

section "build and install"
make -s PG_CONFIG="$PG_CONFIG" >/tmp/pgsr-build.log 2>&1 && make -s PG_CONFIG="$PG_CONFIG" install >>/tmp/pgsr-build.log 2>&1
if [ $? -ne 0 ] || grep -q "warning:" /tmp/pgsr-build.log; then
    cat /tmp/pgsr-build.log
    echo "the build failed or warned"
    count 0 1
fi

suite_unit() {
    section "unit tests (GoogleTest)"
    local out
    out=$(make -s -C test/unit run 2>&1)
    echo "$out" | tail -25
    local p f
    p=$(grep -oP '\[  PASSED  \] \K[0-9]+' <<<"$out" | tail -1)
    f=$(grep -oP '\[  FAILED  \] \K[0-9]+(?= test)' <<<"$out" | tail -1)
    if [ -z "$p" ] && [ -z "$f" ]; then count 0 1; else count "${p:-0}" "${f:-0}"; fi
}

suite_fuzz() {
    section "fuzzer (libFuzzer, ${FUZZ_SECONDS:-20}s)"
    if make -s -C test/fuzz run FUZZ_SECONDS="${FUZZ_SECONDS:-20}" >/tmp/pgsr-fuzz.log 2>&1; then
        tail -3 /tmp/pgsr-fuzz.log; count 1 0
    else
        tail -40 /tmp/pgsr-fuzz.log; count 0 1
    fi
}

# Counts pg_regress's "ok"/"FAILED" lines, and shows the diffs on failure.
pg_regress_counts() {
    local out=$1 diffs=$2
    local p f
    p=$(grep -cE '^(ok|test) .*\.\.\. ok|^ok [0-9]+ ' <<<"$out")
    f=$(grep -cE '\.\.\. FAILED|\.\.\. failed|^not ok ' <<<"$out")
    if [ "$f" -gt 0 ] && [ -f "$diffs" ]; then head -200 "$diffs"; fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then echo "$out" | tail -20; f=1; fi
    count "$p" "$f"
}

suite_regress() {
    section "regression tests (pg_regress, non-superuser caller)"
    local out
    out=$(make -s PG_CONFIG="$PG_CONFIG" installcheck ISOLATION= 2>&1)
    grep -E '\.\.\. |tests? (passed|failed)' <<<"$out"
    pg_regress_counts "$out" "$ROOT/regression.diffs"
}

suite_isolation() {
    section "isolation tests (pg_isolation_regress)"
    local out
    out=$(make -s PG_CONFIG="$PG_CONFIG" installcheck REGRESS= 2>&1)
    grep -E '\.\.\. |tests? (passed|failed)' <<<"$out"
    pg_regress_counts "$out" "$ROOT/test/isolation/regression.diffs"
}

suite_login() {
    section "logins over TCP (scram-sha-256)"
    local out
    out=$(SERVER_LOG="$CLUSTER_DIR/server.log" bash test/login/run.sh 2>&1)
    echo "$out"
    local last p f
    last=$(tail -1 <<<"$out")
    p=$(grep -oP '^[0-9]+(?= passed)' <<<"$last")
    f=$(grep -oP '[0-9]+(?= failed)' <<<"$last")
    if [ -z "$p" ]; then count 0 1; else count "$p" "$f"; fi
}

suite_model() {
    section "model-based random test (${MODEL_SECONDS:-60}s; test/model)"
    local out
    out=$(bash test/model/run.sh 2>&1)
    echo "$out"
    local last p f
    last=$(tail -1 <<<"$out")
    p=$(grep -oP '^[0-9]+(?= passed)' <<<"$last")
    f=$(grep -oP '[0-9]+(?= failed)' <<<"$last")
    if [ -z "$p" ]; then count 0 1; else count "$p" "$f"; fi
}

needs_server=0
for s in "${SUITES[@]}"; do
    case $s in regress|isolation|login|model) needs_server=1 ;; esac
done
if [ $needs_server = 1 ]; then
    section "throwaway cluster"
    source scripts/cluster.sh
    if cluster_start; then
        echo "PostgreSQL $(psql -X -At -d postgres -c 'SHOW server_version') on port $PGPORT ($CLUSTER_DIR)"
    else
        echo "could not start a cluster"; count 0 1; SUITES=(unit fuzz)
    fi
fi

for s in "${SUITES[@]}"; do
    case $s in
        unit|fuzz|regress|isolation|login|model) "suite_$s" ;;
        *) echo "unknown suite: $s"; count 0 1 ;;
    esac
done

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
