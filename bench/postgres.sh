#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the benchmark (docs/performance.md), from Debian's packages.
#   bench/postgres.sh start STATE_FILE   install if missing, initdb into a temporary folder, start on a free localhost
#                                        port as the 'postgres' user; writes PGHOST/PGPORT/PGDATA/PGUSER to STATE_FILE
#   bench/postgres.sh stop STATE_FILE    stop that server and delete its folder
# The server is tuned for a disposable benchmark, not for durability: fsync, synchronous_commit and
# full_page_writes are off (the table is UNLOGGED anyway). Everything else is PostgreSQL's default.
set -euo pipefail

PG_MAJOR=15
BIN=/usr/lib/postgresql/$PG_MAJOR/bin

usage() { echo "usage: $0 start|stop STATE_FILE" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
state=$2

as_postgres() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

install() {
    if [[ -x $BIN/postgres && -x $BIN/initdb && -x /usr/bin/psql ]]; then
        return
    fi
    if [[ $(id -u) -ne 0 ]]; then
        echo "PostgreSQL $PG_MAJOR is not installed and this is not root: apt-get install postgresql-$PG_MAJOR first." >&2
        exit 1
    fi
    echo "Installing postgresql-$PG_MAJOR from Debian's packages..." >&2
    if ! apt-get update -qq || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$PG_MAJOR" "postgresql-client-$PG_MAJOR" >&2; then
        echo "apt-get could not install postgresql-$PG_MAJOR (is a package source reachable?)." >&2
        exit 1
    fi
    # Debian's package creates and starts a cluster of its own; the benchmark does not use it.
}

free_port() {
    local port
    for port in $(seq 55432 55532); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "no free port between 55432 and 55532" >&2
    exit 1
}

start() {
    install
    if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    local data port
    data=$(mktemp -d /tmp/vbc-bench-pg.XXXXXX)
    [[ $(id -u) -eq 0 ]] && chown postgres: "$data"
    chmod 700 "$data"
    as_postgres "$BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$data.initdb.log" 2>&1 \
        || { cat "$data.initdb.log" >&2; exit 1; }
    port=$(free_port)
    as_postgres "$BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2
    rm -f "$data.initdb.log"
    mkdir -p "$(dirname "$state")"
    printf 'PGHOST=127.0.0.1\nPGPORT=%s\nPGDATA=%s\nPGUSER=postgres\n' "$port" "$data" >"$state"
    echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $data" >&2
}

stop() {
    [[ -f $state ]] || { echo "no server state in $state" >&2; return 0; }
    # shellcheck disable=SC1090
    source "$state"
    if [[ -d ${PGDATA:-} ]]; then
        as_postgres "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >&2 || true
        rm -rf "$PGDATA"
    fi
    rm -f "$state"
}

case $action in
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
