#!/usr/bin/env bash
# Runs the HTML validator and axe-core over every page of the demo, at 360 px
# (phone) and 1280 px, in Indonesian and in English, each page held to 30 KiB
# with its stylesheet and failed when it scrolls sideways or cuts content off
# at the screen's edge, or draws a radio button away from its label:
#   - signed out: the home page, the event page, the 404 page, a verify
#     page of an unknown certificate, the
#     registration form (empty, with a province's regencies, and sent with
#     mistakes), the confirmation link's page, the sign-in forms (staff,
#     participant's e-mail link, forgotten password) with their errors, and
#     the pages of e-mailed links (a participant's sign-in, a password reset,
#     an invitation); a fresh installation's page to make its administrator;
#   - as the administrator: the dashboard, the outbox, the audit log, the
#     new-event form (and its errors), their own page, the public pages and
#     an event's management and registrations;
#   - as the organiser: their page, the public event page and every page of
#     the Bengkulu bimtek's management (the event, its edit form, its outbox,
#     registrations (two pages of the demo's sixty, a province filter, a
#     bulk action with nobody ticked), adding by hand, an import's preview,
#     the questions and removing one, the agenda and a session's forms,
#     self check-in before and after its window opens, a session's Zoom
#     report upload and its preview, the attendance of the event (and
#     who is below the minimum), of the first day's opening (all, the
#     excused, an excuse form open, its printable list) and of one
#     participant (an override without its reason), the review queue and
#     the answers given in it, and the attendance rules out of range), the
#     overview of the participants' action plans (all, and filtered), a
#     submitted one and its printed page, and a strategy's plans printed
#     (the demo's printed all weigh some 2 KiB a plan), with their errors,
#     and the reviewed ones: one waiting for its revision, one accepted, one
#     in its second version (its choice of reviewer, its versions and what
#     changed between them), the follow-up dates (and a date before the
#     event's end refused), the follow-up already due (its counts by
#     region, with a province's regencies) and a report sent for it, with
#     its evidence, and the certificates: the batch page, the settings
#     (and their errors), the dry run, the speakers' and committee
#     certificates (and committee issued to nobody), the demo participant's
#     revoked certificate and its replacement (revoked without a reason);
#   - as the reviewer: their page, the plans given to them or to nobody,
#     the second version waiting for them and its review sent without a
#     comment (its errors), and what changed between its versions (the last
#     two, and one version with itself);
#   - as the speaker: their page, their sessions, the event page, their
#     profile (and its errors) and their workshop's materials; the
#     organiser also sees the event's materials, the workshop's and the
#     speaker's profile as organisers keep it (and its errors); the event's
#     materials signed out and as the participant;
#   - as the participant (signed in by the e-mailed link, read from the
#     demo's .eml folder): their page, giving up a seat, their action plan
#     (a draft, saved again with its month written in words, and printed), the public pages as
#     they see them, the calendar feed's page and the page showing a new
#     feed's address, checking in (with a wrong code) and before it opens;
#   - as a participant of the crowd whose plan a reviewer sent back: their
#     plan with the reviewer's comments beside its sections, and their page;
#   - as participants of the crowd whose plans were accepted: the follow-up
#     report still to write (and their page), and the one already sent with
#     its photo, sent again without the date its activity was done.
# Every GET route that renders a page is here (src/web/mod.rs); the others
# answer files (CSV, XLSX, .ics, CSS), redirects or health figures.
# With BIMTEK_A11Y_SCREENSHOTS=DIR each page is also saved as a picture at
# 360 px under DIR/<language>-<role>/, to look at.
# curl signs in and hands each role's session cookie to the checker.
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
fresh=
trap 'kill $server $fresh 2>/dev/null; wait $server $fresh 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q "serving on" "$work/demo.out" 2>/dev/null && break; sleep 0.1; done

base="http://127.0.0.1:$port"
slug=strategi-pengembangan-perpustakaan-tik
manage="/manage/events/$slug"
password=bimtek-demo-2020
csrf() { sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1; }
cookie_of() { awk -F '\t' 'NF == 7 && $6 == "bimtek" { print $6 "=" $7 }' "$1"; }

