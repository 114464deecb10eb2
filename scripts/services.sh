#!/usr/bin/env bash
# Local backing services for development and tests: PostgreSQL, Redis and a
# single OpenSearch 2.19 node. Everything (data, logs, pids) lives in $ROOT/.var.
#
#   scripts/services.sh start  [postgres] [redis] [search]   (default: all)
#   scripts/services.sh stop   [postgres] [redis] [search]
#   scripts/services.sh status [postgres] [redis] [search]
#
# `start` is idempotent: a service that already answers is only reported healthy.
# Environment: PGPORT (5433), REDIS_PORT (6380), SEARCH_PORT (9200), SEARCH_HEAP (1g).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/.var"

PGPORT="${PGPORT:-5433}"
REDIS_PORT="${REDIS_PORT:-6380}"
SEARCH_PORT="${SEARCH_PORT:-9200}"
SEARCH_HEAP="${SEARCH_HEAP:-1g}"

PG_DATA="$VAR/pg"
PG_SOCKET="$VAR/pg-socket"
PG_LOG="$VAR/pg.log"
PG_TIMEOUT=60

REDIS_DIR="$VAR/redis"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"
REDIS_TIMEOUT=30

SEARCH_POM="$ROOT/matching/engine/pom.xml"
SEARCH_CLASSPATH="$VAR/search-classpath.txt"
SEARCH_BASE="$VAR/search"
SEARCH_LOG="$VAR/search.log"
SEARCH_MAVEN_LOG="$VAR/search-maven.log"
SEARCH_PIDFILE="$VAR/search.pid"
SEARCH_URL="http://127.0.0.1:$SEARCH_PORT"
SEARCH_TIMEOUT=120

ALL_SERVICES=(postgres redis search)
MANUAL_INSTALL="sudo apt-get install -y postgresql redis-server"

log() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

print_log_tail() {
    local file="$1"
    if [ -f "$file" ]; then
        printf '[services] --- last 30 lines of %s ---\n' "$file" >&2
        tail -n 30 "$file" >&2 || true
        printf '[services] --- end of %s ---\n' "$file" >&2
    else
        printf '[services] (no log file at %s)\n' "$file" >&2
    fi
}

# wait_until NAME TIMEOUT LOGFILE CHECK... : poll CHECK every second until it
# succeeds; on timeout, print the log tail and fail.
wait_until() {
    local name="$1" timeout="$2" logfile="$3"
    shift 3
    local started=$SECONDS
    until "$@" >/dev/null 2>&1; do
        if (( SECONDS - started >= timeout )); then
            printf '[services] ERROR: %s did not become healthy within %ss.\n' "$name" "$timeout" >&2
            print_log_tail "$logfile"
            exit 1
        fi
        sleep 1
    done
    log "$name is healthy (took $(( SECONDS - started ))s)."
}

# Installs a Debian package when we are root; otherwise tells the user how.
ensure_package() {
    local package="$1" what="$2"
    if is_root; then
        log "$what not found; installing the Debian package $package."
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package"
    else
        printf '[services] ERROR: %s is not installed. Install it with:\n  %s\n' "$what" "$MANUAL_INSTALL" >&2
        exit 1
    fi
}

# ---------------------------------------------------------------- PostgreSQL

PG_BIN=""

find_pg_bin() {
    local dir
    dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    if [ -x "$dir/pg_ctl" ]; then
        PG_BIN="$dir"
        return 0
    fi
    return 1
}

# Postgres refuses to run as root, so root runs the server as the `postgres` user.
as_pg_owner() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_healthy() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres; }

