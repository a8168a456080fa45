#!/usr/bin/env bash
# Benchmark: GET /events/{slug} at 64 keep-alive connections against a
# release build, on SQLite and on PostgreSQL, with the server's peak RSS.
#
#   bash benches/event_page.sh            # both backends
#   BACKENDS=sqlite bash benches/event_page.sh
#
# Settings: DURATION (seconds, default 20), CONNECTIONS (64),
# BIMTEK_BENCH_POSTGRES_URL (a server where a database may be created;
# default postgres://postgres@127.0.0.1:5432/postgres).
# wrk runs on the same machine as the server, so both share its cores.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-20}
connections=${CONNECTIONS:-64}
backends=${BACKENDS:-sqlite postgres}
pg_server=${BIMTEK_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
slug=strategi-pengembangan-perpustakaan-tik
port=18080

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet
binary=target/release/bimtek
work=$(mktemp -d)
server=
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "load: wrk -t1 -c$connections -d${duration}s --latency (on the same machine)"
for backend in $backends; do
  case $backend in
    sqlite) url=$work/bench.db ;;
    postgres)
      name=bimtek_bench_$$
      psql "$pg_server" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
      url=$(python3 -c "import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path='/$name')))" "$pg_server")
      ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
  BIMTEK_DATABASE_URL=$url BIMTEK_BIND=127.0.0.1:$port BIMTEK_LOG=${BIMTEK_LOG:-info} \
    "$binary" demo >"$work/$backend.out" 2>"$work/$backend.log" &
  server=$!
  for _ in $(seq 1 100); do grep -q "serving on" "$work/$backend.out" 2>/dev/null && break; sleep 0.1; done
  target=http://127.0.0.1:$port/events/$slug
  curl -sf -o /dev/null "$target"
  wrk -t1 -c"$connections" -d3s "$target" >/dev/null # warm-up
  wrk -t1 -c"$connections" -d"${duration}s" --latency "$target" >"$work/$backend.wrk"
  rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  [ "$backend" != postgres ] || psql "$pg_server" -qc "DROP DATABASE IF EXISTS $name"

  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$backend.wrk")
  p50=$(awk '$1 == "50%" {print $2}' "$work/$backend.wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$backend.wrk")
  errors=$(grep -E "Non-2xx|Socket errors" "$work/$backend.wrk" || true)
  printf '%-9s %10s req/s   p50 %-8s p99 %-8s peak RSS %5.1f MiB %s\n' \
    "$backend" "$rps" "$p50" "$p99" "$(echo "$rss_kib / 1024" | bc -l)" "${errors:+($errors)}"
done
