#!/usr/bin/env bash
# Benchmark: the organisers' registration list with 20,000 registrations
# (first page, a deep page, a search, a filter by state and by regency) at
# 8 keep-alive connections against a release build, on SQLite and on
# PostgreSQL.
#
#   bash benches/roster_page.sh            # both backends
#   BACKENDS=sqlite bash benches/roster_page.sh
#
# Settings: DURATION (seconds per page, default 10), CONNECTIONS (8),
# BIMTEK_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
# The rows are inserted with SQL beside the running demo (the list only
# reads them); wrk runs on the same machine as the server.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-10}
connections=${CONNECTIONS:-8}
backends=${BACKENDS:-sqlite postgres}
pg_server=${BIMTEK_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
slug=strategi-pengembangan-perpustakaan-tik
port=18081
rows=20000

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
cargo build --release --quiet
binary=target/release/bimtek
work=$(mktemp -d)
server=
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# One row per person: distinct names, e-mails and numbers, spread over the
# states and over Bengkulu's regencies.
seed_sql="INSERT INTO registrations (id, event_id, user_id, status, full_name, email, whatsapp, nip,
    institution, position, province_code, regency_code, library_type, gender, disability, consent_at,
    address_confirmed_at, queued_at, created_at, updated_at, confirmation_hash, added_by, search_text)
  SELECT 'bench-' || n, e.id, u.id,
    CASE n % 4 WHEN 0 THEN 'confirmed' WHEN 1 THEN 'waitlisted' WHEN 2 THEN 'awaiting_approval' ELSE 'cancelled' END,
    'Peserta ' || n, 'peserta' || n || '@perpusdes.example.id', '+62812' || (10000000 + n), NULL,
    'Perpustakaan Desa ' || (n % 500), 'Pustakawan', '17', '17.0' || (1 + n % 9), 'desa', 'perempuan', NULL,
    CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, NULL, NULL,
    lower('Peserta ' || n || ' peserta' || n || '@perpusdes.example.id perpustakaan desa ' || (n % 500))
  FROM numbers, events e, users u
  WHERE e.slug = '$slug' AND u.email = 'peserta@bimtek.demo';"

echo "machine: $(nproc) cores, $(uname -r); $rows registrations; wrk -t1 -c$connections -d${duration}s per page"
for backend in $backends; do
  case $backend in
    sqlite) url=$work/bench.db ;;
    postgres)
      name=bimtek_roster_$$
      psql "$pg_server" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
      url=$(python3 -c "import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path='/$name')))" "$pg_server")
      ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
  BIMTEK_DATABASE_URL=$url BIMTEK_BIND=127.0.0.1:$port BIMTEK_LOG=warn \
    "$binary" demo >"$work/$backend.out" 2>"$work/$backend.log" &
  server=$!
  for _ in $(seq 1 100); do grep -q "serving on" "$work/$backend.out" 2>/dev/null && break; sleep 0.1; done
  case $backend in
    sqlite) sqlite3 "$url" "CREATE TEMP TABLE numbers AS WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $rows) SELECT n FROM s; $seed_sql" ;;
    postgres) psql "$url" -qc "CREATE TEMP TABLE numbers AS SELECT n FROM generate_series(1, $rows) n; $seed_sql" ;;
  esac
  # The organiser signs in; wrk sends the session cookie.
  jar=$work/cookies
  token=$(curl -s -c "$jar" http://127.0.0.1:$port/sign-in | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -s -b "$jar" -c "$jar" -o /dev/null -X POST http://127.0.0.1:$port/sign-in \
    --data-urlencode "csrf_token=$token" --data-urlencode "email=panitia@bimtek.demo" --data-urlencode "password=bimtek-demo-2020"
  cookie=$(awk '$6 == "bimtek" {print "bimtek=" $7}' "$jar")
  base=http://127.0.0.1:$port/manage/events/$slug/registrations
  printf "%-9s %-34s %10s %8s %8s\n" backend page "req/s" p50 p99
  for query in "" "?page=399" "?q=peserta1999" "?status=waitlisted&page=40" "?province=17&regency=17.03"; do
    curl -sf -o /dev/null -H "Cookie: $cookie" "$base$query" || { echo "GET $base$query failed" >&2; exit 1; }
    wrk -t1 -c"$connections" -d"${duration}s" --latency -H "Cookie: $cookie" "$base$query" >"$work/wrk"
    printf "%-9s %-34s %10s %8s %8s\n" "$backend" "${query:-first page}" \
      "$(awk '/Requests\/sec/ {print $2}' "$work/wrk")" "$(awk '$1 == "50%" {print $2}' "$work/wrk")" "$(awk '$1 == "99%" {print $2}' "$work/wrk")"
    ! grep -E "Non-2xx|Socket errors" "$work/wrk"
  done
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  [ "$backend" != postgres ] || psql "$pg_server" -qc "DROP DATABASE IF EXISTS $name"
done