pg_our_cluster_running() {
    [ -f "$PG_DATA/PG_VERSION" ] && as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

# The postgres user must be able to reach $ROOT/.var (e.g. /work/main/.var).
make_path_traversable() {
    local dir="$1"
    while [ "$dir" != "/" ] && [ -n "$dir" ]; do
        if ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
            log "Granting o+x on $dir so that the postgres user can reach $VAR."
            chmod o+x "$dir"
        fi
        dir="$(dirname "$dir")"
    done
}

pg_prepare_dirs() {
    mkdir -p "$VAR" "$PG_DATA" "$PG_SOCKET"
    touch "$PG_LOG"
    if is_root; then
        make_path_traversable "$VAR"
        chown -R postgres:postgres "$PG_DATA" "$PG_SOCKET" "$PG_LOG"
        chmod 700 "$PG_DATA"
    fi
}

pg_psql() {
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres "$@"
}

pg_create_role_and_db() {
    # Superuser so that pytest can create (and drop) its test database and extensions.
    if [ "$(pg_psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'maillage'")" != "1" ]; then
        pg_psql -c "CREATE ROLE maillage LOGIN SUPERUSER CREATEDB"
        log "Created role maillage."
    fi
    if [ "$(pg_psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'maillage'")" != "1" ]; then
        pg_psql -c "CREATE DATABASE maillage OWNER maillage ENCODING 'UTF8' TEMPLATE template0"
        log "Created database maillage."
    fi
}

start_postgres() {
    if ! find_pg_bin; then
        ensure_package postgresql "PostgreSQL"
        find_pg_bin || die "PostgreSQL binaries still not found under /usr/lib/postgresql/*/bin."
    fi
    if pg_our_cluster_running; then
        log "PostgreSQL cluster in $PG_DATA is already running."
        wait_until "PostgreSQL (127.0.0.1:$PGPORT)" "$PG_TIMEOUT" "$PG_LOG" pg_healthy
        pg_create_role_and_db
        return 0
    fi
    if pg_healthy; then
        die "Something else already answers on 127.0.0.1:$PGPORT. Stop it or choose another PGPORT."
    fi

    pg_prepare_dirs
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        if [ -n "$(ls -A "$PG_DATA")" ]; then
            die "$PG_DATA is not empty but holds no cluster. Remove it (make clean) and retry."
        fi
        log "Creating a PostgreSQL cluster in $PG_DATA ($("$PG_BIN/postgres" --version))."
        # Trust is acceptable only because the server listens on 127.0.0.1 and a private socket dir.
        as_pg_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=trust >>"$PG_LOG" 2>&1 \
            || { print_log_tail "$PG_LOG"; die "initdb failed."; }
    fi

    log "Starting PostgreSQL on 127.0.0.1:$PGPORT."
    as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$PG_TIMEOUT" \
        -o "-p $PGPORT -k '$PG_SOCKET' -c listen_addresses=127.0.0.1" start >/dev/null \
        || { print_log_tail "$PG_LOG"; die "pg_ctl start failed."; }
    wait_until "PostgreSQL (127.0.0.1:$PGPORT)" "$PG_TIMEOUT" "$PG_LOG" pg_healthy
    pg_create_role_and_db
}

stop_postgres() {
    if ! find_pg_bin || ! pg_our_cluster_running; then
        log "PostgreSQL is not running."
        return 0
    fi
    as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
    log "PostgreSQL stopped."
}

status_postgres() {
    if ! find_pg_bin; then
        log "postgres: not installed"
    elif pg_our_cluster_running && pg_healthy; then
        log "postgres: running, healthy on 127.0.0.1:$PGPORT (data $PG_DATA)"
    elif pg_our_cluster_running; then
        log "postgres: running but not answering on 127.0.0.1:$PGPORT"
    else
        log "postgres: stopped"
    fi
}

# --------------------------------------------------------------------- Redis

redis_healthy() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

start_redis() {
    if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
        ensure_package redis-server "Redis"
    fi
    if redis_healthy; then
        log "Redis is healthy on 127.0.0.1:$REDIS_PORT (already running)."
        return 0
    fi
    mkdir -p "$REDIS_DIR"
    log "Starting Redis on 127.0.0.1:$REDIS_PORT."
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
        --dir "$REDIS_DIR" --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" \
        || { print_log_tail "$REDIS_LOG"; die "redis-server failed to start."; }
    wait_until "Redis (127.0.0.1:$REDIS_PORT)" "$REDIS_TIMEOUT" "$REDIS_LOG" redis_healthy
}

stop_redis() {
    if ! command -v redis-cli >/dev/null || ! redis_healthy; then
        log "Redis is not running."
        return 0
    fi
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    local waited=0
    while redis_healthy && (( waited < 30 )); do sleep 1; waited=$(( waited + 1 )); done
    redis_healthy && die "Redis on 127.0.0.1:$REDIS_PORT did not shut down."
    log "Redis stopped."
}

status_redis() {
    if redis_healthy; then
        log "redis: running, healthy on 127.0.0.1:$REDIS_PORT"
    else
        log "redis: stopped"
    fi
}

# ---------------------------------------------------------------- OpenSearch

search_is_opensearch() { curl -fsS --max-time 5 "$SEARCH_URL/" 2>/dev/null | grep -q '"distribution" *: *"opensearch"'; }

search_healthy() {
    curl -fsS --max-time 5 "$SEARCH_URL/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

search_pid_from_file() {
    local pid
    [ -f "$SEARCH_PIDFILE" ] || return 1
    pid="$(cat "$SEARCH_PIDFILE")"
    pid_alive "$pid" || return 1
    grep -q 'OpenSearchRunner' "/proc/$pid/cmdline" 2>/dev/null || return 1
    printf '%s\n' "$pid"
}

# A node started by hand (no pidfile) is still ours if it is an OpenSearchRunner
# whose -basePath resolves to $SEARCH_BASE; nothing else is ever stopped.
search_pid_from_port() {
    local pid base cwd
    command -v ss >/dev/null || return 1
    for pid in $(ss -Hltnp "sport = :$SEARCH_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
        grep -q 'OpenSearchRunner' "/proc/$pid/cmdline" 2>/dev/null || continue
        base="$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '/^-basePath$/{n;p;q}')"
        cwd="$(readlink "/proc/$pid/cwd" || true)"
        case "$base" in /*) ;; *) base="$cwd/$base" ;; esac
        if [ "$(realpath -m "$base")" = "$(realpath -m "$SEARCH_BASE")" ]; then
            printf '%s\n' "$pid"
            return 0
        fi
    done
    return 1
}

search_pid() { search_pid_from_file || search_pid_from_port; }

# Resolved once; re-resolved only when the POM changes.
search_classpath() {
    if [ -s "$SEARCH_CLASSPATH" ] && [ "$SEARCH_CLASSPATH" -nt "$SEARCH_POM" ]; then
        return 0
    fi
    command -v mvn >/dev/null || die "Maven (mvn) is required to resolve the search node. Install it with: sudo apt-get install -y maven"
    log "Resolving the OpenSearch classpath with Maven (first run downloads ~150 MB)."
    mkdir -p "$VAR"
    mvn -q -B -f "$SEARCH_POM" dependency:build-classpath -Dmdep.outputFile="$SEARCH_CLASSPATH" \
        >"$SEARCH_MAVEN_LOG" 2>&1 \
        || { rm -f "$SEARCH_CLASSPATH"; print_log_tail "$SEARCH_MAVEN_LOG"; die "Maven could not resolve the classpath of $SEARCH_POM."; }
}

search_wait_healthy() {
    local pid="$1" started=$SECONDS
    until search_healthy; do
        if ! pid_alive "$pid"; then
            printf '[services] ERROR: the search node (pid %s) exited during startup.\n' "$pid" >&2
            print_log_tail "$SEARCH_LOG"
            rm -f "$SEARCH_PIDFILE"
            exit 1
        fi
        if (( SECONDS - started >= SEARCH_TIMEOUT )); then
            printf '[services] ERROR: the search node did not become healthy within %ss.\n' "$SEARCH_TIMEOUT" >&2
            print_log_tail "$SEARCH_LOG"
            exit 1
        fi
        sleep 2
    done
    log "Search node is healthy on $SEARCH_URL (took $(( SECONDS - started ))s)."
}

start_search() {
    command -v curl >/dev/null || die "curl is required. Install it with: sudo apt-get install -y curl"
    if search_is_opensearch; then
        log "An OpenSearch node already answers on $SEARCH_URL."
        wait_until "Search node ($SEARCH_URL)" "$SEARCH_TIMEOUT" "$SEARCH_LOG" search_healthy
        return 0
    fi
    if curl -s --max-time 5 -o /dev/null "$SEARCH_URL/"; then
        die "Something other than OpenSearch answers on $SEARCH_URL. Stop it or choose another SEARCH_PORT."
    fi
    command -v java >/dev/null || die "Java 17+ is required. Install it with: sudo apt-get install -y openjdk-17-jre-headless"
    search_classpath
    mkdir -p "$SEARCH_BASE"
    # A pid file left by a node that died (machine restarted) would be read as the new node's pid.
    rm -f "$SEARCH_PIDFILE"
    log "Starting the search node on $SEARCH_URL (heap $SEARCH_HEAP)."
    # One cluster name per port: nodes of two checkouts on one machine (say, a fresh clone's CI beside
    # the working copy) would otherwise discover each other and form one cluster, sharing shards.
    # setsid: Ctrl-C in the terminal that ran `make run` must not stop the node.
    # The inner shell writes its own pid, which `exec` hands over to java.
    # shellcheck disable=SC2016  # $$ and $@ belong to the inner shell.
    nohup setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$SEARCH_PIDFILE" \
        java "-Xms$SEARCH_HEAP" "-Xmx$SEARCH_HEAP" -cp "$(cat "$SEARCH_CLASSPATH")" \
        org.codelibs.opensearch.runner.OpenSearchRunner \
        -basePath "$SEARCH_BASE" -numOfNode 1 -baseHttpPort "$(( SEARCH_PORT - 1 ))" -clusterName "maillage-$SEARCH_PORT" \
        >"$SEARCH_LOG" 2>&1 </dev/null &
    local waited=0
    while [ ! -s "$SEARCH_PIDFILE" ] && (( waited < 50 )); do sleep 0.1; waited=$(( waited + 1 )); done
    if [ ! -s "$SEARCH_PIDFILE" ]; then
        print_log_tail "$SEARCH_LOG"
        die "The search node did not start (no pid written to $SEARCH_PIDFILE)."
    fi
    search_wait_healthy "$(cat "$SEARCH_PIDFILE")"
}

stop_search() {
    local pid
    if ! pid="$(search_pid)"; then
        rm -f "$SEARCH_PIDFILE"
        if search_is_opensearch; then
            log "An OpenSearch node answers on $SEARCH_URL but was not started from $SEARCH_BASE; leaving it alone."
        else
            log "Search node is not running."
        fi
        return 0
    fi
    kill -TERM "$pid"
    local waited=0
    while pid_alive "$pid" && (( waited < 60 )); do sleep 1; waited=$(( waited + 1 )); done
    if pid_alive "$pid"; then
        log "Search node (pid $pid) ignored SIGTERM for 60s; killing it."
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$SEARCH_PIDFILE"
    log "Search node stopped."
}

status_search() {
    local pid=""
    pid="$(search_pid || true)"
    if search_healthy; then
        log "search: running, healthy on $SEARCH_URL${pid:+ (pid $pid)}"
    elif search_is_opensearch; then
        log "search: running on $SEARCH_URL${pid:+ (pid $pid)} but the cluster is not yet yellow"
    elif [ -n "$pid" ]; then
        log "search: starting (pid $pid), not answering on $SEARCH_URL yet"
    else
        log "search: stopped"
    fi
}

# ---------------------------------------------------------------------- main

usage() {
    echo "Usage: $0 {start|stop|status} [postgres] [redis] [search]" >&2
    exit 2
}

main() {
    [ $# -ge 1 ] || usage
    local action="$1"
    shift
    case "$action" in start|stop|status) ;; *) usage ;; esac

    local services=("$@")
    [ ${#services[@]} -gt 0 ] || services=("${ALL_SERVICES[@]}")
    local service
    for service in "${services[@]}"; do
        case "$service" in postgres|redis|search) ;; *) echo "Unknown service: $service" >&2; usage ;; esac
    done
    # Stop in reverse order of start.
    if [ "$action" = stop ]; then
        local reversed=()
        for service in "${services[@]}"; do reversed=("$service" "${reversed[@]}"); done
        services=("${reversed[@]}")
    fi
    for service in "${services[@]}"; do
        "${action}_${service}"
    done
}

main "$@"
