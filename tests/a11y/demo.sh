#!/usr/bin/env bash
# Runs the HTML validator and axe-core over the demo's pages: the home
# page, the event page (with its agenda), the 404 page, the registration form (empty, with
# a province's regencies, and sent with mistakes) and the three sign-in
# forms (staff sign-in, participant e-mail-link sign-in, forgotten
# password), each form
# also as re-rendered with its field errors after an invalid submission
# (HTTP 422), in Indonesian and in English, each held to 30 KiB with its
# stylesheet. Then, signed in (curl signs in and hands the session cookie to
# the checker), the organiser's session pages (agenda, new, edit with its
# field errors, delete), the event's edit form (with its reminder and
# join-link fields, and their errors), the speaker's own sessions, and the
# participant's page with their sessions and the private calendar feed's
# page (the participant signs in by the e-mailed link, read from the demo's
# .eml folder).
#
#   bash tests/a11y/demo.sh            # builds the debug binary if needed
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

cargo build --quiet --manifest-path "$root/Cargo.toml"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work" && BIMTEK_BIND=127.0.0.1:$port BIMTEK_LOG=warn exec "$root/target/debug/bimtek" demo >demo.out 2>demo.log) &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q "serving on" "$work/demo.out" 2>/dev/null && break; sleep 0.1; done

slug=strategi-pengembangan-perpustakaan-tik
pages=(/ "/events/$slug" /halaman-yang-tidak-ada
  "/events/$slug/register"
  "submit:/events/$slug/register?full_name=Dra.+Siti+Aminah&email=siti@&whatsapp=12&nip=1985&province_code=17"
  /sign-in 'submit:/sign-in?email=bukan-email&password=x'
  /my/sign-in 'submit:/my/sign-in?email='
  /password/forgot 'submit:/password/forgot?email=salah@'
  # Signing in lands on the administrator's dashboard and the organiser's "Bimtek saya".
  'submit:/sign-in?email=admin@bimtek.demo&password=bimtek-demo-2020'
  'submit:/sign-in?email=panitia@bimtek.demo&password=bimtek-demo-2020')
echo "== Bahasa Indonesia"
bash "$here/run.sh" --max-kb 30 "http://127.0.0.1:$port" "${pages[@]}"
echo "== English"
bash "$here/run.sh" --max-kb 30 --accept-language en "http://127.0.0.1:$port" "${pages[@]}"

# Pages behind a sign-in: the session cookie of a password sign-in.
base="http://127.0.0.1:$port"
signed_in() {
  local jar="$work/$1.jar" token
  token=$(curl -sf -c "$jar" -b "$jar" "$base/sign-in" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=$1" --data-urlencode "password=bimtek-demo-2020" "$base/sign-in"
  awk -F '\t' 'NF == 7 && $6 == "bimtek" { print $6 "=" $7 }' "$jar"
}
organiser=$(signed_in panitia@bimtek.demo)
session=$(curl -sf -b "$organiser" "$base/manage/events/$slug/sessions" | grep -o "/sessions/[0-9a-f-]*/edit" | head -n 1 | cut -d/ -f3)
organiser_pages=("/manage/events/$slug" "/manage/events/$slug/sessions" "/manage/events/$slug/sessions/new"
  "submit:/manage/events/$slug/sessions/new?title=Diskusi&start_time=10:00&end_time=09:00&delivery=link&join_link=zoom.us"
  "/manage/events/$slug/sessions/$session/edit" "/manage/events/$slug/sessions/$session/delete"
  "/manage/events/$slug/edit" "submit:/manage/events/$slug/edit?reminder_minutes=sehari&join_links_before_minutes=-5")
speaker=$(signed_in narasumber@bimtek.demo)
participant_signed_in() {
  local jar="$work/participant.jar" token link=""
  token=$(curl -sf -c "$jar" -b "$jar" "$base/my/sign-in" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=peserta@bimtek.demo" "$base/my/sign-in"
  for _ in $(seq 1 100); do
    link=$(python3 - "$work/mail" <<'PY'
import email, email.policy, pathlib, re, sys
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.eml")):
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    if "peserta@bimtek.demo" in str(message["To"]) and str(message["Subject"]).startswith("Tautan masuk"):
        found = re.search(r"http\S*/my/sign-in/[A-Za-z0-9_-]+", message.get_body(("plain",)).get_content())
        if found:
            print(found.group(0))
PY
)
    [ -n "$link" ] && break
    sleep 0.1
  done
  token=$(curl -sf -c "$jar" -b "$jar" "$link" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" "$link"
  awk -F '\t' 'NF == 7 && $6 == "bimtek" { print $6 "=" $7 }' "$jar"
}
participant=$(participant_signed_in)
# The new feed's address is shown once, by the page its POST leads to: the
# POST puts it in the session (the cookie), so the page gets that cookie.
feed_token=$(curl -sf -b "$work/participant.jar" "$base/my" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -sf -o /dev/null -c "$work/feed.jar" -b "$work/participant.jar" --data-urlencode "csrf_token=$feed_token" "$base/my/calendar"
feed=$(awk -F '\t' 'NF == 7 && $6 == "bimtek" { print $6 "=" $7 }' "$work/feed.jar")
for lang in id en; do
  echo "== Signed in ($lang)"
  bash "$here/run.sh" --max-kb 30 --accept-language "$lang" --cookie "$organiser" "$base" "${organiser_pages[@]}"
  bash "$here/run.sh" --max-kb 30 --accept-language "$lang" --cookie "$speaker" "$base" /my/sessions
  bash "$here/run.sh" --max-kb 30 --accept-language "$lang" --cookie "$participant" "$base" /my
  bash "$here/run.sh" --max-kb 30 --accept-language "$lang" --cookie "$feed" "$base" /my/calendar
done
