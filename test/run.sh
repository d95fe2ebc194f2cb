#!/usr/bin/env bash
# Runs every test suite of pg_sync_roles on every PostgreSQL version tested:
#   unit (GoogleTest), fuzz (libFuzzer, bounded), regress (pg_regress, as a
#   non-superuser caller), isolation (pg_isolation_regress), login (TCP),
#   cron (pg_cron jobs), bench (a smoke run of the benchmark at a tiny size),
#   model (model-based random test, test/model), upgrade (0.1.0 updated to
#   the default version against a fresh install; META.json).
# 15 runs here, on Debian 12's packages; 17 and 18 each in a chroot of the
# Debian suite that packages it (trixie, forky), made by debootstrap and
# cached (scripts/chroot.sh), where this same script runs for that version.
# As root it first installs the packages it needs.  Each version's section
# ends with its own count; the last line is "N passed, N failed" over all
# versions; the exit status is non-zero on any failure.
#
#   test/run.sh [suite ...]      default: all suites
#   PG_VERSIONS="15 17"          the versions to test (default: 15 17 18)
#   PGSR_SERVER_VERSIONS="15"    the versions the server suites (regress,
#                                isolation, login, cron, model, upgrade) run on (default:
#                                every version tested; the others get the
#                                build, unit and fuzz only)
#   PGSR_MODEL_VERSIONS="15"     the versions the model suite runs on (default:
#                                every version the server suites run on)
#   FUZZ_SECONDS=20              time given to the fuzzer
#   PGSR_HERE=VERSION            (set by scripts/chroot.sh) test only VERSION,
#                                here, with its pg_config; nothing is installed
#   PGSR_ALSO_CXX="g++-15"       (set by scripts/chroot.sh) also build the
#                                extension with these compilers
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SUITES=("$@")
[ ${#SUITES[@]} -eq 0 ] && SUITES=(unit fuzz regress isolation login cron bench model upgrade)
HOST_VERSION=15     # what this machine's Debian (12) packages

passed=0
failed=0
count() { passed=$((passed + $1)); failed=$((failed + $2)); }
section() { echo; echo "=== $*"; }

# --- one version, here -------------------------------------------------------

suite_unit() {
    section "unit tests (GoogleTest, $(${CXX:-g++} --version | head -1))"
    local build out p f
    build=$(make -s -j"$(nproc)" -C test/unit all 2>&1)
    out=$(make -s -C test/unit run 2>&1)
    local rc=$?
    echo "$out" | tail -25
    p=$(grep -oP '\[  PASSED  \] \K[0-9]+' <<<"$out" | tail -1)
    # --gtest_brief prints each failed test, and no count of them.
    f=$(grep -cP '^\[  FAILED  \] \S+\.\S+ \(' <<<"$out")
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
    if grep -q "warning:\|error:" <<<"$build"; then
        echo "$build" | head -60
        echo "the unit tests' build failed or warned"
        f=$((${f:-0} + 1))
    fi
    if [ -z "$p" ] && [ -z "$f" ]; then count 0 1; else count "${p:-0}" "${f:-0}"; fi
}

suite_fuzz() {
    section "fuzzer (libFuzzer, ${FUZZ_SECONDS:-20}s, $(clang++ --version 2>/dev/null | head -1))"
    local build
    if ! build=$(make -s -j"$(nproc)" -C test/fuzz all 2>&1) || grep -q "warning:" <<<"$build"; then
        echo "$build" | head -60
        echo "the fuzzer's build failed or warned"
        count 0 1
    elif make -s -C test/fuzz run FUZZ_SECONDS="${FUZZ_SECONDS:-20}" >/tmp/pgsr-fuzz.log 2>&1; then
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
    # A test with no expected file prints "... diff: ...: No such file": a failure too.
    f=$(grep -cE '\.\.\. FAILED|\.\.\. failed|^not ok |\.\.\. diff: ' <<<"$out")
    if [ "$f" -gt 0 ] && [ -f "$diffs" ]; then head -"${DIFF_LINES:-200}" "$diffs"; fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then echo "$out" | tail -20; f=1; fi
    count "$p" "$f"
}

# Every setting a suite runs the extension with besides the defaults: the
# reads of many roles or tables as one index walk whatever their number
# (src/pg/catalogs.cpp, merge_walk), which otherwise only large requests
# take.  The same expected output must come out.
WALKS_OPTIONS="-c pg_sync_roles.bulk_read_min=1"

suite_regress() {
    section "regression tests (pg_regress, non-superuser caller)"
    local out
    out=$(make -s PG_CONFIG="$PG_CONFIG" installcheck ISOLATION= 2>&1)
    grep -E '\.\.\. |tests? (passed|failed)|^(not )?ok [0-9]+' <<<"$out"
    pg_regress_counts "$out" "$ROOT/regression.diffs"
    section "regression tests again, every bulk read as one index walk (PGOPTIONS=\"$WALKS_OPTIONS\")"
    # The setting reaches the extension: a session started so shows it
    # once the library is loaded.
    local shown
    shown=$(PGOPTIONS="$WALKS_OPTIONS" psql -X -At -d postgres \
            -c "LOAD 'pg_sync_roles'" -c "SHOW pg_sync_roles.bulk_read_min" 2>&1 | tail -1)
    if [ "$shown" = 1 ]; then echo "ok - pg_sync_roles.bulk_read_min is 1"; count 1 0
    else echo "not ok - pg_sync_roles.bulk_read_min shows \"$shown\", not 1"; count 0 1; fi
    out=$(PGOPTIONS="$WALKS_OPTIONS" make -s PG_CONFIG="$PG_CONFIG" installcheck ISOLATION= 2>&1)
    grep -E '\.\.\. |tests? (passed|failed)|^(not )?ok [0-9]+' <<<"$out"
    pg_regress_counts "$out" "$ROOT/regression.diffs"
}

suite_isolation() {
    section "isolation tests (pg_isolation_regress)"
    local out
    out=$(make -s PG_CONFIG="$PG_CONFIG" installcheck REGRESS= 2>&1)
    grep -E '\.\.\. |tests? (passed|failed)|^(not )?ok [0-9]+' <<<"$out"
    pg_regress_counts "$out" "$ROOT/test/isolation/regression.diffs"
}

# A suite in a shell script that checks the server log and prints
# "N passed, N failed" last.
suite_script() {
    local out
    out=$(SERVER_LOG="$CLUSTER_DIR/server.log" bash "$1" 2>&1)
    echo "$out"
    local last p f
    last=$(tail -1 <<<"$out")
    p=$(grep -oP '^[0-9]+(?= passed)' <<<"$last")
    f=$(grep -oP '[0-9]+(?= failed)' <<<"$last")
    if [ -z "$p" ]; then count 0 1; else count "$p" "$f"; fi
}

suite_login() { section "logins over TCP (scram-sha-256)"; suite_script test/login/run.sh; }
suite_cron() { section "pg_cron schedules (test/cron)"; suite_script test/cron/run.sh; }
suite_upgrade() { section "ALTER EXTENSION ... UPDATE from 0.1.0, and META.json (test/upgrade)"; suite_script test/upgrade/run.sh; }

# Half the time with the defaults, half with every bulk read as an index
# walk (WALKS_OPTIONS).
suite_model() {
    local seconds=${MODEL_SECONDS:-60} half options out last p f
    half=$(((seconds + 1) / 2))
    for options in "" "$WALKS_OPTIONS"; do
        section "model-based random test (${half}s; test/model)${options:+, PGOPTIONS=\"$options\"}"
        out=$(PGOPTIONS="$options" MODEL_SECONDS=$half bash test/model/run.sh 2>&1)
        echo "$out" | tail -30
        last=$(tail -1 <<<"$out")
        p=$(grep -oP '^[0-9]+(?= passed)' <<<"$last")
        f=$(grep -oP '[0-9]+(?= failed)' <<<"$last")
        if [ -z "$p" ]; then count 0 1; else count "$p" "$f"; fi
    done
}

# A smoke run of the benchmark (test/bench/run.sh) at a tiny size, on the
# extension just installed: it checks that every case runs, not the timings.
suite_bench() {
    section "benchmark smoke run (test/bench/run.sh, tiny sizes, timings not checked)"
    local out rc
    out=$(BENCH_INSTALLED=1 BENCH_DIR=/tmp/pgsr-bench-smoke.$$ BENCH_SCALES=20:60 BENCH_CALLS=20 BENCH_FIRST=10 \
          BENCH_MANY="30" BENCH_WIDE=40 BENCH_REGEX_TABLES=120 BENCH_MEMORY_CALLS=300 \
          PG_CONFIG="$PG_CONFIG" bash test/bench/run.sh 2>&1)
    rc=$?
    rm -rf /tmp/pgsr-bench-smoke.$$
    echo "$out" | tail -22
    if [ $rc -eq 0 ] && grep -q "one sync_many" <<<"$out" && grep -q "table_regex over 120 tables" <<<"$out" &&
            grep -q "after a no-op sync_many" <<<"$out"; then
        count 1 0
    else
        echo "the benchmark smoke run failed (status $rc)"
        count 0 1
    fi
}

# Builds, installs and runs the suites against VERSION's server here.
run_here() {
    local version=$1
    export PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/$version/bin/pg_config}"
    [ -x "$PG_CONFIG" ] || PG_CONFIG=pg_config

    # Other compilers first, each from a clean tree: the extension only.
    local cxx log=/tmp/pgsr-build.log t
    for cxx in ${PGSR_ALSO_CXX:-}; do
        section "build with $($cxx --version | head -1), extension only"
        t=$SECONDS
        if make -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG" CXX="$cxx" CC="${cxx/g++/gcc}" >$log 2>&1 &&
                ! grep -q "warning:" $log; then
            echo "built without warnings ($((SECONDS - t)) s)"
            count 1 0
        else
            cat $log
            echo "the build with $cxx failed or warned"
            count 0 1
        fi
        make -s PG_CONFIG="$PG_CONFIG" clean >/dev/null 2>&1
    done

    section "build and install ($("$PG_CONFIG" --version), $(${CXX:-g++} --version | head -1))"
    t=$SECONDS
    make -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG" >$log 2>&1 &&
        make -s PG_CONFIG="$PG_CONFIG" install >>$log 2>&1
    local rc=$?
    if [ $rc -ne 0 ] || grep -q "warning:" $log; then
        cat $log
        echo "the build failed or warned"
        count 0 1
        [ $rc -ne 0 ] && SUITES=($(printf '%s\n' "${SUITES[@]}" | grep -E '^(unit|fuzz)$'))
    else
        echo "built without warnings ($((SECONDS - t)) s)"
        count 1 0
    fi
    # Every difference between server versions is in one header.
    local elsewhere
    elsewhere=$(grep -rl PG_VERSION_NUM src | grep -vx src/pg/compat.hpp)
    if [ -n "$elsewhere" ]; then
        echo "PG_VERSION_NUM is tested outside src/pg/compat.hpp:" $elsewhere
        count 0 1
    fi

    local s needs_server=0
    for s in "${SUITES[@]}"; do
        case $s in regress|isolation|login|cron|model|upgrade) needs_server=1 ;; esac
    done
    if [ $needs_server = 1 ]; then
        section "throwaway cluster"
        source scripts/cluster.sh
        if cluster_start; then
            echo "PostgreSQL $(psql -X -At -d postgres -c 'SHOW server_version') on port $PGPORT ($CLUSTER_DIR)"
        else
            echo "could not start a cluster"; count 0 1
            SUITES=($(printf '%s\n' "${SUITES[@]}" | grep -E '^(unit|fuzz)$'))
        fi
    fi

    for s in "${SUITES[@]}"; do
        case $s in
            unit|fuzz|regress|isolation|login|cron|model|bench|upgrade) t=$SECONDS; "suite_$s"; echo "($((SECONDS - t)) s)" ;;
            *) echo "unknown suite: $s"; count 0 1 ;;
        esac
    done
}

