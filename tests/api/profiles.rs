//! Speakers' profiles and their portal: the speaker keeps their own, an
//! organiser of an event they speak at may too (audited), nobody else;
//! photos are told by content, limited in size and made small; the
//! agenda shows who speaks; a speaker's sessions read in their own zone,
//! with the join link and never the host's start link.

use std::io::Cursor;

use bimtek::domain::account::{Account, EventRole};
use bimtek::domain::event::Event;
use bimtek::domain::session::{SessionForm, ZoomStatus};
use bimtek::services::sessions;
use chrono_tz::Tz;

use crate::support::zoom_server::{HOST_USER, ZoomServer};
use crate::support::*;

const SLUG: &str = "bimtek-narasumber";
const SPEAKER: &str = "ahmad@perpusnas.example.id";

/// Sends a profile form as a browser does: the fields, then the photo.
/// Answers the status and the page, or where a 303 leads.
async fn send(
    browser: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    photo: Option<(&str, Vec<u8>)>,
) -> (u16, String) {
    let token = browser.csrf().await;
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    let (name, bytes) = photo.unwrap_or(("", Vec::new()));
    form = form.part(
        "photo",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    let response = browser
        .client
        .post(browser.url(path))
        .header("connection", "close")
        .multipart(form)
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    if status == 303 {
        return (status, Browser::location(&response));
    }
    (status, response.text().await.unwrap())
}

/// A PNG of this size, of colours that do not compress to nothing.
fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 3 % 256) as u8,
            ((x ^ y) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A session of the event on 29 July 2030, 09.00 to 10.30 in its zone.
async fn session_of(app: &TestApp, admin: &Account, event: &Event, speaker: &Account) -> String {
    let form = SessionForm {
        title: "Strategi TPBIS".into(),
        date: "2030-07-29".into(),
        start_time: "09:00".into(),
        end_time: "10:30".into(),
        delivery: "in_person".into(),
        location: "Aula".into(),
        speakers: vec![speaker.id.clone()],
        ..SessionForm::default()
    };
    sessions::create(&app.db, admin, event, form, &origin(&app.address))
        .await
        .expect("the session is created")
        .id
}

const FILLED: [(&str, &str); 4] = [
    ("name", "Dr. Ahmad Fauzi, M.Hum."),
    ("position", "Pustakawan Ahli Utama"),
    ("institution", "Perpustakaan Nasional RI"),
    ("bio", "Pustakawan sejak 1998.\r\nMenulis tentang TPBIS."),
];

backend_tests!(a_speaker_keeps_their_profile_and_the_agenda_shows_it);
async fn a_speaker_keeps_their_profile_and_the_agenda_shows_it(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let event = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let ahmad = staff(&app.db, SPEAKER, false, Some((&event, EventRole::Speaker))).await;
    session_of(&app, &admin, &event, &ahmad).await;
    let browser = app.browser();
    browser.sign_in(SPEAKER, PASSWORD).await;
    let (status, page) = browser.text("/my/profile").await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains(&format!("value=\"{SPEAKER}\"")),
        "{app}: the name so far"
    );

    // Wrong fields: each with its message, what was typed kept.
    let long = "a".repeat(801);
    let (status, page) = send(
        &browser,
        "/my/profile",
        &[
            ("name", ""),
            ("position", "Pustakawan Ahli Utama"),
            ("institution", "Perpustakaan Nasional RI"),
            ("bio", &long),
            ("time_zone", "Europe/Paris"),
        ],
        None,
    )
    .await;
    assert_eq!(status, 422, "{app}: {page}");
    for message in [
        "Tulis nama beserta gelarnya.",
        "paling banyak 800 karakter (sekarang 801)",
        "Pilih WIB, WITA, WIT",
    ] {
        assert!(page.contains(message), "{app}: {message}: {page}");
    }
    assert!(
        page.contains("value=\"Pustakawan Ahli Utama\""),
        "{app}: kept"
    );
    assert!(page.contains(&long), "{app}: the biography is kept");
    assert!(page.contains("id=\"f-name-error\""), "{app}: by its field");

    // A photo is told by its content, not its name, and has a limit.
    let (status, page) = send(
        &browser,
        "/my/profile",
        &FILLED,
        Some(("foto.png", b"%PDF-1.7\n% bukan gambar\n".repeat(20))),
    )
    .await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Isi berkas ini bukan JPG/PNG"),
        "{app}: {page}"
    );
    assert!(page.contains("id=\"f-photo-error\""), "{app}: by its field");
    assert!(
        page.contains("value=\"Perpustakaan Nasional RI\""),
        "{app}: kept"
    );
    let mut huge = png(8, 8);
    huge.resize(6 * 1024 * 1024, 0);
    let (status, page) = send(&browser, "/my/profile", &FILLED, Some(("besar.png", huge))).await;
    assert_eq!(status, 413, "{app}: {page}");
    assert!(
        page.contains("Berkas lebih besar dari 5 MB"),
        "{app}: {page}"
    );
    assert!(
        page.contains("value=\"Dr. Ahmad Fauzi, M.Hum.\""),
        "{app}: kept"
    );

    // A large PNG is taken and made a small JPEG.
    let mut fields = FILLED.to_vec();
    fields.push(("time_zone", "Asia/Makassar"));
    let (status, page) = send(
        &browser,
        "/my/profile",
        &fields,
        Some(("foto.png", png(1600, 1200))),
    )
    .await;
    assert_eq!(
        (status, page.as_str()),
        (303, "/my/profile?saved=1"),
        "{app}"
    );
    let (_, page) = browser.text(&page).await;
    assert!(page.contains("Profil tersimpan."), "{app}: {page}");
    assert!(
        page.contains("<option value=\"Asia/Makassar\" selected>"),
        "{app}: {page}"
    );
    assert!(
        page.contains("Pustakawan sejak 1998.\nMenulis tentang TPBIS."),
        "{app}: {page}"
    );

    // The agenda shows who speaks, with a small photo.
    let event_page = app.page(&format!("/events/{SLUG}")).await;
    assert!(
        event_page.contains("Dr. Ahmad Fauzi, M.Hum."),
        "{app}: {event_page}"
    );
    assert!(
        event_page.contains("Pustakawan Ahli Utama, Perpustakaan Nasional RI"),
        "{app}: {event_page}"
    );
    assert!(
        event_page.contains("<summary>Riwayat singkat<span class=\"visually-hidden\">: Dr. Ahmad Fauzi, M.Hum.</span></summary>")
            && event_page.contains("Pustakawan sejak 1998.\nMenulis tentang TPBIS."),
        "{app}: the biography, folded: {event_page}"
    );
    let photo = event_page
        .split("src=\"/speakers/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|rest| format!("/speakers/{rest}"))
        .unwrap_or_else(|| panic!("{app}: the photo is shown: {event_page}"));
    assert!(
        event_page.contains("width=\"64\" height=\"48\"")
            && event_page.contains("alt=\"Foto Dr. Ahmad Fauzi, M.Hum.\""),
        "{app}: {event_page}"
    );
    assert!(
        event_page.len() < 30 * 1024,
        "{app}: {} bytes",
        event_page.len()
    );
    let response = app.browser().get(&photo).await;
    assert_eq!(response.status(), 200, "{app}: {photo}");
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "image/jpeg");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("cache-control").contains("max-age"), "{app}");
    let jpeg = response.bytes().await.unwrap();
    let read = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg)
        .expect("a JPEG is served");
    assert_eq!((read.width(), read.height()), (400, 300), "{app}");
    assert!(jpeg.len() < 100 * 1024, "{app}: {} bytes", jpeg.len());

    // Removed, the photo is no longer served.
    let mut fields = FILLED.to_vec();
    fields.push(("remove_photo", "on"));
    let (status, page) = send(&browser, "/my/profile", &fields, None).await;
    assert_eq!(status, 303, "{app}: {page}");
    assert_eq!(app.browser().get(&photo).await.status(), 404, "{app}");
    let event_page = app.page(&format!("/events/{SLUG}")).await;
    assert!(
        !event_page.contains("src=\"/speakers/"),
        "{app}: {event_page}"
    );
}

