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
