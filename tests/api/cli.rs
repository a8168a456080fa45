//! The `bimtek` binary as an operator runs it: bad settings, migrate, two
//! instances at once, and the demo.

use std::time::Duration;

use bimtek::db::{DatabaseUrl, Db, DbError};
use chrono_tz::Tz;
use diesel::prelude::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::support::process::{bimtek, memory_mib, start};
use crate::support::*;

struct Failure {
    code: Option<i32>,
    stderr: String,
}

async fn fails(mut command: Command) -> Failure {
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("bimtek gives up within a minute")
        .unwrap();
    assert!(!output.status.success(), "bimtek should have failed");
    Failure {
        code: output.status.code(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// What a command that must succeed printed.
async fn succeeds(mut command: Command) -> String {
    let output = command.output().await.unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn a_bad_setting_ends_with_one_clear_line_and_nothing_created() {
    let dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let occupied = listener.local_addr().unwrap().to_string();
    // Each case: the setting, its bad value, a word the message must hold.
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "BIMTEK_DATABASE_URL",
            "mysql://localhost/bimtek".into(),
            "\"mysql\"",
        ),
        (
            "BIMTEK_DATABASE_URL",
            "postgres://bimtek:rahasia@127.0.0.1:1/bimtek".into(),
            "cannot open",
        ),
        (
            "BIMTEK_DATABASE_URL",
            "tidak/ada/bimtek.db".into(),
            "does not exist",
        ),
        ("BIMTEK_BIND", occupied.clone(), "already in use"),
        ("BIMTEK_BIND", "bukan-alamat".into(), "127.0.0.1:8080"),
        ("BIMTEK_BASE_URL", "ftp://bimtek.example".into(), "http"),
        ("BIMTEK_DB_POOL_SIZE", "nol".into(), "whole number"),
        ("BIMTEK_CONFIG", "tidak-ada.toml".into(), "cannot read"),
        ("BIMTEK_LOG_FORMAT", "xml".into(), "text or json"),
        (
            "BIMTEK_STORAGE_URL",
            "https://files.example".into(),
            "s3://",
        ),
        ("BIMTEK_STORAGE_URL", "s3:///files".into(), "no bucket"),
        (
            "BIMTEK_STORAGE_ACCESS_KEY_ID",
            "AKIAEXAMPLE".into(),
            "BIMTEK_STORAGE_URL is not",
        ),
    ];
    for (setting, value, detail) in cases {
        let mut command = bimtek(dir.path());
        command.env(setting, value);
        let failure = fails(command).await;
        let lines: Vec<&str> = failure.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{setting}: {:?}", failure.stderr);
        assert!(
            lines[0].starts_with(&format!("bimtek: {setting}")),
            "{setting}: {}",
            lines[0]
        );
        assert!(lines[0].contains(detail), "{setting}: {}", lines[0]);
        assert!(
            !lines[0].contains("rahasia"),
            "a password in the message: {}",
            lines[0]
        );
        assert!(
            matches!(failure.code, Some(1 | 2)),
            "{setting}: exit {:?}",
            failure.code
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{setting}: left behind {left:?}");
    }

    // An unreadable settings file, named by the line.
    std::fs::write(dir.path().join("bimtek.toml"), "databse_url = \"x.db\"\n").unwrap();
    let failure = fails(bimtek(dir.path())).await;
    assert_eq!(failure.stderr.lines().count(), 1, "{}", failure.stderr);
    assert!(
        failure
            .stderr
            .starts_with("bimtek: BIMTEK_CONFIG: bimtek.toml"),
        "{}",
        failure.stderr
    );
    assert!(failure.stderr.contains("databse_url"), "{}", failure.stderr);
}

#[tokio::test]
async fn half_a_zoom_configuration_stops_start_up_naming_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = bimtek(dir.path());
    for setting in [
        "BIMTEK_ZOOM_ACCOUNT_ID",
        "BIMTEK_ZOOM_CLIENT_ID",
        "BIMTEK_ZOOM_HOST_USER",
    ] {
        command.env_remove(setting);
    }
    command.env("BIMTEK_ZOOM_CLIENT_SECRET", "rahasia-zoom");
    let failure = fails(command).await;
    assert_eq!(failure.stderr.lines().count(), 1, "{}", failure.stderr);
    assert!(
        failure.stderr.starts_with(
            "bimtek: BIMTEK_ZOOM_ACCOUNT_ID, BIMTEK_ZOOM_CLIENT_ID, BIMTEK_ZOOM_HOST_USER are missing"
        ),
        "{}",
        failure.stderr
    );
    assert!(!failure.stderr.contains("rahasia"), "{}", failure.stderr);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "left behind {left:?}");
}

#[tokio::test]
async fn a_storage_folder_that_cannot_be_made_stops_start_up_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("berkas"), "not a folder").unwrap();
    let mut command = bimtek(dir.path());
    command.env("BIMTEK_STORAGE_DIR", "berkas/files");
    let failure = fails(command).await;
    assert_eq!(failure.stderr.lines().count(), 1, "{}", failure.stderr);
    assert!(
        failure
            .stderr
            .starts_with("bimtek: BIMTEK_STORAGE_DIR: cannot create berkas/files"),
        "{}",
        failure.stderr
    );
}