backend_tests!(organisers_keep_the_profiles_of_their_own_speakers_only);
async fn organisers_keep_the_profiles_of_their_own_speakers_only(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let event = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
    let ahmad = staff(&app.db, SPEAKER, false, Some((&event, EventRole::Speaker))).await;
    let rina = organiser(&app, SLUG).await;
    let andi = organiser_elsewhere(&app).await;
    let path = format!("/manage/events/{SLUG}/speakers/{}", ahmad.id);

    let (status, page) = rina.text(&path).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        !page.contains("name=\"time_zone\""),
        "{app}: the speaker's own"
    );
    let (status, page) = send(&rina, &path, &[("name", "")], None).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Tulis nama beserta gelarnya."),
        "{app}: {page}"
    );
    let (status, page) = send(&rina, &path, &FILLED, Some(("foto.jpg", jpeg(300, 300)))).await;
    assert_eq!(status, 303, "{app}: {page}");
    let (_, page) = rina.text(&path).await;
    assert!(
        page.contains("value=\"Dr. Ahmad Fauzi, M.Hum.\""),
        "{app}: {page}"
    );
    assert!(
        page.contains("src=\"/speakers/"),
        "{app}: the photo: {page}"
    );
    let audit = bimtek::services::accounts::audit_log(&app.db, 10)
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|row| row.action == "speaker.profile_updated"
                && row.subject.as_deref() == Some(SPEAKER)
                && row.event_id.as_deref() == Some(&event.id.to_string())),
        "{app}: audited"
    );

    // Another event's organiser, and anyone not speaking in the event.
    assert_eq!(andi.get(&path).await.status(), 403, "{app}");
    let (status, _) = send(&andi, &path, &[("name", "Bukan")], None).await;
    assert_eq!(status, 403, "{app}");
    let other = staff(&app.db, "tamu@perpus.example.id", false, None).await;
    let elsewhere = format!("/manage/events/{SLUG}/speakers/{}", other.id);
    assert_eq!(rina.get(&elsewhere).await.status(), 404, "{app}");
    let (status, _) = send(&rina, &elsewhere, &FILLED, None).await;
    assert_eq!(status, 404, "{app}");
    let (_, page) = app.browser().text(&format!("/events/{SLUG}")).await;
    assert!(!page.contains("Bukan"), "{app}");
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::new(width, height))
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

