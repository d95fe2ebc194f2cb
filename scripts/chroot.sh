#!/usr/bin/env bash
# PostgreSQL versions this machine's Debian does not package, each in a chroot
# of the Debian suite that does, made by debootstrap from the archive apt
# already uses here.  Run as root.
#
#   scripts/chroot.sh make VERSION            make the chroot, or check the cached one
#   scripts/chroot.sh test VERSION [suite...] copy this source tree to /build inside and
#                                             run test/run.sh there for VERSION only
#   scripts/chroot.sh shell VERSION           a root shell inside, in /build (the source
#                                             of the last test or run, or copied now)
#   scripts/chroot.sh run VERSION COMMAND...  copy the source to /build and run a command there
#   scripts/chroot.sh list                    the cached chroots
#   scripts/chroot.sh delete [VERSION...]     unmount and delete (all when none given)
#
# The chroots live in $PGSR_CHROOT_CACHE (default /var/cache/pg_sync_roles) as
# chroot-<suite>/, about 2 GB each, and are reused between runs; the file
# .pgsr-stamp inside says what one was made from, and a chroot whose stamp
# differs from what this script would make (another package list) is made
# again.  PGSR_MIRROR overrides the archive's URL, which is otherwise read
# from apt's sources.
#
# While a command runs inside, /proc and /dev are bound into the chroot and a
# tmpfs is mounted on its /dev/shm; they are unmounted when it ends, however
# it ends.  A chroot is deleted only when nothing is mounted in it: deleting
# one with the host's /dev bound inside would delete the host's device nodes.
set -uo pipefail

PGSR_CHROOT_CACHE=${PGSR_CHROOT_CACHE:-/var/cache/pg_sync_roles}
SELF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=$(dirname "$SELF_DIR")

die() { echo "chroot: $*" >&2; exit 1; }

# /proc/mounts escapes blanks: a path with one would not be found there.
case $PGSR_CHROOT_CACHE in
    *[[:space:]]* | "" | /) die "PGSR_CHROOT_CACHE must be a directory without blanks" ;;
esac

# The Debian suite that packages each PostgreSQL version (16 is in none).
suite_of() {
    case $1 in
        17) echo trixie ;;
        18) echo forky ;;
        *) return 1 ;;
    esac
}

# debootstrap has no script for a suite before it is named in a release:
# forky is made with sid's.
script_of() {
    case $1 in
        forky) echo /usr/share/debootstrap/scripts/sid ;;
    esac
}

# Compilers the extension is also built with, besides the suite's default g++
# (forky's is 16; 15 is there too).
also_cxx_of() {
    case $1 in
        forky) echo g++-15 ;;
    esac
}

packages_of() {
    local v=$1
    local p=(
        postgresql-"$v" postgresql-server-dev-"$v" postgresql-"$v"-cron
        g++ make libboost-json-dev     # the distribution's compiler and Boost
        $(also_cxx_of "$(suite_of "$v")")
        libgtest-dev                   # unit tests
        clang libclang-rt-dev          # libFuzzer for the distribution's clang
        python3 python3-psycopg2
        ca-certificates procps
    )
    local IFS=,
    echo "${p[*]}"
}

# The Debian archive apt uses here: the first URI of a deb source for a
# release suite (not -security, -updates or -backports).
mirror() {
    if [ -n "${PGSR_MIRROR:-}" ]; then echo "$PGSR_MIRROR"; return; fi
    local f uri=
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk '
            function flush() { if (deb && uri != "" && release) { print uri; found = 1; exit } }
            /^[ \t]*$/ { flush(); deb = 0; uri = ""; release = 0; next }
            tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
            tolower($1) == "uris:" { uri = $2 }
            tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i !~ /-/) release = 1 }
            END { if (!found) flush() }' "$f")
        [ -n "$uri" ] && break
    done
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        uri=$(awk '{ sub(/\[[^]]*\]/, ""); $0 = $0 }
                   $1 == "deb" && $3 !~ /-/ { print $2; exit }' /etc/apt/sources.list)
    fi
    [ -n "$uri" ] || return 1
    echo "${uri%/}"
}

dir_of() {
    local suite
    suite=$(suite_of "$1") || return 1
    echo "$PGSR_CHROOT_CACHE/chroot-$suite"
}

stamp_of() {
    local suite
    suite=$(suite_of "$1")
    printf 'suite=%s\nscript=%s\npackages=%s\n' "$suite" "$(script_of "$suite")" "$(packages_of "$1")"
}

# Mount points at or under DIR, deepest first.
mounts_in() {
    local d
    d=$(realpath -m "$1")
    awk -v d="$d" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r
}

