//! Session materials: speakers and organisers put files and links up,
//! participants read them as their visibility and availability allow;
//! what is refused, and why, on both storages; downloads in ranges and as
//! one ZIP; organisers hide and remove them; a 50 MB upload streams.

use std::io::{Read, Write};

use bimtek::db::Db;
use bimtek::domain::account::{Account, EventRole};
use bimtek::domain::event::Event;
use bimtek::domain::session::SessionForm;
use bimtek::services::{registrations, sessions};
use chrono_tz::Tz;

use crate::support::process::{bimtek, memory_mib, reset_peak, start};
use crate::support::s3_server::S3Server;
use crate::support::*;

pub const SLUG: &str = "bimtek-materi";
pub const SPEAKER: &str = "sari@perpusnas.example.id";
const OTHER_SPEAKER: &str = "budi@perpusnas.example.id";

/// A session of the event on `date` (09.00 to 10.00 in the event's zone)
/// with these speakers; its id.
pub async fn session_on(
    db: &Db,
    admin: &Account,
    event: &Event,
    date: &str,
    speakers: &[&Account],
) -> String {
    let form = SessionForm {
        title: format!("Sesi {date}"),
        date: date.into(),
        start_time: "09:00".into(),
        end_time: "10:00".into(),
        delivery: "in_person".into(),
        location: "Aula".into(),
        speakers: speakers.iter().map(|s| s.id.clone()).collect(),
        ..SessionForm::default()
    };
    sessions::create(db, admin, event, form, &origin("http://127.0.0.1"))
        .await
        .expect("the session is created")
        .id
}

pub fn materials_path(session: &str) -> String {
    format!("/manage/events/{SLUG}/sessions/{session}/materials")
}

/// Sends the material form as a browser does: the fields, then the file.
pub async fn send(
    browser: &Browser,
    session: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> (u16, String) {
    let (_, page) = browser.text("/my/sign-in").await;
    let mut form = reqwest::multipart::Form::new().text("csrf_token", csrf_in(&page));
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    let (name, bytes) = file.unwrap_or(("", Vec::new()));
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    let response = browser
        .client
        .post(browser.url(&materials_path(session)))
        .header("connection", "close")
        .multipart(form)
        .timeout(std::time::Duration::from_secs(300))
        .send()
        .await
        .expect("the server answers");
    (response.status().as_u16(), response.text().await.unwrap())
}

pub fn pdf(text: &str, size: usize) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.7\n% {text}\n").into_bytes();
    bytes.resize(size.max(bytes.len()), b'.');
    bytes
}

