#!/usr/bin/env bash
# Model-based random test of pg_sync_roles (issue 10): random documents and
# hand changes over a small fixed universe, every sync checked against a
# model of what the document means.  See test/model/README.md.
#
#   test/model/run.sh                       random steps for MODEL_SECONDS (default 60),
#                                           seed MODEL_SEED (default: random, printed)
#   MODEL_SECONDS=1800 test/model/run.sh    the long run
#   test/model/run.sh --replay FILE         replays a step file that a failing run wrote
#   test/model/run.sh --replay FILE --sql   prints that replay as a psql script
#   test/model/run.sh --help                every option (model.py run --help)
#
# Switches: MODEL_SKIP names the switches that are off (see `python3
# test/model/model.py switches`).  Unset, it is test/model/known-faults: what
# fails on today's code.  MODEL_SKIP= (empty) switches everything on.
#
# Needs a running server with pg_sync_roles installed, and PGHOST, PGPORT,
# PGUSER naming a superuser (as test/run.sh's throwaway cluster exports them).
# It makes and drops the databases pgsr_model and pgsr_model_other and roles
# named mdl_*.  The last line is "N passed, N failed", counted in syncs (a
# sync passes when every check switched on passes); the exit status is
# non-zero on a failure.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export PYTHONDONTWRITEBYTECODE=1

# Debian's python3 (it has python3-psycopg2), not another one found first on PATH.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if ! "$PY" -c 'import psycopg2' 2>/dev/null; then
    echo "python3 with psycopg2 is needed (Debian: apt-get install python3-psycopg2)"
    echo "0 passed, 1 failed"
    exit 1
fi

if [ "${1:-}" = "--replay" ]; then
    shift
    exec "$PY" "$HERE/model.py" replay "$@"
fi
if [ "${1:-}" = "--help" ]; then
    exec "$PY" "$HERE/model.py" run --help
fi
exec "$PY" "$HERE/model.py" run --skip "${MODEL_SKIP-@$HERE/known-faults}" "$@"