#[tokio::test]
async fn help_documents_every_setting() {
    let dir = tempfile::tempdir().unwrap();
    let output = bimtek(dir.path()).arg("--help").output().await.unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for setting in [
        "BIMTEK_CONFIG",
        "BIMTEK_DATABASE_URL",
        "BIMTEK_BIND",
        "BIMTEK_BASE_URL",
        "BIMTEK_DB_POOL_SIZE",
        "BIMTEK_JOB_WORKERS",
        "BIMTEK_HTTP_WORKERS",
        "BIMTEK_LOG",
        "BIMTEK_LOG_FORMAT",
        "BIMTEK_ZOOM_ACCOUNT_ID",
        "BIMTEK_ZOOM_CLIENT_ID",
        "BIMTEK_ZOOM_CLIENT_SECRET",
        "BIMTEK_ZOOM_HOST_USER",
        "BIMTEK_ZOOM_API_BASE",
        "BIMTEK_ZOOM_OAUTH_BASE",
        "BIMTEK_STORAGE_DIR",
        "BIMTEK_STORAGE_URL",
        "BIMTEK_STORAGE_ENDPOINT",
        "BIMTEK_STORAGE_REGION",
        "BIMTEK_STORAGE_ACCESS_KEY_ID",
        "BIMTEK_STORAGE_SECRET_ACCESS_KEY",
        "serve",
        "migrate",
        "demo",
    ] {
        assert!(
            help.contains(setting),
            "--help does not mention {setting}:\n{help}"
        );
    }
}

fn applied_migrations(url: &DatabaseUrl) -> i64 {
    let db = Db::open(url, 1).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(db.run(|conn| -> Result<i64, DbError> {
            Ok(
                diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
                    .load::<MigrationVersion>(conn)?
                    .len() as i64,
            )
        }))
        .unwrap()
}

#[derive(QueryableByName)]
struct MigrationVersion {
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[allow(dead_code)]
    version: String,
}

fn migration_folders() -> i64 {
    std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count() as i64
}

backend_tests!(migrate_brings_a_database_up_to_date_and_is_repeatable);
async fn migrate_brings_a_database_up_to_date_and_is_repeatable(backend: TestBackend) {
    let database = TestDatabase::create(&backend);
    for _ in 0..2 {
        let output = bimtek(database.dir())
            .arg("migrate")
            .env("BIMTEK_DATABASE_URL", database.env_value())
            .output()
            .await
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.contains("is up to date"), "{stdout}");
    }
    let url = database.url.clone();
    let applied = tokio::task::spawn_blocking(move || applied_migrations(&url))
        .await
        .unwrap();
    assert_eq!(
        applied,
        migration_folders(),
        "{}",
        database.backend().name()
    );
}

backend_tests!(two_instances_started_together_both_come_up_migrated_once);
async fn two_instances_started_together_both_come_up_migrated_once(backend: TestBackend) {
    let database = TestDatabase::create(&backend);
    let command = || {
        let mut command = bimtek(database.dir());
        command
            .arg("serve")
            .env("BIMTEK_DATABASE_URL", database.env_value())
            .env("BIMTEK_BIND", "127.0.0.1:0");
        command
    };
    let (first, second) = tokio::join!(start(command()), start(command()));
    let http = client();
    for instance in [&first, &second] {
        let health = http
            .get(format!("{}/healthz", instance.url))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 200, "{}", database.backend().name());
    }
    let url = database.url.clone();
    let applied = tokio::task::spawn_blocking(move || applied_migrations(&url))
        .await
        .unwrap();
    assert_eq!(
        applied,
        migration_folders(),
        "{}",
        database.backend().name()
    );
}

