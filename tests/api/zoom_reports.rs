//! Zoom's participant reports read by the real server's jobs from the Zoom
//! stand-in, on real databases: every run of a session's meeting, every
//! page, the UUID encoding, retries while Zoom is not ready, and the
//! minutes each participant ends up with.

use std::collections::BTreeMap;

use bimtek::db::models::AttendanceRow;
use bimtek::db::repo::session_registrants;
use bimtek::db::{Db, DbError};
use bimtek::domain::attendance::Source;
use bimtek::domain::event::Event;
use bimtek::domain::session::{Session, ZoomStatus};
use bimtek::i18n::Lang;
use bimtek::services::accounts::Origin;
use bimtek::services::attendance::reports::{self, JobState};
use bimtek::services::{registrations, sessions};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

use crate::support::zoom_server::{Failure, HOST_USER, Route, ZoomServer};
use crate::support::*;

const SLUG: &str = "bimtek-tik-2020";

/// The session's form: Monday 27 July 2020 in WIB, on the stand-in's host.
fn session_form(date: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("title", "Strategi Pengembangan Perpustakaan dan TIK"),
        ("description", "Sesi pertama."),
        ("date", date),
        ("start_time", "09:00"),
        ("end_time", "12:00"),
        ("mandatory", "on"),
        ("delivery", "zoom"),
        ("zoom_host", HOST_USER),
    ]
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

/// One report row: a join of one person in one run, as Zoom sends it.
#[allow(clippy::too_many_arguments)]
fn row(
    user_id: &str,
    name: &str,
    email: &str,
    registrant: &str,
    from: &str,
    to: &str,
    status: &str,
) -> Value {
    json!({
        "id": if email.is_empty() { "" } else { "zoom-user" },
        "user_id": user_id, "name": name, "user_email": email,
        "registrant_id": registrant,
        "join_time": format!("2020-07-27T{from}:00Z"),
        "leave_time": format!("2020-07-27T{to}:00Z"),
        "duration": 0, "status": status, "failover": false,
    })
}

async fn session_of(db: &Db, event: &Event) -> Session {
    sessions::of_event(db, &event.id.to_string())
        .await
        .unwrap()
        .pop()
        .expect("the event has a session")
}

async fn attendance_rows(db: &Db, session: &str) -> Vec<AttendanceRow> {
    let session = session.to_owned();
    db.run(move |conn| -> Result<_, DbError> {
        use bimtek::db::schema::attendance_rows::dsl::*;
        use diesel::prelude::*;
        Ok(attendance_rows
            .filter(session_id.eq(session))
            .select(AttendanceRow::as_select())
            .load(conn)?)
    })
    .await
    .unwrap()
}

/// The minutes the session's attendance page gives participant `n`.
fn shows_minutes(page: &str, n: usize, minutes: u32) -> bool {
    page.contains(&format!(
        "Dra. Peserta {n}, M.Hum.</a></td><td data-label=\"Menit\">{minutes} dari 180 menit<br>"
    ))
}

