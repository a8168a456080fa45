//! Sessions' Zoom meetings and participants' Zoom registrations, carried
//! out by the jobs table of the real server against the Zoom stand-in, on
//! real databases: what bimtek sends Zoom, what organisers see, and that a
//! crash in the middle of registering a thousand people duplicates nobody.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use bimtek::app::Application;
use bimtek::config::Settings;
use bimtek::db::models::{RegistrationRow, SessionRegistrantRow};
use bimtek::db::repo::{registrations as registrations_repo, session_registrants};
use bimtek::db::{Db, DbError};
use bimtek::domain::account::{Account, EventRole};
use bimtek::domain::event::Event;
use bimtek::domain::registration::Status;
use bimtek::domain::session::{Session, SessionForm, ZoomStatus};
use bimtek::i18n::Lang;
use bimtek::services::{mail, registrations, sessions};
use chrono::{DurationRound, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::support::zoom_server::{Failure, HOST_USER, Route, ZoomServer};
use crate::support::*;

async fn zoom_app(backend: &TestBackend, zoom: &ZoomServer) -> TestApp {
    let config = zoom.config();
    spawn_app_with(backend, |s| {
        s.zoom = Some(config);
        s.registrations_per_minute = 0;
    })
    .await
}

async fn session_of(db: &Db, event: &Event) -> Session {
    sessions::of_event(db, &event.id.to_string())
        .await
        .unwrap()
        .pop()
        .expect("the event has a session")
}

async fn zoom_status_is(db: &Db, event: &Event, status: ZoomStatus) -> Session {
    until(&format!("the session to be {status:?}"), || async {
        Some(session_of(db, event).await).filter(|s| s.zoom.status == status)
    })
    .await
}

/// The session form of 29 July 2030, 09.00–10.30 in the event's zone, held
/// on the stand-in's Zoom host.
fn zoom_session(start: &'static str, end: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("title", "Pengelolaan Perpustakaan Desa"),
        ("description", "Materi inti hari pertama."),
        ("date", "2030-07-29"),
        ("start_time", start),
        ("end_time", end),
        ("mandatory", "on"),
        ("delivery", "zoom"),
        ("zoom_host", HOST_USER),
    ]
}

/// An event in WIB with its organiser signed in.
async fn planned(app: &TestApp, slug: &str) -> (Event, Browser) {
    let created = create_event(&app.db, event(slug, Tz::Asia__Jakarta, true)).await;
    let rina = organiser(app, slug).await;
    (created, rina)
}

async fn add_session(rina: &Browser, slug: &str, fields: &[(&str, &str)]) {
    let response = rina
        .post(&format!("/manage/events/{slug}/sessions"), fields)
        .await;
    assert_eq!(response.status(), 303, "{rina}: the session is saved");
}

/// A participant added by an administrator: confirmed at once.
async fn confirmed(app: &TestApp, event: &Event, admin: &Account, n: usize) -> String {
    registrations::add_by_hand(
        &app.db,
        event,
        person(n).into_iter().collect(),
        admin,
        &origin(&app.address),
    )
    .await
    .expect("the participant is added")
}

async fn admin(db: &Db) -> Account {
    staff(db, "admin@dispusip.example.id", true, None).await
}

async fn rows(db: &Db, session_id: &str) -> Vec<SessionRegistrantRow> {
    let id = session_id.to_owned();
    db.run(move |conn| -> Result<_, DbError> { Ok(session_registrants::of_session(conn, &id)?) })
        .await
        .unwrap()
}

backend_tests!(a_zoom_session_gets_one_meeting_that_follows_its_changes);
async fn a_zoom_session_gets_one_meeting_that_follows_its_changes(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let app = zoom_app(&backend, &zoom).await;
    let (event, rina) = planned(&app, "bimtek-zoom").await;
    let speaker = "narasumber@perpusnas.example.id";
    let speaker_id = staff(&app.db, speaker, false, Some((&event, EventRole::Speaker)))
        .await
        .id;
    let with_speaker = |fields: Vec<(&'static str, &'static str)>| {
        let mut fields: Vec<(&str, &str)> = fields;
        fields.push(("speakers", &speaker_id));
        fields.push(("alternative_hosts", "on"));
        fields
    };
    let base = "/manage/events/bimtek-zoom/sessions";
    add_session(
        &rina,
        "bimtek-zoom",
        &with_speaker(zoom_session("09:00", "10:30")),
    )
    .await;

    let ready = zoom_status_is(&app.db, &event, ZoomStatus::Ready).await;
    let created = zoom.one_request_to(Route::CreateMeeting);
    assert_eq!(created.method, "POST");
    assert_eq!(created.path, format!("/v2/users/{HOST_USER}/meetings"));
    let body = created.json();
    assert_eq!(body["start_time"], "2030-07-29T02:00:00Z", "{app}: UTC");
    assert_eq!(body["duration"], 90);
    assert_eq!(body["timezone"], "Asia/Jakarta");
    assert_eq!(body["topic"], "Pengelolaan Perpustakaan Desa");
    assert_eq!(body["agenda"], "Materi inti hari pertama.");
    assert_eq!(body["settings"]["alternative_hosts"], speaker);
    let id = ready.zoom.meeting_id.expect("the meeting id is stored");
    let meeting = zoom.meeting(id).expect("the meeting exists");
    assert_eq!(ready.zoom.join_url.as_deref(), meeting["join_url"].as_str());
    assert_eq!(
        ready.zoom.start_url.as_deref(),
        meeting["start_url"].as_str()
    );
    // Its participants' job, queued as the meeting was stored, is done too.
    wait_for_jobs(&app.db).await;
    let (_, list) = rina.text(base).await;
    assert!(list.contains("Siap"), "{app}: {list}");

    // Moved an hour later: only the schedule goes to Zoom.
    let moved = with_speaker(zoom_session("10:00", "11:30"));
    let response = rina
        .post(&format!("{base}/{}/edit", ready.id), &moved)
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let patch = until("the meeting to be moved", || async {
        zoom.requests_to(Route::UpdateMeeting).pop()
    })
    .await;
    assert_eq!(patch.path, format!("/v2/meetings/{id}"));
    let changes = patch.json();
    assert_eq!(changes["start_time"], "2030-07-29T03:00:00Z");
    assert_eq!(changes["duration"], 90);
    assert!(
        ["topic", "agenda", "settings"]
            .iter()
            .all(|field| changes.get(field).is_none()),
        "{app}: {changes}"
    );
    assert_eq!(zoom.requests_to(Route::CreateMeeting).len(), 1, "{app}");

    // Zoom cannot hand a meeting to another host: it is made again there.
    let mut rehosted = zoom_session("10:00", "11:30");
    rehosted.retain(|(name, _)| *name != "zoom_host");
    rehosted.push(("zoom_host", "me"));
    let response = rina
        .post(&format!("{base}/{}/edit", ready.id), &rehosted)
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let again = until("the meeting on its new host", || async {
        Some(session_of(&app.db, &event).await).filter(|s| {
            s.zoom.status == ZoomStatus::Ready && s.zoom.meeting_id.is_some_and(|m| m != id)
        })
    })
    .await;
    let creates = zoom.requests_to(Route::CreateMeeting);
    assert_eq!(creates.len(), 2, "{app}");
    assert_eq!(creates[1].path, "/v2/users/me/meetings");
    assert!(zoom.meeting(id).is_none(), "{app}: the old one is deleted");
    let id = again.zoom.meeting_id.unwrap();

    let response = rina.post(&format!("{base}/{}/delete", ready.id), &[]).await;
    assert_eq!(response.status(), 303, "{app}");
    let deleted = until("the meeting to be deleted", || async {
        zoom.requests_to(Route::DeleteMeeting)
            .pop()
            .filter(|d| d.path == format!("/v2/meetings/{id}"))
    })
    .await;
    assert_eq!(deleted.method, "DELETE");
    assert!(zoom.meeting(id).is_none(), "{app}");
}

