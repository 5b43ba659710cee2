#!/usr/bin/env bash
# Decides where NATS (with JetStream) and Postgres come from, starts what is missing, waits until both really
# answer, then writes var/infra.env (NATS_URL, DATABASE_URL, and MAIL_* when the compose mail sink runs).
# Order of preference, for each server independently:
#   1. NATS_URL / DATABASE_URL already set in the environment: used as they are;
#   2. a Docker engine answers: `docker compose up -d` of what is missing (plus the mail sink);
#   3. the local machine: a server already answering on 127.0.0.1 is reused; otherwise `nats-server` from PATH
#      is started (data in var/nats) and a stopped Postgres cluster is started with pg_ctlcluster.
# Knobs: EQ_INFRA_DOCKER=0 (never use Docker), EQ_NATS_PORT / EQ_PG_PORT (local ports, 4222 / 5432),
# EQ_READY_TIMEOUT_S (60), EQ_VAR_DIR (where infra.env, pid file and data go; var/).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
var_dir="${EQ_VAR_DIR:-$root/var}"
mkdir -p "$var_dir"
env_file="$var_dir/infra.env"
state_file="$var_dir/infra.state"
nats_port="${EQ_NATS_PORT:-4222}"
pg_port="${EQ_PG_PORT:-5432}"
timeout_s="${EQ_READY_TIMEOUT_S:-60}"
compose_file="$root/docker-compose.yml"

say() { printf 'infra: %s\n' "$*"; }
fail() {
  printf 'infra: %s\n' "$@" >&2
  exit 1
}
# Connection strings may hold a password: print them without it.
hide_password() { printf '%s' "$1" | sed -E 's#(://[^:/@]+):[^@/]*@#\1:***@#'; }

# Runs a command with a time limit, with or without coreutils' `timeout` (absent on stock macOS).
with_timeout() {
  local seconds=$1
  shift
  if command -v timeout >/dev/null 2>&1; then
    timeout "$seconds" "$@"
  else
    "$@" &
    local pid=$!
    (sleep "$seconds" && kill "$pid" 2>/dev/null) &
    local killer=$!
    local rc=0
    wait "$pid" || rc=$?
    kill "$killer" 2>/dev/null || true
    return "$rc"
  fi
}

port_answers() { with_timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose -f "$compose_file" "$@"
  else
    docker-compose -f "$compose_file" "$@"
  fi
}

docker_available() {
  [ "${EQ_INFRA_DOCKER:-auto}" != "0" ] || return 1
  command -v docker >/dev/null 2>&1 || return 1
  with_timeout 5 docker info >/dev/null 2>&1 || return 1
  if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
    say "a Docker engine answers but neither 'docker compose' nor 'docker-compose' is installed: using local servers"
    return 1
  fi
}

node_bin() {
  local candidate
  for candidate in "$root/.tools/bin/node" "$(command -v node 2>/dev/null || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if [ "$("$candidate" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 24 ]; then
      printf '%s' "$candidate"
      return 0
    fi
  done
  fail "Node 24 is needed to check that the servers are ready: run 'make setup' first"
}

# A host port for a compose service: the default unless something else already listens there.
compose_port() {
  local service=$1 container_port=$2 wanted=$3 fallback=$4 published
  published="$(compose port "$service" "$container_port" 2>/dev/null || true)"
  if [ -n "$published" ]; then
    printf '%s' "${published##*:}"
  elif port_answers 127.0.0.1 "$wanted"; then
    port_answers 127.0.0.1 "$fallback" &&
      fail "ports $wanted and $fallback are both taken; choose a free one for $service with EQ_*_PORT"
    say "port $wanted is taken by another program: publishing $service on $fallback" >&2
    printf '%s' "$fallback"
  else
    printf '%s' "$wanted"
  fi
}

nats_url="${NATS_URL:-}"
db_url="${DATABASE_URL:-}"
nats_origin="" db_origin="" nats_hint="" db_hint="" create_db=""
smtp_target="" smtp_hint="" mail_lines=""

