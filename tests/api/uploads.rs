//! Uploads: the size limit holds while the body streams in, the kind is
//! told by content, and the server's memory stays small whatever is sent.
//! The memory tests run the server as its own process and read its
//! resident memory from /proc.

use bimtek::db::Db;
use bimtek::domain::account::EventRole;
use chrono_tz::Tz;

use crate::support::process::{Running, bimtek, memory_mib, reset_peak, start};
use crate::support::*;

const SLUG: &str = "bimtek-unggah";
const IMPORT: &str = "/manage/events/bimtek-unggah/registrations/import";

/// A server process on a fresh database holding one event, and its
/// organiser signed in.
async fn server_with_organiser(database: &TestDatabase) -> (Running, Browser) {
    let db = Db::open(&database.url, 2).expect("the test database opens");
    let event = create_event(&db, event(SLUG, Tz::Asia__Jakarta, true)).await;
    staff(&db, ORGANISER, false, Some((&event, EventRole::Organiser))).await;
    drop(db);
    let mut command = bimtek(database.dir());
    command
        .arg("serve")
        .env("BIMTEK_DATABASE_URL", database.env_value())
        .env("BIMTEK_BIND", "127.0.0.1:0")
        .env("BIMTEK_STORAGE_DIR", database.dir().join("files"))
        .env("BIMTEK_LOG", "error");
    let server = start(command).await;
    let browser = Browser::new(&server.url);
    browser.sign_in(ORGANISER, PASSWORD).await;
    (server, browser)
}

async fn upload(browser: &Browser, name: &str, bytes: Vec<u8>) -> (u16, String) {
    let (_, page) = browser
        .text(&format!("/manage/events/{SLUG}/registrations"))
        .await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf_in(&page))
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    let response = browser
        .client
        .post(browser.url(IMPORT))
        .multipart(form)
        .send()
        .await
        .expect("the server answers before the whole body is sent");
    (response.status().as_u16(), response.text().await.unwrap())
}

backend_tests!(a_60_mb_upload_is_refused_at_the_limit_without_filling_memory);
async fn a_60_mb_upload_is_refused_at_the_limit_without_filling_memory(backend: TestBackend) {
    let database = TestDatabase::create(&backend);
    let (server, browser) = server_with_organiser(&database).await;
    let pid = server.pid();
    // A first import, so that what any upload needs is in place.
    let (status, _) = upload(
        &browser,
        "peserta.csv",
        b"Nama;E-mail\r\nAyu;ayu@perpus.example.id\r\n".to_vec(),
    )
    .await;
    assert_eq!(status, 303);
    reset_peak(pid);
    let before = memory_mib(pid, "VmRSS");

    let mut huge = b"Nama;E-mail\r\n".to_vec();
    huge.resize(60 * 1024 * 1024, b'a');
    let (status, page) = upload(&browser, "peserta.csv", huge).await;
    let peak = memory_mib(pid, "VmHWM");
    println!("a 60 MB upload: server RSS {before} MiB before, peak {peak} MiB after");
    assert_eq!(status, 413, "{page}");
    assert!(
        page.contains("Berkas lebih besar dari 5 MB, batas unggahan di sini."),
        "the page says why, in Indonesian: {page}"
    );
    assert!(
        page.contains("enctype=\"multipart/form-data\""),
        "the form is there to try again"
    );
    assert!(
        peak.saturating_sub(before) < 20,
        "RSS grew from {before} MiB to {peak} MiB"
    );
}

backend_tests!(an_upload_is_taken_for_what_it_holds_not_for_its_name);
async fn an_upload_is_taken_for_what_it_holds_not_for_its_name(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let event = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
    let rina = organiser_of(&app, &[&event]).await;

    // A PDF named like a list is refused, by what it is.
    let (status, page) = upload(
        &rina,
        "peserta.csv",
        b"%PDF-1.7\n\x00\x01\x02\x03 obj".to_vec(),
    )
    .await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Isi berkas ini bukan CSV/XLSX"),
        "{app}: {page}"
    );

    // A list without an extension, or with a misleading one, is read as what it holds.
    let csv = b"Nama;E-mail\r\nAyu;ayu@perpus.example.id\r\n".to_vec();
    let (status, page) = upload(&rina, "../../daftar peserta.xlsx", csv).await;
    assert_eq!(status, 303, "{app}: {page}");

    // Without the form's token nothing is read.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"Nama;E-mail\r\n".to_vec()).file_name("peserta.csv"),
    );
    let response = rina
        .client
        .post(rina.url(IMPORT))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403, "{app}");

    // No file chosen: asked to choose one.
    let (_, list) = rina
        .text(&format!("/manage/events/{SLUG}/registrations"))
        .await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf_in(&list))
        .part(
            "file",
            reqwest::multipart::Part::bytes(Vec::new()).file_name(""),
        );
    let response = rina
        .client
        .post(rina.url(IMPORT))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422, "{app}");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Pilih berkas untuk diunggah."),
        "{app}"
    );
}
