//! Organisers create, edit, publish and unpublish events through the forms.

use crate::support::*;

const FORM: [(&str, &str); 11] = [
    ("title", "Bimtek Literasi Digital"),
    ("slug", "literasi-digital-2026"),
    (
        "organiser_office",
        "Dinas Perpustakaan dan Kearsipan Provinsi Sulawesi Selatan",
    ),
    ("description", "Pelatihan daring."),
    ("time_zone", "WITA"),
    ("start_date", "2030-07-29"),
    ("start_time", "08:30"),
    ("end_date", "2030-07-29"),
    ("end_time", "12:00"),
    ("seat_quota", "150"),
    ("contact", "Andi, 0812-0000-0000"),
];

backend_tests!(an_organiser_creates_edits_publishes_and_unpublishes_an_event);
async fn an_organiser_creates_edits_publishes_and_unpublishes_an_event(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let admin = app.browser();
    admin.sign_in("admin@dispusip.example.id", PASSWORD).await;
    assert_eq!(admin.text("/manage/events/new").await.0, 200, "{app}");

    // Mistakes come back field by field, with what was typed.
    let mut wrong = FORM.to_vec();
    wrong[4] = ("time_zone", "Mars");
    wrong[5] = ("start_date", "29 Juli");
    let response = admin.post("/manage/events", &wrong).await;
    assert_eq!(response.status(), 422, "{app}");
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Tulis WIB, WITA, WIT atau nama zona IANA yang benar."),
        "{app}: {html}"
    );
    assert!(html.contains(r#"value="Bimtek Literasi Digital""#), "{app}");

    let response = admin.post("/manage/events", &FORM).await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(
        response.headers()["location"],
        "/manage/events/literasi-digital-2026"
    );
    assert_eq!(
        app.get("/events/literasi-digital-2026").await.status(),
        404,
        "{app}: a draft is public"
    );
    let (_, manage) = admin.text("/manage/events/literasi-digital-2026").await;
    assert!(manage.contains("Draf (belum terbit)"), "{app}: {manage}");

    let publish = admin
        .post(
            "/manage/events/literasi-digital-2026/publish",
            &[("published", "1")],
        )
        .await;
    assert_eq!(publish.status(), 303, "{app}");
    let public = app.page("/events/literasi-digital-2026").await;
    assert!(
        public.contains("Senin, 29 Juli 2030, 08.30</time>–"),
        "{app}: {public}"
    );
    assert!(public.contains("12.00</time> WITA"), "{app}");

    // Edited: the form shows the stored values in the event's own zone.
    let (_, edit) = admin
        .text("/manage/events/literasi-digital-2026/edit")
        .await;
    assert!(
        edit.contains(r#"value="08:30""#) && edit.contains(r#"value="Asia/Makassar""#),
        "{app}: {edit}"
    );
    let mut changed = FORM.to_vec();
    changed[0] = ("title", "Bimtek Literasi Digital untuk Perpustakaan Desa");
    let response = admin
        .post("/manage/events/literasi-digital-2026/edit", &changed)
        .await;
    assert_eq!(response.status(), 303, "{app}");
    assert!(
        app.page("/events/literasi-digital-2026")
            .await
            .contains("untuk Perpustakaan Desa"),
        "{app}"
    );

    // A slug in use is refused by name.
    let mut second = FORM.to_vec();
    second[1] = ("slug", "literasi-digital-2026");
    let response = admin.post("/manage/events", &second).await;
    assert_eq!(response.status(), 422, "{app}");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("sudah dipakai bimtek lain"),
        "{app}"
    );

    let unpublish = admin
        .post(
            "/manage/events/literasi-digital-2026/publish",
            &[("published", "0")],
        )
        .await;
    assert_eq!(unpublish.status(), 303, "{app}");
    assert_eq!(
        app.get("/events/literasi-digital-2026").await.status(),
        404,
        "{app}"
    );
    let (_, log) = admin.text("/admin/audit").await;
    for action in [
        "Bimtek dibuat",
        "Data bimtek diubah",
        "Bimtek diterbitkan",
        "Bimtek ditarik dari publikasi",
    ] {
        assert!(
            log.contains(action),
            "{app}: {action} is not in the audit log"
        );
    }
}

backend_tests!(staff_forms_refuse_overlong_text_and_control_characters_at_their_fields);
/// A 60,000-character title was stored, and NUL, ESC or a line break in
/// the staff's forms reached e-mails and exports: each field is refused
/// at its place with what was typed, and nothing is stored.
async fn staff_forms_refuse_overlong_text_and_control_characters_at_their_fields(
    backend: TestBackend,
) {
    use bimtek::services::{accounts, questions, sessions};

    let app = spawn_app(&backend).await;
    let created = create_event(
        &app.db,
        event("bimtek-teks-panitia", chrono_tz::Tz::Asia__Jakarta, false),
    )
    .await;
    staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let admin = app.browser();
    admin.sign_in("admin@dispusip.example.id", PASSWORD).await;
    let event_id = created.id.to_string();
    let too_long = "a".repeat(60_000);
    let escaped = "Bimtek \u{1b}[2J Literasi";
    let refused = |page: &str, typed: &str, message: &str| {
        assert!(page.contains(message), "{app}: {message}");
        assert!(
            page.contains(&format!(r#"value="{typed}""#))
                || page.contains(&format!(">{typed}</textarea>")),
            "{app}: what was typed is not kept"
        );
    };
    let long_message = "Terlalu panjang: paling banyak 200 karakter (sekarang 60000).";
    let control = "karakter kendali";

    // The event form: title, office, contact on one line, the description
    // in paragraphs.
    for (field, value, message) in [
        ("title", too_long.as_str(), long_message),
        ("title", escaped, control),
        ("organiser_office", "Dinas\0Perpustakaan", control),
        ("contact", "Andi\r\nBcc: x@evil.example", control),
        ("description", "Paragraf\u{1b}[31m", control),
    ] {
        let mut form = FORM.to_vec();
        form.retain(|(name, _)| *name != field);
        form.push((field, value));
        let response = admin.post("/manage/events", &form).await;
        assert_eq!(response.status(), 422, "{app}: {field}");
        let page = response.text().await.unwrap();
        refused(&page, value, message);
        assert!(
            bimtek::services::events::by_slug(&app.db, "literasi-digital-2026")
                .await
                .is_err(),
            "{app}: {field} was stored"
        );
    }
    let response = admin
        .post("/manage/events/bimtek-teks-panitia/edit", &{
            let mut form = FORM.to_vec();
            form[0] = ("title", escaped);
            form[1] = ("slug", "bimtek-teks-panitia");
            form
        })
        .await;
    assert_eq!(response.status(), 422, "{app}");
    assert_eq!(
        bimtek::services::events::by_slug(&app.db, "bimtek-teks-panitia")
            .await
            .unwrap()
            .title,
        created.title,
        "{app}"
    );
    // Line breaks are what a description has; a pasted tab is a space.
    let mut form = FORM.to_vec();
    form[3] = ("description", "Paragraf pertama.\r\n\r\nParagraf\tkedua.");
    assert_eq!(
        admin.post("/manage/events", &form).await.status(),
        303,
        "{app}"
    );
    let stored = bimtek::services::events::by_slug(&app.db, "literasi-digital-2026")
        .await
        .unwrap();
    assert_eq!(stored.description, "Paragraf pertama.\n\nParagraf kedua.");

    // The session form.
    let sessions_path = "/manage/events/bimtek-teks-panitia/sessions";
    fn session<'a>(field: &'a str, value: &'a str) -> Vec<(&'a str, &'a str)> {
        let mut form = vec![
            ("title", "Pembukaan"),
            ("date", "2030-07-29"),
            ("start_time", "09:00"),
            ("end_time", "10:00"),
            ("delivery", "in_person"),
            ("location", "Aula Dinas"),
        ];
        form.retain(|(name, _)| *name != field);
        form.push((field, value));
        form
    }
    let response = admin
        .post(sessions_path, &session("title", &too_long))
        .await;
    assert_eq!(response.status(), 422, "{app}");
    refused(&response.text().await.unwrap(), &too_long, long_message);
    for (field, value) in [
        ("title", "Pembukaan\u{1b}[2J"),
        ("title", "Pembukaan\0"),
        ("location", "Aula\r\nDinas"),
        ("description", "Materi\u{7}"),
    ] {
        let response = admin.post(sessions_path, &session(field, value)).await;
        assert_eq!(response.status(), 422, "{app}: {field} {value:?}");
        let page = response.text().await.unwrap();
        refused(&page, value, control);
    }
    assert!(
        sessions::of_event(&app.db, &event_id)
            .await
            .unwrap()
            .is_empty(),
        "{app}: a session was stored"
    );

    // An event's own question, and an invitation to its team.
    let response = admin
        .post(
            "/manage/events/bimtek-teks-panitia/questions",
            &[("label", "Ukuran\u{1b}[2J kaos"), ("kind", "text")],
        )
        .await;
    assert_eq!(response.status(), 422, "{app}");
    refused(
        &response.text().await.unwrap(),
        "Ukuran\u{1b}[2J kaos",
        control,
    );
    assert!(
        questions::of_event(&app.db, &event_id)
            .await
            .unwrap()
            .is_empty(),
        "{app}: a question was stored"
    );
    let response = admin
        .post(
            "/manage/events/bimtek-teks-panitia/invitations",
            &[
                ("name", "Budi\r\nBcc: x@evil.example"),
                ("email", "budi@perpusnas.example.id"),
                ("role", "speaker"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422, "{app}");
    assert!(response.text().await.unwrap().contains(control), "{app}");
    assert!(
        !accounts::all_users(&app.db)
            .await
            .unwrap()
            .iter()
            .any(|user| user.email == "budi@perpusnas.example.id"),
        "{app}: the invited person was stored"
    );
}