/// A zip holding these parts, as Office files are.
fn zipped(parts: &[&str]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for part in parts {
        out.start_file(*part, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(b"<x/>").unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The ids of the materials a page links to for download, in order.
fn material_ids(page: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for part in page.split("href=\"/materials/").skip(1) {
        let id: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// The material titled `title` on a page listing materials.
pub fn material_titled(page: &str, title: &str) -> String {
    page.split("href=\"/materials/")
        .skip(1)
        .find(|part| {
            part.split('<')
                .next()
                .unwrap_or("")
                .ends_with(&format!(">{title}"))
        })
        .map(|part| {
            part.chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect()
        })
        .unwrap_or_else(|| panic!("{title} is listed: {page}"))
}

struct Scene {
    app: TestApp,
    /// Speaker of the session that has ended (`past`) only.
    sari: Browser,
    rina: Browser,
    past: String,
    future: String,
    /// Holds a seat.
    participant: Browser,
    /// Holds a seat in another event only.
    stranger: Browser,
    /// A speaker of the event, of the future session only.
    budi: Browser,
}

/// The event (published; one session in 2026, over, and one in 2030 to
/// come), its organiser, two speakers, a participant with a seat and one
/// with a seat in another event; files kept as `storage` says.
async fn scene(backend: &TestBackend, storage: Option<&S3Server>) -> Scene {
    let app = spawn_app_with(backend, |s| {
        s.material_limit_mb = 1;
        if let Some(s3) = storage {
            s.storage = s3.config("bimtek/files");
        }
    })
    .await;
    let other = create_event(&app.db, event("bimtek-seberang", Tz::Asia__Jakarta, true)).await;
    let event = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let sari = staff(&app.db, SPEAKER, false, Some((&event, EventRole::Speaker))).await;
    let budi = staff(
        &app.db,
        OTHER_SPEAKER,
        false,
        Some((&event, EventRole::Speaker)),
    )
    .await;
    let past = session_on(&app.db, &admin, &event, "2026-01-05", &[&sari]).await;
    let future = session_on(&app.db, &admin, &event, "2030-07-29", &[&budi]).await;
    let rina = organiser(&app, SLUG).await;
    for (event, n) in [(&event, 1), (&other, 2)] {
        registrations::add_by_hand(
            &app.db,
            event,
            person(n).into_iter().collect(),
            &admin,
            &origin(&app.address),
        )
        .await
        .unwrap();
    }
    let participant = participant_signed_in(&app, 1).await;
    let stranger = participant_signed_in(&app, 2).await;
    let signed_in = |email: &'static str| {
        let browser = app.browser();
        async move {
            browser.sign_in(email, PASSWORD).await;
            browser
        }
    };
    let sari = signed_in(SPEAKER).await;
    let budi = signed_in(OTHER_SPEAKER).await;
    Scene {
        app,
        sari,
        rina,
        past,
        future,
        participant,
        stranger,
        budi,
    }
}

pub const NOW: [(&str, &str); 2] = [("visibility", "registered"), ("availability", "now")];

async fn materials_are_put_up_refused_and_read_as_allowed(s: &Scene) {
    let app = &s.app;
    // The speaker puts up slides.
    let (status, page) = send(
        &s.sari,
        &s.past,
        &[("title", "Strategi TPBIS"), NOW[0], NOW[1]],
        Some(("Strategi TPBIS.pdf", pdf("versi 1", 3000))),
    )
    .await;
    assert_eq!(status, 303, "{app}: {page}");
    let (status, page) = send(
        &s.sari,
        &s.past,
        &[
            ("title", "Slide publik"),
            ("visibility", "public"),
            ("availability", "now"),
        ],
        Some((
            "slide.pptx",
            zipped(&[
                "[Content_Types].xml",
                "ppt/presentation.xml",
                "ppt/slides/slide1.xml",
            ]),
        )),
    )
    .await;
    assert_eq!(status, 303, "{app}: {page}");
    let (status, page) = send(
        &s.sari,
        &s.past,
        &[
            ("title", "Rekaman"),
            NOW[0],
            NOW[1],
            ("link", "https://video.example.id/sesi-1"),
        ],
        None,
    )
    .await;
    assert_eq!(status, 303, "{app}: {page}");
    let (status, page) = send(
        &s.sari,
        &s.past,
        &[
            ("title", "Catatan panitia"),
            ("visibility", "organisers"),
            ("availability", "now"),
        ],
        Some(("catatan.pdf", pdf("internal", 500))),
    )
    .await;
    assert_eq!(status, 303, "{app}: {page}");

    // Refused, each with its message and what was typed kept.
    for name in [
        "../../etc/Strategi TPBIS.pdf",
        "..\\..\\windows\\slide.pdf",
        "C:\\Users\\sari\\slide.pdf",
        "..",
        "   ",
        "slide\u{9b}.pdf",
    ] {
        let (status, page) = send(
            &s.sari,
            &s.past,
            &[("title", "Nama aneh"), NOW[0], NOW[1]],
            Some((name, pdf("nama", 300))),
        )
        .await;
        assert_eq!(status, 422, "{app}: {name:?}: {page}");
        assert!(
            page.contains("Nama berkas tidak boleh berisi folder"),
            "{app}: {name:?}: {page}"
        );
        assert!(
            page.contains("value=\"Nama aneh\""),
            "{app}: {name:?}: the title is kept"
        );
    }
    let program = b"MZ\x90\x00\x03\x00\x00\x00".repeat(200);
    let (status, page) = send(
        &s.sari,
        &s.past,
        &[("title", "Program"), NOW[0], NOW[1]],
        Some(("slide.pdf", program)),
    )
    .await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Isi berkas ini bukan PDF/PPTX/DOCX/XLSX/JPG/PNG"),
        "{app}: {page}"
    );
    assert!(
        page.contains("value=\"Program\""),
        "{app}: the title is kept"
    );
    let (status, page) = send(
        &s.sari,
        &s.past,
        &[("title", "Arsip"), NOW[0], NOW[1]],
        Some(("arsip.docx", zipped(&["setup.exe"]))),
    )
    .await;
    assert_eq!(
        status, 422,
        "{app}: an archive that is no Office file: {page}"
    );
    let (status, page) = send(
        &s.sari,
        &s.past,
        &[("title", "Besar"), NOW[0], NOW[1]],
        Some(("besar.pdf", pdf("besar", 2 * 1024 * 1024))),
    )
    .await;
    assert_eq!(status, 413, "{app}: {page}");
    assert!(
        page.contains("Berkas lebih besar dari 1 MB"),
        "{app}: {page}"
    );
    let (status, page) = send(
        &s.sari,
        &s.past,
        &[
            ("title", "Skrip"),
            NOW[0],
            NOW[1],
            ("link", "javascript:alert(1)"),
        ],
        None,
    )
    .await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("diawali http:// atau https://"),
        "{app}: {page}"
    );

    // Only the session's speakers and the event's organisers upload.
    let slide = || Some(("slide.pdf", pdf("x", 100)));
    let fields = [("title", "Slide"), NOW[0], NOW[1]];
    assert_eq!(
        send(&s.sari, &s.future, &fields, slide()).await.0,
        403,
        "{app}: not her session"
    );
    let andi = organiser_elsewhere(app).await;
    assert_eq!(
        send(&andi, &s.past, &fields, slide()).await.0,
        403,
        "{app}: another event's organiser"
    );
    assert_eq!(
        send(&s.participant, &s.past, &fields, slide()).await.0,
        303,
        "{app}: a participant is sent to sign in as staff"
    );
    assert_eq!(
        send(&app.browser(), &s.past, &fields, slide()).await.0,
        303,
        "{app}: anonymous"
    );
    assert_eq!(
        s.sari.text(&materials_path(&s.future)).await.0,
        403,
        "{app}"
    );

    // The organiser adds one that opens after the session to come.
    let (status, page) = send(
        &s.rina,
        &s.future,
        &[
            ("title", "Modul lanjutan"),
            ("visibility", "registered"),
            ("availability", "session_end"),
        ],
        Some(("modul.pdf", pdf("modul", 800))),
    )
    .await;
    assert_eq!(status, 303, "{app}: {page}");

    let (_, past_page) = s.sari.text(&materials_path(&s.past)).await;
    let slides = material_titled(&past_page, "Strategi TPBIS");
    let public = material_titled(&past_page, "Slide publik");
    let video = material_titled(&past_page, "Rekaman");
    let internal = material_titled(&past_page, "Catatan panitia");
    let (_, future_page) = s.rina.text(&materials_path(&s.future)).await;
    let later = material_titled(&future_page, "Modul lanjutan");

    // A newer file keeps the first as an earlier version.
    let (status, page) = send(
        &s.sari,
        &s.past,
        &[("material", &slides)],
        Some(("Strategi TPBIS v2.pdf", pdf("versi 2", 4000))),
    )
    .await;
    assert_eq!(status, 303, "{app}: {page}");

    // The participant with a seat reads it, as a download of its own name.
    let response = s.participant.get(&format!("/materials/{slides}")).await;
    assert_eq!(response.status(), 200, "{app}");
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf", "{app}");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"Strategi TPBIS v2.pdf\"; filename*=UTF-8''Strategi%20TPBIS%20v2.pdf",
        "{app}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff", "{app}");
    assert_eq!(headers["cache-control"], "no-store", "{app}");
    assert_eq!(headers["accept-ranges"], "bytes", "{app}");
    assert_eq!(
        response.bytes().await.unwrap().to_vec(),
        pdf("versi 2", 4000),
        "{app}"
    );
    // The first file is the speaker's and the organisers' to see, by version.
    let first = s.rina.get(&format!("/materials/{slides}/versions/1")).await;
    assert_eq!(first.status(), 200, "{app}");
    assert_eq!(
        first.headers()["content-disposition"],
        "attachment; filename=\"Strategi TPBIS.pdf\"; filename*=UTF-8''Strategi%20TPBIS.pdf",
        "{app}: the name it was sent with"
    );
    assert_eq!(
        first.bytes().await.unwrap().to_vec(),
        pdf("versi 1", 3000),
        "{app}"
    );
    assert_eq!(
        s.participant
            .get(&format!("/materials/{slides}/versions/1"))
            .await
            .status(),
        404,
        "{app}"
    );

    // Ranges: one part, the rest, and one past the end.
    let part = |range: &'static str| {
        let request = s
            .participant
            .client
            .get(s.participant.url(&format!("/materials/{slides}")))
            .header("range", range);
        async move { request.send().await.unwrap() }
    };
    let response = part("bytes=0-8").await;
    assert_eq!(response.status(), 206, "{app}");
    assert_eq!(
        response.headers()["content-range"],
        "bytes 0-8/4000",
        "{app}"
    );
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"%PDF-1.7\n",
        "{app}"
    );
    let response = part("bytes=3990-").await;
    assert_eq!(response.status(), 206, "{app}");
    assert_eq!(
        response.headers()["content-range"],
        "bytes 3990-3999/4000",
        "{app}"
    );
    assert_eq!(response.bytes().await.unwrap().len(), 10, "{app}");
    let response = part("bytes=4000-").await;
    assert_eq!(response.status(), 416, "{app}");
    assert_eq!(response.headers()["content-range"], "bytes */4000", "{app}");

    // Refused downloads.
    let anonymous = app.browser();
    let response = anonymous.get(&format!("/materials/{slides}")).await;
    assert_eq!(response.status(), 303, "{app}: anonymous, for participants");
    assert!(
        Browser::location(&response).starts_with("/my/sign-in?next="),
        "{app}"
    );
    assert_eq!(
        s.stranger
            .get(&format!("/materials/{slides}"))
            .await
            .status(),
        403,
        "{app}: a participant of another event"
    );
    assert_eq!(
        s.participant
            .get(&format!("/materials/{internal}"))
            .await
            .status(),
        404,
        "{app}: organisers only"
    );
    assert_eq!(
        s.budi.get(&format!("/materials/{internal}")).await.status(),
        404,
        "{app}: another session's speaker"
    );
    let (status, page) = s.participant.text(&format!("/materials/{later}")).await;
    assert_eq!(status, 403, "{app}: before it opens");
    assert!(
        page.contains("tersedia mulai Senin, 29 Juli 2030, 10.00 WIB"),
        "{app}: {page}"
    );
    // Public: anyone, and caches may keep it.
    let response = anonymous.get(&format!("/materials/{public}")).await;
    assert_eq!(response.status(), 200, "{app}");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=300",
        "{app}"
    );
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "{app}"
    );
    // A link is followed.
    let response = s.participant.get(&format!("/materials/{video}")).await;
    assert_eq!(
        (response.status().as_u16(), Browser::location(&response)),
        (303, "https://video.example.id/sesi-1".to_owned()),
        "{app}"
    );

    // The participants' list: what they may read, and what opens later.
    let list = format!("/events/{SLUG}/materials");
    let (status, page) = s.participant.text(&list).await;
    assert_eq!(status, 200, "{app}");
    assert_eq!(
        material_ids(&page),
        vec![slides.clone(), public.clone(), video.clone()],
        "{app}: {page}"
    );
    assert!(page.contains("Modul lanjutan"), "{app}: listed, to come");
    let (_, page) = anonymous.text(&list).await;
    assert_eq!(material_ids(&page), vec![public.clone()], "{app}: {page}");
    assert!(page.contains("masuk untuk melihatnya"), "{app}: {page}");

    // The agenda lists under each session what participants may read,
    // and when what opens later opens.
    let (status, agenda) = anonymous.text(&format!("/events/{SLUG}")).await;
    assert_eq!(status, 200, "{app}");
    for id in [&slides, &public, &video, &later] {
        assert!(
            agenda.contains(&format!("href=\"/materials/{id}\"")),
            "{app}: {id}: {agenda}"
        );
    }
    assert!(
        !agenda.contains(&format!("href=\"/materials/{internal}\""))
            && !agenda.contains("Catatan panitia"),
        "{app}: organisers only: {agenda}"
    );
    assert!(
        agenda.contains("Modul lanjutan</a> · tersedia mulai Senin, 29 Juli 2030, 10.00 WIB · untuk peserta terdaftar"),
        "{app}: {agenda}"
    );

    // All of it as one ZIP: the files readable now, by session.
    let response = s
        .participant
        .get(&format!("/events/{SLUG}/materials.zip"))
        .await;
    assert_eq!(response.status(), 200, "{app}");
    assert_eq!(
        response.headers()["content-type"],
        "application/zip",
        "{app}"
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    let mut names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "01 Sesi 2026-01-05/Strategi TPBIS v2.pdf",
            "01 Sesi 2026-01-05/slide.pptx"
        ],
        "{app}"
    );
    let mut read = Vec::new();
    archive
        .by_name("01 Sesi 2026-01-05/Strategi TPBIS v2.pdf")
        .unwrap()
        .read_to_end(&mut read)
        .unwrap();
    assert_eq!(read, pdf("versi 2", 4000), "{app}");

    // The organisers see every material and its downloads, hide and remove.
    let overview = format!("/manage/events/{SLUG}/materials");
    let (status, page) = s.rina.text(&overview).await;
    assert_eq!(status, 200, "{app}");
    for title in ["Strategi TPBIS", "Catatan panitia", "Modul lanjutan"] {
        assert!(page.contains(title), "{app}: {title}");
    }
    // Slides: once whole, once by a range from its start, once in the ZIP.
    assert!(page.contains("3 kali diunduh"), "{app}: {page}");
    assert_eq!(andi.text(&overview).await.0, 403, "{app}");
    assert_eq!(
        s.sari.text(&overview).await.0,
        403,
        "{app}: speakers do not manage the event"
    );
    let response = s
        .rina
        .post(&format!("{overview}/{slides}/hide"), &[("hidden", "true")])
        .await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(
        s.participant
            .get(&format!("/materials/{slides}"))
            .await
            .status(),
        404,
        "{app}: hidden"
    );
    assert_eq!(
        s.sari.get(&format!("/materials/{slides}")).await.status(),
        200,
        "{app}: its speaker still sees it"
    );
    let (_, agenda) = anonymous.text(&format!("/events/{SLUG}")).await;
    assert!(
        !agenda.contains(&format!("href=\"/materials/{slides}\"")),
        "{app}: the agenda no longer lists it: {agenda}"
    );
    let response = andi
        .post(
            &format!("/manage/events/bimtek-lain/materials/{public}/remove"),
            &[],
        )
        .await;
    assert_eq!(response.status(), 404, "{app}: not that event's material");
    let response = s
        .rina
        .post(&format!("{overview}/{public}/remove"), &[])
        .await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(
        anonymous
            .get(&format!("/materials/{public}"))
            .await
            .status(),
        404,
        "{app}: removed"
    );
    let audit: Vec<_> = bimtek::services::accounts::audit_log(&app.db, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.action.starts_with("material."))
        .map(|row| {
            (
                row.action,
                row.actor_email.unwrap_or_default(),
                row.subject.unwrap_or_default(),
            )
        })
        .collect();
    for expected in [
        ("material.added", SPEAKER, "Strategi TPBIS"),
        ("material.updated", SPEAKER, "Strategi TPBIS"),
        ("material.hidden", ORGANISER, "Strategi TPBIS"),
        ("material.removed", ORGANISER, "Slide publik"),
    ] {
        assert!(
            audit
                .iter()
                .any(|(a, by, s)| (a.as_str(), by.as_str(), s.as_str()) == expected),
            "{app}: {expected:?} in {audit:?}"
        );
    }
}