backend_tests!(a_speakers_sessions_read_in_their_zone_with_the_join_link_only);
async fn a_speakers_sessions_read_in_their_zone_with_the_join_link_only(backend: TestBackend) {
    let zoom = ZoomServer::start().await;
    let config = zoom.config();
    let app = spawn_app_with(&backend, |s| {
        s.zoom = Some(config);
        s.registrations_per_minute = 0;
    })
    .await;
    let event = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
    let ahmad = staff(&app.db, SPEAKER, false, Some((&event, EventRole::Speaker))).await;
    let rina = organiser(&app, SLUG).await;
    let response = rina
        .post(
            &format!("/manage/events/{SLUG}/sessions"),
            &[
                ("title", "Strategi TPBIS"),
                ("date", "2030-07-29"),
                ("start_time", "09:00"),
                ("end_time", "10:30"),
                ("delivery", "zoom"),
                ("zoom_host", HOST_USER),
                ("speakers", &ahmad.id),
                ("alternative_hosts", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}: the session is saved");
    let session = until("the meeting to be made", || async {
        sessions::of_event(&app.db, &event.id.to_string())
            .await
            .unwrap()
            .pop()
            .filter(|s| s.zoom.status == ZoomStatus::Ready)
    })
    .await;
    let join = session.zoom.join_url.clone().expect("a join link");
    let start = session.zoom.start_url.clone().expect("a start link");
    assert_ne!(join, start);

    let browser = app.browser();
    browser.sign_in(SPEAKER, PASSWORD).await;
    let (status, page) = browser.text("/my/sessions").await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("09.00</time>–<time") || page.contains(">09.00<"),
        "{app}: {page}"
    );
    assert!(page.contains(" WIB"), "{app}: the event's zone: {page}");

    let mut fields = FILLED.to_vec();
    fields.push(("time_zone", "Asia/Jayapura"));
    let (status, page) = send(&browser, "/my/profile", &fields, None).await;
    assert_eq!(status, 303, "{app}: {page}");
    let (_, page) = browser.text("/my/sessions").await;
    assert!(
        page.contains("11.00"),
        "{app}: 09.00 WIB is 11.00 WIT: {page}"
    );
    assert!(page.contains("12.30</time> WIT"), "{app}: {page}");
    assert!(!page.contains("09.00"), "{app}: {page}");
    let escaped = |url: &str| url.replace('&', "&amp;");
    assert!(
        page.contains(&format!("href=\"{}\"", escaped(&join))),
        "{app}: {page}"
    );
    assert!(
        !page.contains(&start) && !page.contains(&escaped(&start)),
        "{app}: never the host's start link: {page}"
    );
    assert!(
        page.contains(&format!(
            "/manage/events/{SLUG}/sessions/{}/materials",
            session.id
        )),
        "{app}: {page}"
    );
    assert!(page.contains("href=\"/my/profile\""), "{app}: {page}");
}
