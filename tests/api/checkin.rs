//! Self check-in: organisers open a session's window and show its code;
//! participants with a confirmed seat type it once; wrong codes are slowed;
//! nobody else, no other time and no Zoom session.

use bimtek::db::DbError;
use bimtek::db::models::AttendanceRow;
use bimtek::db::repo::{attendance, checkin_windows, failures};
use bimtek::domain::attendance::Source;
use bimtek::domain::session::SessionForm;
use bimtek::services::{registrations, sessions};
use chrono::Utc;
use chrono_tz::Tz;

use crate::support::*;

const SLUG: &str = "bimtek-presensi";

/// An event with an in-person session and a Zoom session, a participant
/// with a confirmed seat (signed in by link) and its organiser (signed in).
struct Room {
    app: TestApp,
    rina: Browser,
    siti: Browser,
    in_person: String,
    zoom: String,
    registration: String,
}

impl Room {
    async fn new(backend: &TestBackend) -> Room {
        let app = spawn_app(backend).await;
        let ours = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
        let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
        let plan = |title: &str, start: &str, end: &str| SessionForm {
            title: title.into(),
            date: "2030-07-29".into(),
            start_time: start.into(),
            end_time: end.into(),
            delivery: "in_person".into(),
            location: "Aula Dinas Perpustakaan".into(),
            ..SessionForm::default()
        };
        let origin = origin(&app.address);
        let in_person = sessions::create(
            &app.db,
            &admin,
            &ours,
            plan("Praktik menyusun RTL", "09:00", "11:00"),
            &origin,
        )
        .await
        .unwrap()
        .id;
        let on_zoom = SessionForm {
            delivery: "zoom".into(),
            zoom_host: "zoom@dispusip.example.id".into(),
            location: String::new(),
            ..plan("Pembukaan", "11:00", "12:00")
        };
        let zoom = sessions::create(&app.db, &admin, &ours, on_zoom, &origin)
            .await
            .unwrap()
            .id;
        let registration = seat(&app, &ours, &admin, 1).await;
        let person = participant(&app.db, "peserta1@perpusdes.example.id", "Peserta 1").await;
        let siti = signed_in_by_link(&app, &person).await;
        let rina = organiser(&app, SLUG).await;
        Room {
            app,
            rina,
            siti,
            in_person,
            zoom,
            registration,
        }
    }

    fn desk(&self, session: &str) -> String {
        format!("/manage/events/{SLUG}/sessions/{session}/checkin")
    }

    /// Opens the session's window; the code its page shows.
    async fn open(&self, session: &str) -> String {
        let response = self
            .rina
            .post(
                &self.desk(session),
                &[("action", "open"), ("minutes", "10")],
            )
            .await;
        assert_eq!(response.status(), 303, "{}", self.app);
        let (status, page) = self.rina.text(&self.desk(session)).await;
        assert_eq!(status, 200, "{}: {page}", self.app);
        code_in(&page)
    }

    async fn rows(&self, session: &str) -> i64 {
        let session = session.to_owned();
        self.app
            .db
            .run(move |conn| -> Result<i64, DbError> {
                Ok(checkin_windows::checked_in(conn, &session)?)
            })
            .await
            .unwrap()
    }

    async fn row(&self, session: &str) -> Option<AttendanceRow> {
        let key = format!("checkin:{session}:{}", self.registration);
        self.app
            .db
            .run(move |conn| -> Result<_, DbError> { Ok(attendance::find_by_key(conn, &key)?) })
            .await
            .unwrap()
    }
}

/// A confirmed seat for participant `n`, added by an administrator.
async fn seat(
    app: &TestApp,
    event: &bimtek::domain::event::Event,
    admin: &bimtek::domain::account::Account,
    n: usize,
) -> String {
    registrations::add_by_hand(
        &app.db,
        event,
        person(n).into_iter().collect(),
        admin,
        &origin(&app.address),
    )
    .await
    .unwrap()
}