if [ -n "$nats_url" ]; then
  nats_origin="from NATS_URL"
  nats_hint="NATS_URL is set to $nats_url: start that server (with JetStream: nats-server -js), or unset NATS_URL to let 'make up' choose"
fi
if [ -n "$db_url" ]; then
  db_origin="from DATABASE_URL"
  db_hint="DATABASE_URL is set: start that server or fix the URL, or unset DATABASE_URL to let 'make up' choose"
fi

if { [ -z "$nats_url" ] || [ -z "$db_url" ]; } && docker_available; then
  services=(mailpit)
  if [ -z "$nats_url" ]; then
    services+=(nats)
    export EQ_NATS_PORT
    EQ_NATS_PORT="$(compose_port nats 4222 "$nats_port" 14222)"
  fi
  if [ -z "$db_url" ]; then
    services+=(postgres)
    export EQ_PG_PORT
    EQ_PG_PORT="$(compose_port postgres 5432 "$pg_port" 15432)"
  fi
  export EQ_SMTP_PORT EQ_MAIL_WEB_PORT
  EQ_SMTP_PORT="$(compose_port mailpit 1025 "${EQ_SMTP_PORT:-1025}" 11025)"
  EQ_MAIL_WEB_PORT="$(compose_port mailpit 8025 "${EQ_MAIL_WEB_PORT:-8025}" 18025)"
  say "Docker engine found: docker compose up -d ${services[*]}"
  compose up -d "${services[@]}"
  echo "compose=${services[*]}" >>"$state_file"
  if [ -z "$nats_url" ]; then
    nats_url="nats://127.0.0.1:$EQ_NATS_PORT"
    nats_origin="docker compose service nats"
    nats_hint="see 'docker compose logs nats'"
  fi
  if [ -z "$db_url" ]; then
    db_url="postgres://postgres:postgres@127.0.0.1:$EQ_PG_PORT/express_quote"
    db_origin="docker compose service postgres"
    db_hint="see 'docker compose logs postgres'"
    create_db=1 # POSTGRES_DB creates it on a new volume only; an older volume may lack it
  fi
  smtp_target="127.0.0.1:$EQ_SMTP_PORT"
  smtp_hint="see 'docker compose logs mailpit'"
  mail_lines="MAIL_SMTP_HOST='127.0.0.1'
MAIL_SMTP_PORT='$EQ_SMTP_PORT'
MAIL_WEB_URL='http://127.0.0.1:$EQ_MAIL_WEB_PORT'"
fi

if [ -z "$nats_url" ]; then
  pid_file="$var_dir/nats.pid"
  if [ -f "$pid_file" ] && ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    rm -f "$pid_file" # left by a nats-server that is gone (machine restarted)
  fi
  if [ -f "$pid_file" ]; then
    nats_origin="nats-server started earlier by make up (pid $(cat "$pid_file"))"
    echo "nats=started" >>"$state_file"
  elif port_answers 127.0.0.1 "$nats_port"; then
    nats_origin="reused: a server already answers on 127.0.0.1:$nats_port"
    nats_hint="a server answers on 127.0.0.1:$nats_port but not with JetStream: restart it with -js, or set EQ_NATS_PORT to a free port and run 'make up' again"
  else
    command -v nats-server >/dev/null 2>&1 ||
      fail "no NATS: nothing answers on 127.0.0.1:$nats_port, no Docker engine, and nats-server is not on PATH." \
        "  Install nats-server (https://github.com/nats-io/nats-server/releases, or your package manager)," \
        "  or point NATS_URL at a NATS server with JetStream."
    mkdir -p "$var_dir/nats"
    # setsid: the server must outlive this script and ignore a Ctrl-C meant for a later `make demo`.
    launcher=()
    command -v setsid >/dev/null 2>&1 && launcher=(setsid)
    nohup "${launcher[@]}" nats-server -c "$root/infra/nats/nats.conf" -a 127.0.0.1 -p "$nats_port" \
      -sd "$var_dir/nats" -P "$pid_file" -l "$var_dir/nats.log" >/dev/null 2>&1 &
    nats_origin="nats-server started from PATH (data $var_dir/nats, log $var_dir/nats.log)"
    echo "nats=started" >>"$state_file"
  fi
  [ -n "$nats_hint" ] || nats_hint="see $var_dir/nats.log"
  nats_url="nats://127.0.0.1:$nats_port"
