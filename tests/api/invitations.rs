//! What reaches participants for each session, by HTTP on real databases
//! with the e-mails received over SMTP: one invitation per session when a
//! seat is confirmed (parsed strictly, at the right instant in WIB, WITA
//! and WIT), a moved session re-sent with a higher SEQUENCE and its
//! reminders re-planned, a removed one cancelled, reminders sent once by
//! two instances and never to a cancelled seat, the private feed and its
//! revocation, and join links that appear on the participant's page at
//! the configured time.

use std::time::Duration;

use bimtek::db::DbError;
use bimtek::domain::event::Event;
use bimtek::domain::registration::Status;
use bimtek::domain::time::local_to_utc;
use bimtek::services::{registrations, sessions};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use crate::support::smtp::{Received, SmtpServer};
use crate::support::*;

/// One VEVENT as read by the strict `icalendar` parser.
#[derive(Debug)]
struct Invite {
    method: String,
    uid: String,
    sequence: u32,
    stamp: String,
    tzid: Option<String>,
    local_start: String,
    start: DateTime<Utc>,
    status: String,
    location: Option<String>,
    attendee: Option<String>,
    summary: String,
    description: String,
}

/// Every VEVENT of a calendar, with DTSTART turned into an instant through
/// the calendar's own VTIMEZONE.
fn read_ics(text: &str) -> Vec<Invite> {
    use icalendar::parser::{Component, Property, read_calendar, unfold};
    let unfolded = unfold(text);
    let calendar = read_calendar(&unfolded).unwrap_or_else(|e| panic!("not RFC 5545: {e}\n{text}"));
    fn value<'a>(props: &'a [Property<'a>], name: &str) -> Option<&'a Property<'a>> {
        props.iter().find(|p| p.name.as_str() == name)
    }
    fn raw(props: &[Property<'_>], name: &str) -> Option<String> {
        value(props, name).map(|p| p.val.as_str().to_owned())
    }
    let method = raw(&calendar.properties, "METHOD").expect("METHOD");
    let offsets: Vec<(String, i64)> = calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VTIMEZONE")
        .map(|zone: &Component<'_>| {
            let tzid = raw(&zone.properties, "TZID").unwrap();
            let standard = &zone.components[0];
            let to = raw(&standard.properties, "TZOFFSETTO").unwrap();
            let sign = if to.starts_with('-') { -1 } else { 1 };
            let hours: i64 = to[1..3].parse().unwrap();
            let minutes: i64 = to[3..5].parse().unwrap();
            (tzid, sign * (hours * 3600 + minutes * 60))
        })
        .collect();
    calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .map(|event| {
            let props = &event.properties;
            let start = value(props, "DTSTART").expect("DTSTART");
            let tzid = start
                .params
                .iter()
                .find(|p| p.key.as_str() == "TZID")
                .and_then(|p| p.val.as_ref().map(|v| v.as_str().to_owned()));
            let local_start = start.val.as_str().to_owned();
            let instant = match &tzid {
                Some(tzid) => {
                    let local =
                        NaiveDateTime::parse_from_str(&local_start, "%Y%m%dT%H%M%S").unwrap();
                    let offset = offsets
                        .iter()
                        .find(|(z, _)| z == tzid)
                        .unwrap_or_else(|| panic!("no VTIMEZONE {tzid}"))
                        .1;
                    (local - chrono::Duration::seconds(offset)).and_utc()
                }
                None => NaiveDateTime::parse_from_str(&local_start, "%Y%m%dT%H%M%SZ")
                    .unwrap()
                    .and_utc(),
            };
            Invite {
                method: method.clone(),
                uid: raw(props, "UID").expect("UID"),
                sequence: raw(props, "SEQUENCE").expect("SEQUENCE").parse().unwrap(),
                stamp: raw(props, "DTSTAMP").expect("DTSTAMP"),
                tzid,
                local_start,
                start: instant,
                status: raw(props, "STATUS").expect("STATUS"),
                location: raw(props, "LOCATION"),
                attendee: raw(props, "ATTENDEE"),
                summary: raw(props, "SUMMARY").expect("SUMMARY"),
                description: raw(props, "DESCRIPTION").unwrap_or_default(),
            }
        })
        .collect()
}