/// The code on the organisers' page, as digits.
fn code_in(page: &str) -> String {
    let shown = page
        .split("class=\"poster-code\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("the page shows a code: {page}"));
    shown.replace(' ', "")
}

/// Another code of the same shape.
fn wrong(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

backend_tests!(a_participant_checks_in_once_with_the_code_the_organisers_show);
async fn a_participant_checks_in_once_with_the_code_the_organisers_show(backend: TestBackend) {
    let room = Room::new(&backend).await;
    let (app, session) = (&room.app, room.in_person.as_str());
    let checkin = format!("/checkin/{session}");

    // The agenda leads to the desk of a session not on Zoom only.
    let (_, agenda) = room
        .rina
        .text(&format!("/manage/events/{SLUG}/sessions"))
        .await;
    assert!(agenda.contains(&room.desk(session)), "{app}: {agenda}");
    assert!(!agenda.contains(&room.desk(&room.zoom)), "{app}: {agenda}");
    let (_, desk) = room.rina.text(&room.desk(session)).await;
    assert!(
        desk.contains("belum dibuka")
            && desk.contains(r#"name="minutes" type="number" value="15""#),
        "{app}: {desk}"
    );
    let (status, page) = room.siti.text(&checkin).await;
    assert_eq!(status, 200, "{app}");
    assert!(
        page.contains("belum dibuka") && page.contains("09.00 WIB"),
        "{app}: {page}"
    );

    let code = room.open(session).await;
    assert_eq!(code.len(), 6, "{app}: {code}");
    let (_, desk) = room.rina.text(&room.desk(session)).await;
    let url = app.url(&checkin);
    assert!(
        desk.contains(&format!("<strong>{url}</strong>"))
            && desk.contains("<svg class=\"qr\"")
            && desk.contains(&format!("aria-label=\"Kode QR alamat presensi: {url}\""))
            && desk.contains("dibuka sampai")
            && desk.contains("0 peserta sudah mengisi presensi"),
        "{app}: {desk}"
    );
    assert!(desk.len() < 30 * 1024, "{app}: {} bytes", desk.len());
    let (_, log) = {
        let admin = app.browser();
        admin.sign_in("admin@dispusip.example.id", PASSWORD).await;
        admin.text("/admin/audit").await
    };
    assert!(log.contains("Presensi mandiri dibuka"), "{app}: {log}");

    // Their page leads them there while it is open.
    let (_, my) = room.siti.text("/my").await;
    assert!(my.contains(&format!("href=\"{checkin}\"")), "{app}: {my}");

    // The code as shown, with its space.
    let shown = format!("{} {}", &code[..3], &code[3..]);
    let response = room.siti.post(&checkin, &[("code", &shown)]).await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(Browser::location(&response), checkin);
    let (status, page) = room.siti.text(&checkin).await;
    assert_eq!(status, 200, "{app}");
    assert!(
        page.contains("sudah tercatat hadir pada") && page.contains(" WIB"),
        "{app}: {page}"
    );
    let row = room.row(session).await.expect("a check-in row");
    assert_eq!(row.source, Source::CheckIn, "{app}");
    assert_eq!(row.matched_by.as_deref(), Some("checkin"), "{app}");
    assert_eq!(
        row.registration_id.as_deref(),
        Some(room.registration.as_str())
    );
    assert!(row.joined_at.is_some() && row.left_at.is_none(), "{app}");

    // Once per person and session: the second time says when.
    let response = room.siti.post(&checkin, &[("code", &code)]).await;
    assert_eq!(response.status(), 200, "{app}");
    let page = response.text().await.unwrap();
    let at = bimtek::web::views::format::moment(
        bimtek::i18n::Lang::Id,
        row.joined_at.unwrap().and_utc(),
        Tz::Asia__Jakarta,
    );
    assert!(
        page.contains(&format!("sudah tercatat hadir pada {at}")),
        "{app}: {page}"
    );
    assert_eq!(room.rows(session).await, 1, "{app}");
    let (_, my) = room.siti.text("/my").await;
    assert!(!my.contains(&format!("href=\"{checkin}\"")), "{app}: {my}");
    let (_, desk) = room.rina.text(&room.desk(session)).await;
    assert!(
        desk.contains("1 peserta sudah mengisi presensi"),
        "{app}: {desk}"
    );

    // It counts: present in the session, by check-in, on the organisers'
    // attendance page (checked in before the start: not late).
    let (status, page) = room
        .rina
        .text(&format!(
            "/manage/events/{SLUG}/sessions/{session}/attendance?status=present"
        ))
        .await;
    assert_eq!(status, 200, "{app}: {page}");
    let row = page
        .split("<tr")
        .find(|row| row.contains("Dra. Peserta 1, M.Hum."))
        .unwrap_or_else(|| panic!("{app}: the participant is listed as present: {page}"));
    assert!(
        row.contains("Hadir") && row.contains("Check-in") && !row.contains("terlambat"),
        "{app}: {row}"
    );
}

backend_tests!(wrong_codes_are_slowed_per_participant_and_address_across_instances);
async fn wrong_codes_are_slowed_per_participant_and_address_across_instances(backend: TestBackend) {
    let room = Room::new(&backend).await;
    let (app, session) = (&room.app, room.in_person.as_str());
    let checkin = format!("/checkin/{session}");
    let code = room.open(session).await;

    // A code of another shape cannot be right: told so, not counted.
    let response = room.siti.post(&checkin, &[("code", "12a")]).await;
    assert_eq!(response.status(), 422, "{app}");
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Kode terdiri dari 6 angka") && page.contains(r#"value="12a""#),
        "{app}: {page}"
    );
    for _ in 0..5 {
        let response = room.siti.post(&checkin, &[("code", &wrong(&code))]).await;
        assert_eq!(response.status(), 422, "{app}");
        let page = response.text().await.unwrap();
        assert!(
            page.contains("Kode salah") && page.contains(&format!("value=\"{}\"", wrong(&code))),
            "{app}: {page}"
        );
    }
    // Another instance on the same database counts the same failures.
    let second = start_instance(app, |_| {}).await;
    let token = room.siti.csrf().await;
    let response = room
        .siti
        .client
        .post(format!("{second}{checkin}"))
        .form(&[("code", code.as_str()), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429, "{app}");
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{app}: {wait}");
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Terlalu banyak kode yang salah") && page.contains("1 menit"),
        "{app}: {page}"
    );
    assert_eq!(room.rows(session).await, 0, "{app}");

    // Another participant at the same address is not held up by them, until
    // that address has failed as often as a whole room could.
    let ours = bimtek::services::events::by_slug(&app.db, SLUG)
        .await
        .unwrap();
    let admin = staff(&app.db, "admin2@dispusip.example.id", true, None).await;
    seat(app, &ours, &admin, 2).await;
    let dewi = participant(&app.db, "peserta2@perpusdes.example.id", "Peserta 2").await;
    let dewi = signed_in_by_link(app, &dewi).await;
    let response = dewi.post(&checkin, &[("code", &wrong(&code))]).await;
    assert_eq!(response.status(), 422, "{app}");
    app.db
        .run(|conn| -> Result<(), DbError> {
            for _ in 0..100 {
                failures::record(conn, "checkin-address:127.0.0.1", Utc::now())?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let response = dewi.post(&checkin, &[("code", &code)]).await;
    assert_eq!(response.status(), 429, "{app}");
    assert!(response.headers().contains_key("retry-after"), "{app}");
}

backend_tests!(check_in_is_refused_outside_its_window_to_outsiders_and_on_zoom);
async fn check_in_is_refused_outside_its_window_to_outsiders_and_on_zoom(backend: TestBackend) {
    let room = Room::new(&backend).await;
    let (app, session) = (&room.app, room.in_person.as_str());
    let checkin = format!("/checkin/{session}");

    // Before it opens.
    let response = room.siti.post(&checkin, &[("code", "123456")]).await;
    assert_eq!(response.status(), 409, "{app}");
    assert!(
        response.text().await.unwrap().contains("belum dibuka"),
        "{app}"
    );

    // A window length out of bounds comes back with its message, as typed.
    let response = room
        .rina
        .post(
            &room.desk(session),
            &[("action", "open"), ("minutes", "241")],
        )
        .await;
    assert_eq!(response.status(), 422, "{app}");
    let page = response.text().await.unwrap();
    assert!(
        page.contains("dari 1 sampai 240") && page.contains(r#"value="241""#),
        "{app}: {page}"
    );

    // After it closes, its code no longer works.
    let code = room.open(session).await;
    let response = room
        .rina
        .post(&room.desk(session), &[("action", "close")])
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let (_, desk) = room.rina.text(&room.desk(session)).await;
    assert!(
        desk.contains("Presensi ditutup pada") && !desk.contains("poster-code"),
        "{app}: {desk}"
    );
    let response = room.siti.post(&checkin, &[("code", &code)]).await;
    assert_eq!(response.status(), 409, "{app}");
    let page = response.text().await.unwrap();
    assert!(
        page.contains("sudah ditutup pada") && page.contains(" WIB"),
        "{app}: {page}"
    );
    // Opened again, with a new code in force.
    let again = room.open(session).await;
    let (_, desk) = room.rina.text(&room.desk(session)).await;
    assert!(desk.contains("Buka lagi dengan kode baru"), "{app}: {desk}");
    if again != code {
        let response = room.siti.post(&checkin, &[("code", &code)]).await;
        assert_eq!(response.status(), 422, "{app}: the old code is spent");
    }

    // Signed in, but without a seat in the event.
    let stranger = participant(&app.db, "tamu@perpus.example.id", "Tamu").await;
    let stranger = signed_in_by_link(app, &stranger).await;
    let (status, page) = stranger.text(&checkin).await;
    assert_eq!(status, 403, "{app}");
    assert!(
        page.contains("kursinya sudah terkonfirmasi"),
        "{app}: {page}"
    );
    let response = stranger.post(&checkin, &[("code", &again)]).await;
    assert_eq!(response.status(), 403, "{app}");
    assert_eq!(room.rows(session).await, 0, "{app}");

    // A Zoom session: Zoom's records count, not a code.
    let (status, desk) = room.rina.text(&room.desk(&room.zoom)).await;
    assert_eq!(status, 200, "{app}");
    assert!(
        desk.contains("berlangsung di Zoom") && !desk.contains("name=\"minutes\""),
        "{app}: {desk}"
    );
    let response = room
        .rina
        .post(
            &room.desk(&room.zoom),
            &[("action", "open"), ("minutes", "10")],
        )
        .await;
    assert_eq!(response.status(), 422, "{app}");
    let zoom = format!("/checkin/{}", room.zoom);
    let (status, page) = room.siti.text(&zoom).await;
    assert_eq!(status, 200, "{app}");
    assert!(page.contains("tercatat dari Zoom"), "{app}: {page}");
    let response = room.siti.post(&zoom, &[("code", "123456")]).await;
    assert_eq!(response.status(), 409, "{app}");
    assert_eq!(room.rows(&room.zoom).await, 0, "{app}");

    // Another event's organiser reaches no session of this one.
    let andi = organiser_elsewhere(app).await;
    let (status, _) = andi
        .text(&format!(
            "/manage/events/bimtek-lain/sessions/{session}/checkin"
        ))
        .await;
    assert_eq!(status, 404, "{app}");
}

/// The sign-in link in the .eml the app wrote (no SMTP server set).
async fn mailed_sign_in_link(app: &TestApp) -> String {
    let prefix = app.url("/my/sign-in/");
    until("the sign-in link's mail", || {
        let found = std::fs::read_dir(app.mail_dir()).ok().and_then(|files| {
            files.filter_map(Result::ok).find_map(|file| {
                let raw = std::fs::read(file.path()).ok()?;
                let mail = mail_parser::MessageParser::default().parse(&raw)?;
                let text = mail.body_text(0)?.into_owned();
                let start = text.find(&prefix)?;
                let link = text[start..].split_whitespace().next()?.to_owned();
                Some(link)
            })
        });
        async move { found }
    })
    .await
}

backend_tests!(a_signed_out_participant_comes_back_to_the_check_in_page);
async fn a_signed_out_participant_comes_back_to_the_check_in_page(backend: TestBackend) {
    let room = Room::new(&backend).await;
    let app = &room.app;
    let checkin = format!("/checkin/{}", room.in_person);
    let hidden = format!(r#"name="next" value="{checkin}""#);
    let phone = app.browser();

    // The QR code's page sends them to sign in, saying where they were.
    let response = phone.get(&checkin).await;
    assert_eq!(response.status(), 303, "{app}");
    let sign_in = Browser::location(&response);
    assert_eq!(
        sign_in,
        format!("/my/sign-in?next=%2Fcheckin%2F{}", room.in_person),
        "{app}"
    );
    let (status, page) = phone.text(&sign_in).await;
    assert_eq!(status, 200, "{app}");
    assert!(
        page.contains(&hidden)
            && page.contains(&format!(
                r#"href="/sign-in?next=%2Fcheckin%2F{}""#,
                room.in_person
            )),
        "{app}: {page}"
    );
    let response = phone
        .post(
            "/my/sign-in",
            &[
                ("email", "peserta1@perpusdes.example.id"),
                ("next", &checkin),
            ],
        )
        .await;
    assert_eq!(response.status(), 200, "{app}");

    // The e-mailed link carries it, its page too, and using it goes back.
    let link = mailed_sign_in_link(app).await;
    assert!(
        link.ends_with(&format!("?next=%2Fcheckin%2F{}", room.in_person)),
        "{app}: {link}"
    );
    let (status, confirm) = phone.text(&link).await;
    assert_eq!(status, 200, "{app}");
    assert!(confirm.contains(&hidden), "{app}: {confirm}");
    let token = csrf_in(&confirm);
    let response = phone
        .post_with_token(&link, &[("next", &checkin)], &token)
        .await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(Browser::location(&response), checkin, "{app}");
    let (status, page) = phone.text(&checkin).await;
    assert_eq!(status, 200, "{app}");
    assert!(page.contains("belum dibuka"), "{app}: {page}");

    // Never to another site: not carried, and not followed.
    for outside in [
        "//evil.example",
        "https://evil.example/checkin",
        "/\\evil.example",
    ] {
        let query = serde_urlencoded::to_string([("next", outside)]).unwrap();
        let (_, page) = app.browser().text(&format!("/my/sign-in?{query}")).await;
        assert!(!page.contains(r#"name="next""#), "{app}: {outside}: {page}");
        let (_, page) = app.browser().text(&format!("/sign-in?{query}")).await;
        assert!(!page.contains(r#"name="next""#), "{app}: {outside}: {page}");
        let admin = app.browser();
        let response = admin
            .post(
                "/sign-in",
                &[
                    ("email", "admin@dispusip.example.id"),
                    ("password", PASSWORD),
                    ("next", outside),
                ],
            )
            .await;
        assert_eq!(Browser::location(&response), "/admin", "{app}: {outside}");
    }

    // The password sign-in comes back too (an organiser's page, say).
    let attendance = format!("/manage/events/{SLUG}/attendance");
    let desk = app.browser();
    let response = desk.get(&attendance).await;
    let sign_in = Browser::location(&response);
    assert_eq!(
        sign_in,
        format!("/sign-in?next=%2Fmanage%2Fevents%2F{SLUG}%2Fattendance"),
        "{app}"
    );
    let (_, page) = desk.text(&sign_in).await;
    assert!(
        page.contains(&format!(r#"name="next" value="{attendance}""#)),
        "{app}: {page}"
    );
    let response = desk
        .post(
            "/sign-in",
            &[
                ("email", "admin@dispusip.example.id"),
                ("password", PASSWORD),
                ("next", &attendance),
            ],
        )
        .await;
    assert_eq!(Browser::location(&response), attendance, "{app}");
}
