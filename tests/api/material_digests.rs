//! The daily digest of materials: participants with a confirmed seat are
//! told in one e-mail a day, in their language, of the materials that
//! opened to them; each material once, those for organisers only or
//! hidden never, and one that opens at its session's end only after it.
//! The digest is a job due at 18.00 in the event's zone; the test brings
//! it forward, as if the hour had come.

use bimtek::db::DbError;
use bimtek::domain::account::EventRole;
use bimtek::domain::session::SessionForm;
use bimtek::services::{registrations, sessions};
use chrono_tz::Tz;

use crate::follow_ups::due_now;
use crate::materials::{SLUG, SPEAKER, material_titled, materials_path, pdf, send, session_on};
use crate::support::smtp::SmtpServer;
use crate::support::*;

const DIGEST: &str = "material_digest";

/// The digests each address was sent so far: (recipient, text).
fn digests(smtp: &SmtpServer) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = smtp
        .received()
        .into_iter()
        .filter(|m| {
            m.subject().starts_with("Materi baru") || m.subject().starts_with("New materials")
        })
        .flat_map(|m| {
            let text = m.text();
            m.rcpt_to
                .iter()
                .map(|to| (to.clone(), text.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort();
    found
}

/// The digest jobs run again, as if a worker had died after sending them.
async fn run_digests_again(app: &TestApp) {
    app.db
        .transaction(|conn| -> Result<_, DbError> {
            use bimtek::db::schema::jobs::dsl::*;
            use diesel::prelude::*;
            diesel::update(jobs.filter(kind.eq(DIGEST)))
                .set(status.eq("queued"))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    due_now(app, DIGEST).await;
}

backend_tests!(participants_are_told_of_new_materials_in_one_email_a_day);
async fn participants_are_told_of_new_materials_in_one_email_a_day(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    let event = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let sari = staff(&app.db, SPEAKER, false, Some((&event, EventRole::Speaker))).await;
    let past = session_on(&app.db, &admin, &event, "2026-01-05", &[&sari]).await;
    let future = session_on(&app.db, &admin, &event, "2030-07-29", &[&sari]).await;
    let mut seats = Vec::new();
    for n in 1..=3 {
        let seat = registrations::add_by_hand(
            &app.db,
            &event,
            person(n).into_iter().collect(),
            &admin,
            &origin(&app.address),
        )
        .await
        .unwrap();
        seats.push(seat);
    }
    // Participant 2 reads English; participant 3 cancels.
    app.db
        .transaction(|conn| -> Result<_, DbError> {
            use bimtek::db::schema::users::dsl::*;
            use diesel::prelude::*;
            diesel::update(users.filter(email.eq("peserta2@perpusdes.example.id")))
                .set(lang.eq("en"))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let leaving = participant(&app.db, "peserta3@perpusdes.example.id", "Peserta 3").await;
    registrations::cancel(&app.db, &seats[2], &leaving, &origin(&app.address))
        .await
        .unwrap();
    let rina = organiser(&app, SLUG).await;
    let speaker = app.browser();
    speaker.sign_in(SPEAKER, PASSWORD).await;

    // Five materials on one day: two for participants, one for anyone,
    // one for the organisers, one hidden; and one that opens when the
    // session to come ends.
    for (title, visibility, availability, session) in [
        ("Strategi TPBIS", "registered", "now", &past),
        ("Rekaman", "registered", "now", &past),
        ("Slide publik", "public", "now", &past),
        ("Catatan panitia", "organisers", "now", &past),
        ("Draf lama", "registered", "now", &past),
        ("Modul lanjutan", "registered", "session_end", &future),
    ] {
        let fields = [
            ("title", title),
            ("visibility", visibility),
            ("availability", availability),
        ];
        let (status, page) = if title == "Rekaman" {
            let mut fields = fields.to_vec();
            fields.push(("link", "https://video.example.id/sesi-1"));
            send(&speaker, session, &fields, None).await
        } else {
            send(
                &speaker,
                session,
                &fields,
                Some(("berkas.pdf", pdf(title, 500))),
            )
            .await
        };
        assert_eq!(status, 303, "{app}: {title}: {page}");
    }
    let (_, page) = speaker.text(&materials_path(&past)).await;
    let draft = material_titled(&page, "Draf lama");
    let response = rina
        .post(
            &format!("/manage/events/{SLUG}/materials/{draft}/hide"),
            &[("hidden", "true")],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    wait_for_jobs(&app.db).await;
    assert_eq!(digests(&smtp), Vec::new(), "{app}: nothing before 18.00");

    due_now(&app, DIGEST).await;
    let sent = digests(&smtp);
    let to: Vec<&str> = sent.iter().map(|(to, _)| to.as_str()).collect();
    assert_eq!(
        to,
        [
            "peserta1@perpusdes.example.id",
            "peserta2@perpusdes.example.id"
        ],
        "{app}: one e-mail each, none to the cancelled seat nor the team"
    );
    let list_page = format!("/events/{SLUG}/materials");
    for (to, text) in &sent {
        for told in [
            "- Strategi TPBIS (Sesi 2026-01-05)",
            "- Rekaman (Sesi 2026-01-05)",
            "- Slide publik (Sesi 2026-01-05)",
            list_page.as_str(),
        ] {
            assert!(text.contains(told), "{app}: {to}: {told} in {text}");
        }
        for untold in ["Catatan panitia", "Draf lama", "Modul lanjutan"] {
            assert!(!text.contains(untold), "{app}: {to}: {untold} in {text}");
        }
    }
    assert!(sent[0].1.contains("kini dapat Anda baca"), "{app}");
    assert!(sent[1].1.contains("now open to you"), "{app}: in English");

    // Run again (a worker that died after its work): nothing more. The
    // digest of the day the session to come ends tells of nothing yet.
    run_digests_again(&app).await;
    due_now(&app, DIGEST).await;
    assert_eq!(digests(&smtp), sent, "{app}: nothing told twice");

    // The session is moved into the past: its material opens at its end,
    // and the next digest tells of it alone.
    let form = SessionForm {
        title: "Sesi 2030-07-29".into(),
        date: "2026-01-06".into(),
        start_time: "09:00".into(),
        end_time: "10:00".into(),
        delivery: "in_person".into(),
        location: "Aula".into(),
        speakers: vec![sari.id.clone()],
        ..SessionForm::default()
    };
    sessions::update(
        &app.db,
        &admin,
        &event,
        &future,
        form,
        &origin(&app.address),
    )
    .await
    .expect("the session is moved");
    due_now(&app, DIGEST).await;
    let now_sent = digests(&smtp);
    let new: Vec<&(String, String)> = now_sent.iter().filter(|m| !sent.contains(m)).collect();
    assert_eq!(new.len(), 2, "{app}: one more each: {new:?}");
    for (to, text) in new {
        assert!(
            text.contains("- Modul lanjutan (Sesi 2030-07-29)"),
            "{app}: {to}: {text}"
        );
        assert!(!text.contains("Strategi TPBIS"), "{app}: {to}: {text}");
    }
    run_digests_again(&app).await;
    assert_eq!(digests(&smtp), now_sent, "{app}: nothing told twice");

    // Shown again, a hidden material is told of in its turn; one for
    // organisers only never is.
    let response = rina
        .post(
            &format!("/manage/events/{SLUG}/materials/{draft}/hide"),
            &[("hidden", "false")],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    due_now(&app, DIGEST).await;
    let last = digests(&smtp);
    let new: Vec<&(String, String)> = last.iter().filter(|m| !now_sent.contains(m)).collect();
    assert_eq!(new.len(), 2, "{app}: {new:?}");
    assert!(
        new.iter()
            .all(|(_, text)| text.contains("Draf lama") && !text.contains("Catatan panitia")),
        "{app}: {new:?}"
    );
}