backend_tests!(materials_in_the_local_folder_are_refused_and_read_as_allowed);
async fn materials_in_the_local_folder_are_refused_and_read_as_allowed(backend: TestBackend) {
    let scene = scene(&backend, None).await;
    materials_are_put_up_refused_and_read_as_allowed(&scene).await;
    assert!(
        !s3_server::files_under(&scene.app.storage_dir()).is_empty(),
        "the files are in the folder"
    );
}

backend_tests!(materials_on_an_s3_compatible_server_are_refused_and_read_as_allowed);
async fn materials_on_an_s3_compatible_server_are_refused_and_read_as_allowed(
    backend: TestBackend,
) {
    let s3 = S3Server::start().await;
    let scene = scene(&backend, Some(&s3)).await;
    materials_are_put_up_refused_and_read_as_allowed(&scene).await;
    let objects = s3.objects();
    assert!(
        objects
            .iter()
            .filter(|o| o.starts_with("bimtek/files/sha256"))
            .count()
            >= 5,
        "the files are on the server: {objects:?}"
    );
}

backend_tests!(a_50_mb_material_streams_in_without_filling_memory_and_out_in_ranges);
async fn a_50_mb_material_streams_in_without_filling_memory_and_out_in_ranges(
    backend: TestBackend,
) {
    let database = TestDatabase::create(&backend);
    let db = Db::open(&database.url, 2).expect("the test database opens");
    let event = create_event(&db, event(SLUG, Tz::Asia__Jakarta, true)).await;
    let admin = staff(&db, "admin@dispusip.example.id", true, None).await;
    let sari = staff(&db, SPEAKER, false, Some((&event, EventRole::Speaker))).await;
    let session = session_on(&db, &admin, &event, "2026-01-05", &[&sari]).await;
    drop(db);
    let mut command = bimtek(database.dir());
    command
        .arg("serve")
        .env("BIMTEK_DATABASE_URL", database.env_value())
        .env("BIMTEK_BIND", "127.0.0.1:0")
        .env("BIMTEK_STORAGE_DIR", database.dir().join("files"))
        .env("BIMTEK_LOG", "error");
    let server = start(command).await;
    let pid = server.pid();
    let browser = Browser::new(&server.url);
    browser.sign_in(SPEAKER, PASSWORD).await;
    // A first upload, so that what any upload needs is in place.
    let (status, page) = send(
        &browser,
        &session,
        &[("title", "Kecil"), NOW[0], NOW[1]],
        Some(("kecil.pdf", pdf("kecil", 100_000))),
    )
    .await;
    assert_eq!(status, 303, "{page}");
    reset_peak(pid);
    let before = memory_mib(pid, "VmRSS");

    let size = 50 * 1024 * 1024;
    let (status, page) = send(
        &browser,
        &session,
        &[("title", "Rekaman slide"), NOW[0], NOW[1]],
        Some(("besar.pdf", pdf("besar", size))),
    )
    .await;
    let peak = memory_mib(pid, "VmHWM");
    println!("a 50 MB material: server RSS {before} MiB before, peak {peak} MiB during the upload");
    assert_eq!(status, 303, "{page}");
    assert!(
        peak.saturating_sub(before) < 20,
        "RSS grew from {before} MiB to {peak} MiB"
    );

    let (_, page) = browser.text(&materials_path(&session)).await;
    let id = material_titled(&page, "Rekaman slide");
    let response = browser
        .client
        .get(browser.url(&format!("/materials/{id}")))
        .header("range", "bytes=52428000-")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 206);
    assert_eq!(
        response.headers()["content-range"],
        format!("bytes 52428000-{}/{size}", size - 1)
    );
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        &b"."[..].repeat(size - 52428000)[..]
    );
    let response = browser.get(&format!("/materials/{id}")).await;
    assert_eq!(response.headers()["content-length"], size.to_string());
    assert_eq!(response.bytes().await.unwrap().len(), size);
}