backend_tests!(every_run_of_a_meeting_is_read_from_its_report_with_exact_minutes);
async fn every_run_of_a_meeting_is_read_from_its_report_with_exact_minutes(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let config = zoom.config();
    let app = spawn_app_with(&backend, |s| s.zoom = Some(config)).await;
    let mut new = event(SLUG, Tz::Asia__Jakarta, true);
    let day = NaiveDate::from_ymd_opt(2020, 7, 27).unwrap();
    new.starts_at = day.and_hms_opt(2, 0, 0).unwrap().and_utc();
    new.ends_at = day.and_hms_opt(5, 0, 0).unwrap().and_utc();
    let event = create_event(&app.db, new).await;
    let rina = organiser(&app, SLUG).await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let origin = Origin {
        base_url: url::Url::parse(&app.address).unwrap(),
        address: None,
        lang: Lang::Id,
    };
    let mut people = BTreeMap::new();
    for (n, name) in [(1, "budi"), (2, "sari"), (3, "dedi")] {
        let id = registrations::add_by_hand(
            &app.db,
            &event,
            person(n).into_iter().collect(),
            &admin,
            &origin,
        )
        .await
        .unwrap();
        people.insert(name, id);
    }

    // Planned ahead, so that its meeting and personal links exist before
    // the day: the stand-in numbers its first meeting 85012345678.
    let response = rina
        .post(
            &format!("/manage/events/{SLUG}/sessions"),
            &session_form("2030-07-29"),
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let ready = until("the meeting and its registrants", || async {
        let session = session_of(&app.db, &event).await;
        let id = session.id.clone();
        let linked = app
            .db
            .run(move |conn| -> Result<_, DbError> {
                Ok(session_registrants::of_session(conn, &id)?)
            })
            .await
            .unwrap();
        (session.zoom.status == ZoomStatus::Ready
            && linked.len() == 3
            && linked.iter().all(|r| r.zoom_registrant_id.is_some()))
        .then_some((session, linked))
    })
    .await;
    let (session, linked) = ready;
    let meeting_id = session.zoom.meeting_id.unwrap();
    let registrant = |name: &str| {
        linked
            .iter()
            .find(|r| r.registration_id == people[name])
            .and_then(|r| r.zoom_registrant_id.clone())
            .unwrap()
    };
    let (budi, dedi) = (registrant("budi"), registrant("dedi"));
    let (budi_mail, sari_mail) = (
        "peserta1@perpusdes.example.id",
        "PESERTA2@perpusdes.example.id",
    );
    let phone = "+62 812 3456 7890";
    let in_meeting = "in_meeting";

    // The host's connection dropped at 10.00 WIB: two runs. The first
    // UUID holds "//", the second begins with "/": both encoded twice.
    let first = vec![
        row(
            "101", "Budi", budi_mail, &budi, "01:58", "03:00", in_meeting,
        ),
        // Sari joined by the general link, signed in: her e-mail decides.
        row("102", "Sari", sari_mail, "", "02:10", "03:00", in_meeting),
        row(
            "103",
            "Dedi",
            "",
            &dedi,
            "02:00",
            "02:20",
            "in_waiting_room",
        ),
        row("104", "Dedi", "", &dedi, "02:20", "03:00", in_meeting),
        row("105", phone, "", "", "02:00", "03:00", in_meeting),
    ];
    let second = vec![
        // Budi reconnects twice; the last stays past the end.
        row(
            "201", "Budi", budi_mail, &budi, "03:05", "04:00", in_meeting,
        ),
        row(
            "202", "Budi HP", budi_mail, &budi, "04:02", "05:10", in_meeting,
        ),
        // Sari on her laptop and, overlapping, her phone.
        row("203", "Sari", sari_mail, "", "03:05", "04:30", in_meeting),
        row(
            "204",
            "Sari (HP)",
            sari_mail,
            "",
            "04:00",
            "05:00",
            in_meeting,
        ),
        row("205", "Dedi", "", &dedi, "03:05", "03:45", in_meeting),
        // A guest with no e-mail, and the phone dial-in again.
        row("206", "Pak Joko", "", "", "03:10", "05:00", in_meeting),
        row("207", phone, "", "", "03:05", "05:00", in_meeting),
    ];
    zoom.add_instance(
        meeting_id,
        "Wn3Ji//8TRmfNnbfQoH2JQ==",
        at("2020-07-27T01:55:00Z"),
        first,
    );
    zoom.add_instance(
        meeting_id,
        "/ajXp112QmuoKj4854875==",
        at("2020-07-27T03:05:00Z"),
        second,
    );
    zoom.set_report_page_size(3);
    zoom.fail_next(Route::ReportParticipants, 2, Failure::report_not_ready());

    // The session turns out to have been held on 27 July 2020: moved
    // there, it has ended, and its report is due without any webhook.
    let response = rina
        .post(
            &format!("/manage/events/{SLUG}/sessions/{}/edit", session.id),
            &session_form("2020-07-27"),
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let standing = until("both runs' reports to be read", || async {
        let standing = reports::standing(&app.db, &session.id).await.unwrap();
        (standing.job == JobState::Done).then_some(standing)
    })
    .await;
    let runs: Vec<(&str, bool)> = standing
        .instances
        .iter()
        .map(|i| (i.meeting_uuid.as_str(), i.report_read_at.is_some()))
        .collect();
    assert_eq!(
        runs,
        [
            ("Wn3Ji//8TRmfNnbfQoH2JQ==", true),
            ("/ajXp112QmuoKj4854875==", true)
        ],
        "{app}"
    );
    assert_eq!(
        standing.instances[1].started_at,
        Some(at("2020-07-27T03:05:00Z"))
    );

    // Not ready twice, then every page: 5 rows and 7 rows in pages of 3.
    let asked = zoom.requests_to(Route::ReportParticipants);
    assert_eq!(asked.len(), 2 + 2 + 3, "{app}: {asked:#?}");
    assert!(
        asked
            .iter()
            .all(|r| r.query.contains("include_fields=registrant_id")),
        "{app}"
    );
    assert!(
        asked[6].path.starts_with("/v2/report/meetings/%2FajXp112"),
        "{app}: {}",
        asked[6].path
    );

    let session = session_of(&app.db, &event).await;
    let rows = attendance_rows(&app.db, &session.id).await;
    assert!(rows.iter().all(|r| r.source == Source::Report), "{app}");
    assert_eq!(rows.len(), 11, "{app}: the waiting-room row is left out");
    // As the organisers' page for the session gives them: 09.00–10.00,
    // 10.05–11.00 and 11.02–12.00 (clipped at the end) for Budi; 09.10–10.00
    // then laptop and phone together 10.05–12.00 for Sari; only from when he
    // was let in for Dedi: 09.20–10.00 and 10.05–10.45.
    let (status, page) = rina
        .text(&format!(
            "/manage/events/{SLUG}/sessions/{}/attendance",
            session.id
        ))
        .await;
    assert_eq!(status, 200, "{app}");
    for (n, minutes) in [(1, 60 + 55 + 58), (2, 50 + 115), (3, 40 + 40)] {
        assert!(
            shows_minutes(&page, n, minutes),
            "{app}: participant {n}: {page}"
        );
    }
    let mut unmatched: Vec<&str> = rows
        .iter()
        .filter(|r| r.registration_id.is_none())
        .map(|r| r.identity.as_str())
        .collect();
    unmatched.sort();
    assert_eq!(
        unmatched,
        [
            "name:+62 812 3456 7890",
            "name:+62 812 3456 7890",
            "name:Pak Joko"
        ],
        "{app}: guests and phones wait for review"
    );

    // Read again (a meeting.ended webhook for a run already read, say):
    // nothing is asked again, nothing doubles.
    let id = session.id.clone();
    app.db
        .transaction(move |conn| -> Result<_, DbError> {
            Ok(reports::hasten_for_session(conn, &id, Utc::now())?)
        })
        .await
        .unwrap();
    until("the report job to be done again", || async {
        let standing = reports::standing(&app.db, &session.id).await.unwrap();
        (standing.job == JobState::Done).then_some(())
    })
    .await;
    assert_eq!(
        zoom.requests_to(Route::ReportParticipants).len(),
        7,
        "{app}"
    );
    assert_eq!(
        attendance_rows(&app.db, &session.id).await.len(),
        11,
        "{app}"
    );
}

backend_tests!(a_report_zoom_does_not_give_is_shown_waiting_then_failed);
/// Where reading the report stands is on the session's report page: while
/// Zoom has no report yet, when bimtek tries again; once Zoom refuses (a
/// missing scope here), that it failed and why, with the upload below.
async fn a_report_zoom_does_not_give_is_shown_waiting_then_failed(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let config = zoom.config();
    let app = spawn_app_with(&backend, |s| s.zoom = Some(config)).await;
    let event = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
    let rina = organiser(&app, SLUG).await;
    // Already over: its report is due as soon as its meeting is made.
    let response = rina
        .post(
            &format!("/manage/events/{SLUG}/sessions"),
            &session_form("2020-07-27"),
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let session = session_of(&app.db, &event).await;
    let page = format!(
        "/manage/events/{SLUG}/sessions/{}/attendance/import",
        session.id
    );
    let waiting = until("Zoom to say it has no report yet", || async {
        let (_, html) = rina.text(&page).await;
        html.contains("Belum dapat dibaca: Zoom belum menyediakannya")
            .then_some(html)
    })
    .await;
    assert!(waiting.contains("Laporan peserta dari Zoom"), "{app}");

    zoom.fail_next(
        Route::ListInstances,
        1,
        Failure::error(
            400,
            4711,
            "Invalid access token, does not contain scopes:[report:read:list_meeting_participants:admin].",
        ),
    );
    until("the refusal to end the job", || async {
        let standing = reports::standing(&app.db, &session.id).await.unwrap();
        matches!(standing.job, JobState::Failed { .. }).then_some(())
    })
    .await;
    let (status, html) = rina.text(&page).await;
    assert_eq!(status, 200, "{app}");
    assert!(
        html.contains(
            "Tidak dapat dibaca dari Zoom: Aplikasi Zoom tidak memiliki izin (scope) yang \
             diperlukan: report:read:list_meeting_participants:admin."
        ) && html.contains("type=\"file\""),
        "{app}: {html}"
    );
    // Stored as a catalogue key: each organiser reads it in their language.
    rina.get("/lang/en").await;
    let (_, html) = rina.text(&page).await;
    assert!(
        html.contains(
            "Could not be read from Zoom: The Zoom app lacks a permission (scope) it needs: \
             report:read:list_meeting_participants:admin."
        ),
        "{app}: {html}"
    );
}