backend_tests!(a_participants_personal_link_arrives_in_an_invitation);
/// The personal link comes after the seat's first invitation (Zoom answers
/// later): the invitation comes again, carrying it in the text and the .ics.
async fn a_participants_personal_link_arrives_in_an_invitation(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let app = zoom_app(&backend, &zoom).await;
    let (event, rina) = planned(&app, "bimtek-tautan").await;
    add_session(&rina, "bimtek-tautan", &zoom_session("09:00", "10:30")).await;
    let session = zoom_status_is(&app.db, &event, ZoomStatus::Ready).await;
    let admin = admin(&app.db).await;
    let registration_id = confirmed(&app, &event, &admin, 1).await;
    let link = until("the personal link", || async {
        rows(&app.db, &session.id)
            .await
            .into_iter()
            .find(|row| row.registration_id == registration_id)
            .and_then(|row| row.join_url)
    })
    .await;
    let invitation = until("an invitation with that link", || async {
        mail::recent(&app.db, None, 100)
            .await
            .unwrap()
            .into_iter()
            .find(|message| message.body_text.contains(&link))
    })
    .await;
    let attachments = outbox_files(&app, &invitation).await;
    let ics = attachments
        .iter()
        .find(|(_, content_type, _)| content_type.starts_with("text/calendar"))
        .map(|(_, _, bytes)| String::from_utf8(bytes.clone()).unwrap())
        .unwrap_or_else(|| panic!("{app}: no .ics in {attachments:?}"));
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded.contains(&format!("LOCATION:{link}")),
        "{app}: {unfolded}"
    );
}

/// The personal link of a registration in a session, once it has one
/// other than `old`.
async fn new_link(
    app: &TestApp,
    session_id: &str,
    registration_id: &str,
    old: Option<&str>,
) -> String {
    until("a personal link", || async {
        rows(&app.db, session_id)
            .await
            .into_iter()
            .find(|row| row.registration_id == registration_id && row.status == "added")
            .and_then(|row| row.join_url)
            .filter(|link| Some(link.as_str()) != old)
    })
    .await
}

/// The .ics of the newest message whose text holds `text`.
async fn invitation_with(app: &TestApp, text: &str) -> String {
    let invitation = until("an invitation with that link", || async {
        mail::recent(&app.db, None, 100)
            .await
            .unwrap()
            .into_iter()
            .find(|message| message.body_text.contains(text))
    })
    .await;
    let attachments = outbox_files(app, &invitation).await;
    let ics = attachments
        .iter()
        .find(|(_, content_type, _)| content_type.starts_with("text/calendar"))
        .map(|(_, _, bytes)| String::from_utf8(bytes.clone()).unwrap())
        .unwrap_or_else(|| panic!("{app}: no .ics in {attachments:?}"));
    ics.replace("\r\n ", "")
}

/// What the outbox holds for `email`, oldest first.
async fn messages_to(app: &TestApp, email: &str) -> Vec<bimtek::db::models::OutboxRow> {
    let mut found: Vec<_> = mail::recent(&app.db, None, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|message| message.recipient == email)
        .collect();
    found.reverse();
    found
}

/// The .ics attached to an outbox message, unfolded.
async fn ics_of(app: &TestApp, message: &bimtek::db::models::OutboxRow) -> String {
    let attachments = outbox_files(app, message).await;
    attachments
        .iter()
        .find(|(_, content_type, _)| content_type.starts_with("text/calendar"))
        .map(|(_, _, bytes)| String::from_utf8(bytes.clone()).unwrap())
        .unwrap_or_else(|| panic!("{app}: no .ics in {attachments:?}"))
        .replace("\r\n ", "")
}