#[tokio::test]
async fn the_demo_serves_the_bengkulu_bimtek_in_indonesian() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = bimtek(dir.path());
    command.arg("demo").env("BIMTEK_BIND", "127.0.0.1:0");
    let demo = start(command).await;
    let http = client();
    let page = http
        .get(format!(
            "{}/events/strategi-pengembangan-perpustakaan-tik",
            demo.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"id\">"), "{html}");
    assert!(
        html.contains("Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu"),
        "{html}"
    );
    assert!(
        html.contains("Transformasi Layanan Perpustakaan Berbasis Inklusi Sosial"),
        "{html}"
    );
    assert!(
        html.contains("09.00</time>") && html.contains(" WIB</dd>"),
        "{html}"
    );
    assert!(
        html.contains("Strategi pengembangan perpustakaan berbasis inklusi sosial")
            && html.contains("Narasumber:</p>")
            && html.contains(r#"<span class="name">Dr. Ahmad Fauzi, M.Hum.</span>"#)
            && html.contains(r##"<a href="#agenda">11 JP</a>"##),
        "the agenda: {html}"
    );
    let home = http
        .get(format!("{}/", demo.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("literasi-digital-perpustakaan-desa"),
        "{home}"
    );
    assert!(
        !home.contains("advokasi-kemitraan-perpustakaan"),
        "the draft is listed: {home}"
    );
    assert!(dir.path().join("bimtek-demo.db").exists());

    // The printed demo sign-ins work.
    let organiser = crate::support::Browser::new(&demo.url);
    organiser
        .sign_in("panitia@bimtek.demo", bimtek::demo::PASSWORD)
        .await;
    let (status, html) = organiser
        .text(&format!("/manage/events/{}", bimtek::demo::MAIN_EVENT_SLUG))
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Dr. Ahmad Fauzi, M.Hum."),
        "the demo speaker is in the team: {html}"
    );
    // Their profile is on the agenda, with their photo; their workshop has
    // two materials, one open now and one once it is over.
    let (_, html) = organiser
        .text(&format!("/events/{}", bimtek::demo::MAIN_EVENT_SLUG))
        .await;
    assert!(
        html.contains("Pustakawan Ahli Utama, Perpustakaan Nasional Republik Indonesia")
            && html.contains("src=\"/speakers/"),
        "the speaker's profile: {html}"
    );
    let (_, html) = organiser
        .text(&format!(
            "/manage/events/{}/materials",
            bimtek::demo::MAIN_EVENT_SLUG
        ))
        .await;
    assert!(
        html.contains("Templat Rencana Tindak Lanjut (RTL)")
            && html.contains("Contoh RTL yang dibahas dalam praktik"),
        "the workshop's materials: {html}"
    );

    // The first day, on Zoom, is over: its attendance is Zoom's report.
    let manage = format!("/manage/events/{}", bimtek::demo::MAIN_EVENT_SLUG);
    // Two follow-ups: the one already due has a report, with its photo.
    let follow_ups = format!("{manage}/plans/follow-ups");
    let (status, html) = organiser.text(&follow_ups).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("1 laporan") && html.contains("0 laporan"),
        "the follow-up dates: {html}"
    );
    let link_after = |html: &str, prefix: &str| {
        html.split(&format!("href=\"{prefix}/"))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(|rest| format!("{prefix}/{rest}"))
            .unwrap_or_else(|| panic!("a link under {prefix}: {html}"))
    };
    let due = link_after(&html, &follow_ups);
    let (_, html) = organiser.text(&due).await;
    let report = link_after(&html, &format!("{due}/reports"));
    let (status, html) = organiser.text(&report).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Yuliana Pratiwi") && html.contains("kelas-anggaran-keluarga.jpg"),
        "the report sent: {html}"
    );
    let (status, html) = organiser.text(&format!("{manage}/attendance")).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("hadir 36, tidak hadir 20, izin 1")
            && html.contains("hadir 49, tidak hadir 8, izin 0"),
        "the first day's two sessions: {html}"
    );
    let opening = html
        .split(&format!("{manage}/sessions/"))
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("a link to the opening's attendance")
        .to_owned();
    let (status, html) = organiser
        .text(&format!(
            "{manage}/sessions/{opening}/attendance?status=excused"
        ))
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Sri Lubis")
            && html.contains("Izin: Sakit; surat keterangan dokter dikirim lewat WhatsApp"),
        "the excused participant: {html}"
    );
    let (_, html) = organiser
        .text(&format!("{manage}/sessions/{opening}/attendance"))
        .await;
    assert!(
        html.contains("Laporan Zoom") && html.contains("Hadir"),
        "present by the report: {html}"
    );
    // A reconnection is two joins, counted once; the guest known by a name
    // alone waits for review, with the participant of that name suggested.
    let dewi = html
        .split("href=\"")
        .find(|link| link.contains(">Dewi Wulandari"))
        .and_then(|link| link.split('"').next())
        .expect("a link to Dewi Wulandari's attendance")
        .to_owned();
    let (status, html) = organiser.text(&dewi).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("27 dari 30 menit")
            && html.contains("Laporan Zoom, lewat e-mail: 08.58–09.10")
            && html.contains("Laporan Zoom, lewat e-mail: 09.12–09.31"),
        "two joins of the opening: {html}"
    );
    let (status, html) = organiser.text(&format!("{manage}/attendance/review")).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Irfan Hidayat (HP)")
            && html.contains("Irfan Hidayat, S.IPI <small>(kemiripan nama"),
        "the guest waits for review: {html}"
    );

    // Certificates, issued as organisers issue them and made by the render
    // job once the demo serves; the demo participant's first one revoked
    // and reissued.
    let certificates = format!("{manage}/certificates");
    let mut html = String::new();
    for _ in 0..600 {
        html = organiser.text(&certificates).await.1;
        if html.contains(": 0 menunggu dibuat, 0 sudah dibuat") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        html.contains(": 0 menunggu dibuat, 0 sudah dibuat")
            && html.contains("0 gagal; 1 dicabut")
            && html.contains("001/PAN-TPBIS-BKL/"),
        "every certificate e-mailed: {html}"
    );
    // The speaker's is past the first page of fifty: found by its number.
    let (_, speakers) = organiser
        .text(&format!("{certificates}?q=NS-TPBIS-BKL"))
        .await;
    assert!(
        speakers.contains("001/NS-TPBIS-BKL/"),
        "the speaker's certificate: {speakers}"
    );
    let revoked = html
        .split("href=\"")
        .find(|link| link.contains("</td><td>Dicabut</td>"))
        .and_then(|link| link.split('"').next())
        .expect("a link to the revoked certificate")
        .to_owned();
    let (status, html) = organiser.text(&revoked).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Siti Aminah, S.IPI") && html.contains("Diganti dengan sertifikat"),
        "the revoked certificate: {html}"
    );
    let code = link_after(&html, "/verify");
    let (_, html) = crate::support::Browser::new(&demo.url).text(&code).await;
    assert!(html.contains("Sertifikat ini telah dicabut pada"), "{html}");
}

