//! Attendance by HTTP on real databases: minutes entered by hand (the
//! organisers' own evidence, so that no Zoom is needed), the results per
//! session, per event and per participant, excuses and overrides with
//! their audit lines and field messages, the participant's explanation on
//! their page, the exports and the printable attendance list.

use std::collections::HashMap;

use bimtek::db::DbError;
use bimtek::domain::account::Account;
use bimtek::domain::attendance::{Seen, Source};
use bimtek::domain::event::{Event, NewEvent};
use bimtek::domain::session::SessionForm;
use bimtek::export::spreadsheet::{self, Format};
use bimtek::services::attendance::evidence::{self, Observed};
use bimtek::services::{registrations, sessions};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::support::*;

const SLUG: &str = "bimtek-hadir";

/// A bimtek that ran the day before yesterday and yesterday, in WIB, with
/// two mandatory sessions ("Pembukaan" 09.00–12.00, 180 minutes, then
/// "Katalogisasi" 09.00–10.30, 90 minutes), an optional one and one still
/// to come tomorrow.
struct Held {
    event: Event,
    admin: Account,
    opening: String,
    cataloguing: String,
    optional: String,
    tomorrow: String,
}

fn day(offset: i64) -> String {
    (Utc::now().with_timezone(&Tz::Asia__Jakarta).date_naive() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

async fn held(app: &TestApp) -> Held {
    let zone = Tz::Asia__Jakarta;
    let local = |offset: i64, h: u32| {
        let date = chrono::NaiveDate::parse_from_str(&day(offset), "%Y-%m-%d").unwrap();
        bimtek::domain::time::local_to_utc(
            zone,
            date.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap()),
        )
        .unwrap()
    };
    let event = create_event(
        &app.db,
        NewEvent {
            starts_at: local(-2, 8),
            ends_at: local(1, 17),
            ..event(SLUG, zone, true)
        },
    )
    .await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let plan = |title: &str, offset: i64, start: &str, end: &str, mandatory: bool| SessionForm {
        title: title.into(),
        date: day(offset),
        start_time: start.into(),
        end_time: end.into(),
        mandatory,
        delivery: "in_person".into(),
        location: "Aula Dinas".into(),
        ..SessionForm::default()
    };
    let mut ids = Vec::new();
    for form in [
        plan("Pembukaan", -2, "09:00", "12:00", true),
        plan("Katalogisasi", -1, "09:00", "10:30", true),
        plan("Diskusi bebas", -1, "13:00", "14:00", false),
        plan("Penutupan", 1, "09:00", "10:00", true),
    ] {
        let session = sessions::create(&app.db, &admin, &event, form, &origin(&app.address))
            .await
            .expect("the session is planned");
        ids.push(session.id);
    }
    let [opening, cataloguing, optional, tomorrow] = ids.try_into().unwrap();
    Held {
        event,
        admin,
        opening,
        cataloguing,
        optional,
        tomorrow,
    }
}

/// Participant `n` added by the administrator: confirmed at once.
async fn confirmed(app: &TestApp, held: &Held, n: usize) -> String {
    let fields: HashMap<String, String> = person(n).into_iter().collect();
    add(app, held, fields).await
}

/// Participant `n` with another name.
async fn confirmed_as(app: &TestApp, held: &Held, n: usize, name: &str) -> String {
    let mut fields: HashMap<String, String> = person(n).into_iter().collect();
    fields.insert("full_name".into(), name.into());
    add(app, held, fields).await
}

async fn add(app: &TestApp, held: &Held, fields: HashMap<String, String>) -> String {
    registrations::add_by_hand(
        &app.db,
        &held.event,
        fields,
        &held.admin,
        &origin(&app.address),
    )
    .await
    .expect("the participant is added")
}

/// What Zoom's report said of someone in `session`, stored as every
/// source stores it: `name` (and `email`) from `from` to `until` WIB on
/// the session's day, one row per join.
async fn seen_on_zoom(
    app: &TestApp,
    (event, session): (&Event, &str),
    (name, email): (&str, Option<&str>),
    joins: &[(&str, &str)],
) {
    let day = sessions::find(&app.db, event, session)
        .await
        .unwrap()
        .plan
        .starts_at;
    let local = day.with_timezone(&Tz::Asia__Jakarta).date_naive();
    let at = |hm: &str| {
        let time = NaiveTime::parse_from_str(hm, "%H:%M").unwrap();
        bimtek::domain::time::local_to_utc(Tz::Asia__Jakarta, local.and_time(time)).unwrap()
    };
    let observed: Vec<(String, DateTime<Utc>, DateTime<Utc>)> = joins
        .iter()
        .map(|(from, until)| {
            (
                format!("report:m1:{session}:{name}:{from}"),
                at(from),
                at(until),
            )
        })
        .collect();
    let (session, name, email) = (
        session.to_owned(),
        name.to_owned(),
        email.map(str::to_owned),
    );
    app.db
        .transaction(move |conn| -> Result<(), DbError> {
            let rows: Vec<Observed> = observed
                .iter()
                .map(|(key, joined, left)| Observed {
                    source: Source::Report,
                    dedup_key: key.clone(),
                    meeting_uuid: Some("m1"),
                    import_id: None,
                    seen: Seen {
                        name: &name,
                        email: email.as_deref(),
                        ..Seen::default()
                    },
                    joined_at: Some(*joined),
                    left_at: Some(*left),
                    minutes: None,
                    registration: None,
                })
                .collect();
            Ok(evidence::record(conn, &session, &rows, Utc::now())?)
        })
        .await
        .unwrap();
}

fn participant_path(registration: &str) -> String {
    format!("/manage/events/{SLUG}/attendance/participants/{registration}")
}

fn session_path(session: &str) -> String {
    format!("/manage/events/{SLUG}/sessions/{session}/attendance")
}

/// The organiser records `registration` in `session` from `from` to
/// `until` (local times; empty for the whole session).
async fn record(browser: &Browser, registration: &str, session: &str, from: &str, until: &str) {
    let response = browser
        .post(
            &format!("{}/entries", participant_path(registration)),
            &[("session_id", session), ("from", from), ("until", until)],
        )
        .await;
    assert_eq!(response.status(), 303, "{browser}: the entry is saved");
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    bimtek::services::accounts::audit_log(&app.db, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.action, row.subject.unwrap_or_default()))
        .collect()
}

