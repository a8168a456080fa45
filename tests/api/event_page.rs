//! The public event page, which each instance keeps once made: every change
//! of what it shows (the event, its sessions and speakers, its seats) shows
//! at the next visit, on this instance and on another one sharing the
//! database, whether made through the forms or written to the database
//! directly (the database raises the page's version itself).

use bimtek::db::DbError;
use bimtek::domain::account::EventRole;
use bimtek::services::{accounts, registrations};
use chrono_tz::Tz;
use diesel::connection::SimpleConnection;

use crate::support::*;

const SLUG: &str = "bimtek-halaman";
const PAGE: &str = "/events/bimtek-halaman";

/// The event form as the organiser sends it, with this title.
fn event_form(title: &str) -> Vec<(&str, &str)> {
    vec![
        ("title", title),
        ("slug", SLUG),
        (
            "organiser_office",
            "Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu",
        ),
        ("description", "Paragraf pertama."),
        ("time_zone", "WIB"),
        ("start_date", "2030-07-29"),
        ("start_time", "09:00"),
        ("end_date", "2030-07-29"),
        ("end_time", "12:00"),
        ("seat_quota", "10"),
        ("contact", "Rina, 0812-0000-0000"),
    ]
}

/// A statement written straight to the database, as another program (or a
/// code path that forgot the page) would.
async fn write(app: &TestApp, sql: &'static str) {
    app.db
        .transaction(move |conn| -> Result<(), DbError> { Ok(conn.batch_execute(sql)?) })
        .await
        .unwrap();
}

/// The page as each instance shows it now; both must show `expected`.
async fn both_show(app: &TestApp, other: &Browser, expected: &str, why: &str) {
    let here = app.page(PAGE).await;
    let (status, there) = other.text(PAGE).await;
    assert_eq!(status, 200, "{app}: {why}");
    assert!(here.contains(expected), "{app}: {why}, here: {here}");
    assert!(
        there.contains(expected),
        "{app}: {why}, on the other instance: {there}"
    );
}

backend_tests!(every_change_shows_at_the_next_visit_on_every_instance);
async fn every_change_shows_at_the_next_visit_on_every_instance(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let other = Browser::new(&start_instance(&app, |_| {}).await);
    let created = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
    let event_id = created.id.to_string();
    registrations::set_seats(&app.db, &event_id, Some(10), false)
        .await
        .unwrap();
    let speaker = staff(&app.db, "ahmad@perpusnas.example.id", false, None).await;
    accounts::add_member(&app.db, &event_id, &speaker.id, EventRole::Speaker)
        .await
        .unwrap();
    let rina = organiser(&app, SLUG).await;
    // Each instance makes and keeps the page.
    both_show(&app, &other, "Sisa kursi: 10.", "the page as created").await;
    both_show(&app, &other, "Bimtek bimtek-halaman", "the page as created").await;

    // The title, through the form of one instance.
    let response = rina
        .post(
            &format!("/manage/events/{SLUG}/edit"),
            &event_form("Bimtek Literasi Digital"),
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    both_show(&app, &other, "Bimtek Literasi Digital", "a new title").await;

    // A session and its speaker, through the form.
    let response = rina
        .post(
            &format!("/manage/events/{SLUG}/sessions"),
            &[
                ("title", "Pembukaan"),
                ("date", "2030-07-29"),
                ("start_time", "09:00"),
                ("end_time", "10:30"),
                ("mandatory", "on"),
                ("delivery", "in_person"),
                ("location", "Aula Dinas Perpustakaan Bengkulu"),
                ("speakers", speaker.id.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    both_show(&app, &other, "Pembukaan", "a new session").await;
    both_show(&app, &other, "ahmad@perpusnas.example.id", "its speaker").await;

    // Written to the database directly: the session's title, the speaker's
    // name.
    write(
        &app,
        "UPDATE sessions SET title = 'Pembukaan dan Arahan' WHERE title = 'Pembukaan'",
    )
    .await;
    both_show(&app, &other, "Pembukaan dan Arahan", "a session renamed").await;
    write(
        &app,
        "UPDATE users SET name = 'Dr. Ahmad Fauzi, M.Hum.' \
         WHERE email = 'ahmad@perpusnas.example.id'",
    )
    .await;
    both_show(&app, &other, "Dr. Ahmad Fauzi, M.Hum.", "a speaker renamed").await;

    // A seat, added by hand on one instance, then freed in the database.
    let (_, form) = rina
        .text(&format!("/manage/events/{SLUG}/registrations/new"))
        .await;
    let mut by_hand = person(1);
    by_hand.retain(|(k, _)| k != "website");
    let response = rina
        .post_with_token(
            &format!("/manage/events/{SLUG}/registrations/new"),
            &pairs(&by_hand),
            &csrf_in(&form),
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    both_show(&app, &other, "Sisa kursi: 9.", "a seat taken").await;
    write(
        &app,
        "UPDATE registrations SET status = 'cancelled' \
         WHERE email = 'peserta1@perpusdes.example.id'",
    )
    .await;
    both_show(&app, &other, "Sisa kursi: 10.", "a seat freed").await;

    // Unpublished on one instance: gone from both.
    let response = rina
        .post(
            &format!("/manage/events/{SLUG}/publish"),
            &[("published", "0")],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(app.get(PAGE).await.status(), 404, "{app}");
    assert_eq!(other.text(PAGE).await.0, 404, "{app}: the other instance");
}
