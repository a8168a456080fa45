//! Sessions by HTTP on real databases: organisers plan the agenda with the
//! form (mistakes field by field), JP derived and overridden, the public
//! agenda with its zone labels and a participant's own zone, Zoom host
//! conflicts within and across events, and a speaker's own sessions.

use bimtek::domain::account::EventRole;
use bimtek::services::{accounts, events, sessions};
use chrono_tz::Tz;

use crate::support::smtp::SmtpServer;
use crate::support::*;

const HOST: &str = "zoom@dispusip.example.id";

/// Fields that differ from [`session`]'s; an empty value leaves one out.
type Changes<'s, 'a> = &'s [(&'a str, &'a str)];

/// A session form on 29 July 2030 (the fixtures' event day), with changes.
fn session<'a>(
    title: &'a str,
    start: &'a str,
    end: &'a str,
    more: Changes<'_, 'a>,
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("title", title),
        ("date", "2030-07-29"),
        ("start_time", start),
        ("end_time", end),
        ("mandatory", "on"),
        ("delivery", "zoom"),
        ("zoom_host", HOST),
    ];
    for (name, value) in more {
        fields.retain(|(n, _)| n != name);
        if !value.is_empty() {
            fields.push((name, value));
        }
    }
    fields
}

async fn add(browser: &Browser, slug: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let response = browser
        .post(&format!("/manage/events/{slug}/sessions"), fields)
        .await;
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

backend_tests!(organisers_plan_the_agenda_and_the_event_page_shows_it);
async fn organisers_plan_the_agenda_and_the_event_page_shows_it(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let created = create_event(&app.db, event("bimtek-agenda", Tz::Asia__Jakarta, true)).await;
    let speaker = accounts::create_with_password(
        &app.db,
        "ahmad@perpusnas.example.id",
        "Dr. Ahmad Fauzi, M.Hum.",
        PASSWORD,
        false,
    )
    .await
    .unwrap();
    accounts::add_member(
        &app.db,
        &created.id.to_string(),
        &speaker.id,
        EventRole::Speaker,
    )
    .await
    .unwrap();
    let rina = organiser(&app, "bimtek-agenda").await;
    let base = "/manage/events/bimtek-agenda/sessions";

    let (status, empty) = rina.text(base).await;
    assert_eq!(status, 200, "{app}");
    assert!(empty.contains("Belum ada sesi"), "{app}: {empty}");
    let public = app.page("/events/bimtek-agenda").await;
    assert!(
        public.contains("Agenda belum diumumkan") && !public.contains("Jumlah JP"),
        "{app}: no sessions, no JP total"
    );
    let (_, form) = rina.text(&format!("{base}/new")).await;
    assert!(
        form.contains(&format!(r#"value="{}""#, speaker.id))
            && form.contains("Dr. Ahmad Fauzi, M.Hum.")
            && form.contains(r#"value="2030-07-29""#)
            && form.contains("Waktu (WIB)"),
        "{app}: {form}"
    );

    // Mistakes come back next to their fields, with what was typed.
    let cases: [(Changes<'_, '_>, &str, &str); 5] = [
        (
            &[("end_time", "08:00")],
            "f-end_time-error",
            "Pukul selesai harus setelah pukul mulai.",
        ),
        (
            &[("start_time", "9 pagi")],
            "f-start_time-error",
            "Tulis pukul mulai yang benar",
        ),
        (
            &[("delivery", "link"), ("join_link", "zoom.us/j/855")],
            "f-join_link-error",
            "Tulis tautan rapat lengkap",
        ),
        (
            &[("delivery", "in_person")],
            "f-location-error",
            "Tulis tempat sesi tatap muka.",
        ),
        (
            &[("zoom_host", "")],
            "f-zoom_host-error",
            "Tulis e-mail atau ID pengguna Zoom",
        ),
    ];
    for (changes, id, message) in cases {
        let (status, page) = add(
            &rina,
            "bimtek-agenda",
            &session("Pembukaan", "09:00", "09:30", changes),
        )
        .await;
        assert_eq!(status, 422, "{app}: {changes:?}");
        assert!(
            page.contains(id) && page.contains(message),
            "{app}: {message} in {page}"
        );
        assert!(
            page.contains(r#"value="Pembukaan""#),
            "{app}: the title stays"
        );
    }

    // Three sessions: JP from the duration (floor of 45-minute hours) or overridden.
    let sessions_to_add = [
        session(
            "Pembukaan",
            "09:00",
            "09:30",
            &[
                ("delivery", "in_person"),
                ("location", "Aula Dinas Perpustakaan Bengkulu"),
            ],
        ),
        session(
            "Strategi pengembangan perpustakaan",
            "09:30",
            "11:00",
            &[
                ("speakers", speaker.id.as_str()),
                ("alternative_hosts", "on"),
            ],
        ),
        session(
            "Praktik TIK untuk layanan",
            "11:00",
            "12:00",
            &[
                ("delivery", "link"),
                ("join_link", "https://us02web.zoom.us/j/85512345678"),
                ("jp", "3"),
                ("mandatory", ""),
            ],
        ),
    ];
    for fields in &sessions_to_add {
        let (status, page) = add(&rina, "bimtek-agenda", fields).await;
        assert_eq!(status, 303, "{app}: {page}");
    }
    let (_, list) = rina.text(base).await;
    assert!(
        list.contains("Jumlah JP: <strong>5 JP</strong>")
            && list.contains("dari durasi: 1 JP")
            && list.contains("Menunggu dibuat"),
        "{app}: {list}"
    );

    let public = app.page("/events/bimtek-agenda").await;
    for expected in [
        r#"<section id="agenda""#,
        r##"<a href="#agenda">5 JP</a>"##,
        "09.30</time>–<time",
        ">11.00</time> WIB",
        "Narasumber:</p>",
        r#"<span class="name">Dr. Ahmad Fauzi, M.Hum.</span>"#,
        "2 JP · Wajib · Daring melalui Zoom",
        "0 JP · Wajib · Tatap muka: Aula Dinas Perpustakaan Bengkulu",
        "3 JP · Pilihan · Daring (tautan dibagikan kepada peserta)",
    ] {
        assert!(public.contains(expected), "{app}: {expected} in {public}");
    }
    assert!(
        !public.contains("us02web.zoom.us") && !public.contains(HOST),
        "{app}: links and hosts stay off the public page"
    );
    let (_, manage) = rina.text("/manage/events/bimtek-agenda").await;
    assert!(
        manage.contains("Jumlah JP: <strong>5 JP</strong>") && manage.contains(base),
        "{app}: {manage}"
    );

    // Edited: the form holds the stored values; a new time raises the sequence.
    let agenda = sessions::of_event(&app.db, &created.id.to_string())
        .await
        .unwrap();
    let strategy = agenda[1].clone();
    let (_, edit) = rina.text(&format!("{base}/{}/edit", strategy.id)).await;
    assert!(
        edit.contains(r#"value="09:30""#)
            && edit.contains(&format!(r#"value="{}" checked"#, speaker.id)),
        "{app}: {edit}"
    );
    let response = rina
        .post(
            &format!("{base}/{}/edit", strategy.id),
            &session(
                "Strategi pengembangan perpustakaan",
                "09:30",
                "11:15",
                &[("speakers", speaker.id.as_str())],
            ),
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let renamed = rina
        .post(
            &format!("{base}/{}/edit", strategy.id),
            &session(
                "Strategi dan TIK",
                "09:30",
                "11:15",
                &[("speakers", speaker.id.as_str())],
            ),
        )
        .await;
    assert_eq!(renamed.status(), 303, "{app}");
    let after = sessions::find(&app.db, &created, &strategy.id)
        .await
        .unwrap();
    assert_eq!(
        (after.plan.title.as_str(), after.sequence, after.plan.jp()),
        ("Strategi dan TIK", 2, 2),
        "{app}: the move and the new title each raised the sequence"
    );

    // Deleted after a confirmation page.
    let practice = &agenda[2];
    let (status, confirm_page) = rina.text(&format!("{base}/{}/delete", practice.id)).await;
    assert!(
        status == 200 && confirm_page.contains("Praktik TIK untuk layanan"),
        "{app}"
    );
    let response = rina
        .post(&format!("{base}/{}/delete", practice.id), &[])
        .await;
    assert_eq!(response.status(), 303, "{app}");
    assert!(
        app.page("/events/bimtek-agenda")
            .await
            .contains(r##"<a href="#agenda">2 JP</a>"##),
        "{app}"
    );

    // The speaker sees their session, in the event's zone, without the host's link.
    let ahmad = app.browser();
    ahmad.sign_in("ahmad@perpusnas.example.id", PASSWORD).await;
    let (_, mine) = ahmad.text("/my").await;
    assert!(mine.contains(r#"href="/my/sessions""#), "{app}: {mine}");
    let (status, speaking) = ahmad.text("/my/sessions").await;
    assert_eq!(status, 200, "{app}");
    assert!(
        speaking.contains("Strategi dan TIK")
            && speaking.contains("11.15</time> WIB")
            && speaking.contains("Tautan Zoom belum tersedia")
            && !speaking.contains("Pembukaan"),
        "{app}: {speaking}"
    );

    let log = accounts::audit_log(&app.db, 50).await.unwrap();
    for action in ["session.created", "session.updated", "session.deleted"] {
        assert!(
            log.iter().any(|line| line.action == action),
            "{app}: {action} is not in the audit log"
        );
    }
}

backend_tests!(one_zoom_host_holds_one_meeting_at_a_time_across_events);
async fn one_zoom_host_holds_one_meeting_at_a_time_across_events(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-wib", Tz::Asia__Jakarta, true)).await;
    create_event(&app.db, event("bimtek-wita", Tz::Asia__Makassar, true)).await;
    staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let admin = app.browser();
    admin.sign_in("admin@dispusip.example.id", PASSWORD).await;

    let (status, _) = add(
        &admin,
        "bimtek-wib",
        &session("Strategi TPBIS", "09:00", "10:30", &[]),
    )
    .await;
    assert_eq!(status, 303, "{app}");

    // 11.00 WITA is 10.00 WIB: the same host is taken. The message names
    // the other session, its event and its time in that event's zone.
    let clash = session(
        "Literasi digital",
        "11:00",
        "12:00",
        &[("zoom_host", "ZOOM@Dispusip.example.id")],
    );
    let (status, page) = add(&admin, "bimtek-wita", &clash).await;
    assert_eq!(status, 422, "{app}");
    assert!(
        page.contains("f-start_time-error")
            && page.contains(
                "Host Zoom ini sudah dipakai sesi “Strategi TPBIS” (Bimtek bimtek-wib, \
                     Senin, 29 Juli 2030, 09.00–10.30 WIB) pada waktu yang bertumpuk."
            ),
        "{app}: {page}"
    );
    // Within one event too.
    let (status, page) = add(
        &admin,
        "bimtek-wib",
        &session("Diskusi", "10:00", "11:00", &[]),
    )
    .await;
    assert_eq!(status, 422, "{app}: {page}");

    // Back to back is fine (11.30 WITA = 10.30 WIB), as is another host.
    let next = session("Literasi digital", "11:30", "12:00", &[]);
    assert_eq!(add(&admin, "bimtek-wita", &next).await.0, 303, "{app}");
    let other_host = session(
        "Diskusi",
        "10:00",
        "11:00",
        &[("zoom_host", "zoom2@dispusip.example.id")],
    );
    assert_eq!(add(&admin, "bimtek-wib", &other_host).await.0, 303, "{app}");

    // A session does not clash with itself when edited.
    let wib = events::by_slug(&app.db, "bimtek-wib").await.unwrap();
    let first = &sessions::of_event(&app.db, &wib.id.to_string())
        .await
        .unwrap()[0];
    let response = admin
        .post(
            &format!("/manage/events/bimtek-wib/sessions/{}/edit", first.id),
            &session("Strategi TPBIS", "09:00", "10:30", &[]),
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");

    // Two organisers booking the same free slot at once: one gets it.
    let slot = session("Serentak", "13:00", "14:00", &[]);
    let same_moment = session("Serentak", "14:00", "15:00", &[]);
    let (a, b) = tokio::join!(
        add(&admin, "bimtek-wib", &slot),
        add(&admin, "bimtek-wita", &same_moment),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [303, 422], "{app}: {a:?} {b:?}");
}

backend_tests!(a_participant_from_another_zone_also_sees_their_own_time);
async fn a_participant_from_another_zone_also_sees_their_own_time(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    create_event(&app.db, event("bimtek-zona", Tz::Asia__Jakarta, true)).await;
    let rina = organiser(&app, "bimtek-zona").await;
    let (status, _) = add(
        &rina,
        "bimtek-zona",
        &session("Strategi TPBIS", "09:00", "10:30", &[]),
    )
    .await;
    assert_eq!(status, 303, "{app}");

    // From Kota Makassar (WITA) for a WIB event.
    let mut fields = person(1);
    for (name, value) in fields.iter_mut() {
        match name.as_str() {
            "province_code" => *value = "73".into(),
            "regency_code" => *value = "73.71".into(),
            _ => {}
        }
    }
    let (status, _) = register(&app, "bimtek-zona", &fields).await;
    assert_eq!(status, 200, "{app}");
    let confirmation = mail(
        &app,
        &smtp,
        "peserta1@perpusdes.example.id",
        "Konfirmasi pendaftaran",
    )
    .await;
    let (participant, _) = confirm(&app, &confirmation).await;

    let (_, page) = participant.text("/events/bimtek-zona").await;
    assert!(
        page.contains("10.30</time> WIB / <time")
            && page.contains(">10.00</time>–<time")
            && page.contains(">11.30</time> WITA")
            && page.contains("zona waktu provinsi Anda (WITA)"),
        "{app}: {page}"
    );
    let anonymous = app.page("/events/bimtek-zona").await;
    assert!(!anonymous.contains("WITA"), "{app}: {anonymous}");
}

backend_tests!(the_configured_zoom_host_is_proposed_for_new_sessions);
async fn the_configured_zoom_host_is_proposed_for_new_sessions(backend: TestBackend) {
    let zoom = crate::support::zoom_server::ZoomServer::start().await;
    let app = crate::support::spawn_app_with(&backend, |s| {
        s.zoom = Some(zoom.config());
    })
    .await;
    create_event(&app.db, event("bimtek-host", Tz::Asia__Jakarta, false)).await;
    let rina = organiser(&app, "bimtek-host").await;
    let (_, form) = rina.text("/manage/events/bimtek-host/sessions/new").await;
    assert!(
        form.contains(&format!(
            r#"name="zoom_host" type="text" value="{}""#,
            crate::support::zoom_server::HOST_USER
        )),
        "{app}: {form}"
    );
}