# The rest is one block, read whole before it runs: editing this file during
# a run does not change the run.
{
if [ -n "${PGSR_HERE:-}" ]; then
    run_here "$PGSR_HERE"
    echo
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
fi

# --- every version -----------------------------------------------------------

read -r -a VERSIONS <<<"${PG_VERSIONS:-15 17 18}"
[ ${#VERSIONS[@]} -gt 0 ] || { echo "PG_VERSIONS is empty"; echo "0 passed, 1 failed"; exit 1; }
for s in "${SUITES[@]}"; do
    case $s in
        unit|fuzz|regress|isolation|login|cron|model|bench|upgrade) ;;
        *) echo "unknown suite: $s (unit fuzz regress isolation login cron model bench upgrade)"; echo "0 passed, 1 failed"; exit 1 ;;
    esac
done

want_host=0
want_chroots=0
for v in "${VERSIONS[@]}"; do
    if [ "$v" = "$HOST_VERSION" ]; then want_host=1; else want_chroots=1; fi
done

section "dependencies"
deps=()
[ $want_host = 1 ] && deps+=(build)
[ $want_chroots = 1 ] && deps+=(chroots)
scripts/install-deps.sh "${deps[@]}" || { echo "0 passed, 1 failed"; exit 1; }

# Chroots not made yet are made in the background (network and dpkg) while
# the versions before them are tested; each version's section waits for its.
declare -A MAKING
trap 'kill -TERM $(jobs -p) 2>/dev/null' EXIT
# Runs once the section under way has cleaned up (its chroot unmounted).
trap 'echo; echo "interrupted"; echo "$passed passed, $((failed + 1)) failed"; exit 130' INT TERM
if [ "$(id -u)" = 0 ]; then
    for v in "${VERSIONS[@]}"; do
        [ "$v" = "$HOST_VERSION" ] && continue
        log=$(mktemp /tmp/pgsr-chroot-$v.XXXXXX)
        scripts/chroot.sh make "$v" >"$log" 2>&1 &
        MAKING[$v]="$! $log"
    done
fi

summary=()
started=$SECONDS
for v in "${VERSIONS[@]}"; do
    p0=$passed
    f0=$failed
    t0=$SECONDS
    echo
    if [ "$v" = "$HOST_VERSION" ]; then
        echo "######## PostgreSQL $v (this machine)"
        # In a subshell: the cluster and its exit trap end with the section.
        out=$(mktemp /tmp/pgsr-run.XXXXXX)
        ( PGSR_HERE=$v bash test/run.sh "${SUITES[@]}" ) 2>&1 | tee "$out"
        rc=${PIPESTATUS[0]}
    else
        echo "######## PostgreSQL $v (chroot, scripts/chroot.sh)"
        if [ "$(id -u)" != 0 ]; then
            echo "PostgreSQL $v is tested in a chroot, which needs root"
            count 0 1
            summary+=("PostgreSQL $v: not tested (needs root)")
            continue
        fi
        read -r pid log <<<"${MAKING[$v]}"
        wait "$pid"
        rc=$?
        cat "$log"
        rm -f "$log"
        if [ $rc -ne 0 ]; then
            echo "PostgreSQL $v: FAILED, its chroot could not be made"
            count 0 1
            summary+=("PostgreSQL $v: not tested, no chroot ($((SECONDS - t0)) s)")
            continue
        fi
        vsuites=()
        for s in "${SUITES[@]}"; do
            if [ "$s" = model ] && [[ " ${PGSR_MODEL_VERSIONS:-${VERSIONS[*]}} " != *" $v "* ]]; then
                echo "PostgreSQL $v: suite model not run (PGSR_MODEL_VERSIONS)"
                continue
            fi
            case " ${PGSR_SERVER_VERSIONS:-${VERSIONS[*]}} " in
                *" $v "*) vsuites+=("$s") ;;
                *) case $s in unit|fuzz) vsuites+=("$s") ;; *) echo "PostgreSQL $v: suite $s not run (PGSR_SERVER_VERSIONS)" ;; esac ;;
            esac
        done
        [ ${#vsuites[@]} -gt 0 ] || { summary+=("PostgreSQL $v: no suite"); continue; }
        out=$(mktemp /tmp/pgsr-run.XXXXXX)
        scripts/chroot.sh test "$v" "${vsuites[@]}" 2>&1 | tee "$out"
        rc=${PIPESTATUS[0]}
    fi
    # The version's count is its run's last line (the chroot's own messages
    # aside).
    last=$(grep -v '^chroot: ' "$out" | tail -1)
    rm -f "$out"
    if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        count "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
        if [ "$rc" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then
            echo "PostgreSQL $v: the run ended with status $rc"
            count 0 1
        fi
    else
        echo "PostgreSQL $v: the run did not finish (no chroot, or it was interrupted)"
        count 0 1
    fi
    summary+=("PostgreSQL $v: $((passed - p0)) passed, $((failed - f0)) failed ($((SECONDS - t0)) s)")
done

section "summary ($((SECONDS - started)) s)"
printf '%s\n' "${summary[@]}"
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
exit
}