backend_tests!(a_seat_gets_one_invitation_per_zoom_session_carrying_the_link);
/// A seat in an event of four Zoom sessions: each invitation waits for the
/// participant's personal link and carries it, so the seat brings five
/// e-mails (the confirmation and one per session), not nine (each session
/// once without the link and once with it).
async fn a_seat_gets_one_invitation_per_zoom_session_carrying_the_link(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let app = zoom_app(&backend, &zoom).await;
    let (event, rina) = planned(&app, "bimtek-empat").await;
    for (start, end) in [
        ("08:00", "09:00"),
        ("09:00", "10:00"),
        ("10:00", "11:00"),
        ("13:00", "14:00"),
    ] {
        add_session(&rina, "bimtek-empat", &zoom_session(start, end)).await;
    }
    let planned = until("four meetings", || async {
        let all = sessions::of_event(&app.db, &event.id.to_string())
            .await
            .unwrap();
        all.iter()
            .all(|s| s.zoom.status == ZoomStatus::Ready)
            .then_some(all)
    })
    .await;
    assert_eq!(planned.len(), 4, "{app}");
    let registration_id = confirmed(&app, &event, &admin(&app.db).await, 1).await;
    let mut links = Vec::new();
    for session in &planned {
        links.push(new_link(&app, &session.id, &registration_id, None).await);
    }
    wait_for_jobs(&app.db).await;
    let received = messages_to(&app, "peserta1@perpusdes.example.id").await;
    let invitations: Vec<_> = received
        .iter()
        .filter(|m| m.template == "session_invitation")
        .collect();
    assert_eq!(
        (received.len(), invitations.len()),
        (5, 4),
        "{app}: {:#?}",
        received.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    for link in &links {
        assert_eq!(
            invitations
                .iter()
                .filter(|m| m.body_text.contains(link.as_str()))
                .count(),
            1,
            "{app}: one invitation carries {link}"
        );
    }
}

backend_tests!(with_zoom_down_the_invitation_waits_its_bound_and_the_link_follows);
/// Zoom is down when the seat is confirmed: the invitation waits for the
/// personal link as long as its bound, then goes without it (the
/// participant's page stands in for the link); once Zoom is back the link
/// follows in an invitation at a higher SEQUENCE, which calendars take.
async fn with_zoom_down_the_invitation_waits_its_bound_and_the_link_follows(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let config = zoom.config();
    let bound = Duration::from_secs(3);
    let app = spawn_app_with(&backend, |s| {
        s.zoom = Some(config);
        s.registrations_per_minute = 0;
        s.zoom_link_wait = bound;
    })
    .await;
    let (event, rina) = planned(&app, "bimtek-tunggu").await;
    add_session(&rina, "bimtek-tunggu", &zoom_session("09:00", "10:30")).await;
    let session = zoom_status_is(&app.db, &event, ZoomStatus::Ready).await;
    for route in [
        Route::AddRegistrant,
        Route::BatchRegistrants,
        Route::ListRegistrants,
    ] {
        zoom.fail_next(
            route,
            10_000,
            Failure::error(503, 503, "Service Unavailable"),
        );
    }

    let asked = Instant::now();
    let registration_id = confirmed(&app, &event, &admin(&app.db).await, 1).await;
    let email = "peserta1@perpusdes.example.id";
    let first = until("the invitation without the link", || async {
        messages_to(&app, email)
            .await
            .into_iter()
            .find(|m| m.template == "session_invitation")
    })
    .await;
    assert!(
        asked.elapsed() >= bound,
        "{app}: sent after {:?}, before its bound",
        asked.elapsed()
    );
    let ics = ics_of(&app, &first).await;
    assert!(
        ics.contains("SEQUENCE:0") && ics.contains(&format!("LOCATION:{}/my", app.address)),
        "{app}: without the link, the participant's page: {ics}"
    );

    zoom.heal();
    let link = new_link(&app, &session.id, &registration_id, None).await;
    let ics = invitation_with(&app, &link).await;
    assert!(
        ics.contains("SEQUENCE:1") && ics.contains(&format!("LOCATION:{link}")),
        "{app}: the link follows at a higher SEQUENCE: {ics}"
    );
    wait_for_jobs(&app.db).await;
    let invitations = messages_to(&app, email)
        .await
        .into_iter()
        .filter(|m| m.template == "session_invitation")
        .count();
    assert_eq!(invitations, 2, "{app}: the one without and the one with");
}

backend_tests!(a_meeting_deleted_on_zoom_is_made_again_and_the_new_links_are_sent);
/// Someone deletes the meeting on Zoom: the next registrant call meets
/// 404/3001, a new meeting is made, and the participant who had a link
/// gets an invitation with their new one, at a higher SEQUENCE.
async fn a_meeting_deleted_on_zoom_is_made_again_and_the_new_links_are_sent(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let app = zoom_app(&backend, &zoom).await;
    let (event, rina) = planned(&app, "bimtek-hilang").await;
    add_session(&rina, "bimtek-hilang", &zoom_session("09:00", "10:30")).await;
    let session = zoom_status_is(&app.db, &event, ZoomStatus::Ready).await;
    let gone = session.zoom.meeting_id.unwrap();
    let admin = admin(&app.db).await;
    let first = confirmed(&app, &event, &admin, 1).await;
    let old = new_link(&app, &session.id, &first, None).await;
    let ics = invitation_with(&app, &old).await;
    // The first revision's entry carrying the link.
    assert!(ics.contains("SEQUENCE:1"), "{app}: {ics}");
    wait_for_jobs(&app.db).await;

    zoom.delete_meeting(gone);
    confirmed(&app, &event, &admin, 2).await;
    let link = new_link(&app, &session.id, &first, Some(&old)).await;
    let remade = session_of(&app.db, &event).await;
    assert_ne!(remade.zoom.meeting_id, Some(gone), "{app}");
    assert!(remade.sequence > session.sequence, "{app}");
    let ics = invitation_with(&app, &link).await;
    assert!(
        ics.contains(&format!("SEQUENCE:{}", 2 * remade.sequence + 1))
            && ics.contains(&format!("LOCATION:{link}")),
        "{app}: {ics}"
    );
}

backend_tests!(zoom_out_of_reach_is_explained_without_the_raw_error);
/// Zoom cannot be reached at all (nothing listens): organisers read the
/// catalogued message in their page's language, not the HTTP client's
/// English words with the API's address.
async fn zoom_out_of_reach_is_explained_without_the_raw_error(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut config = zoom.config();
    config.api_base = format!("{dead}/v2").parse().unwrap();
    config.oauth_base = dead.parse().unwrap();
    let app = spawn_app_with(&backend, |s| s.zoom = Some(config)).await;
    let (event, rina) = planned(&app, "bimtek-putus").await;
    add_session(&rina, "bimtek-putus", &zoom_session("09:00", "10:30")).await;
    let session = until("the session to say why it waits", || async {
        Some(session_of(&app.db, &event).await).filter(|s| s.zoom.error.is_some())
    })
    .await;
    let page = format!("/manage/events/bimtek-putus/sessions/{}/edit", session.id);
    for (lang, words) in [
        ("id", "Zoom tidak dapat dihubungi saat ini"),
        ("en", "Zoom cannot be reached right now"),
    ] {
        rina.get(&format!("/lang/{lang}")).await;
        let (_, html) = rina.text(&page).await;
        assert!(html.contains(words), "{app}: {lang}: {html}");
        for raw in [
            "error sending request",
            dead.as_str(),
            "/v2/",
            "oauth/token",
        ] {
            assert!(!html.contains(raw), "{app}: {lang}: {raw:?} in {html}");
        }
    }
}

backend_tests!(trying_again_during_a_wait_runs_at_once_and_keeps_the_reason);
/// Zoom failed (503) and the next attempt waits a minute: "try again"
/// runs it at once and the reason stays shown meanwhile; when Zoom itself
/// asked to wait, the wait holds and the page says until when, on the
/// event's clock in the page's language.
async fn trying_again_during_a_wait_runs_at_once_and_keeps_the_reason(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let config = zoom.config();
    let app = spawn_app_with(&backend, |s| {
        s.zoom = Some(config);
        s.job_first_retry = Duration::from_secs(60);
    })
    .await;
    let (event, rina) = planned(&app, "bimtek-ulang").await;
    let down = Failure::error(503, 503, "Service unavailable.");
    zoom.fail_next(Route::CreateMeeting, 2, down);
    add_session(&rina, "bimtek-ulang", &zoom_session("09:00", "10:30")).await;
    let waiting = until("the session to say why it waits", || async {
        Some(session_of(&app.db, &event).await).filter(|s| s.zoom.error.is_some())
    })
    .await;
    let retry = format!(
        "/manage/events/bimtek-ulang/sessions/{}/zoom/retry",
        waiting.id
    );
    assert_eq!(rina.post(&retry, &[]).await.status(), 303, "{app}");
    assert_eq!(
        session_of(&app.db, &event).await.zoom.error,
        waiting.zoom.error,
        "{app}: the reason stays"
    );
    until("the second attempt", || async {
        (zoom.requests_to(Route::CreateMeeting).len() == 2).then_some(())
    })
    .await;
    wait_for_jobs(&app.db).await;

    // Half past a minute, so that the minute shown is not in doubt.
    let later = (Utc::now() + chrono::Duration::hours(1))
        .duration_trunc(chrono::Duration::minutes(1))
        .unwrap()
        + chrono::Duration::seconds(30);
    zoom.fail_next(Route::CreateMeeting, 1, Failure::rate_limited_until(later));
    assert_eq!(rina.post(&retry, &[]).await.status(), 303, "{app}");
    until("Zoom's request to wait", || async {
        Some(session_of(&app.db, &event).await).filter(|s| {
            s.zoom
                .error
                .as_ref()
                .is_some_and(|p| p.key == "zoom.error.rate_limited")
        })
    })
    .await;
    let tried = rina.post(&retry, &[]).await;
    assert_eq!(tried.status(), 303, "{app}");
    let back = tried.headers()["location"].to_str().unwrap().to_owned();
    let local = later.with_timezone(&Tz::Asia__Jakarta);
    for (lang, words) in [
        (Lang::Id, "Zoom meminta bimtek menunggu sampai"),
        (Lang::En, "Zoom asked bimtek to wait until"),
    ] {
        rina.get(&format!("/lang/{}", lang.code())).await;
        let until = format!(
            "{}, {} WIB",
            bimtek::i18n::dates::date(lang, &local),
            bimtek::i18n::dates::time(lang, &local)
        );
        let (_, html) = rina.text(&back).await;
        assert!(
            html.contains(&format!("{words} {until}")),
            "{app}: {lang:?}: {until}: {html}"
        );
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        zoom.requests_to(Route::CreateMeeting).len(),
        3,
        "{app}: Zoom's wait holds"
    );
}

backend_tests!(a_rate_limited_create_waits_as_zoom_says_and_makes_one_meeting);
async fn a_rate_limited_create_waits_as_zoom_says_and_makes_one_meeting(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let app = zoom_app(&backend, &zoom).await;
    let (event, rina) = planned(&app, "bimtek-antre").await;
    let until_then = Utc::now() + chrono::Duration::seconds(1);
    zoom.fail_next(
        Route::CreateMeeting,
        1,
        Failure::rate_limited_until(until_then),
    );
    add_session(&rina, "bimtek-antre", &zoom_session("09:00", "10:30")).await;
    zoom_status_is(&app.db, &event, ZoomStatus::Ready).await;
    let creates = zoom.requests_to(Route::CreateMeeting);
    assert_eq!(creates.len(), 2, "{app}: refused once, then made");
    assert_eq!(zoom.registrant_counts().len(), 1, "{app}: one meeting");
}

/// Zoom's per-second limit as it may answer many times in a row: wait a second.
fn slow_down() -> Failure {
    Failure::RateLimited {
        retry_after: Some("1".into()),
        limit_type: Some("QPS"),
    }
}

backend_tests!(forty_requests_to_slow_down_do_not_use_up_a_days_retries);
/// Retries are counted in time: forty answers of "wait a second" are
/// forty seconds of waiting, not a day of outage, and the meeting is made
/// once Zoom answers.
async fn forty_requests_to_slow_down_do_not_use_up_a_days_retries(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let app = zoom_app(&backend, &zoom).await;
    let (event, rina) = planned(&app, "bimtek-sabar").await;
    zoom.fail_next(Route::CreateMeeting, 40, slow_down());
    add_session(&rina, "bimtek-sabar", &zoom_session("09:00", "10:30")).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    let session = loop {
        let session = session_of(&app.db, &event).await;
        assert_ne!(
            session.zoom.status,
            ZoomStatus::Failed,
            "{app}: gave up after {} tries",
            zoom.requests_to(Route::CreateMeeting).len()
        );
        if session.zoom.status == ZoomStatus::Ready {
            break session;
        }
        assert!(Instant::now() < deadline, "{app}: still {:?}", session.zoom);
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(session.zoom.error.is_none(), "{app}");
    assert_eq!(zoom.requests_to(Route::CreateMeeting).len(), 41, "{app}");
    assert_eq!(zoom.registrant_counts().len(), 1, "{app}: one meeting");
}

backend_tests!(a_job_zoom_keeps_slowing_down_gives_up_when_its_time_is_spent);
/// With a retry budget of three seconds (a setting), a job that Zoom
/// keeps asking to wait a second gives up three seconds after its first
/// failure, after however many attempts fit, and the session shows why.
async fn a_job_zoom_keeps_slowing_down_gives_up_when_its_time_is_spent(backend: TestBackend) {
    const BUDGET: Duration = Duration::from_secs(3);
    let zoom = ZoomServer::start().await;
    let config = zoom.config();
    let app = spawn_app_with(&backend, |s| {
        s.zoom = Some(config);
        s.job_retry_for = BUDGET;
    })
    .await;
    let (event, rina) = planned(&app, "bimtek-batas").await;
    zoom.fail_next(Route::CreateMeeting, 1000, slow_down());
    add_session(&rina, "bimtek-batas", &zoom_session("09:00", "10:30")).await;
    let failed = zoom_status_is(&app.db, &event, ZoomStatus::Failed).await;
    let tries = zoom.requests_to(Route::CreateMeeting);
    let first = tries.first().unwrap().at;
    let spent = tries.last().unwrap().at - first;
    assert!(
        spent >= BUDGET && spent < BUDGET + Duration::from_secs(2),
        "{app}: gave up after {spent:?} and {} tries",
        tries.len()
    );
    assert!(
        (3..=5).contains(&tries.len()),
        "{app}: {} tries",
        tries.len()
    );
    assert_eq!(
        failed.zoom.error.map(|p| p.key).as_deref(),
        Some("zoom.error.rate_limited"),
        "{app}"
    );
}

backend_tests!(a_session_zoom_is_working_on_shows_in_progress);
/// While a job makes the meeting (Zoom answers slowly), the agenda and
/// the session's page say "in progress", not "waiting to be made"; once
/// made, "ready".
async fn a_session_zoom_is_working_on_shows_in_progress(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    zoom.delay(Route::CreateMeeting, Some(Duration::from_secs(3)));
    let app = zoom_app(&backend, &zoom).await;
    let (event, rina) = planned(&app, "bimtek-proses").await;
    add_session(&rina, "bimtek-proses", &zoom_session("09:00", "10:30")).await;
    until("the create call", || async {
        (!zoom.requests_to(Route::CreateMeeting).is_empty()).then_some(())
    })
    .await;
    let session = session_of(&app.db, &event).await;
    let base = "/manage/events/bimtek-proses/sessions";
    let edit = format!("{base}/{}/edit", session.id);
    for page in [base, edit.as_str()] {
        let (_, html) = rina.text(page).await;
        assert!(
            html.contains("Sedang diproses") && !html.contains("Menunggu dibuat"),
            "{app}: {page}: {html}"
        );
    }
    rina.get("/lang/en").await;
    let (_, html) = rina.text(base).await;
    assert!(html.contains("In progress"), "{app}: {html}");

    zoom_status_is(&app.db, &event, ZoomStatus::Ready).await;
    wait_for_jobs(&app.db).await;
    let (_, html) = rina.text(base).await;
    assert!(
        html.contains("Ready") && !html.contains("In progress"),
        "{app}: {html}"
    );
}

backend_tests!(a_refused_meeting_is_explained_and_can_be_tried_again);
async fn a_refused_meeting_is_explained_and_can_be_tried_again(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let app = zoom_app(&backend, &zoom).await;
    let (event, rina) = planned(&app, "bimtek-tolak").await;
    zoom.fail_next(
        Route::CreateMeeting,
        1,
        Failure::error(404, 1001, "User does not exist: pelatihan@bimtek.example."),
    );
    add_session(&rina, "bimtek-tolak", &zoom_session("09:00", "10:30")).await;
    let failed = zoom_status_is(&app.db, &event, ZoomStatus::Failed).await;
    let base = "/manage/events/bimtek-tolak/sessions";
    let retry = format!("{base}/{}/zoom/retry", failed.id);
    for page in [base.to_owned(), format!("{base}/{}/edit", failed.id)] {
        let (_, html) = rina.text(&page).await;
        assert!(
            html.contains("Pengguna Zoom yang menjadi host tidak ditemukan")
                && html.contains("Gagal")
                && html.contains(&format!(r#"action="{retry}""#)),
            "{app}: {page}: {html}"
        );
    }

    let response = rina.post(&retry, &[]).await;
    assert_eq!(response.status(), 303, "{app}");
    let ready = zoom_status_is(&app.db, &event, ZoomStatus::Ready).await;
    assert!(ready.zoom.error.is_none(), "{app}");
    assert_eq!(zoom.registrant_counts().len(), 1, "{app}: one meeting");
    let (_, list) = rina.text(base).await;
    assert!(!list.contains("tidak ditemukan"), "{app}: {list}");
}

backend_tests!(zoom_being_down_blocks_neither_sessions_nor_registrations);
async fn zoom_being_down_blocks_neither_sessions_nor_registrations(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let app = zoom_app(&backend, &zoom).await;
    let (event, rina) = planned(&app, "bimtek-padam").await;
    let down = Failure::error(503, 503, "Service Unavailable");
    zoom.fail_next(Route::CreateMeeting, 3, down.clone());
    zoom.fail_next(Route::BatchRegistrants, 2, down);

    add_session(&rina, "bimtek-padam", &zoom_session("09:00", "10:30")).await;
    let (status, _) = register(&app, "bimtek-padam", &person(1)).await;
    assert_eq!(status, 200, "{app}: registering works while Zoom is down");
    let registration = confirmed(&app, &event, &admin(&app.db).await, 2).await;
    let waiting = until("Zoom's outage to show", || async {
        Some(session_of(&app.db, &event).await).filter(|s| s.zoom.error.is_some())
    })
    .await;
    assert_eq!(waiting.zoom.status, ZoomStatus::Pending, "{app}");
    let (_, list) = rina.text("/manage/events/bimtek-padam/sessions").await;
    assert!(
        list.contains("Zoom tidak dapat dihubungi saat ini"),
        "{app}: {list}"
    );

    let ready = zoom_status_is(&app.db, &event, ZoomStatus::Ready).await;
    let row = until("the participant's link", || async {
        rows(&app.db, &ready.id)
            .await
            .into_iter()
            .find(|r| r.registration_id == registration && r.status == "added")
    })
    .await;
    assert!(row.join_url.is_some_and(|u| u.starts_with("https://")));
    assert_eq!(zoom.requests_to(Route::CreateMeeting).len(), 4, "{app}");
}

/// How many of a session's registrant rows have each status.
async fn tally(db: &Db, session_id: &str) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for row in rows(db, session_id).await {
        *counts.entry(row.status).or_default() += 1;
    }
    counts
}

backend_tests!(a_participant_zoom_refuses_is_shown_and_registered_on_retry);
/// Zoom takes two of a batch of three and refuses the third (capacity):
/// the two keep their links, the third is named on the session page with
/// the reason in plain words, and trying again once Zoom has room
/// registers them.
async fn a_participant_zoom_refuses_is_shown_and_registered_on_retry(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    zoom.set_capacity(Some(2));
    let app = zoom_app(&backend, &zoom).await;
    let (event, rina) = planned(&app, "bimtek-penuh").await;
    let admin = admin(&app.db).await;
    for n in 1..=3 {
        confirmed(&app, &event, &admin, n).await;
    }
    add_session(&rina, "bimtek-penuh", &zoom_session("09:00", "10:30")).await;
    let session = zoom_status_is(&app.db, &event, ZoomStatus::Ready).await;
    wait_for_jobs(&app.db).await;
    let counts = tally(&app.db, &session.id).await;
    assert_eq!(
        counts,
        [("added".to_owned(), 2), ("failed".to_owned(), 1)].into(),
        "{app}: those Zoom took keep their links"
    );
    let base = "/manage/events/bimtek-penuh/sessions";
    let retry = format!("{base}/{}/zoom/retry", session.id);
    let (_, html) = rina.text(&format!("{base}/{}/edit", session.id)).await;
    assert!(
        html.contains("2 dari 3 peserta sudah memiliki tautan pribadi")
            && html.contains("Dra. Peserta 3, M.Hum.")
            && html.contains("Rapat Zoom sudah mencapai batas jumlah peserta")
            && html.contains(&format!(r#"action="{retry}""#)),
        "{app}: {html}"
    );
    let (_, agenda) = rina.text(base).await;
    assert!(
        agenda.contains(&format!(r#"action="{retry}""#)),
        "{app}: the agenda offers to try again: {agenda}"
    );

    zoom.set_capacity(None);
    assert_eq!(rina.post(&retry, &[]).await.status(), 303, "{app}");
    until("all three to be registered", || async {
        let counts = tally(&app.db, &session.id).await;
        (counts == [("added".to_owned(), 3)].into()).then_some(())
    })
    .await;
    assert_eq!(zoom.registrant_count(session.zoom.meeting_id.unwrap()), 3);
}

backend_tests!(the_session_page_stays_light_with_hundreds_without_a_link);
/// The session page named everyone without a personal link (57 people
/// made it 8,000 px tall): it names the first few, those Zoom refused
/// first, and counts the rest, whatever the number of participants.
///
/// Zoom is away for one batch here, as it (or the database, under load)
/// may be: the registering job then waits its backoff, a retry not yet
/// due, which `wait_for_jobs` does not wait for. The test waits instead
/// for what it checks, every participant added or refused; it failed
/// about once under load when it took an empty jobs table for that.
async fn the_session_page_stays_light_with_hundreds_without_a_link(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    zoom.set_capacity(Some(2));
    zoom.fail_next(
        Route::BatchRegistrants,
        1,
        Failure::error(503, 0, "Service Unavailable"),
    );
    let app = zoom_app(&backend, &zoom).await;
    let (event, rina) = planned(&app, "bimtek-ramai").await;
    confirmed_in_bulk(&app.db, &event, 300).await;
    add_session(&rina, "bimtek-ramai", &zoom_session("09:00", "10:30")).await;
    let session = zoom_status_is(&app.db, &event, ZoomStatus::Ready).await;
    let counts = until("every participant to be added or refused", || async {
        let counts = tally(&app.db, &session.id).await;
        (!counts.contains_key("pending")).then_some(counts)
    })
    .await;
    assert_eq!(
        counts,
        [("added".to_owned(), 2), ("failed".to_owned(), 298)].into(),
        "{app}"
    );
    let (status, html) = rina
        .text(&format!(
            "/manage/events/bimtek-ramai/sessions/{}/edit",
            session.id
        ))
        .await;
    assert_eq!(status, 200, "{app}");
    assert!(
        html.len() < 30 * 1024,
        "{app}: the session page weighs {} bytes",
        html.len()
    );
    assert!(
        html.contains("2 dari 300 peserta sudah memiliki tautan pribadi")
            && html.contains("(peserta10@perpusdes.example.id)")
            && html.contains("Rapat Zoom sudah mencapai batas jumlah peserta")
            && html.contains("Dan 278 orang lagi.")
            && html.contains(r#"href="/manage/events/bimtek-ramai/registrations""#),
        "{app}: {html}"
    );
}

backend_tests!(a_cancelled_participants_registration_is_cancelled_on_zoom);
async fn a_cancelled_participants_registration_is_cancelled_on_zoom(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let app = zoom_app(&backend, &zoom).await;
    let (event, rina) = planned(&app, "bimtek-batal").await;
    add_session(&rina, "bimtek-batal", &zoom_session("09:00", "10:30")).await;
    let session = zoom_status_is(&app.db, &event, ZoomStatus::Ready).await;
    let meeting = session.zoom.meeting_id.unwrap();
    let admin = admin(&app.db).await;
    let staying = confirmed(&app, &event, &admin, 1).await;
    let leaving = confirmed(&app, &event, &admin, 2).await;
    until("both to be registered", || async {
        let rows = rows(&app.db, &session.id).await;
        (rows.len() == 2 && rows.iter().all(|r| r.status == "added")).then_some(())
    })
    .await;
    assert_eq!(zoom.registrant_count(meeting), 2, "{app}");

    let email = "peserta2@perpusdes.example.id";
    let account = participant(&app.db, email, "Peserta 2").await;
    registrations::cancel(&app.db, &leaving, &account, &origin(&app.address))
        .await
        .unwrap();
    let sent = until("the registrant to be cancelled", || async {
        zoom.requests_to(Route::RegistrantStatus).pop()
    })
    .await;
    assert_eq!(sent.method, "PUT");
    assert_eq!(
        sent.path,
        format!("/v2/meetings/{meeting}/registrants/status")
    );
    let body = sent.json();
    assert_eq!(body["action"], "cancel");
    assert_eq!(body["registrants"][0]["email"], email);
    let rows = until("the row to say cancelled", || async {
        let rows = rows(&app.db, &session.id).await;
        rows.iter()
            .any(|r| r.registration_id == leaving && r.status == "cancelled")
            .then_some(rows)
    })
    .await;
    let kept = rows.iter().find(|r| r.registration_id == staying).unwrap();
    assert_eq!(kept.status, "added", "{app}");
    assert_eq!(
        body["registrants"][0]["id"],
        Value::from(
            rows.iter()
                .find(|r| r.registration_id == leaving)
                .unwrap()
                .zoom_registrant_id
                .clone()
        ),
        "{app}"
    );
    assert_eq!(zoom.registrant_count(meeting), 1, "{app}");
}

/// An application in a runtime of its own, so that the test can kill it
/// as a crash would: its jobs stop wherever they are, nothing is recorded.
struct Doomed {
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Doomed {
    fn start(settings: Settings) -> Doomed {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (started, ready) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let app = Application::build(settings).await.unwrap();
                tokio::spawn(app.run_until_stopped());
                started.send(()).unwrap();
                let _ = stopped.await;
            });
            runtime.shutdown_background();
        });
        ready.recv().expect("the doomed application starts");
        Doomed { stop, thread }
    }

    fn crash(self) {
        let _ = self.stop.send(());
        self.thread.join().unwrap();
    }
}

/// Five minutes pass: a dead instance's leases lapse.
async fn lapse_leases(db: &Db) {
    db.run(|conn| -> Result<_, DbError> {
        use bimtek::db::schema::jobs;
        use diesel::prelude::*;
        let past = Utc::now().naive_utc() - chrono::Duration::minutes(10);
        Ok(
            diesel::update(jobs::table.filter(jobs::status.eq("running")))
                .set(jobs::locked_until.eq(Some(past)))
                .execute(conn)?,
        )
    })
    .await
    .unwrap();
}

/// The event's Zoom session, planned before any application runs.
async fn plan_offline(db: &Db, event: &Event) -> Session {
    let form = SessionForm::from_pairs(
        &zoom_session("09:00", "10:30")
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect::<Vec<_>>(),
    );
    sessions::create(db, &admin(db).await, event, form, &origin("http://x"))
        .await
        .unwrap()
}

backend_tests!(a_meeting_made_while_bimtek_died_is_adopted_not_made_again);
async fn a_meeting_made_while_bimtek_died_is_adopted_not_made_again(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let database = TestDatabase::create(&backend);
    let settings = || {
        let mut settings = test_settings(&database);
        settings.zoom = Some(zoom.config());
        settings
    };
    let db = Db::open(&database.url, 2).expect("the database opens");
    let event = create_event(&db, event("bimtek-hilang", Tz::Asia__Jakarta, true)).await;
    plan_offline(&db, &event).await;

    // Zoom makes the meeting; its answer is on its way when bimtek dies.
    zoom.delay(Route::CreateMeeting, Some(Duration::from_secs(5)));
    let doomed = Doomed::start(settings());
    until("the create to reach Zoom", || async {
        (!zoom.requests_to(Route::CreateMeeting).is_empty()).then_some(())
    })
    .await;
    doomed.crash();
    assert_eq!(zoom.registrant_counts().len(), 1, "{backend:?}");
    zoom.delay(Route::CreateMeeting, None);

    // The dead instance's claim lapses within its short lease (no longer
    // renewed), not after minutes.
    let restarted = Instant::now();
    let (_, new_db) = start(settings()).await;
    let ready = zoom_status_is(&new_db, &event, ZoomStatus::Ready).await;
    assert!(
        restarted.elapsed() < Duration::from_secs(30),
        "{backend:?}: taken over after {:?}",
        restarted.elapsed()
    );
    assert_eq!(
        zoom.requests_to(Route::CreateMeeting).len(),
        1,
        "{backend:?}"
    );
    assert_eq!(
        zoom.requests_to(Route::ListMeetings).len(),
        1,
        "{backend:?}"
    );
    let meetings = zoom.registrant_counts();
    assert_eq!(meetings.len(), 1, "{backend:?}: one meeting");
    let id = *meetings.keys().next().unwrap();
    assert_eq!(ready.zoom.meeting_id, Some(id));
    assert!(
        ready.zoom.start_url.is_some_and(|u| u.contains("/s/")),
        "{backend:?}: the host's link is fetched"
    );
}

async fn added(db: &Db, session_id: &str) -> usize {
    rows(db, session_id)
        .await
        .iter()
        .filter(|r| r.status == "added")
        .count()
}

/// `count` confirmed participants, written straight to the database.
async fn confirmed_in_bulk(db: &Db, event: &Event, count: usize) {
    let person = participant(db, "satu@perpusdes.example.id", "Satu Akun").await;
    let event_id = event.id.to_string();
    db.transaction(move |conn| -> Result<(), DbError> {
        let now = Utc::now().naive_utc();
        for n in 0..count {
            let row = RegistrationRow {
                id: uuid::Uuid::now_v7().to_string(),
                event_id: event_id.clone(),
                user_id: person.id.clone(),
                status: Status::Confirmed,
                full_name: format!("Peserta Nomor {n}"),
                email: format!("peserta{n}@perpusdes.example.id"),
                whatsapp: "0812-0000-0000".into(),
                nip: None,
                institution: "Perpustakaan Desa".into(),
                position: "Pustakawan".into(),
                province_code: "17".into(),
                regency_code: "17.71".into(),
                library_type: "desa".into(),
                gender: "perempuan".into(),
                disability: None,
                consent_at: now,
                address_confirmed_at: Some(now),
                queued_at: None,
                created_at: now,
                updated_at: now,
                confirmation_hash: None,
                added_by: None,
                search_text: format!("peserta{n}"),
            };
            registrations_repo::insert(conn, &row)?;
        }
        Ok(())
    })
    .await
    .unwrap();
}

backend_tests!(a_thousand_participants_become_registrants_once_despite_a_crash);
async fn a_thousand_participants_become_registrants_once_despite_a_crash(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let database = TestDatabase::create(&backend);
    let settings = || {
        let mut settings = test_settings(&database);
        settings.zoom = Some(zoom.config());
        settings
    };
    let started = Instant::now();
    let db = Db::open(&database.url, 2).expect("the database opens");
    let event = create_event(&db, event("bimtek-seribu", Tz::Asia__Jakarta, true)).await;
    confirmed_in_bulk(&db, &event, 1000).await;
    let session = plan_offline(&db, &event).await;
    let set_up = started.elapsed();

    // Zoom answers batches late, so that the crash finds one in flight:
    // Zoom has registered those 30, bimtek has not heard.
    zoom.delay(Route::BatchRegistrants, Some(Duration::from_millis(300)));
    let doomed = Doomed::start(settings());
    let running = Instant::now();
    until("a third to be registered, a batch in flight", || async {
        let stored = added(&db, &session.id).await;
        let sent = zoom.requests_to(Route::BatchRegistrants).len() * 30;
        (stored >= 300 && sent > stored).then_some(())
    })
    .await;
    doomed.crash();
    let before_crash = added(&db, &session.id).await;
    let meeting = session_of(&db, &event).await.zoom.meeting_id.unwrap();
    assert!(
        zoom.registrant_count(meeting) > before_crash,
        "{backend:?}: Zoom has registrants bimtek did not store"
    );
    lapse_leases(&db).await;
    zoom.delay(Route::BatchRegistrants, None);

    let restarted = Instant::now();
    let (_, new_db) = start(settings()).await;
    until("all thousand to be registered", || async {
        (added(&new_db, &session.id).await == 1000).then_some(())
    })
    .await;
    let took = running.elapsed();
    let after_restart = restarted.elapsed();

    let rows = rows(&new_db, &session.id).await;
    assert_eq!(rows.len(), 1000);
    assert!(
        rows.iter()
            .all(|r| r.status == "added" && r.join_url.as_deref().is_some_and(|u| !u.is_empty())),
        "{backend:?}: every row added with its link"
    );
    let ids: HashSet<&str> = rows
        .iter()
        .filter_map(|r| r.zoom_registrant_id.as_deref())
        .collect();
    assert_eq!(ids.len(), 1000, "{backend:?}: no registrant twice");
    assert_eq!(zoom.registrant_count(meeting), 1000, "{backend:?}");
    let calls = zoom.add_calls(meeting);
    assert_eq!(calls.len(), 1000, "{backend:?}: every address asked for");
    let most = calls.values().copied().max().unwrap();
    assert!(most <= 3, "{backend:?}: at most 3 add calls per address");
    let twice = calls.values().filter(|c| **c > 1).count();
    eprintln!(
        "{backend:?}: set-up {set_up:?}; 1,000 registrants in {took:?} (batches answered 300 ms late until the crash at {before_crash} stored; the other {} in {after_restart:?} after the restart); add calls per e-mail: max {most}, {twice} addresses asked more than once; list calls {}",
        1000 - before_crash,
        zoom.requests_to(Route::ListRegistrants).len()
    );
}