# Processes whose root directory is DIR or below it.
pids_in() {
    local d p r
    d=$(realpath -m "$1")
    for p in /proc/[0-9]*; do
        r=$(readlink "$p/root" 2>/dev/null) || continue
        if [ "$r" = "$d" ] || [[ $r == "$d"/* ]]; then echo "${p#/proc/}"; fi
    done
}

# Ends what still runs inside DIR (a server a killed test left behind):
# TERM, then KILL after 10 seconds.
stop_pids_in() {
    local pids i
    pids=$(pids_in "$1")
    [ -z "$pids" ] && return 0
    echo "chroot: stopping what still runs in $1: $(echo $pids)" >&2
    kill -TERM $pids 2>/dev/null
    for i in $(seq 20); do
        sleep 0.5
        pids=$(pids_in "$1")
        [ -z "$pids" ] && return 0
    done
    kill -KILL $pids 2>/dev/null
    sleep 1
}

unmount_all() {
    local d=$1 m
    [ -n "$(mounts_in "$d")" ] || return 0
    for m in $(mounts_in "$d"); do umount "$m" 2>/dev/null; done
    [ -n "$(mounts_in "$d")" ] || return 0
    stop_pids_in "$d"
    for m in $(mounts_in "$d"); do umount "$m" 2>/dev/null || umount -l "$m"; done
    if [ -n "$(mounts_in "$d")" ]; then
        echo "chroot: still mounted in $d:" >&2
        mounts_in "$d" >&2
        return 1
    fi
}

mount_all() {
    local d=$1
    # Bound, then made slaves, so that nothing mounted or unmounted below them
    # here propagates back to the host's /proc and /dev.
    mount --bind /proc "$d/proc" && mount --make-rslave "$d/proc" &&
        mount --bind /dev "$d/dev" && mount --make-rslave "$d/dev" &&
        mount -t tmpfs -o mode=1777,nosuid,nodev shm "$d/dev/shm"
}

# Deletes a chroot directory, only when nothing is mounted in it.
delete_dir() {
    local d
    d=$(realpath -m "$1")
    case $d in
        "$(realpath -m "$PGSR_CHROOT_CACHE")"/chroot-*) ;;
        *) die "refusing to delete $d: not a chroot of $PGSR_CHROOT_CACHE" ;;
    esac
    [ -e "$d" ] || return 0
    unmount_all "$d" || die "not deleting $d: something is still mounted in it"
    # The same, asked of the file system: a mount point has another device.
    local top sub
    top=$(stat -c %d "$d")
    for sub in proc dev dev/shm sys; do
        if [ -e "$d/$sub" ] && [ "$(stat -c %d "$d/$sub")" != "$top" ]; then
            die "not deleting $d: $d/$sub is on another file system"
        fi
    done
    rm -rf --one-file-system "$d"
}

# Holds the chroot's lock (fd 9) until the process ends: one user at a time.
lock() {
    mkdir -p "$PGSR_CHROOT_CACHE" || die "cannot create $PGSR_CHROOT_CACHE"
    exec 9>"$PGSR_CHROOT_CACHE/chroot-$1.lock"
    if ! flock -n 9; then
        echo "chroot: waiting for another user of chroot-$1" >&2
        flock 9
    fi
}

# Makes the chroot for VERSION unless the cached one is what would be made.
make_chroot() {
    local v=$1 suite dir script mirror_uri log start
    suite=$(suite_of "$v") || die "no Debian suite packages PostgreSQL $v (chroots: 17 in trixie, 18 in forky)"
    dir=$(dir_of "$v")
    if [ -f "$dir/.pgsr-stamp" ] && [ "$(cat "$dir/.pgsr-stamp")" = "$(stamp_of "$v")" ]; then
        echo "chroot: using $dir"
        return 0
    fi
    [ "$(id -u)" = 0 ] || die "making a chroot needs root"
    command -v debootstrap >/dev/null || die "debootstrap is not installed (scripts/install-deps.sh chroots)"
    if [ -e "$dir" ]; then
        echo "chroot: $dir was made from another package list (or not finished): making it again"
        delete_dir "$dir"
    fi
    mirror_uri=$(mirror) || die "no Debian archive found in apt's sources (set PGSR_MIRROR)"
    script=$(script_of "$suite")
    log="$PGSR_CHROOT_CACHE/chroot-$suite.log"
    echo "chroot: debootstrap $suite into $dir (log: $log)"
    start=$SECONDS
    # In the background, so that a signal here stops it (debootstrap then
    # unmounts what it mounted) before the half-made chroot is deleted.
    debootstrap --variant=minbase --include="$(packages_of "$v")" \
        "$suite" "$dir" "$mirror_uri" $script >"$log" 2>&1 &
    local pid=$! rc
    trap 'kill -TERM $pid 2>/dev/null; wait $pid; delete_dir "$dir"; exit 143' INT TERM HUP
    wait $pid
    rc=$?
    trap - INT TERM HUP
    if [ $rc -ne 0 ]; then
        tail -n 25 "$log" >&2
        delete_dir "$dir"
        die "debootstrap of $suite failed (log: $log)"
    fi
    # The stamp is written last: a chroot without one was not finished.
    unmount_all "$dir" || die "debootstrap left mounts in $dir"
    stamp_of "$v" >"$dir/.pgsr-stamp"
    echo "chroot: made $dir in $((SECONDS - start)) s ($(du -sh --one-file-system "$dir" | cut -f1))"
}

# Copies the source tree (what git tracks or would track; without git,
# everything but build products) to DIR/build.
copy_source() {
    local dest=$1/build
    rm -rf --one-file-system "$dest" && mkdir -p "$dest" || return 1
    if git -C "$SOURCE_DIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$SOURCE_DIR" &&
            git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
            tar --null -T - -cf -) | tar -xf - -C "$dest"
    else
        tar -C "$SOURCE_DIR" --exclude='*.o' --exclude='*.so' --exclude='*.bc' --exclude='*.d' \
            --exclude=./results --exclude=./log --exclude=./tmp_check --exclude=./.git \
            --exclude=./test/isolation/results --exclude=./test/isolation/output_iso \
            --exclude=./test/unit/unit_tests --exclude=./test/fuzz/spec_fuzz \
            --exclude=./test/fuzz/corpus-run -cf - . | tar -xf - -C "$dest"
    fi
}

# Runs a command inside DIR with /proc, /dev and /dev/shm mounted for the
# time; always unmounts.
run_in() {
    local dir=$1
    shift
    trap 'unmount_all "$dir"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
    unmount_all "$dir" || return 1
    mount_all "$dir" || { echo "chroot: cannot mount /proc, /dev, /dev/shm in $dir" >&2; return 1; }
    chroot "$dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
    local rc=$?
    stop_pids_in "$dir"
    unmount_all "$dir" || rc=1
    trap - EXIT INT TERM HUP
    return $rc
}

# One block, read whole before it runs: editing this file during a run does
# not change the run.
{
cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
    make)
        [ $# -eq 1 ] || die "usage: scripts/chroot.sh make VERSION"
        suite=$(suite_of "$1") || die "no Debian suite packages PostgreSQL $1 (chroots: 17 in trixie, 18 in forky)"
        lock "$suite"
        make_chroot "$1"
        ;;
    test)
        [ $# -ge 1 ] || die "usage: scripts/chroot.sh test VERSION [suite...]"
        v=$1
        shift
        suite=$(suite_of "$v") || die "no Debian suite packages PostgreSQL $v (chroots: 17 in trixie, 18 in forky)"
        lock "$suite"
        make_chroot "$v" || exit 1
        dir=$(dir_of "$v")
        copy_source "$dir" || die "cannot copy the source to $dir/build"
        run_in "$dir" PGSR_HERE="$v" FUZZ_SECONDS="${FUZZ_SECONDS:-20}" \
            PGSR_ALSO_CXX="$(also_cxx_of "$suite")" bash /build/test/run.sh "$@"
        ;;
    shell|run)
        [ $# -ge 1 ] || die "usage: scripts/chroot.sh shell VERSION, or run VERSION COMMAND..."
        v=$1
        shift
        [ "$cmd" = shell ] && [ $# -gt 0 ] && die "usage: scripts/chroot.sh shell VERSION"
        [ "$cmd" = run ] && [ $# -eq 0 ] && die "usage: scripts/chroot.sh run VERSION COMMAND..."
        suite=$(suite_of "$v") || die "no Debian suite packages PostgreSQL $v (chroots: 17 in trixie, 18 in forky)"
        lock "$suite"
        make_chroot "$v" || exit 1
        dir=$(dir_of "$v")
        if [ "$cmd" = run ] || [ ! -d "$dir/build" ]; then
            copy_source "$dir" || die "cannot copy the source to $dir/build"
        fi
        if [ "$cmd" = shell ]; then
            run_in "$dir" PGSR_HERE="$v" bash -c 'cd /build && exec bash -i'
        else
            run_in "$dir" PGSR_HERE="$v" bash -c 'cd /build && exec "$@"' run "$@"
        fi
        ;;
    list)
        for d in "$PGSR_CHROOT_CACHE"/chroot-*/; do
            [ -d "$d" ] || continue
            echo "${d%/} $(du -sh --one-file-system "$d" | cut -f1)" \
                "$(grep -h '^suite=' "$d/.pgsr-stamp" 2>/dev/null || echo '(unfinished)')"
        done
        ;;
    delete)
        if [ $# -eq 0 ]; then
            for d in "$PGSR_CHROOT_CACHE"/chroot-*/; do
                [ -d "$d" ] || continue
                d=${d%/}
                lock "${d##*/chroot-}"
                delete_dir "$d" && echo "deleted $d"
            done
        else
            for v in "$@"; do
                suite=$(suite_of "$v") || die "no chroot for PostgreSQL $v"
                lock "$suite"
                delete_dir "$(dir_of "$v")" && echo "deleted $(dir_of "$v")"
            done
        fi
        ;;
    *)
        sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
        exit 2
        ;;
esac
exit
}