#[tokio::test]
async fn the_demo_books_its_zoom_sessions_on_the_configured_host_user() {
    use crate::support::zoom_server::{HOST_USER, Route, ZoomServer};
    let zoom = ZoomServer::start().await;
    let config = zoom.config();
    let dir = tempfile::tempdir().unwrap();
    let mut command = bimtek(dir.path());
    command
        .arg("demo")
        .env("BIMTEK_BIND", "127.0.0.1:0")
        .env("BIMTEK_ZOOM_ACCOUNT_ID", &config.account_id)
        .env("BIMTEK_ZOOM_CLIENT_ID", &config.client_id)
        .env("BIMTEK_ZOOM_CLIENT_SECRET", config.client_secret.expose())
        .env("BIMTEK_ZOOM_HOST_USER", HOST_USER)
        .env("BIMTEK_ZOOM_API_BASE", zoom.api_base())
        .env("BIMTEK_ZOOM_OAUTH_BASE", zoom.oauth_base());
    let _demo = start(command).await;
    // The Bengkulu bimtek has two sessions on Zoom.
    until("the demo's two Zoom meetings", || async {
        (zoom.registrant_counts().len() >= 2).then_some(())
    })
    .await;
    let creates = zoom.requests_to(Route::CreateMeeting);
    assert!(
        creates
            .iter()
            .all(|r| r.path == format!("/v2/users/{HOST_USER}/meetings")),
        "every meeting is booked on the configured host user: {:?}",
        creates.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    assert_eq!(creates.len(), 2, "none refused, none asked twice");
}

#[tokio::test]
async fn the_demo_refuses_a_database_that_holds_events() {
    let database = TestDatabase::create(&TestBackend::Sqlite);
    let db = Db::open(&database.url, 1).unwrap();
    create_event(&db, event("bimtek-lama", Tz::Asia__Jakarta, true)).await;
    let mut command = bimtek(database.dir());
    command
        .arg("demo")
        .env("BIMTEK_DATABASE_URL", database.env_value())
        .env("BIMTEK_BIND", "127.0.0.1:0");
    let failure = fails(command).await;
    assert_eq!(failure.stderr.lines().count(), 1, "{}", failure.stderr);
    assert!(
        failure.stderr.contains("needs an empty database"),
        "{}",
        failure.stderr
    );
}

#[tokio::test]
async fn serve_prints_a_setup_link_while_there_is_no_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = bimtek(dir.path());
    command.arg("serve").env("BIMTEK_BIND", "127.0.0.1:0");
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let link = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            printed.push(line.clone());
            if let Some(link) = line.split(" at ").nth(1).filter(|l| l.contains("/setup/")) {
                return link.to_owned();
            }
        }
        panic!("no setup link in {printed:?}");
    })
    .await
    .expect("a setup link within a minute");
    let http = client();
    let page = http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Buat akun administrator pertama")
    );
    drop(child);
}