/// The one calendar attached to a message, read.
fn invite_in(message: &Received) -> Invite {
    let calendars: Vec<_> = message
        .attachments()
        .into_iter()
        .filter(|(_, content_type, _)| content_type == "text/calendar")
        .collect();
    assert_eq!(calendars.len(), 1, "one calendar per message");
    let mut events = read_ics(&String::from_utf8(calendars[0].2.clone()).unwrap());
    assert_eq!(events.len(), 1, "one UID per iTIP message");
    events.remove(0)
}

/// Plans a session through the organisers' form; returns its id.
async fn plan(
    app: &TestApp,
    organiser: &Browser,
    event: &Event,
    title: &str,
    (date, start, end): (&str, &str, &str),
    how: &[(&str, &str)],
) -> String {
    let mut fields = vec![
        ("title", title),
        ("date", date),
        ("start_time", start),
        ("end_time", end),
        ("mandatory", "on"),
    ];
    fields.extend_from_slice(how);
    let response = organiser
        .post(&format!("/manage/events/{}/sessions", event.slug), &fields)
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    sessions::of_event(&app.db, &event.id.to_string())
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.plan.title == title)
        .expect("the session is stored")
        .id
}

const PASTED: &[(&str, &str)] = &[
    ("delivery", "link"),
    ("join_link", "https://meet.example/bimtek-pagi"),
];
const ROOM: &[(&str, &str)] = &[
    ("delivery", "in_person"),
    ("location", "Aula Dispusip Bengkulu"),
];

/// Registers person `n` and follows their confirmation link: a seat.
async fn seated(app: &TestApp, smtp: &SmtpServer, event: &Event, n: usize) -> (Browser, String) {
    let fields = person(n);
    let (status, _) = register(app, &event.slug, &fields).await;
    assert_eq!(status, 200);
    let email = format!("peserta{n}@perpusdes.example.id");
    let subject = format!("Konfirmasi pendaftaran: {}", event.title);
    let confirmation = mail(app, smtp, &email, &subject).await;
    let (browser, _) = confirm(app, &confirmation).await;
    let id = registrations::with_status(&app.db, &event.id.to_string(), Status::Confirmed)
        .await
        .unwrap()
        .into_iter()
        .last()
        .unwrap();
    (browser, id)
}

/// The reminder jobs: (status, run_at), oldest plan first.
async fn reminder_jobs(app: &TestApp) -> Vec<(String, String, NaiveDateTime)> {
    app.db
        .run(|conn| -> Result<_, DbError> {
            use bimtek::db::schema::jobs::dsl::*;
            use diesel::prelude::*;
            Ok(jobs
                .filter(kind.eq("session_reminder"))
                .order((created_at.asc(), run_at.asc()))
                .select((dedup_key.assume_not_null(), status, run_at))
                .load(conn)?)
        })
        .await
        .unwrap()
}

