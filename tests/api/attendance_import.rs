//! Zoom's participant report uploaded by an organiser, over HTTP on both
//! backends: upload, the preview (who is matched to whom, in the zone the
//! organiser confirms) before anything is stored, the confirmation, a
//! second upload of the same file, and files that are not a report.

use bimtek::db::models::AttendanceRow;
use bimtek::db::{Db, DbError};
use bimtek::domain::attendance::Source;
use bimtek::domain::event::Event;
use bimtek::domain::session::Session;
use bimtek::i18n::Lang;
use bimtek::services::accounts::Origin;
use bimtek::services::{registrations, sessions};
use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::support::*;

const SLUG: &str = "bimtek-tik-2020";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/api/support/fixtures/zoom-csv/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An event of 27 July 2020 in WIB, with participants 1 to 3 confirmed
/// and its organiser signed in, and a session held by a pasted link on
/// `date`, 09.00–12.00 WIB.
async fn held(app: &TestApp, date: &str) -> (Event, Session, Browser, Vec<String>) {
    let mut new = event(SLUG, Tz::Asia__Jakarta, true);
    let day = NaiveDate::from_ymd_opt(2020, 7, 27).unwrap();
    new.starts_at = day.and_hms_opt(2, 0, 0).unwrap().and_utc();
    new.ends_at = day.and_hms_opt(5, 0, 0).unwrap().and_utc();
    let event = create_event(&app.db, new).await;
    let rina = organiser(app, SLUG).await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let origin = Origin {
        base_url: url::Url::parse(&app.address).unwrap(),
        address: None,
        lang: Lang::Id,
    };
    let mut people = Vec::new();
    for n in 1..=3 {
        let id = registrations::add_by_hand(
            &app.db,
            &event,
            person(n).into_iter().collect(),
            &admin,
            &origin,
        )
        .await
        .unwrap();
        people.push(id);
    }
    let response = rina
        .post(
            &format!("/manage/events/{SLUG}/sessions"),
            &[
                ("title", "Strategi Pengembangan Perpustakaan dan TIK"),
                ("date", date),
                ("start_time", "09:00"),
                ("end_time", "12:00"),
                ("mandatory", "on"),
                ("delivery", "link"),
                ("join_link", "https://zoom.us/j/81234567890"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let session = sessions::of_event(&app.db, &event.id.to_string())
        .await
        .unwrap()
        .pop()
        .unwrap();
    (event, session, rina, people)
}

fn import_path(session: &Session) -> String {
    format!(
        "/manage/events/{SLUG}/sessions/{}/attendance/import",
        session.id
    )
}

/// Sends `bytes` as the upload form does, with the page's token.
async fn upload(browser: &Browser, session: &Session, bytes: Vec<u8>) -> reqwest::Response {
    let (status, page) = browser.text(&import_path(session)).await;
    assert_eq!(status, 200, "{browser}: {page}");
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf_in(&page))
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("participants.csv"),
        );
    browser
        .client
        .post(browser.url(&import_path(session)))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Uploads and follows to the preview: its address and page.
async fn previewed(browser: &Browser, session: &Session, bytes: Vec<u8>) -> (String, String) {
    let response = upload(browser, session, bytes).await;
    assert_eq!(response.status(), 303, "{browser}");
    let preview = Browser::location(&response);
    assert!(
        preview.starts_with(&format!("{}/", import_path(session))),
        "{preview}"
    );
    let (status, page) = browser.text(&preview).await;
    assert_eq!(status, 200, "{browser}: {page}");
    assert!(
        page.len() < 30 * 1024,
        "{browser}: the preview weighs {}",
        page.len()
    );
    (preview, page)
}

async fn rows(db: &Db, session: &str) -> Vec<AttendanceRow> {
    let session = session.to_owned();
    db.run(move |conn| -> Result<_, DbError> {
        use bimtek::db::schema::attendance_rows::dsl::*;
        use diesel::prelude::*;
        Ok(attendance_rows
            .filter(session_id.eq(session))
            .order(dedup_key)
            .select(AttendanceRow::as_select())
            .load(conn)?)
    })
    .await
    .unwrap()
}

/// The minutes the session's attendance page gives participant `n`.
async fn minutes_shown(browser: &Browser, session: &Session, n: usize) -> String {
    let path = format!("/manage/events/{SLUG}/sessions/{}/attendance", session.id);
    let (status, page) = browser.text(&path).await;
    assert_eq!(status, 200, "{browser}: {page}");
    let name = format!("Dra. Peserta {n}, M.Hum.</a></td><td data-label=\"Menit\">");
    page.split(&name)
        .nth(1)
        .and_then(|rest| rest.split("<br>").next())
        .unwrap_or_else(|| panic!("{browser}: participant {n} is listed: {page}"))
        .to_owned()
}

backend_tests!(a_per_join_report_is_previewed_in_the_confirmed_zone_then_stored_once);
async fn a_per_join_report_is_previewed_in_the_confirmed_zone_then_stored_once(
    backend: TestBackend,
) {
    let app = spawn_app(&backend).await;
    let (_, session, rina, people) = held(&app, "2020-07-27").await;
    let (_, agenda) = rina.text(&format!("/manage/events/{SLUG}/sessions")).await;
    assert!(
        agenda.contains(&format!(r#"href="{}""#, import_path(&session))),
        "{app}"
    );

    let (preview, page) = previewed(&rina, &session, fixture("older-per-join.csv")).await;
    // Nothing is stored before the organiser confirms.
    assert!(rows(&app.db, &session.id).await.is_empty(), "{app}");
    assert!(
        page.contains("4 orang di berkas: 1 cocok dengan peserta, 3 masuk antrean tinjauan"),
        "{app}: {page}"
    );
    // Budi, renamed on his second join, is one person, matched by e-mail:
    // 09.00–10.00 and 10.05–12.00 of the session (175 minutes).
    let budi = page
        .split("Dra. Peserta 1, M.Hum.")
        .nth(1)
        .expect("Budi is matched");
    assert!(
        budi.contains("lewat e-mail") && budi.contains("<td>175</td>"),
        "{app}: {page}"
    );
    let review = page.split("Masuk antrean tinjauan").nth(1).unwrap();
    for guest in [
        "Siti Aminah",
        "+62 812 3456 7890",
        "Dinas Perpustakaan Bengkulu",
    ] {
        assert!(
            review.contains(guest),
            "{app}: {guest} waits for review: {page}"
        );
    }
    assert!(
        !page.contains("role=\"alert\""),
        "{app}: no warning in WIB: {page}"
    );

    // Read in WITA the times are an hour earlier: the meeting started too
    // long before the session, and Budi's first join lies outside it.
    let (status, wita) = rina.text(&format!("{preview}?zone=Asia%2FMakassar")).await;
    assert_eq!(status, 200, "{app}");
    assert!(
        wita.contains("jauh dari jadwal sesi")
            && wita.contains("1 baris seluruhnya di luar waktu sesi")
            && wita.contains("<td>125</td>")
            && wita.contains(r#"<option value="Asia/Makassar" selected"#)
            && wita.contains(r#"name="zone" value="Asia/Makassar""#),
        "{app}: {wita}"
    );
    let (status, paris) = rina.text(&format!("{preview}?zone=Europe%2FParis")).await;
    assert_eq!(status, 422, "{app}");
    assert!(
        paris.contains("Pilih zona waktu dari daftar."),
        "{app}: {paris}"
    );
    assert!(rows(&app.db, &session.id).await.is_empty(), "{app}");

    let response = rina.post(&preview, &[("zone", "Asia/Jakarta")]).await;
    assert_eq!(response.status(), 303, "{app}");
    let back = Browser::location(&response);
    assert_eq!(back, format!("{}?imported=4", import_path(&session)));
    let (_, done) = rina.text(&back).await;
    assert!(
        done.contains("Kehadiran 4 orang dari laporan Zoom disimpan."),
        "{app}: {done}"
    );
    // Audited like the organisers' other decisions: who, which session,
    // which upload, how many rows and people.
    let audit = bimtek::services::accounts::audit_log(&app.db, 100)
        .await
        .unwrap();
    let line = audit
        .iter()
        .find(|row| row.action == "attendance.imported")
        .unwrap_or_else(|| panic!("{app}: no audit line in {audit:#?}"));
    let (upload_id, _) = preview
        .rsplit('/')
        .next()
        .unwrap()
        .split_once('?')
        .unwrap_or((preview.rsplit('/').next().unwrap(), ""));
    assert_eq!(
        line.subject.as_deref(),
        Some(
            format!(
                "{} — participants.csv ({upload_id}): 5 rows, 4 people",
                session.plan.title
            )
            .as_str()
        ),
        "{app}"
    );
    assert!(line.actor_id.is_some() && line.event_id.is_some(), "{app}");
    let stored = rows(&app.db, &session.id).await;
    assert_eq!(stored.len(), 5, "{app}");
    assert!(
        stored
            .iter()
            .all(|r| r.source == Source::Csv && r.import_id.is_some() && r.meeting_uuid.is_none()),
        "{app}"
    );
    assert!(
        stored
            .iter()
            .filter(|r| r.registration_id.as_ref() == Some(&people[0]))
            .count()
            == 2,
        "{app}: Budi's two joins are his"
    );
    assert_eq!(
        minutes_shown(&rina, &session, 1).await,
        "175 dari 180 menit",
        "{app}"
    );
    assert_eq!(
        minutes_shown(&rina, &session, 2).await,
        "0 dari 180 menit",
        "{app}"
    );

    // Confirmed twice (Back, then send again): the preview says it is done.
    let again = rina.post(&preview, &[("zone", "Asia/Jakarta")]).await;
    assert_eq!(again.status(), 409, "{app}");
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("Berkas ini sudah disimpan."),
        "{app}"
    );
    // The same file uploaded again replaces its rows; nothing doubles.
    let (second, _) = previewed(&rina, &session, fixture("older-per-join.csv")).await;
    assert_ne!(second, preview);
    let response = rina.post(&second, &[("zone", "Asia/Jakarta")]).await;
    assert_eq!(response.status(), 303, "{app}");
    let stored = rows(&app.db, &session.id).await;
    assert_eq!(stored.len(), 5, "{app}");
    assert_eq!(
        minutes_shown(&rina, &session, 1).await,
        "175 dari 180 menit",
        "{app}"
    );
}

backend_tests!(a_unique_users_report_gives_totals_capped_to_the_session);
async fn a_unique_users_report_gives_totals_capped_to_the_session(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let (_, session, rina, people) = held(&app, "2026-06-16").await;
    let (preview, page) = previewed(&rina, &session, fixture("current-unique.csv")).await;
    assert!(
        page.contains("“unique users”") && page.contains("paling banyak 180 menit"),
        "{app}: the preview says minutes have no times: {page}"
    );
    // Sari's 182 minutes count as the session's 180.
    let sari = page
        .split("Dra. Peserta 2, M.Hum.")
        .nth(1)
        .expect("Sari is matched");
    assert!(sari.contains("<td>180</td>"), "{app}: {page}");
    let response = rina.post(&preview, &[("zone", "Asia/Jakarta")]).await;
    assert_eq!(response.status(), 303, "{app}");
    let stored = rows(&app.db, &session.id).await;
    assert_eq!(
        minutes_shown(&rina, &session, 2).await,
        "180 dari 180 menit",
        "{app}"
    );
    let totals: Vec<(Option<&str>, Option<i32>, bool)> = stored
        .iter()
        .map(|r| {
            (
                r.registration_id.as_deref(),
                r.minutes,
                r.joined_at.is_none() && r.left_at.is_none(),
            )
        })
        .collect();
    assert_eq!(totals.len(), 3, "{app}");
    assert!(
        totals.contains(&(Some(people[1].as_str()), Some(182), true)),
        "{app}: {totals:?}"
    );
    assert_eq!(
        totals.iter().filter(|(id, ..)| id.is_none()).count(),
        2,
        "{app}: the host and the guest wait for review"
    );
}

backend_tests!(a_file_that_is_not_a_report_is_refused_on_its_field);
async fn a_file_that_is_not_a_report_is_refused_on_its_field(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let (_, session, rina, _) = held(&app, "2020-07-27").await;
    let cases = [
        (
            b"Nama lengkap,E-mail,Instansi\nBudi,b@x.id,Perpus Desa\n".to_vec(),
            "Tidak ada baris peserta di berkas ini.",
        ),
        (
            "Name (Original Name),User Email,Join Time,Leave Time\n\
             Budi,b@x.id,07/27/2020 09:00:00 AM,07/27/2020 10:00:00 AM\n\
             Sari,s@x.id,27-07-2020 pukul 9,07/27/2020 10:00:00 AM\n"
                .as_bytes()
                .to_vec(),
            "Baris 3: waktu “27-07-2020 pukul 9” tidak dapat dibaca.",
        ),
        (
            b"%PDF-1.7\n\x00\x01\x02\x03".to_vec(),
            "Isi berkas ini bukan CSV; unggah berkas CSV.",
        ),
    ];
    for (bytes, message) in cases {
        let response = upload(&rina, &session, bytes).await;
        assert!(
            matches!(response.status().as_u16(), 415 | 422),
            "{app}: {}",
            response.status()
        );
        let page = response.text().await.unwrap();
        let field = page.split("id=\"f-file-error\"").nth(1).unwrap_or_default();
        assert!(field.contains(message), "{app}: {message}: {page}");
        assert!(page.contains("aria-invalid=\"true\""), "{app}");
    }
    assert!(rows(&app.db, &session.id).await.is_empty(), "{app}");
}

backend_tests!(an_upload_replaces_the_live_rows_of_its_own_run_only);
/// A session whose meeting ran twice (09.00–10.00 and 10.30–11.30 WIB),
/// seen live by webhooks; the organiser uploads Zoom's report of the first
/// run. It replaces what the webhooks showed of that run, and leaves the
/// second run's rows counting.
async fn an_upload_replaces_the_live_rows_of_its_own_run_only(backend: TestBackend) {
    use bimtek::db::repo::attendance as repo;
    use bimtek::domain::attendance::Seen;
    use bimtek::services::attendance::evidence::{self, Observed};

    let app = spawn_app(&backend).await;
    let (_, session, rina, _) = held(&app, "2020-07-27").await;
    let wib = |h: u32, m: u32| {
        NaiveDate::from_ymd_opt(2020, 7, 27)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
            .and_utc()
            - chrono::Duration::hours(7)
    };
    let id = session.id.clone();
    app.db
        .transaction(move |conn| -> Result<(), DbError> {
            repo::note_instance(conn, &id, "run-1", Some(wib(9, 0)), Some(wib(10, 0)))?;
            repo::note_instance(conn, &id, "run-2", Some(wib(10, 30)), Some(wib(11, 30)))?;
            let seen = [
                (
                    "run-1",
                    "peserta1@perpusdes.example.id",
                    wib(9, 0),
                    wib(10, 0),
                ),
                (
                    "run-2",
                    "peserta2@perpusdes.example.id",
                    wib(10, 30),
                    wib(11, 30),
                ),
            ];
            let observed: Vec<Observed<'_>> = seen
                .iter()
                .map(|(run, email, joined, left)| Observed {
                    source: Source::Webhook,
                    dedup_key: format!("webhook:{run}:{email}"),
                    meeting_uuid: Some(run),
                    import_id: None,
                    seen: Seen {
                        name: email,
                        email: Some(email),
                        ..Seen::default()
                    },
                    joined_at: Some(*joined),
                    left_at: Some(*left),
                    minutes: None,
                    registration: None,
                })
                .collect();
            Ok(evidence::record(conn, &id, &observed, chrono::Utc::now())?)
        })
        .await
        .unwrap();
    assert!(
        minutes_shown(&rina, &session, 1)
            .await
            .starts_with("60 dari 180")
    );
    assert!(
        minutes_shown(&rina, &session, 2)
            .await
            .starts_with("60 dari 180")
    );

    let first_run = "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\r\n\
        812 3456 7890,Strategi,07/27/2020 09:00:00 AM,07/27/2020 10:00:00 AM,host@dispusip.example.id,60,1\r\n\
        \r\n\
        Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent\r\n\
        Budi,peserta1@perpusdes.example.id,07/27/2020 09:00:00 AM,07/27/2020 09:45:00 AM,45,No,\r\n";
    let (preview, _) = previewed(&rina, &session, first_run.as_bytes().to_vec()).await;
    let response = rina.post(&preview, &[("zone", "Asia/Jakarta")]).await;
    assert_eq!(response.status(), 303, "{app}");

    let stored = rows(&app.db, &session.id).await;
    assert!(
        stored
            .iter()
            .filter(|r| r.source == Source::Csv)
            .all(|r| r.meeting_uuid.as_deref() == Some("run-1")),
        "{app}: {stored:#?}"
    );
    let (first, second) = (
        minutes_shown(&rina, &session, 1).await,
        minutes_shown(&rina, &session, 2).await,
    );
    assert!(
        first.starts_with("45 dari 180"),
        "{app}: the report's 45: {first}"
    );
    assert!(
        second.starts_with("60 dari 180"),
        "{app}: the second run's rows still count: {second}"
    );
    let audit = bimtek::services::accounts::audit_log(&app.db, 100)
        .await
        .unwrap();
    assert!(
        audit.iter().any(|row| row.action == "attendance.imported"
            && row
                .subject
                .as_deref()
                .is_some_and(|s| s.ends_with(", run-1): 1 rows, 1 people"))),
        "{app}: the audit line names the run: {audit:#?}"
    );
}