backend_tests!(results_excuses_overrides_and_the_participants_explanation);
async fn results_excuses_overrides_and_the_participants_explanation(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let held = held(&app).await;
    let budi = confirmed(&app, &held, 1).await;
    let sari = confirmed(&app, &held, 2).await;
    let rina = organiser(&app, SLUG).await;

    // Nothing recorded yet: both absent from what was held, nothing to come.
    let (status, page) = rina.text(&session_path(&held.cataloguing)).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("0 dari 90 menit") && page.contains("Tidak hadir"),
        "{app}: {page}"
    );
    let (_, page) = rina.text(&session_path(&held.tomorrow)).await;
    assert!(
        page.contains("Belum dimulai") && !page.contains("Tidak hadir</td>"),
        "{app}: {page}"
    );

    // Budi: the whole opening, 32 minutes of cataloguing, the optional
    // session in full: 212 of 270 mandatory minutes, 78 %, below 80 %.
    record(&rina, &budi, &held.opening, "", "").await;
    record(&rina, &budi, &held.cataloguing, "09:00", "09:32").await;
    record(&rina, &budi, &held.optional, "", "").await;
    // Sari: the whole opening, and 10 minutes of cataloguing, excused.
    record(&rina, &sari, &held.opening, "08:45", "12:30").await;
    record(&rina, &sari, &held.cataloguing, "09:00", "09:50").await;
    // A second entry replaces the first: 10 minutes, not 50.
    record(&rina, &sari, &held.cataloguing, "09:40", "09:50").await;

    let (_, page) = rina.text(&session_path(&held.cataloguing)).await;
    assert!(page.contains("32 dari 90 menit"), "{app}: {page}");
    assert!(page.contains("10 dari 90 menit"), "{app}: {page}");
    assert!(
        page.contains("Manual (panitia)"),
        "{app}: the source is named: {page}"
    );
    assert!(
        page.contains("09.00–09.32"),
        "{app}: the times are shown: {page}"
    );
    // On a phone its rows stack, each cell naming its column, by the
    // stylesheet alone: the table stays a table.
    assert!(
        page.contains(r#"<table class="stack"><caption id="list-caption">"#)
            && page.contains(r#"<th scope="col">Menit</th>"#)
            && page.contains(r#"<td data-label="Menit">32 dari 90 menit"#)
            && page.contains(r#"<td data-label="Status">"#)
            && page.contains(r#"<td data-label="Sumber">Manual (panitia)</td>"#),
        "{app}: {page}"
    );
    let stylesheet = page
        .split(r#"<link rel="stylesheet" href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page links its stylesheet");
    let css = app.get(stylesheet).await.text().await.unwrap();
    let phone = css
        .split("@media (max-width: 39.99rem) {")
        .nth(1)
        .and_then(|rest| rest.split("\n}").next())
        .unwrap_or_else(|| panic!("{app}: no rules for a phone: {css}"));
    assert!(
        phone.contains("table.stack tr, table.stack td { display: block; }")
            && phone.contains("table.stack td[data-label]::before { content: attr(data-label)"),
        "{app}: {phone}"
    );
    let (_, page) = rina.text(&session_path(&held.opening)).await;
    assert!(
        page.contains("180 dari 180 menit") && !page.contains("Tidak hadir</td>"),
        "{app}: {page}"
    );

    let event_page = format!("/manage/events/{SLUG}/attendance");
    let (status, page) = rina.text(&event_page).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(page.contains("212 dari 270 menit (78 %)"), "{app}: {page}");
    assert!(page.contains("190 dari 270 menit (70 %)"), "{app}: {page}");
    assert!(
        page.contains("masih berlangsung"),
        "{app}: the event still runs: {page}"
    );
    let (_, below) = rina.text(&format!("{event_page}?show=below")).await;
    assert!(
        below.contains("Peserta 1,") && below.contains("Peserta 2,"),
        "{app}: {below}"
    );

    // An excuse needs its reason; then the session leaves Sari's sums.
    let excuses = format!("{}/excuses", session_path(&held.cataloguing));
    let response = rina
        .post(&excuses, &[("registration_id", &sari), ("reason", " ")])
        .await;
    assert_eq!(response.status(), 422, "{app}");
    let page = response.text().await.unwrap();
    assert!(page.contains("Tulis alasannya."), "{app}: {page}");
    let (_, form) = rina
        .text(&format!(
            "{}?excuse={sari}",
            session_path(&held.cataloguing)
        ))
        .await;
    assert!(
        form.contains("Izin untuk Dra. Peserta 2, M.Hum."),
        "{app}: {form}"
    );
    let response = rina
        .post(
            &excuses,
            &[
                ("registration_id", &sari),
                ("reason", "Sakit, surat dokter"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let (_, page) = rina.text(&session_path(&held.cataloguing)).await;
    assert!(page.contains("Izin: Sakit, surat dokter"), "{app}: {page}");
    let (_, page) = rina.text(&participant_path(&sari)).await;
    assert!(
        page.contains("Hadir 180 dari 180 menit (100 %); syarat minimal 80 %."),
        "{app}: {page}"
    );
    assert!(page.contains("Lulus"), "{app}: {page}");

    // Budi's page explains the shortfall, per session and in sum.
    let (status, page) = rina.text(&participant_path(&budi)).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("Hadir 212 dari 270 menit (78 %); syarat minimal 80 %."),
        "{app}: {page}"
    );
    assert!(page.contains("Di bawah syarat minimal"), "{app}: {page}");
    assert!(
        page.contains("Katalogisasi</span>: 32 dari 90 menit"),
        "{app}: {page}"
    );

    // An override needs its reason, wins, and says so; it can be withdrawn.
    let response = rina
        .post(
            &participant_path(&budi),
            &[("decision", "passed"), ("reason", "")],
        )
        .await;
    assert_eq!(response.status(), 422, "{app}");
    assert!(response.text().await.unwrap().contains("Tulis alasannya."));
    let response = rina
        .post(
            &participant_path(&budi),
            &[
                ("decision", "passed"),
                ("reason", "Hadir lewat telepon, dikonfirmasi narasumber"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let (_, page) = rina.text(&participant_path(&budi)).await;
    assert!(page.contains("Lulus (ditetapkan panitia)"), "{app}: {page}");
    assert!(
        page.contains("Alasan panitia: Hadir lewat telepon"),
        "{app}: {page}"
    );
    assert!(
        page.contains("212 dari 270 menit (78 %)"),
        "{app}: the minutes stay shown: {page}"
    );
    let (_, below) = rina.text(&format!("{event_page}?show=below")).await;
    assert!(
        !below.contains("Peserta 1,") && !below.contains("Peserta 2,"),
        "{app}: {below}"
    );

    // The participant's own page explains it in their words.
    let budi_account = participant(&app.db, "peserta1@perpusdes.example.id", "Peserta 1").await;
    let own = signed_in_by_link(&app, &budi_account).await;
    let (_, mine) = own.text("/my").await;
    assert!(
        mine.contains("Hadir 212 dari 270 menit (78 %); syarat minimal 80 %."),
        "{app}: {mine}"
    );
    assert!(mine.contains("Lulus (ditetapkan panitia)"), "{app}: {mine}");
    assert!(
        mine.contains("Katalogisasi</span>: 32 dari 90 menit"),
        "{app}: {mine}"
    );
    own.get("/lang/en").await;
    let (_, mine) = own.text("/my").await;
    assert!(
        mine.contains("Attended 212 of 270 minutes (78%); at least 80% required."),
        "{app}: {mine}"
    );

    let response = rina
        .post(
            &participant_path(&budi),
            &[("decision", "minutes"), ("reason", "")],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let (_, page) = rina.text(&participant_path(&budi)).await;
    assert!(
        page.contains("Di bawah syarat minimal") && !page.contains("ditetapkan panitia"),
        "{app}: {page}"
    );

    // A wrong time is named in its field, nothing stored.
    let response = rina
        .post(
            &format!("{}/entries", participant_path(&budi)),
            &[
                ("session_id", &held.cataloguing),
                ("from", "10:00"),
                ("until", "09:00"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422, "{app}");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Pukul selesai harus setelah pukul mulai.")
    );

    let actions = audit_actions(&app).await;
    for (action, subject) in [
        (
            "attendance.recorded",
            "Dra. Peserta 1, M.Hum. — Katalogisasi: 09:00–09:32",
        ),
        (
            "attendance.excused",
            "Dra. Peserta 2, M.Hum. — Katalogisasi: Sakit, surat dokter",
        ),
        (
            "attendance.overridden_passed",
            "Dra. Peserta 1, M.Hum.: Hadir lewat telepon, dikonfirmasi narasumber",
        ),
        ("attendance.override_removed", "Dra. Peserta 1, M.Hum."),
    ] {
        assert!(
            actions.iter().any(|(a, s)| a == action && s == subject),
            "{app}: {action} {subject} in {actions:#?}"
        );
    }

    // Withdrawing the excuse puts the session back in Sari's sums.
    let response = rina
        .post(&excuses, &[("registration_id", &sari), ("withdraw", "1")])
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let (_, page) = rina.text(&participant_path(&sari)).await;
    assert!(
        page.contains("Hadir 190 dari 270 menit (70 %)"),
        "{app}: {page}"
    );
    assert!(
        audit_actions(&app)
            .await
            .iter()
            .any(|(a, _)| a == "attendance.excuse_withdrawn")
    );

    // Someone else's registration, another event's session: not found.
    let response = rina
        .post(
            &excuses,
            &[("registration_id", "tidak-ada"), ("reason", "x")],
        )
        .await;
    assert_eq!(response.status(), 404, "{app}");
    assert_eq!(rina.get(&participant_path("tidak-ada")).await.status(), 404);
    assert_eq!(rina.get(&session_path("tidak-ada")).await.status(), 404);
}

backend_tests!(the_review_queue_assigns_everything_of_a_person_and_dismisses);
async fn the_review_queue_assigns_everything_of_a_person_and_dismisses(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let held = held(&app).await;
    let sari = confirmed_as(&app, &held, 2, "Sari Aminah, S.Sos.").await;
    confirmed_as(&app, &held, 3, "Budi Santoso").await;
    let rina = organiser(&app, SLUG).await;
    // A guest on her phone, reconnecting once, in the cataloguing session
    // and in the opening; a phone dial-in nobody can name.
    let guest = ("bu sari aminah (HP)", None);
    seen_on_zoom(
        &app,
        (&held.event, &held.cataloguing),
        guest,
        &[("09:00", "09:40"), ("09:38", "10:20")],
    )
    .await;
    seen_on_zoom(
        &app,
        (&held.event, &held.opening),
        guest,
        &[("09:00", "12:00")],
    )
    .await;
    let phone = ("0812-7000-1111", None);
    seen_on_zoom(
        &app,
        (&held.event, &held.cataloguing),
        phone,
        &[("09:05", "10:30")],
    )
    .await;

    let review = format!("/manage/events/{SLUG}/attendance/review");
    let (status, page) = rina.text(&review).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("bu sari aminah (HP)") && page.contains("0812-7000-1111"),
        "{app}: {page}"
    );
    assert!(
        page.contains("80 menit dalam jadwal, 2 baris"),
        "{app}: {page}"
    );
    // Sari is suggested first, and nothing is chosen for the organiser.
    let first = page.find("bu sari aminah (HP)").unwrap();
    let block = &page[first..];
    assert!(
        block.find("Sari Aminah, S.Sos.").unwrap()
            < block.find("Budi Santoso").unwrap_or(usize::MAX),
        "{app}: {page}"
    );
    assert!(
        !page.contains("checked"),
        "{app}: a suggestion is never chosen beforehand: {page}"
    );
    assert!(
        page.contains("Tidak ada nama peserta yang mirip."),
        "{app}: the phone: {page}"
    );
    // Anyone else can be chosen from the full list.
    let (_, other) = rina.text(&format!("{review}?other=0")).await;
    assert!(
        other.contains("— pilih peserta —") && other.contains("Budi Santoso —"),
        "{app}: {other}"
    );
    // Shown, not applied: Sari is still absent.
    let (_, session) = rina.text(&session_path(&held.cataloguing)).await;
    assert!(session.contains("Menunggu ditinjau: 2"), "{app}: {session}");
    assert!(!session.contains("80 dari 90 menit"), "{app}: {session}");

    let identity = "name:bu sari aminah (HP)";
    let response = rina
        .post(
            &review,
            &[
                ("session_id", &held.cataloguing),
                ("identity", identity),
                ("action", "assign"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422, "{app}");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Pilih pesertanya, atau abaikan orang ini.")
    );

    let response = rina
        .post(
            &review,
            &[
                ("session_id", &held.cataloguing),
                ("identity", identity),
                ("registration_id", &sari),
                ("action", "assign"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    // Both rows of hers in the session count: 09.00–10.20 is 80 minutes.
    let (_, session) = rina.text(&session_path(&held.cataloguing)).await;
    assert!(session.contains("80 dari 90 menit"), "{app}: {session}");
    assert!(session.contains("Laporan Zoom"), "{app}: {session}");
    assert!(session.contains("Menunggu ditinjau: 1"), "{app}: {session}");
    // The answer holds for that session only: the opening still asks.
    let (_, page) = rina.text(&review).await;
    assert!(page.contains("bu sari aminah (HP)"), "{app}: {page}");
    // And for her rows still to come in it.
    seen_on_zoom(
        &app,
        (&held.event, &held.cataloguing),
        guest,
        &[("10:25", "10:30")],
    )
    .await;
    let (_, session) = rina.text(&session_path(&held.cataloguing)).await;
    assert!(session.contains("85 dari 90 menit"), "{app}: {session}");

    let response = rina
        .post(
            &review,
            &[
                ("session_id", &held.cataloguing),
                ("identity", "name:0812-7000-1111"),
                ("action", "dismiss"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let (_, page) = rina.text(&review).await;
    assert!(!page.contains("0812-7000-1111"), "{app}: {page}");
    let (_, session) = rina.text(&session_path(&held.cataloguing)).await;
    assert!(session.contains("Menunggu ditinjau: 0"), "{app}: {session}");

    let actions = audit_actions(&app).await;
    assert!(
        actions.iter().any(|(a, s)| a == "attendance.assigned"
            && s == "bu sari aminah (HP) → Sari Aminah, S.Sos. — Katalogisasi"),
        "{app}: {actions:#?}"
    );
    assert!(
        actions
            .iter()
            .any(|(a, s)| a == "attendance.dismissed" && s == "0812-7000-1111 — Katalogisasi"),
        "{app}: {actions:#?}"
    );
    // Someone not in the queue, a registration of nobody: not found.
    let response = rina
        .post(
            &review,
            &[
                ("session_id", &held.cataloguing),
                ("identity", "name:nobody"),
                ("action", "dismiss"),
            ],
        )
        .await;
    assert_eq!(response.status(), 404, "{app}");
    let response = rina
        .post(
            &review,
            &[
                ("session_id", &held.opening),
                ("identity", identity),
                ("registration_id", "tidak-ada"),
                ("action", "assign"),
            ],
        )
        .await;
    assert_eq!(response.status(), 404, "{app}");
}

backend_tests!(exports_and_the_printable_attendance_list);
async fn exports_and_the_printable_attendance_list(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let held = held(&app).await;
    let budi = confirmed_as(&app, &held, 1, "Budi Santoso").await;
    // A name a spreadsheet would run as a formula.
    confirmed_as(&app, &held, 2, "=HYPERLINK(\"http://x.example\")").await;
    let rina = organiser(&app, SLUG).await;
    record(&rina, &budi, &held.opening, "", "").await;
    record(&rina, &budi, &held.cataloguing, "09:00", "09:32").await;

    let export = format!("/manage/events/{SLUG}/attendance/export");
    let response = rina.get(&format!("{export}?format=csv")).await;
    assert_eq!(response.status(), 200, "{app}");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("bimtek-hadir-kehadiran.csv"),
        "{app}: {disposition}"
    );
    let csv = response.bytes().await.unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "{app}: a BOM for spreadsheet programs"
    );
    assert!(
        String::from_utf8_lossy(&csv).contains("'=HYPERLINK"),
        "{app}: a formula is made text"
    );
    let table = spreadsheet::read(&csv, Format::Csv).unwrap();
    let column = |name: &str| {
        table
            .header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {:?}", table.header))
    };
    let row = table.rows.iter().find(|r| r[0] == "Budi Santoso").unwrap();
    assert_eq!(row[column("Pembukaan: menit")], "180", "{app}");
    assert_eq!(row[column("Pembukaan: status")], "Hadir", "{app}");
    assert_eq!(row[column("Katalogisasi: menit")], "32", "{app}");
    assert_eq!(row[column("Katalogisasi: status")], "Tidak hadir", "{app}");
    assert_eq!(row[column("Penutupan: status")], "Belum dimulai", "{app}");
    assert_eq!(row[column("Menit hadir (sesi wajib)")], "212", "{app}");
    assert_eq!(row[column("Menit terjadwal (sesi wajib)")], "270", "{app}");
    assert_eq!(row[column("Persen")], "78", "{app}");
    assert_eq!(row[column("Hasil")], "Di bawah syarat minimal", "{app}");
    assert_eq!(row[column("Kabupaten/kota")], "Kota Bengkulu", "{app}");

    let xlsx = rina.get(&format!("{export}?format=xlsx")).await;
    assert_eq!(xlsx.status(), 200, "{app}");
    let table = spreadsheet::read(&xlsx.bytes().await.unwrap(), Format::Xlsx).unwrap();
    assert_eq!(table.rows.len(), 2, "{app}");
    let row = table.rows.iter().find(|r| r[0] == "Budi Santoso").unwrap();
    assert_eq!(row[column("Persen")], "78", "{app}");
    assert!(
        table
            .rows
            .iter()
            .any(|r| r[0] == "=HYPERLINK(\"http://x.example\")"),
        "{app}: text in XLSX"
    );
    assert_eq!(
        rina.get(&format!("{export}?format=pdf")).await.status(),
        404
    );

    // The daftar hadir: everyone, numbered, with an empty column to sign.
    let (status, page) = rina
        .text(&format!("{}/print", session_path(&held.cataloguing)))
        .await;
    assert_eq!(status, 200, "{app}: {page}");
    for expected in [
        "<h1>Daftar hadir</h1>",
        "Tanda tangan",
        "Budi Santoso",
        "Perpustakaan Desa Sukamaju",
        "Kota Bengkulu",
        "09.00–09.32",
        "Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu",
        "<td class=\"signature\"></td>",
    ] {
        assert!(page.contains(expected), "{app}: {expected} in {page}");
    }
    assert_eq!(page.matches("<td class=\"signature\">").count(), 2, "{app}");
    rina.get("/lang/en").await;
    let (_, page) = rina
        .text(&format!("{}/print", session_path(&held.cataloguing)))
        .await;
    assert!(
        page.contains("<h1>Attendance list</h1>") && page.contains("Signature"),
        "{app}: {page}"
    );
}

backend_tests!(the_counts_by_region_stay_light_with_many_regencies);
async fn the_counts_by_region_stay_light_with_many_regencies(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let held = held(&app).await;
    // Someone from every regency and city of three large provinces: 100.
    let directory = bimtek::services::regions::directory(&app.db).await.unwrap();
    let mut n = 0;
    for province in ["32", "33", "35"] {
        for regency in directory.within(province) {
            n += 1;
            let mut fields: HashMap<String, String> = person(n).into_iter().collect();
            fields.insert("province_code".into(), province.into());
            fields.insert("regency_code".into(), regency.code.clone());
            add(&app, &held, fields).await;
        }
    }
    assert_eq!(n, 100, "{app}");
    let rina = organiser(&app, SLUG).await;
    let css = app.page(&bimtek::web::assets::stylesheet_url()).await.len();
    let page = format!("/manage/events/{SLUG}/attendance");
    let (status, all) = rina.text(&page).await;
    assert_eq!(status, 200, "{app}");
    println!(
        "{app}: {page}: {} bytes with the stylesheet",
        all.len() + css
    );
    assert!(
        all.len() + css < 30 * 1024,
        "{app}: {} bytes with its stylesheet",
        all.len() + css
    );
    // Each province's sums and a link to its regencies; those of the
    // province most come from shown.
    assert!(
        all.contains(r#"<a href="?province=35#regions" aria-current="true">Jawa Timur</a></th><td><strong>38</strong>"#)
            && all.contains(r#"<a href="?province=32#regions">Jawa Barat</a></th><td><strong>27</strong>"#)
            && all.contains(r#"<span class="indent">Kota Surabaya</span></th><td>1</td>"#)
            && all.matches(r#"class="indent""#).count() == 38,
        "{app}: {all}"
    );
    let (status, west) = rina.text(&format!("{page}?province=32")).await;
    assert_eq!(status, 200, "{app}");
    assert!(
        west.contains(r#"aria-current="true">Jawa Barat</a>"#)
            && west.contains(r#"<span class="indent">Kota Bandung</span></th><td>1</td>"#)
            && west.matches(r#"class="indent""#).count() == 27,
        "{app}: {west}"
    );
    let (status, east) = rina.text(&format!("{page}?province=35")).await;
    assert_eq!(status, 200, "{app}");
    println!(
        "{app}: {page}?province=35: {} bytes with the stylesheet",
        east.len() + css
    );
    assert!(
        east.len() + css < 30 * 1024,
        "{app}: {} bytes with its stylesheet",
        east.len() + css
    );
    assert!(
        east.contains(r#"aria-current="true">Jawa Timur</a>"#)
            && east.contains(r#"<span class="indent">Kota Surabaya</span></th><td>1</td>"#)
            && east.matches(r#"class="indent""#).count() == 38,
        "{app}: {east}"
    );
}

backend_tests!(answers_from_the_review_queue_are_listed_and_taken_back);
async fn answers_from_the_review_queue_are_listed_and_taken_back(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let held = held(&app).await;
    let sari = confirmed_as(&app, &held, 2, "Sari Aminah, S.Sos.").await;
    let rina = organiser(&app, SLUG).await;
    let guest = ("bu sari aminah (HP)", None);
    seen_on_zoom(
        &app,
        (&held.event, &held.cataloguing),
        guest,
        &[("09:00", "09:40"), ("09:38", "10:20")],
    )
    .await;
    seen_on_zoom(
        &app,
        (&held.event, &held.cataloguing),
        ("0812-7000-1111", None),
        &[("09:05", "10:30")],
    )
    .await;
    let review = format!("/manage/events/{SLUG}/attendance/review");
    let answers = format!("{review}/answers");
    let (_, queue) = rina.text(&review).await;
    assert!(
        queue.contains(&format!(
            r#"<a href="{answers}">Jawaban yang sudah diberikan</a>"#
        )),
        "{app}: {queue}"
    );
    let (status, page) = rina.text(&answers).await;
    assert_eq!(status, 200, "{app}");
    assert!(page.contains("Belum ada jawaban."), "{app}: {page}");

    let answer = |identity: &'static str, action: &'static str| {
        let (rina, review, sari, session) = (&rina, &review, &sari, &held.cataloguing);
        async move {
            let response = rina
                .post(
                    review,
                    &[
                        ("session_id", session),
                        ("identity", identity),
                        ("registration_id", sari),
                        ("action", action),
                    ],
                )
                .await;
            assert_eq!(response.status(), 303);
        }
    };
    answer("name:bu sari aminah (HP)", "assign").await;
    answer("name:0812-7000-1111", "dismiss").await;
    let minutes = |n: u32| format!(r#"<td data-label="Menit">{n} dari 90 menit"#);
    let (_, session) = rina.text(&session_path(&held.cataloguing)).await;
    assert!(
        session.contains(&minutes(80)) && session.contains("Menunggu ditinjau: 0"),
        "{app}: {session}"
    );

    // Both answers, what each said, the newest first, each to take back.
    let (status, page) = rina.text(&answers).await;
    assert_eq!(status, 200, "{app}");
    let dismissed = page.find("<h2 id=\"a0-name\">0812-7000-1111</h2>");
    let assigned = page.find("<h2 id=\"a1-name\">bu sari aminah (HP)</h2>");
    assert!(
        dismissed.is_some() && assigned.is_some(),
        "{app}: newest first: {page}"
    );
    assert!(
        page.contains("<strong>Diabaikan</strong>")
            && page.contains("<strong>Ditetapkan ke Sari Aminah, S.Sos.</strong>")
            && page.contains("Katalogisasi</span> · 2 baris")
            && page.matches("Batalkan jawaban").count() == 2,
        "{app}: {page}"
    );

    // A forged form takes nothing back.
    let guest_answer = [
        ("session_id", held.cataloguing.as_str()),
        ("identity", "name:bu sari aminah (HP)"),
    ];
    let response = rina.post_with_token(&answers, &guest_answer, "palsu").await;
    assert_eq!(response.status(), 403, "{app}");

    // Taking the assignment back: her minutes go, the guest waits again.
    let response = rina.post(&answers, &guest_answer).await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(Browser::location(&response), answers, "{app}");
    let (_, session) = rina.text(&session_path(&held.cataloguing)).await;
    assert!(
        session.contains(&minutes(0)) && session.contains("Menunggu ditinjau: 1"),
        "{app}: {session}"
    );
    let (_, participant) = rina.text(&participant_path(&sari)).await;
    assert!(
        participant.contains("Katalogisasi</span>: 0 dari 90 menit"),
        "{app}: {participant}"
    );
    let (_, queue) = rina.text(&review).await;
    assert!(queue.contains("bu sari aminah (HP)"), "{app}: {queue}");
    let (_, page) = rina.text(&answers).await;
    assert!(
        !page.contains("bu sari aminah (HP)") && page.contains("0812-7000-1111"),
        "{app}: {page}"
    );
    // Her rows still to come follow no answer now.
    seen_on_zoom(
        &app,
        (&held.event, &held.cataloguing),
        guest,
        &[("10:25", "10:30")],
    )
    .await;
    let (_, session) = rina.text(&session_path(&held.cataloguing)).await;
    assert!(session.contains(&minutes(0)), "{app}: {session}");
    // Nothing left to take back; then the dismissal is taken back too.
    let response = rina.post(&answers, &guest_answer).await;
    assert_eq!(response.status(), 404, "{app}");
    let response = rina
        .post(
            &answers,
            &[
                ("session_id", held.cataloguing.as_str()),
                ("identity", "name:0812-7000-1111"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let (_, queue) = rina.text(&review).await;
    assert!(queue.contains("0812-7000-1111"), "{app}: {queue}");

    let actions = audit_actions(&app).await;
    assert!(
        actions
            .iter()
            .any(|(a, s)| a == "attendance.undone" && s == "bu sari aminah (HP) — Katalogisasi"),
        "{app}: {actions:#?}"
    );
    assert!(
        actions
            .iter()
            .any(|(a, s)| a == "attendance.undone" && s == "0812-7000-1111 — Katalogisasi"),
        "{app}: {actions:#?}"
    );
}

backend_tests!(an_entry_by_hand_says_an_organiser_entered_it);
/// A presence entered by hand is the organiser's word, not a match by
/// e-mail: it is stored as entered by hand, and the participant's page
/// says so beside it, as it says how a row of Zoom's report was matched.
async fn an_entry_by_hand_says_an_organiser_entered_it(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let held = held(&app).await;
    let budi = confirmed(&app, &held, 1).await;
    let rina = organiser(&app, SLUG).await;
    record(&rina, &budi, &held.cataloguing, "09:00", "09:32").await;
    seen_on_zoom(
        &app,
        (&held.event, &held.opening),
        ("Budi", Some("peserta1@perpusdes.example.id")),
        &[("09:00", "12:00")],
    )
    .await;

    let whose = budi.clone();
    let mut stored: Vec<(String, Option<String>)> = app
        .db
        .run(move |conn| -> Result<_, DbError> {
            use bimtek::db::schema::attendance_rows::dsl::*;
            use diesel::prelude::*;
            Ok(attendance_rows
                .filter(registration_id.eq(whose))
                .select((source, matched_by))
                .load(conn)?)
        })
        .await
        .unwrap();
    stored.sort();
    assert_eq!(
        stored,
        [
            ("manual".to_owned(), Some("manual".to_owned())),
            ("report".to_owned(), Some("email".to_owned())),
        ],
        "{app}"
    );
    let (_, page) = rina.text(&participant_path(&budi)).await;
    assert!(
        page.contains("Manual (panitia), dicatat panitia: ")
            && page.contains("Laporan Zoom, lewat e-mail: "),
        "{app}: {page}"
    );
}