/// Brings every planned reminder due now, as if its time had come.
async fn reminders_due_now(app: &TestApp) {
    app.db
        .transaction(|conn| -> Result<_, DbError> {
            use bimtek::db::schema::jobs::dsl::*;
            use diesel::prelude::*;
            diesel::update(jobs.filter(kind.eq("session_reminder")))
                .set(run_at.eq(Utc::now().naive_utc()))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
}

fn at(zone: Tz, hour: u32, minute: u32) -> DateTime<Utc> {
    let day = NaiveDate::from_ymd_opt(2030, 7, 29).unwrap();
    local_to_utc(zone, day.and_hms_opt(hour, minute, 0).unwrap()).unwrap()
}

backend_tests!(
    a_seat_brings_one_invitation_per_session_at_the_right_instant_in_each_zone,
    multi_thread
);
async fn a_seat_brings_one_invitation_per_session_at_the_right_instant_in_each_zone(
    backend: TestBackend,
) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    let zones = [Tz::Asia__Jakarta, Tz::Asia__Makassar, Tz::Asia__Jayapura];
    let mut events = Vec::new();
    for zone in zones {
        let slug = format!(
            "bimtek-{}",
            zone.name().rsplit('/').next().unwrap().to_lowercase()
        );
        events.push(create_event(&app.db, event(&slug, zone, true)).await);
    }
    let organiser = organiser_of(&app, &events.iter().collect::<Vec<_>>()).await;
    for (n, (event, zone)) in events.iter().zip(zones).enumerate() {
        let opening = plan(
            &app,
            &organiser,
            event,
            "Pembukaan",
            ("2030-07-29", "09:00", "09:30"),
            PASTED,
        )
        .await;
        let practice = plan(
            &app,
            &organiser,
            event,
            "Praktik",
            ("2030-07-29", "10:00", "12:00"),
            ROOM,
        )
        .await;
        let (_, registration) = seated(&app, &smtp, event, n).await;
        let email = format!("peserta{n}@perpusdes.example.id");
        let seat = mail(&app, &smtp, &email, "Kursi Anda terkonfirmasi").await;
        assert!(
            seat.attachments().is_empty(),
            "{app}: with an agenda the sessions bring the invitations"
        );
        let invitations = mails(&app, &smtp, &email, "Jadwal sesi", 2).await;
        assert_eq!(invitations.len(), 2, "{app}: one e-mail per session");
        for (session, title, local, start, location) in [
            (
                &opening,
                "Pembukaan",
                "20300729T090000",
                at(zone, 9, 0),
                "https://meet.example/bimtek-pagi",
            ),
            (
                &practice,
                "Praktik",
                "20300729T100000",
                at(zone, 10, 0),
                "Aula Dispusip Bengkulu",
            ),
        ] {
            let message = invitations
                .iter()
                .find(|m| m.subject().contains(title))
                .unwrap_or_else(|| panic!("{app}: an invitation to {title}"));
            assert!(
                message.text().contains(location),
                "{app}: {}",
                message.text()
            );
            let invite = invite_in(message);
            assert_eq!(invite.method, "REQUEST");
            assert_eq!(
                invite.uid,
                format!("session-{session}-{registration}@127.0.0.1")
            );
            assert_eq!(invite.sequence, 0);
            assert!(
                invite.stamp.ends_with('Z') && invite.stamp.len() == 16,
                "{invite:?}"
            );
            assert_eq!(
                invite.tzid.as_deref(),
                Some(zone.name()),
                "{app}: {invite:?}"
            );
            assert_eq!(invite.local_start, local);
            assert_eq!(
                invite.start,
                start,
                "{app}: {} keeps its instant",
                zone.name()
            );
            assert_eq!(invite.status, "CONFIRMED");
            assert_eq!(invite.location.as_deref(), Some(location));
            assert!(invite.attendee.unwrap().ends_with(&email));
        }
    }
}

backend_tests!(
    a_move_resends_and_replans_reminders_and_a_removal_cancels,
    multi_thread
);
async fn a_move_resends_and_replans_reminders_and_a_removal_cancels(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    // A second instance on the same database works the same queue.
    let url = smtp.url();
    start_instance(&app, |s| s.smtp_url = Some(url)).await;
    let zone = Tz::Asia__Makassar;
    let bimtek = create_event(&app.db, event("bimtek-pindah", zone, true)).await;
    let organiser = organiser_of(&app, &[&bimtek]).await;
    let session = plan(
        &app,
        &organiser,
        &bimtek,
        "Strategi TPBIS",
        ("2030-07-29", "09:00", "10:00"),
        PASTED,
    )
    .await;
    let (_, stays) = seated(&app, &smtp, &bimtek, 1).await;
    let (leaver, leaves) = seated(&app, &smtp, &bimtek, 2).await;
    let siti = "peserta1@perpusdes.example.id";
    let first = invite_in(&mails(&app, &smtp, siti, "Jadwal sesi", 1).await[0]);
    assert_eq!(first.sequence, 0);
    // Reminders are planned with the invitation they follow.
    mails(
        &app,
        &smtp,
        "peserta2@perpusdes.example.id",
        "Jadwal sesi",
        1,
    )
    .await;
    let planned = reminder_jobs(&app).await;
    assert_eq!(
        planned.len(),
        4,
        "{app}: 24 h and 1 h ahead, for each seat: {planned:?}"
    );
    assert!(
        planned
            .iter()
            .any(|(_, _, run)| run.and_utc() == at(zone, 8, 0))
    );
    assert!(
        planned
            .iter()
            .any(|(_, _, run)| run.and_utc() == at(zone, 9, 0) - chrono::Duration::days(1))
    );

    // The participant who cancels has the session taken out of their
    // calendar, and gets no reminder.
    let response = leaver
        .post(&format!("/my/registrations/{leaves}/cancel"), &[])
        .await;
    assert_eq!(response.status(), 303);
    let gone = mail(
        &app,
        &smtp,
        "peserta2@perpusdes.example.id",
        "Pendaftaran dibatalkan",
    )
    .await;
    let withdrawn = invite_in(&gone);
    assert_eq!(withdrawn.method, "CANCEL", "{app}");
    assert_eq!(
        withdrawn.uid,
        format!("session-{session}-{leaves}@127.0.0.1")
    );
    // Past both entries of the first revision: without and with a
    // personal Zoom link.
    assert_eq!(withdrawn.sequence, 2);

    let edit = format!("/manage/events/{}/sessions/{session}/edit", bimtek.slug);
    let (_, form) = organiser.text(&edit).await;
    let moved = [
        ("title", "Strategi TPBIS"),
        ("date", "2030-07-29"),
        ("start_time", "10:00"),
        ("end_time", "11:00"),
        ("mandatory", "on"),
        ("delivery", "link"),
        ("join_link", "https://meet.example/bimtek-pagi"),
    ];
    let response = organiser
        .post_with_token(&edit, &moved, &csrf_in(&form))
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let updates = mails(&app, &smtp, siti, "Jadwal sesi", 2).await;
    let second = updates
        .iter()
        .map(invite_in)
        .find(|i| i.sequence == 2)
        .unwrap_or_else(|| panic!("{app}: an update with SEQUENCE 2"));
    assert_eq!(second.uid, first.uid, "{app}: the same entry, updated");
    assert_eq!(second.start, at(zone, 10, 0));
    assert_eq!(
        mails(
            &app,
            &smtp,
            "peserta2@perpusdes.example.id",
            "Jadwal sesi",
            1
        )
        .await
        .len(),
        1,
        "{app}: a cancelled seat gets no update"
    );

    let replanned = reminder_jobs(&app).await;
    assert_eq!(
        replanned.len(),
        6,
        "{app}: two new reminders for the seat left: {replanned:?}"
    );
    assert!(
        replanned
            .iter()
            .any(|(key, _, run)| key.contains(&format!("{stays}:1:60"))
                && run.and_utc() == at(zone, 9, 0))
    );

    // All come due at once: only the two of the current time go out,
    // once each, though two instances work the queue.
    reminders_due_now(&app).await;
    let reminders = mails(&app, &smtp, siti, "Pengingat", 2).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let all_reminders: Vec<Received> = smtp
        .received()
        .into_iter()
        .filter(|m| m.subject().starts_with("Pengingat"))
        .collect();
    assert_eq!(
        all_reminders.len(),
        2,
        "{app}: {:?}",
        all_reminders
            .iter()
            .map(|m| m.subject())
            .collect::<Vec<_>>()
    );
    assert!(
        reminders
            .iter()
            .all(|m| m.text().contains("10.00–11.00 WITA")),
        "{app}: {}",
        reminders[0].text()
    );
    assert!(
        reminders
            .iter()
            .all(|m| m.text().contains("https://meet.example/bimtek-pagi"))
    );
    let done = reminder_jobs(&app).await;
    assert!(
        done.iter().all(|(_, status, _)| status == "done"),
        "{app}: {done:?}"
    );

    let delete = format!("/manage/events/{}/sessions/{session}/delete", bimtek.slug);
    let response = organiser.post(&delete, &[]).await;
    assert_eq!(response.status(), 303, "{app}");
    let cancelled = mail(&app, &smtp, siti, "Sesi dibatalkan").await;
    let cancel = invite_in(&cancelled);
    assert_eq!(cancel.method, "CANCEL");
    assert_eq!(cancel.uid, first.uid);
    assert_eq!(cancel.sequence, 4, "{app}: past the last update");
    assert_eq!(cancel.status, "CANCELLED");
}

/// The invitation with the highest SEQUENCE among the `n` (at least)
/// session e-mails `to` has received.
async fn latest_invitation(app: &TestApp, smtp: &SmtpServer, to: &str, n: usize) -> Invite {
    mails(app, smtp, to, "Jadwal sesi", n)
        .await
        .iter()
        .map(invite_in)
        .max_by_key(|invite| invite.sequence)
        .expect("an invitation")
}

backend_tests!(
    a_new_title_or_description_is_sent_at_a_higher_sequence,
    multi_thread
);
/// Whatever a calendar entry shows is sent again when it changes: the
/// session's title, its description, and the event's title (part of the
/// entry's summary), each at a higher SEQUENCE, which the feed shows too.
async fn a_new_title_or_description_is_sent_at_a_higher_sequence(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    let bimtek = create_event(&app.db, event("bimtek-judul", Tz::Asia__Jakarta, true)).await;
    let organiser = organiser_of(&app, &[&bimtek]).await;
    let session = plan(
        &app,
        &organiser,
        &bimtek,
        "Strategi TPBIS",
        ("2030-07-29", "09:00", "10:00"),
        PASTED,
    )
    .await;
    let (browser, _) = seated(&app, &smtp, &bimtek, 1).await;
    let siti = "peserta1@perpusdes.example.id";
    let first = latest_invitation(&app, &smtp, siti, 1).await;

    let edit = format!("/manage/events/{}/sessions/{session}/edit", bimtek.slug);
    let mut form = vec![
        ("title", "Strategi TPBIS untuk desa"),
        ("description", ""),
        ("date", "2030-07-29"),
        ("start_time", "09:00"),
        ("end_time", "10:00"),
        ("mandatory", "on"),
    ];
    form.extend_from_slice(PASTED);
    let response = organiser.post(&edit, &form).await;
    assert_eq!(response.status(), 303, "{app}");
    let renamed = latest_invitation(&app, &smtp, siti, 2).await;
    assert_eq!(renamed.uid, first.uid, "{app}: the same entry");
    assert!(renamed.sequence > first.sequence, "{app}: {renamed:?}");
    assert!(
        renamed.summary.contains("Strategi TPBIS untuk desa"),
        "{app}: {renamed:?}"
    );

    form[1] = ("description", "Bawa laptop");
    let response = organiser.post(&edit, &form).await;
    assert_eq!(response.status(), 303, "{app}");
    let described = latest_invitation(&app, &smtp, siti, 3).await;
    assert!(
        described.sequence > renamed.sequence,
        "{app}: {described:?}"
    );
    assert!(
        described.description.contains("Bawa laptop"),
        "{app}: {described:?}"
    );

    let mut changed = bimtek::domain::event::EventForm::of(&bimtek);
    changed.title = "Bimtek Literasi Informasi Desa".into();
    let fields = [
        ("title", changed.title.as_str()),
        ("slug", &changed.slug),
        ("description", &changed.description),
        ("organiser_office", &changed.organiser_office),
        ("time_zone", &changed.time_zone),
        ("start_date", &changed.start_date),
        ("start_time", &changed.start_time),
        ("end_date", &changed.end_date),
        ("end_time", &changed.end_time),
        ("seat_quota", &changed.seat_quota),
        ("contact", &changed.contact),
    ];
    let response = organiser
        .post(&format!("/manage/events/{}/edit", bimtek.slug), &fields)
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let retitled = latest_invitation(&app, &smtp, siti, 4).await;
    assert!(
        retitled.sequence > described.sequence,
        "{app}: {retitled:?}"
    );
    assert!(
        retitled.summary.contains("Bimtek Literasi Informasi Desa"),
        "{app}: {retitled:?}"
    );

    let response = app.browser().get(&new_feed(&app, &browser).await).await;
    let feed = read_ics(&response.text().await.unwrap());
    let entry = feed
        .iter()
        .find(|e| e.uid == first.uid)
        .unwrap_or_else(|| panic!("{app}: the session in the feed: {feed:?}"));
    assert_eq!(
        (entry.sequence, &entry.summary),
        (retitled.sequence, &retitled.summary),
        "{app}: the feed shows what was sent, at its SEQUENCE"
    );
}

/// Makes the participant's private feed and returns its address, from the
/// page that shows it once.
async fn new_feed(app: &TestApp, browser: &Browser) -> String {
    let (_, my) = browser.text("/my").await;
    let response = browser
        .post_with_token("/my/calendar", &[], &csrf_in(&my))
        .await;
    assert_eq!(Browser::location(&response), "/my/calendar", "{app}");
    let (status, shown) = browser.text("/my/calendar").await;
    assert_eq!(status, 200, "{app}");
    let start = shown.find("/calendar/").expect("the feed's address");
    let end = start + shown[start..].find(".ics").expect("an .ics address") + 4;
    shown[start..end].to_owned()
}

backend_tests!(
    the_private_feed_lists_every_session_until_revoked,
    multi_thread
);
async fn the_private_feed_lists_every_session_until_revoked(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    let wib = create_event(&app.db, event("bimtek-feed-wib", Tz::Asia__Jakarta, true)).await;
    let wit = create_event(&app.db, event("bimtek-feed-wit", Tz::Asia__Jayapura, true)).await;
    let organiser = organiser_of(&app, &[&wib, &wit]).await;
    plan(
        &app,
        &organiser,
        &wib,
        "Pembukaan",
        ("2030-07-29", "09:00", "09:30"),
        PASTED,
    )
    .await;
    plan(
        &app,
        &organiser,
        &wib,
        "Praktik",
        ("2030-07-29", "10:00", "12:00"),
        ROOM,
    )
    .await;
    plan(
        &app,
        &organiser,
        &wit,
        "Penutupan",
        ("2030-07-29", "11:00", "12:00"),
        ROOM,
    )
    .await;
    let (browser, _) = seated(&app, &smtp, &wib, 1).await;
    seated(&app, &smtp, &wit, 1).await;

    let path = new_feed(&app, &browser).await;
    let again = browser.get("/my/calendar").await;
    assert_eq!(Browser::location(&again), "/my", "{app}: shown once");

    let anonymous = app.browser();
    let response = anonymous.get(&path).await;
    assert_eq!(
        response.status(),
        200,
        "{app}: the secret is the credential"
    );
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(
        header("content-type"),
        "text/calendar; charset=utf-8; method=PUBLISH"
    );
    assert!(header("cache-control").starts_with("private"), "{app}");
    let feed = read_ics(&response.text().await.unwrap());
    assert_eq!(feed.len(), 3, "{app}: {feed:?}");
    assert!(
        feed.iter()
            .all(|e| e.method == "PUBLISH" && e.attendee.is_none())
    );
    let starts: Vec<DateTime<Utc>> = feed.iter().map(|e| e.start).collect();
    assert!(starts.contains(&at(Tz::Asia__Jakarta, 9, 0)));
    assert!(starts.contains(&at(Tz::Asia__Jayapura, 11, 0)));

    let (_, my) = browser.text("/my").await;
    assert!(!my.contains(&path), "{app}: the address is shown only once");
    let response = browser
        .post_with_token("/my/calendar/revoke", &[], &csrf_in(&my))
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(anonymous.get(&path).await.status(), 404, "{app}: revoked");
    assert_eq!(anonymous.get("/calendar/tebakan.ics").await.status(), 404);
}

/// Today's date and times from now in a zone where the next five hours
/// stay on today's date (Jakarta, else Honolulu, 17 hours behind it).
fn soon(minutes_from_now: i64) -> (Tz, String, String) {
    let now = Utc::now();
    let zone = [Tz::Asia__Jakarta, Tz::Pacific__Honolulu]
        .into_iter()
        .find(|zone| {
            let local = now.with_timezone(zone);
            (local + chrono::Duration::hours(5)).date_naive() == local.date_naive()
        })
        .unwrap();
    let at = (now + chrono::Duration::minutes(minutes_from_now)).with_timezone(&zone);
    (
        zone,
        at.format("%Y-%m-%d").to_string(),
        at.format("%H:%M").to_string(),
    )
}

backend_tests!(
    join_links_appear_on_the_participant_page_at_their_time,
    multi_thread
);
async fn join_links_appear_on_the_participant_page_at_their_time(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    let (zone, date, _) = soon(0);
    let mut new = event("bimtek-hari-ini", zone, true);
    new.starts_at = Utc::now() + chrono::Duration::days(1);
    new.ends_at = Utc::now() + chrono::Duration::days(2);
    let today = create_event(&app.db, new).await;
    let organiser = organiser_of(&app, &[&today]).await;
    // Within the default hour before: shown. Three hours ahead: not yet.
    let (_, _, start) = soon(30);
    let (_, _, end) = soon(90);
    let near = [
        ("delivery", "link"),
        ("join_link", "https://meet.example/segera"),
    ];
    plan(
        &app,
        &organiser,
        &today,
        "Segera",
        (&date, &start, &end),
        &near,
    )
    .await;
    let (_, _, start) = soon(180);
    let (_, _, end) = soon(240);
    let later = [
        ("delivery", "link"),
        ("join_link", "https://meet.example/nanti"),
    ];
    plan(
        &app,
        &organiser,
        &today,
        "Nanti",
        (&date, &start, &end),
        &later,
    )
    .await;
    let (browser, _) = seated(&app, &smtp, &today, 1).await;

    let (status, my) = browser.text("/my").await;
    assert_eq!(status, 200);
    assert!(
        my.contains("href=\"https://meet.example/segera\""),
        "{app}: {my}"
    );
    assert!(
        !my.contains("https://meet.example/nanti"),
        "{app}: shown too early"
    );
    assert!(my.contains("Tautan bergabung muncul"), "{app}: says when");
    assert!(my.contains("Segera") && my.contains("Nanti"));
}