backend_tests!(user_add_makes_an_administrator_from_the_shell);
async fn user_add_makes_an_administrator_from_the_shell(backend: TestBackend) {
    let database = TestDatabase::create(&backend);
    let mut command = bimtek(database.dir());
    command
        .args([
            "user",
            "add",
            "--admin",
            "--email",
            "Kepala@Dispusip.example.id",
            "--name",
            "H. Meri Sasdi, M.Pd.",
        ])
        .env("BIMTEK_DATABASE_URL", database.env_value())
        .env("BIMTEK_BASE_URL", "https://bimtek.example.id");
    let stdout = succeeds(command).await;
    let link = stdout.split(" at ").nth(1).expect("a link").trim();
    assert!(
        link.starts_with("https://bimtek.example.id/invitation/"),
        "{stdout}"
    );
    let token = link.rsplit('/').next().unwrap().to_owned();

    let db = Db::open(&database.url, 1).unwrap();
    let users = bimtek::services::accounts::all_users(&db).await.unwrap();
    assert_eq!(users.len(), 1);
    assert!(users[0].is_admin && users[0].email == "kepala@dispusip.example.id");
    let valid = bimtek::services::accounts::check_link(
        &db,
        bimtek::domain::account::TokenPurpose::Invitation,
        &token,
    )
    .await
    .unwrap();
    assert_eq!(valid.unwrap().name, "H. Meri Sasdi, M.Pd.");

    let bad = bimtek(database.dir())
        .args(["user", "add", "--admin", "--email", "bukan-alamat"])
        .env("BIMTEK_DATABASE_URL", database.env_value())
        .output()
        .await
        .unwrap();
    assert!(!bad.status.success());
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--email"), "{stderr}");
}

/// An organiser's preview of the certificate layout, written without a
/// database; the PDF's own checks (qpdf, fonts, QR) are in
/// tests/certificate/check.sh.
#[tokio::test]
async fn certificate_preview_writes_the_sample_certificate_as_pdf_a() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = bimtek(dir.path());
    command
        .args(["certificate-preview", "--out", "sample.pdf"])
        .args(["--lang", "en", "--long"])
        .env("BIMTEK_BASE_URL", "https://bimtek.example.id");
    let stdout = succeeds(command).await;
    assert!(
        stdout.contains("https://bimtek.example.id/verify/K7M2-Q9XD-4HPA"),
        "{stdout}"
    );
    let pdf = std::fs::read(dir.path().join("sample.pdf")).unwrap();
    let has = |text: &str| pdf.windows(text.len()).any(|w| w == text.as_bytes());
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        has("<pdfaid:part>2</pdfaid:part>") && has("<pdfaid:conformance>B</pdfaid:conformance>")
    );
    assert!(has("K7M2-Q9XD-4HPA"), "the verify code is in the metadata");
    assert!(
        !dir.path().join("bimtek.db").exists(),
        "no database is made"
    );

    let bad = fails({
        let mut command = bimtek(dir.path());
        command.args(["certificate-preview", "--out", "no/such/folder/sample.pdf"]);
        command
    })
    .await;
    assert_eq!(bad.stderr.lines().count(), 1, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("no/such/folder/sample.pdf"),
        "{}",
        bad.stderr
    );
}

