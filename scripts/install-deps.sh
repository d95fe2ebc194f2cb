#!/usr/bin/env bash
# Installs what building and testing pg_sync_roles needs, from Debian 12's
# packages.  Run as root; as another user it only checks.
set -euo pipefail

PACKAGES=(
    build-essential g++ make                 # the module is C++17
    postgresql-15 postgresql-server-dev-15   # server, headers, PGXS, pg_regress, pg_isolation_regress
    libboost-json1.81-dev                    # the grants document parser (header-only use)
    libgtest-dev                             # unit tests
    clang libclang-rt-14-dev                 # libFuzzer, for the parser's fuzzer
    python3 python3-psycopg2                 # the model-based random test (test/model)
)

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
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