# The first link in the demo's mail to $1 whose subject starts with $2 and
# whose address matches $3.
mailed_link() {
  local link=""
  for _ in $(seq 1 100); do
    link=$(python3 - "$work/mail" "$1" "$2" "$3" <<'PY'
import email, email.policy, pathlib, re, sys
folder, to, subject, pattern = sys.argv[1:]
for path in sorted(pathlib.Path(folder).glob("*.eml")):
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    if to in str(message["To"]) and str(message["Subject"]).startswith(subject):
        found = re.search(r"http\S*" + pattern + r"[A-Za-z0-9_-]+", message.get_body(("plain",)).get_content())
        if found:
            print(found.group(0))
PY
)
    [ -n "$link" ] && break
    sleep 0.1
  done
  echo "$link"
}

# The address of the demo's mail whose subject starts with $1 and whose text
# holds $2.
mailed_to() {
  python3 - "$work/mail" "$1" "$2" <<'PY'
import email, email.policy, pathlib, sys
folder, subject, text = sys.argv[1:]
for path in sorted(pathlib.Path(folder).glob("*.eml")):
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    if str(message["Subject"]).startswith(subject) and text in message.get_body(("plain",)).get_content():
        print(message["To"].addresses[0].addr_spec)
        break
PY
}

# A participant signs in by the link e-mailed to $1; prints the cookie.
by_link() {
  local jar="$work/$1.jar" token link
  token=$(curl -sf -c "$jar" -b "$jar" "$base/my/sign-in" | csrf)
  curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=$1" "$base/my/sign-in"
  link=$(mailed_link "$1" "Tautan masuk" "/my/sign-in/")
  token=$(curl -sf -c "$jar" -b "$jar" "$link" | csrf)
  curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" "$link"
  cookie_of "$jar"
}

# A password sign-in: prints the session cookie.
signed_in() {
  local jar="$work/$1.jar" token
  token=$(curl -sf -c "$jar" -b "$jar" "$base/sign-in" | csrf)
  curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=$1" --data-urlencode "password=$password" "$base/sign-in"
  cookie_of "$jar"
}

# The participant signs in by the link e-mailed to them; the jar keeps it.
participant_jar="$work/participant.jar"
token=$(curl -sf -c "$participant_jar" -b "$participant_jar" "$base/my/sign-in" | csrf)
curl -sf -o /dev/null -c "$participant_jar" -b "$participant_jar" --data-urlencode "csrf_token=$token" \
  --data-urlencode "email=peserta@bimtek.demo" "$base/my/sign-in"
link=$(mailed_link peserta@bimtek.demo "Tautan masuk" "/my/sign-in/")
token=$(curl -sf -c "$participant_jar" -b "$participant_jar" "$link" | csrf)
curl -sf -o /dev/null -c "$participant_jar" -b "$participant_jar" --data-urlencode "csrf_token=$token" "$link"
participant=$(cookie_of "$participant_jar")
seat=$(curl -sf -b "$participant" "$base/my" | grep -o '/my/registrations/[0-9a-f-]*/cancel' | head -n 1)
plan=$(curl -sf -b "$participant" "$base/my" | grep -o '/my/registrations/[0-9a-f-]*/plan' | head -n 1)
# The new feed's address is shown once, by the page its POST leads to: the
# POST puts it in the session (the cookie), so the page gets that cookie.
token=$(curl -sf -b "$participant_jar" "$base/my" | csrf)
curl -sf -o /dev/null -c "$work/feed.jar" -b "$participant_jar" --data-urlencode "csrf_token=$token" "$base/my/calendar"
feed=$(cookie_of "$work/feed.jar")

# Someone registers through the public form: their confirmation link.
jar="$work/newcomer.jar"
token=$(curl -sf -c "$jar" -b "$jar" "$base/events/$slug/register" | csrf)
curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
  --data-urlencode "full_name=Yulia Rahmawati, S.Hum." --data-urlencode "email=yulia@bimtek.demo" \
  --data-urlencode "whatsapp=0813-1111-2222" --data-urlencode "institution=Perpustakaan Desa Air Sebakul" \
  --data-urlencode "position=Pengelola" --data-urlencode "province_code=17" --data-urlencode "regency_code=17.09" \
  --data-urlencode "library_type=desa" --data-urlencode "gender=perempuan" --data-urlencode "consent=on" \
  "$base/events/$slug/register"
