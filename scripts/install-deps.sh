#!/usr/bin/env bash
# Installs what building and testing pg_sync_roles needs, from Debian 12's
# packages.  Run as root; as another user it only checks.
#
#   scripts/install-deps.sh [build] [chroots]    default: both
#     build    PostgreSQL 15, its headers and the tools to build and test here
#     chroots  debootstrap, which makes the chroots where 17 and 18 are tested
set -euo pipefail

BUILD=(
    build-essential g++ make                 # the module is C++17
    postgresql-15 postgresql-server-dev-15   # server, headers, PGXS, pg_regress, pg_isolation_regress
    postgresql-15-cron                       # pg_cron, for the cron suite (test/cron)
    libboost-json1.81-dev                    # the grants document parser (header-only use)
    libgtest-dev                             # unit tests
    clang libclang-rt-14-dev                 # libFuzzer, for the parser's fuzzer
    python3 python3-psycopg2                 # the model-based random test (test/model)
)
CHROOTS=(
    debootstrap                              # chroots of newer Debian suites (scripts/chroot.sh)
)

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(build chroots)
PACKAGES=()
for g in "${groups[@]}"; do
    case $g in
        build) PACKAGES+=("${BUILD[@]}") ;;
        chroots) PACKAGES+=("${CHROOTS[@]}") ;;
        *) echo "unknown group: $g (build, chroots)" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "missing packages: ${missing[*]} (run this script as root to install them)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp /tmp/pgsr-apt.XXXXXX)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "could not install: ${missing[*]}" >&2
    exit 1
fi
rm -f "$log"
echo "installed: ${missing[*]}"