fi

if [ -z "$db_url" ]; then
  pg_user="${PGUSER:-postgres}"
  db_url="postgres://$pg_user@127.0.0.1:$pg_port/express_quote"
  create_db=1
  db_hint="start Postgres on 127.0.0.1:$pg_port (Debian/Ubuntu: pg_ctlcluster <version> main start; macOS: brew services start postgresql@16), or set DATABASE_URL=postgres://user:password@host:5432/database"
  if port_answers 127.0.0.1 "$pg_port"; then
    db_origin="reused: a server already answers on 127.0.0.1:$pg_port"
    db_hint="a server answers on 127.0.0.1:$pg_port but refuses us: allow user $pg_user (PGUSER/PGPASSWORD) to connect and create databases, or set DATABASE_URL"
  elif command -v pg_ctlcluster >/dev/null 2>&1 && command -v pg_lsclusters >/dev/null 2>&1; then
    cluster="$(pg_lsclusters --no-header 2>/dev/null | awk -v port="$pg_port" '$3 == port { print $1, $2; exit }')"
    [ -n "$cluster" ] || fail "no Postgres: nothing answers on 127.0.0.1:$pg_port and no cluster of pg_lsclusters uses that port." \
      "  Start or create one (pg_ctlcluster <version> main start / pg_createcluster <version> main --start)," \
      "  set EQ_PG_PORT to the port of a running cluster, or set DATABASE_URL."
    # shellcheck disable=SC2086 # "version name"
    say "starting the machine's Postgres cluster: pg_ctlcluster --skip-systemctl-redirect $cluster start"
    pg_ctlcluster --skip-systemctl-redirect $cluster start ||
      fail "pg_ctlcluster could not start cluster $cluster (see its log under /var/log/postgresql)." \
        "  Start it yourself (as root or postgres): pg_ctlcluster $cluster start, or set DATABASE_URL."
    db_origin="machine cluster $cluster, started with pg_ctlcluster"
    echo "postgres-cluster=$cluster" >>"$state_file"
  else
    fail "no Postgres: nothing answers on 127.0.0.1:$pg_port and there is no Docker engine." \
      "  Start Postgres (macOS: brew services start postgresql@16; Linux: your distribution's service)," \
      "  then run 'make up' again, or set DATABASE_URL=postgres://user:password@host:5432/database."
  fi
fi

say "NATS:     $nats_url ($nats_origin)"
say "Postgres: $(hide_password "$db_url") ($db_origin)"
say "waiting up to ${timeout_s} s for them to answer"

wait_args=(--nats "$nats_url" --postgres "$db_url" --timeout "$timeout_s"
  --nats-hint "$nats_hint" --postgres-hint "$db_hint")
[ -n "$create_db" ] && wait_args+=(--create-database)
[ -n "$smtp_target" ] && wait_args+=(--smtp "$smtp_target" --smtp-hint "$smtp_hint")
# infra.state lists what this script started, written as it starts it, so that `make down` can stop it even
# when it never became ready; repeated runs add the same lines.
[ ! -f "$state_file" ] || sort -u "$state_file" -o "$state_file"
"$(node_bin)" "$root/infra/wait-ready.ts" "${wait_args[@]}" ||
  fail "not ready: fix what is named above, then run 'make up' again ('make down' stops what make up started)."

umask 077 # DATABASE_URL may hold a password
{
  echo "# written by infra/up.sh at $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# NATS: $nats_origin; Postgres: $db_origin"
  echo "NATS_URL='$nats_url'"
  echo "DATABASE_URL='$db_url'"
  [ -z "$mail_lines" ] || echo "$mail_lines"
} >"$env_file.tmp"
mv "$env_file.tmp" "$env_file"
say "wrote ${env_file#"$root"/}"
[ -z "$mail_lines" ] || say "mail inbox: http://127.0.0.1:$EQ_MAIL_WEB_PORT"