confirm=$(mailed_link yulia@bimtek.demo "" "/registrations/confirm/")
confirm=${confirm#"$base"}

admin=$(signed_in admin@bimtek.demo)
organiser=$(signed_in panitia@bimtek.demo)
speaker=$(signed_in narasumber@bimtek.demo)
reviewer=$(signed_in penilai@bimtek.demo)

# An import waiting for confirmation: two good rows and two with mistakes.
token=$(curl -sf -b "$organiser" "$base$manage/registrations" | csrf)
printf '%s\n' 'Nama lengkap,E-mail,WhatsApp,Instansi,Jabatan,Provinsi,Kabupaten/kota,Jenis perpustakaan,Jenis kelamin' \
  'Dedi Kurniawan,dedi@bimtek.demo,0812-7000-1111,Perpustakaan SMA Negeri 2 Kota Bengkulu,Pustakawan,17,17.71,sekolah,laki_laki' \
  'Nur Aisyah,nur.aisyah@bimtek.demo,0812-7000-2222,Perpustakaan Desa Tanjung Terdana,Pengelola,17,17.09,desa,perempuan' \
  'Hendra,hendra@,0812,Perpustakaan Kabupaten Kaur,Kepala,17,99.99,kabupaten_kota,laki_laki' \
  ',tanpa-nama@bimtek.demo,0812-7000-4444,,,17,17.04,umum,' >"$work/import.csv"
import=$(curl -sf -o /dev/null -w '%{redirect_url}' -b "$organiser" -F "csrf_token=$token" \
  -F "file=@$work/import.csv;type=text/csv" "$base$manage/registrations/import")
import=${import#"$base"}
session=$(curl -sf -b "$organiser" "$base$manage/sessions" | grep -o "/sessions/[0-9a-f-]*/edit" | head -n 1 | cut -d/ -f3)
# The speaker's workshop, with its two materials (one open now, one after
# the workshop), as the speaker reaches it; their profile as organisers
# keep it, from the event's team.
workshop=$(curl -sf -b "$speaker" "$base/my/sessions" | grep -o "$manage/sessions/[0-9a-f-]*/materials" | tail -n 1)
speaker_profile=$(curl -sf -b "$organiser" "$base$manage" | grep -o "$manage/speakers/[0-9a-f-]*" | head -n 1)
# Self check-in: the two sessions not on Zoom; the last one's window opened
# (its code and QR code shown), the other's not yet.
checkins=$(curl -sf -b "$organiser" "$base$manage/sessions" | grep -o "$manage/sessions/[0-9a-f-]*/checkin" | uniq)
unopened=$(echo "$checkins" | head -n 1)
desk=$(echo "$checkins" | tail -n 1)
token=$(curl -sf -b "$organiser" "$base$desk" | csrf)
curl -sf -o /dev/null -b "$organiser" --data-urlencode "csrf_token=$token" \
  --data-urlencode "action=open" --data-urlencode "minutes=240" "$base$desk"
checkin_page=/checkin/$(echo "$desk" | cut -d/ -f6)

# The first session's attendance, as the demo's Zoom report gave it: one
# participant's page (someone who reconnected), from the session's list.
attendee=$(curl -sf -b "$organiser" "$base$manage/sessions/$session/attendance" | grep -o "$manage/attendance/participants/[0-9a-f-]*" | head -n 1)
# A submitted action plan, from the event's overview of plans (which
# links each plan beside it: plans/ID).
submitted_plan=$manage/$(curl -sf -b "$organiser" "$base$manage/plans?state=submitted" | grep -o 'href="plans/[0-9a-f]*"' | head -n 1 | cut -d'"' -f2)
# The reviewed plans, by their titles.
plan_titled() {
  local id
  id=$(curl -sf -b "$organiser" "$base$manage/plans" | grep -o "href=\"plans/[0-9a-f]*\">$1" | cut -d'"' -f2)
  [ -z "$id" ] || echo "$manage/$id"
}
revised_plan=$(plan_titled "Taman Baca Kampung Nelayan")
asked_plan=$(plan_titled "Layanan Perpustakaan Keliling")
accepted_plan=$(plan_titled "Kelas Literasi Keuangan")
# The participant whose plan was sent back reads the reviewer's comments.
revising=$(by_link "$(mailed_to "RTL Anda perlu diperbaiki" "Layanan Perpustakaan Keliling")")
revising_plan=$(curl -sf -b "$revising" "$base/my" | grep -o '/my/registrations/[0-9a-f-]*/plan' | head -n 1)
# The follow-up already due (the first date), one report sent for it, and
# the report forms of the two participants whose plans were accepted.
follow_ups="$manage/plans/follow-ups"
follow_up=$(curl -sf -b "$organiser" "$base$follow_ups" | grep -o "$follow_ups/[0-9a-f]*" | head -n 1)
sent_report=$(curl -sf -b "$organiser" "$base$follow_up" | grep -o "$follow_up/reports/[0-9a-f]*" | head -n 1)
# The certificates: the demo participant's first, revoked and reissued
# (its page links the new one), and the verify pages of both.
revoked=$(curl -sf -b "$organiser" "$base$manage/certificates" | grep -o "$manage/certificates/issued/[0-9a-f]*\">[^<]*</a></td><td>[^<]*</td><td>[^<]*</td><td>Dicabut" | cut -d'"' -f1)
reissued=$(curl -sf -b "$organiser" "$base$revoked" | grep -o "$manage/certificates/issued/[0-9a-f]*" | head -n 1)
revoked_code=$(curl -sf -b "$organiser" "$base$revoked" | grep -o '/verify/[a-z2-7]*' | head -n 1)
valid_code=$(curl -sf -b "$organiser" "$base$reissued" | grep -o '/verify/[a-z2-7]*' | head -n 1)
report_form() { curl -sf -b "$1" "$base/my" | grep -o '/my/registrations/[0-9a-f-]*/follow-ups/[0-9a-f]*' | head -n 1; }
reporting=$(by_link "$(mailed_to "RTL Anda diterima" "Pojok Baca Puskesmas")")
reporting_form=$(report_form "$reporting")
reported=$(by_link "$(mailed_to "RTL Anda diterima" "Kelas Literasi Keuangan")")
reported_form=$(report_form "$reported")
for found in revised_plan asked_plan accepted_plan revising_plan follow_up sent_report reporting_form reported_form; do
  [ -n "${!found}" ] || { echo "demo.sh: no $found in the demo" >&2; exit 1; }
done

# A Zoom participant report uploaded for the first session, waiting for
# confirmation (the test fixture: another day, so its warnings show too).
report_upload="$manage/sessions/$session/attendance/import"
token=$(curl -sf -b "$organiser" "$base$report_upload" | csrf)
report=$(curl -sf -o /dev/null -w '%{redirect_url}' -b "$organiser" -F "csrf_token=$token" \
  -F "file=@$root/tests/api/support/fixtures/zoom-csv/older-per-join.csv;type=text/csv" "$base$report_upload")
report=${report#"$base"}

# A question, for the page that asks before removing it.
token=$(curl -sf -b "$organiser" "$base$manage/questions" | csrf)
curl -sf -o /dev/null -b "$organiser" --data-urlencode "csrf_token=$token" \
  --data-urlencode "label=Ukuran kaos" --data-urlencode "kind=text" "$base$manage/questions"
question=$(curl -sf -b "$organiser" "$base$manage/questions" | grep -o "$manage/questions/[0-9a-f-]*/delete" | head -n 1)

# The pages of e-mailed links, opened and left unused: a participant's
# sign-in, a password reset and an administrator's invitation.
jar="$work/links.jar"
token=$(curl -sf -c "$jar" -b "$jar" "$base/my/sign-in" | csrf)
curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
  --data-urlencode "email=yulia@bimtek.demo" "$base/my/sign-in"
token=$(curl -sf -c "$jar" -b "$jar" "$base/password/forgot" | csrf)
curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
  --data-urlencode "email=panitia@bimtek.demo" "$base/password/forgot"
token=$(curl -sf -b "$admin" "$base/admin" | csrf)
curl -sf -o /dev/null -b "$admin" --data-urlencode "csrf_token=$token" --data-urlencode "name=Dewi Sartika, S.IP." \
  --data-urlencode "email=dewi.sartika@bimtek.demo" --data-urlencode "lang=id" "$base/admin/invitations"
sign_in_link=$(mailed_link yulia@bimtek.demo "" "/my/sign-in/")
reset_link=$(mailed_link panitia@bimtek.demo "" "/password/reset/")
invitation_link=$(mailed_link dewi.sartika@bimtek.demo "" "/invitation/")

# A fresh installation's first page: the link to make its administrator.
mkdir "$work/fresh"
fresh_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work/fresh" && BIMTEK_BIND=127.0.0.1:$fresh_port BIMTEK_LOG=warn exec "$root/target/debug/bimtek" serve >serve.out 2>serve.log) &
fresh=$!
for _ in $(seq 1 100); do grep -q "create one" "$work/fresh/serve.out" 2>/dev/null && break; sleep 0.1; done
setup=$(grep -o '/setup/[A-Za-z0-9_-]*' "$work/fresh/serve.out")
for link in sign_in_link reset_link invitation_link; do
  [ -n "${!link}" ] || { echo "demo.sh: no $link in the demo's mail" >&2; exit 1; }
  printf -v "$link" '%s' "${!link#"$base"}"
done
[ -n "$setup" ] || { echo "demo.sh: a fresh serve printed no setup link" >&2; exit 1; }

public=(/ "/events/$slug" "/events/$slug/materials" /halaman-yang-tidak-ada /verify/kode-yang-tidak-dikenal
  "$revoked_code" "$valid_code"
  "/events/$slug/register"
  "submit:/events/$slug/register?full_name=Dra.+Siti+Aminah&email=siti@&whatsapp=12&nip=1985&province_code=17"
  "$confirm"
  /sign-in 'submit:/sign-in?email=bukan-email&password=x'
  /my/sign-in 'submit:/my/sign-in?email='
  /password/forgot 'submit:/password/forgot?email=salah@'
  "$sign_in_link" "$reset_link" "$invitation_link")
admin_pages=(/my /admin 'submit:/admin?name=&email=salah@' /admin/outbox /admin/audit
  / "/events/$slug" "$manage" "$manage/registrations"
  /manage/events/new
  'submit:/manage/events/new?title=Uji&slug=uji&organiser_office=Dinas&time_zone=Asia/Jakarta&start_date=2030-01-02&start_time=09:00&end_date=2030-01-01&end_time=10:00&opens_date=2029-12-20&opens_time=08:00&closes_date=2029-12-10&closes_time=08:00')
organiser_pages=(/my "$manage" "submit:$manage?name=&email=salah@" "$manage/edit"
  "submit:$manage/edit?reminder_minutes=sehari&join_links_before_minutes=-5"
  "$manage/registrations" "$manage/registrations?page=1" "$manage/registrations?province=17"
  "$manage/registrations?unticked=1" "$manage/outbox" "$manage/registrations/new"
  "submit:$manage/registrations/new?full_name=Dra.+Siti+Aminah&email=siti@&whatsapp=12"
  "$import" "$manage/questions" "submit:$manage/questions?label=&kind=choice&choices="
  "$manage/sessions" "$manage/sessions/new"
  "submit:$manage/sessions/new?title=Diskusi&start_time=10:00&end_time=09:00&delivery=link&join_link=zoom.us"
  "$manage/sessions/$session/edit" "$manage/sessions/$session/delete" "$question"
  "$unopened" "$desk" "submit:$desk?minutes=0"
  "$report_upload" "$report" "$report?zone=Europe/Paris"
  "$manage/attendance" "$manage/sessions/$session/attendance" "$manage/sessions/$session/attendance?status=excused"
  "$manage/sessions/$session/attendance/print" "$attendee" "$manage/attendance/review"
  "$manage/attendance/review/answers"
  "submit:$manage/edit?late_after_minutes=-1&session_percent=101"
  "$manage/attendance?show=below" "$manage/sessions/$session/attendance?excuse=${attendee##*/}"
  "submit:$attendee?decision=passed&reason="
  "$manage/plans" "$manage/plans?state=submitted&strategy=community&province=17" "$submitted_plan"
  "$submitted_plan/print" "$manage/plans/print" "$manage/plans/print?strategy=advocacy" "$revised_plan" "$revised_plan/changes" "$asked_plan" "$accepted_plan"
  "submit:$manage/edit?plan_due_date=&plan_due_time=10:00"
  "$follow_ups" "submit:$follow_ups?date=2020-01-01" "$follow_up" "$follow_up?province=17" "$sent_report"
  "$manage/certificates" "$manage/certificates/settings" "$manage/certificates/dry-run" "$manage/certificates/team"
  "submit:$manage/certificates/team?members=" "$revoked" "$reissued" "submit:$reissued?reason="
  "submit:$manage/certificates/settings?participant_pattern=%7Bnomor%7D&signing_place="
  "$manage/certificates/signed"
  "$manage/materials" "$workshop" "$speaker_profile" "submit:$speaker_profile?name=&bio=Pustakawan"
  "/events/$slug")
speaker_pages=(/my /my/sessions "/events/$slug" /my/profile "submit:/my/profile?name=&time_zone=Asia/Makassar"
  "$workshop")
reviewer_pages=(/my "$manage/plans" "$revised_plan" "submit:$revised_plan?general="
  "$revised_plan/changes" "$revised_plan/changes?from=1&to=1")
revising_pages=(/my "$revising_plan")
reporting_pages=(/my "$reporting_form")
reported_pages=("$reported_form" "submit:$reported_form?report-0-progress=done&report-0-realised_on=")
participant_pages=(/my "$seat" "$plan" "submit:$plan?title=Pojok+Literasi+Digital" "$plan/print" / "/events/$slug" "/events/$slug/register"
  "/events/$slug/materials"
  "$checkin_page" "submit:$checkin_page?code=12" "/checkin/$(echo "$unopened" | cut -d/ -f6)")

# check LANGUAGE ROLE [OPTIONS] BASE PATH...
check() {
  local lang=$1 role=$2
  shift 2
  bash "$here/run.sh" --max-kb 30 --accept-language "$lang" \
    ${BIMTEK_A11Y_SCREENSHOTS:+--screenshots "$BIMTEK_A11Y_SCREENSHOTS/$lang-$role"} "$@"
}
status=0
for lang in id en; do
  echo "== Signed out ($lang)"
  check "$lang" public "$base" "${public[@]}" || status=1
  echo "== Administrator ($lang)"
  check "$lang" administrator --cookie "$admin" "$base" "${admin_pages[@]}" || status=1
  echo "== Organiser ($lang)"
  check "$lang" organiser --cookie "$organiser" "$base" "${organiser_pages[@]}" || status=1
  echo "== Speaker ($lang)"
  check "$lang" speaker --cookie "$speaker" "$base" "${speaker_pages[@]}" || status=1
  echo "== Reviewer ($lang)"
  check "$lang" reviewer --cookie "$reviewer" "$base" "${reviewer_pages[@]}" || status=1
  echo "== Participant ($lang)"
  check "$lang" participant --cookie "$participant" "$base" "${participant_pages[@]}" || status=1
  check "$lang" participant --cookie "$feed" "$base" /my/calendar || status=1
  check "$lang" revising --cookie "$revising" "$base" "${revising_pages[@]}" || status=1
  check "$lang" reporting --cookie "$reporting" "$base" "${reporting_pages[@]}" || status=1
  check "$lang" reported --cookie "$reported" "$base" "${reported_pages[@]}" || status=1
  echo "== A fresh installation ($lang)"
  check "$lang" setup "http://127.0.0.1:$fresh_port" "$setup" || status=1
done
exit $status