/// One binary for any recent Linux: libpq and OpenSSL are compiled in, so
/// neither building nor running needs the PostgreSQL client library.
#[test]
fn the_binary_links_no_postgresql_client_library() {
    let ldd = std::process::Command::new("ldd")
        .arg(env!("CARGO_BIN_EXE_bimtek"))
        .output()
        .expect("ldd runs");
    let linked = String::from_utf8_lossy(&ldd.stdout);
    assert!(ldd.status.success(), "{linked}");
    for library in ["libpq", "libssl", "libcrypto"] {
        assert!(!linked.contains(library), "{library} is linked:\n{linked}");
    }
}

#[tokio::test]
async fn a_burst_of_500_sign_ins_keeps_memory_bounded() {
    const LIMIT_MIB: u64 = 200;
    let dir = tempfile::tempdir().unwrap();
    let mut command = bimtek(dir.path());
    command
        .arg("serve")
        .env("BIMTEK_BIND", "127.0.0.1:0")
        .env("BIMTEK_BEHIND_PROXY", "true")
        .env("BIMTEK_LOG", "error");
    let server = start(command).await;
    let pid = server.pid();
    let browser = Browser::new(&server.url);
    let token = browser.csrf().await;
    let before = memory_mib(pid, "VmRSS");

    // Should the limit be crossed, the server is stopped there rather than
    // left to take the machine's memory.
    let watching = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let watcher = {
        let watching = watching.clone();
        tokio::spawn(async move {
            while watching.load(std::sync::atomic::Ordering::Relaxed) {
                if memory_mib(pid, "VmRSS") > LIMIT_MIB {
                    unsafe { libc::kill(i32::try_from(pid).unwrap(), libc::SIGKILL) };
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            false
        })
    };
    // Each from its own address, at its own account: no allowance stops them.
    let attempts = (0..500).map(|n| {
        let (browser, token) = (&browser, &token);
        async move {
            browser
                .client
                .post(browser.url("/sign-in"))
                .header(
                    "x-forwarded-for",
                    format!("10.1.{}.{}", n / 250, n % 250 + 1),
                )
                .form(&[
                    ("email", format!("tamu{n}@perpus.example.id")),
                    ("password", "tebak-tebakan-saja".to_owned()),
                    ("csrf_token", token.clone()),
                ])
                .send()
                .await
                .map(|answer| {
                    (
                        answer.status().as_u16(),
                        answer.headers().contains_key("retry-after"),
                    )
                })
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    watching.store(false, std::sync::atomic::Ordering::Relaxed);
    let killed = watcher.await.unwrap();
    let peak = memory_mib(pid, "VmHWM");
    println!("500 sign-ins at once: peak RSS {peak} MiB (idle {before} MiB)");
    assert!(
        !killed,
        "RSS passed {LIMIT_MIB} MiB: the server was stopped"
    );
    assert!(peak < LIMIT_MIB, "peak RSS {peak} MiB");
    let checked = answers.iter().filter(|a| matches!(a, Ok((422, _)))).count();
    let waiting = answers
        .iter()
        .filter(|a| matches!(a, Ok((429, true))))
        .count();
    println!("{checked} checked, {waiting} told to come back");
    assert_eq!(checked + waiting, 500, "{answers:?}");
    assert!(checked > 0);
}

#[tokio::test]
async fn serve_refuses_an_unwritable_mail_folder_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the folder should be: no folder can be made there.
    std::fs::write(dir.path().join("not-a-folder"), b"").unwrap();
    let mut command = bimtek(dir.path());
    command.arg("serve").env("BIMTEK_BIND", "127.0.0.1:0").env(
        "BIMTEK_MAIL_DIR",
        dir.path().join("not-a-folder").join("mail"),
    );
    let failure = fails(command).await;
    assert_eq!(failure.stderr.lines().count(), 1, "{}", failure.stderr);
    assert!(
        failure.stderr.contains("BIMTEK_MAIL_DIR"),
        "{}",
        failure.stderr
    );
    assert_ne!(failure.code, Some(0));
}

backend_tests!(
    a_killed_instances_e_mails_are_taken_over_in_seconds_and_only_those_in_flight_go_twice
);
/// kill -9 in the middle of a burst of e-mails, with the SMTP server
/// slow to confirm each one it stored: the restarted instance takes back
/// the messages its previous life had claimed at once (it has the same
/// name in the jobs table), not after their lease, and since each message
/// is recorded as sent when its
/// own SMTP transaction ends, only those in flight at the crash (at most
/// one per sending worker) arrive twice, each with its Message-ID.
async fn a_killed_instances_e_mails_are_taken_over_in_seconds_and_only_those_in_flight_go_twice(
    backend: TestBackend,
) {
    use bimtek::email::Template;
    use bimtek::i18n::Lang;
    use bimtek::services::mail::{self, Outgoing};

    const MESSAGES: usize = 40;
    const WORKERS: usize = 4;
    let database = TestDatabase::create(&backend);
    let name = database.backend().name();
    let smtp = crate::support::smtp::SmtpServer::start().await;
    smtp.delay_acceptance(Duration::from_millis(150));
    let serve = || {
        let mut command = bimtek(database.dir());
        command
            .arg("serve")
            .env("BIMTEK_DATABASE_URL", database.env_value())
            .env("BIMTEK_BIND", "127.0.0.1:0")
            .env("BIMTEK_SMTP_URL", smtp.url())
            .env("BIMTEK_JOB_WORKERS", WORKERS.to_string());
        command
    };
    let doomed = start(serve()).await;
    let db = Db::open(&database.url, 2).unwrap();
    db.transaction(|conn| -> Result<(), DbError> {
        for n in 0..MESSAGES {
            let to = format!("peserta{n}@perpus.example.id");
            let args: [(&str, &dyn std::fmt::Display); 3] = [
                ("name", &"Peserta"),
                ("minutes", &30),
                ("link", &"http://127.0.0.1/my/sign-in/x"),
            ];
            let outgoing = Outgoing {
                template: Template::SignIn,
                lang: Lang::Id,
                to: &to,
                event_id: None,
                args: &args,
                attachments: Vec::new(),
            };
            mail::enqueue(conn, outgoing, chrono::Utc::now())?;
        }
        Ok(())
    })
    .await
    .unwrap();

    smtp.wait_for(MESSAGES / 4, Duration::from_secs(60)).await;
    // SAFETY: a signal to the child this test started.
    unsafe { libc::kill(i32::try_from(doomed.pid()).unwrap(), libc::SIGKILL) };
    let crashed = std::time::Instant::now();
    let before_crash = smtp.received().len();
    let _restarted = start(serve()).await;
    let ids = |received: &[crate::support::smtp::Received]| {
        let mut ids: Vec<String> = received
            .iter()
            .map(|m| m.header("Message-ID").expect("a Message-ID"))
            .collect();
        ids.sort();
        ids
    };
    let unsent = || async {
        db.run(|conn| -> Result<i64, DbError> {
            use bimtek::db::schema::outbox::dsl::*;
            Ok(outbox.filter(status.ne("sent")).count().get_result(conn)?)
        })
        .await
        .unwrap()
    };
    loop {
        let left = unsent().await;
        if left == 0 {
            break;
        }
        assert!(
            crashed.elapsed() < Duration::from_secs(60),
            "{name}: {left} of {MESSAGES} not sent a minute after the crash"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let took = crashed.elapsed();
    let received = smtp.received();
    let mut distinct = ids(&received);
    distinct.dedup();
    assert_eq!(distinct.len(), MESSAGES, "{name}");
    let twice = received.len() - MESSAGES;
    println!(
        "{name}: {before_crash} of {MESSAGES} e-mails out at the crash; all out {took:?} after it; {twice} sent twice"
    );
    assert!(
        took < Duration::from_secs(8),
        "{name}: taken over after {took:?}"
    );
    assert!(
        twice <= WORKERS,
        "{name}: {twice} sent twice with {WORKERS} sending at once"
    );
    // As many addresses as Message-IDs: a message sent twice kept its id.
    let mut recipients: Vec<&String> = received.iter().flat_map(|m| &m.rcpt_to).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), MESSAGES, "{name}");
}
