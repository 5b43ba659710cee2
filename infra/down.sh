#!/usr/bin/env bash
# Stops what infra/up.sh started, and only that: the nats-server it spawned (var/nats.pid) and the compose
# services it brought up. Servers that were already running (the machine's own NATS and Postgres, or those
# named by NATS_URL / DATABASE_URL) are never touched. Data (var/nats, compose volumes) is kept.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
var_dir="${EQ_VAR_DIR:-$root/var}"
state_file="$var_dir/infra.state"
pid_file="$var_dir/nats.pid"
stopped=0

say() { printf 'infra: %s\n' "$*"; }

if [ -f "$pid_file" ]; then
  pid="$(cat "$pid_file")"
  # The pid may have been reused by another program since: only signal a nats-server.
  if kill -0 "$pid" 2>/dev/null && ps -p "$pid" -o comm= 2>/dev/null | grep -q '^nats-server'; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "nats-server (pid $pid) still running after 10 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped nats-server (pid $pid); its data stays in ${var_dir#"$root"/}/nats"
    stopped=1
  fi
  rm -f "$pid_file"
fi

if [ -f "$state_file" ] && grep -q '^compose=' "$state_file"; then
  if docker compose version >/dev/null 2>&1; then
    docker compose -f "$root/docker-compose.yml" down
  else
    docker-compose -f "$root/docker-compose.yml" down
  fi
  say "stopped the docker compose services (volumes kept; 'docker compose down -v' deletes the data)"
  stopped=1
fi

if [ -f "$state_file" ] && grep -q '^postgres-cluster=' "$state_file"; then
  cluster="$(sed -n 's/^postgres-cluster=//p' "$state_file" | head -1)"
  say "Postgres cluster $cluster was started by make up but is the machine's own: left running" \
    "(stop it with: pg_ctlcluster $cluster stop)"
fi

rm -f "$state_file" "$var_dir/infra.env"
[ "$stopped" = 1 ] || say "nothing to stop: make up reused servers that were already running"
