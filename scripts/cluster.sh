# Throwaway PostgreSQL cluster, sourced by the demo and the test runner.
#
#   cluster_start   initdb + start in a new temp dir; exports PGHOST, PGPORT, PGUSER
#   cluster_stop    stop it and remove the dir
#
# initdb refuses to run as root, so as root the server runs as the postgres
# OS user.  Unix socket: trust.  TCP on 127.0.0.1: scram-sha-256 only, so
# tests can check real password logins.  pg_cron, where it is installed, is
# loaded (its metadata in the postgres database, as on managed services), and
# its jobs connect over the Unix socket.

PG_BINDIR="${PG_BINDIR:-$(${PG_CONFIG:-pg_config} --bindir)}"

as_server_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A port no socket uses yet (the chroots share the host's network).
free_port() {
    local port i
    for i in $(seq 50); do
        port=$(( 20000 + RANDOM % 20000 ))
        grep -qi ":$(printf '%04X' $port) " /proc/net/tcp /proc/net/tcp6 2>/dev/null || break
    done
    echo $port
}

cluster_start() {
    CLUSTER_DIR="$(mktemp -d /tmp/pgsr-cluster.XXXXXX)"
    [ "$(id -u)" = 0 ] && chown postgres: "$CLUSTER_DIR"
    chmod 700 "$CLUSTER_DIR"
    export PGPORT="${PGSR_PORT:-$(free_port)}"
    export PGHOST="$CLUSTER_DIR"
    export PGUSER=postgres
    export PGDATABASE=postgres
    as_server_user "$PG_BINDIR/initdb" -D "$CLUSTER_DIR/data" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$CLUSTER_DIR/initdb.log" 2>&1 || {
        cat "$CLUSTER_DIR/initdb.log"; return 1; }
    local preload=''
    [ -f "$(${PG_CONFIG:-pg_config} --pkglibdir)/pg_cron.so" ] && preload=pg_cron
    cat >>"$CLUSTER_DIR/data/postgresql.conf" <<CONF
port = $PGPORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$CLUSTER_DIR'
password_encryption = 'scram-sha-256'
max_connections = 60
fsync = off
shared_preload_libraries = '$preload'
cron.host = '$CLUSTER_DIR'
log_min_messages = warning
log_statement = 'ddl'
CONF
    as_server_user "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w start \
        >/dev/null || { cat "$CLUSTER_DIR/server.log"; return 1; }
    trap cluster_stop EXIT
}

cluster_stop() {
    [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ] || return 0
    as_server_user "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$CLUSTER_DIR"
    CLUSTER_DIR=
}
