# Sourced by scripts/test and scripts/bench: makes sure PostgreSQL (TEST_DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/postgres) and Redis (TEST_REDIS_URL, default
# redis://127.0.0.1:6379) answer. Where one does not, starts a throwaway server from the installed
# binaries (removed on exit) or says in one line what to install. Exports both URLs.
# The caller names itself in `who` for messages.

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"
scratch=""
cleanup() {
    if [[ -n "${pg_dir:-}" ]]; then $run_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
    if [[ -n "${redis_pid:-}" ]]; then kill "$redis_pid" 2>/dev/null || true; fi
    if [[ -n "$scratch" ]]; then rm -rf "$scratch"; fi
}
trap cleanup EXIT

host_port() { # URL -> "host port"
    local rest="${1#*://}"; rest="${rest##*@}"; rest="${rest%%/*}"
    echo "${rest%:*} ${rest##*:}"
}
answers() { # host port -> true when something accepts TCP connections there
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}
free_port() {
    local port
    for port in $(seq "$1" $(( $1 + 200 ))); do answers 127.0.0.1 "$port" || { echo "$port"; return; }; done
    return 1
}
scratch_dir() {
    [[ -n "$scratch" ]] || { scratch="$(mktemp -d /tmp/jiuzhu-test.XXXXXX)"; chmod 755 "$scratch"; }
}

# PostgreSQL refuses to run as root: use the postgres (or nobody) account then.
run_as=""
if [[ "$(id -u)" == 0 ]]; then
    if id postgres >/dev/null 2>&1; then run_as="runuser -u postgres --"; else run_as="runuser -u nobody --"; fi
fi

read -r pg_host pg_port <<<"$(host_port "$TEST_DATABASE_URL")"
if ! answers "$pg_host" "$pg_port"; then
    pg_bin="$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 || true)")"
    if [[ ! -x "$pg_bin/initdb" ]]; then
        echo "PostgreSQL does not answer at $pg_host:$pg_port and no server is installed: apt-get install postgresql (or set TEST_DATABASE_URL)." >&2
        exit 1
    fi
    scratch_dir
    pg_dir="$scratch/pg"
    mkdir -p "$pg_dir"
    if [[ -n "$run_as" ]]; then chown "$(echo "$run_as" | awk '{print $3}')" "$pg_dir"; fi
    port="$(free_port 55432)"
    echo "${who:-scripts}: starting a throwaway PostgreSQL on 127.0.0.1:$port" >&2
    $run_as "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
    $run_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -l "$pg_dir/log" \
        -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=300" \
        start >/dev/null
    export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
fi

read -r redis_host redis_port <<<"$(host_port "$TEST_REDIS_URL")"
if ! answers "$redis_host" "$redis_port"; then
    if ! command -v redis-server >/dev/null; then
        echo "Redis does not answer at $redis_host:$redis_port and no server is installed: apt-get install redis-server (or set TEST_REDIS_URL)." >&2
        exit 1
    fi
    scratch_dir
    port="$(free_port 56379)"
    echo "${who:-scripts}: starting a throwaway Redis on 127.0.0.1:$port" >&2
    redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$scratch" --logfile "$scratch/redis.log" &
    redis_pid=$!
    for _ in $(seq 50); do answers 127.0.0.1 "$port" && break; sleep 0.1; done
    export TEST_REDIS_URL="redis://127.0.0.1:$port"
fi

