//! Uploads: the size limit holds while the body streams in, the kind is
//! told by content, and the server's memory stays small whatever is sent.
//! The memory tests run the server as its own process and read its
//! resident memory from /proc.

use std::io::Write;

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
        // The debug build reads a crafted workbook slowly.
        .timeout(std::time::Duration::from_secs(600))
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

/// Our own export of a small list, with its sheet and shared strings
/// replaced: each part is written by `write`, as the attacker likes.
fn crafted_xlsx(
    shared_strings: impl Fn(&mut dyn Write),
    sheet: impl Fn(&mut dyn Write),
) -> Vec<u8> {
    use bimtek::export::spreadsheet::{Format, Table, write};
    use zip::write::SimpleFileOptions;

    let base = write(
        &Table {
            header: vec!["Nama".into()],
            rows: vec![vec!["Ayu".into()]],
        },
        Format::Xlsx,
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(base)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for index in 0..archive.len() {
        let entry = archive.by_index(index).unwrap();
        match entry.name() {
            "xl/sharedStrings.xml" => {
                out.start_file("xl/sharedStrings.xml", options).unwrap();
                shared_strings(&mut out);
            }
            "xl/worksheets/sheet1.xml" => {
                out.start_file("xl/worksheets/sheet1.xml", options).unwrap();
                sheet(&mut out);
            }
            _ => out.raw_copy_file(entry).unwrap(),
        }
    }
    out.finish().unwrap().into_inner()
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

fn column(index: usize) -> char {
    (b'A' + u8::try_from(index).unwrap()) as char
}

/// A sheet whose cell (r, c) shows shared string `string(r, c)`.
fn sheet_of(
    rows: usize,
    columns: usize,
    string: impl Fn(usize, usize) -> usize,
) -> impl Fn(&mut dyn Write) {
    move |out: &mut dyn Write| {
        write!(
            out,
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>"#
        )
        .unwrap();
        for r in 0..rows {
            write!(out, r#"<row r="{}">"#, r + 1).unwrap();
            for c in 0..columns {
                write!(
                    out,
                    r#"<c r="{}{}" t="s"><v>{}</v></c>"#,
                    column(c),
                    r + 1,
                    string(r, c)
                )
                .unwrap();
            }
            out.write_all(b"</row>").unwrap();
        }
        out.write_all(b"</sheetData></worksheet>").unwrap();
    }
}

/// A shared-strings part: the header's names, then `texts`, then tiny
/// strings up to `size` bytes of XML.
fn strings_of(
    header: &'static [&'static str],
    texts: impl Fn(&mut dyn FnMut(&str)),
    size: usize,
) -> impl Fn(&mut dyn Write) {
    move |out: &mut dyn Write| {
        write!(
            out,
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">"#
        )
        .unwrap();
        let written = std::cell::Cell::new(0);
        let mut put = |text: &str| {
            let item = format!("<si><t>{text}</t></si>");
            written.set(written.get() + item.len());
            out.write_all(item.as_bytes()).unwrap();
        };
        for name in header {
            put(name);
        }
        texts(&mut put);
        while written.get() < size {
            put("a");
        }
        out.write_all(b"</sst>").unwrap();
    }
}

const HEADER: &[&str] = &[
    "Nama",
    "E-mail",
    "No. WA",
    "NIP",
    "Instansi",
    "Jabatan",
    "Provinsi",
    "Kab/Kota",
    "Jenis perpustakaan",
    "Jenis kelamin",
];

/// Uploads `files` at once and reads how far the server's memory rose
/// for them; the last one's answer.
async fn peak_growth(
    server: &Running,
    browser: &Browser,
    files: Vec<Vec<u8>>,
) -> (u16, String, u64, u64) {
    let pid = server.pid();
    reset_peak(pid);
    let before = memory_mib(pid, "VmRSS");
    let uploads = files
        .into_iter()
        .map(|file| upload(browser, "peserta.xlsx", file));
    let (status, page) = futures_util::future::join_all(uploads).await.pop().unwrap();
    let peak = memory_mib(pid, "VmHWM");
    (status, page, before, peak)
}

backend_tests!(a_crafted_xlsx_cannot_take_more_than_tens_of_megabytes);
async fn a_crafted_xlsx_cannot_take_more_than_tens_of_megabytes(backend: TestBackend) {
    // One upload, whatever it holds (the largest list measured 66 to 92
    // MiB, most of it its preview); two at once are read one after the
    // other, each thread keeping some of the memory its reading freed.
    const LIMIT_MIB: u64 = 128;
    const TWO_AT_ONCE_MIB: u64 = 160;
    // Just under the former unpack limit (128 MiB): seven million tiny
    // shared strings, which a reader that loads them all holds at once.
    let tiny = crafted_xlsx(
        strings_of(HEADER, |_| {}, 120 * 1024 * 1024),
        sheet_of(2, HEADER.len(), |r, c| if r == 0 { c } else { 0 }),
    );
    // 20,000 rows of distinct values, as large as a list may be, with the
    // rest of the strings allowance filled with tiny ones.
    let full = crafted_xlsx(
        strings_of(
            HEADER,
            |put| {
                for n in 0..20_000 * HEADER.len() {
                    put(&format!("nilai-{n:07}"));
                }
            },
            15 * 1024 * 1024 / 2,
        ),
        sheet_of(20_001, HEADER.len(), |r, c| {
            if r == 0 {
                c
            } else {
                HEADER.len() + (r - 1) * HEADER.len() + c
            }
        }),
    );
    // One long string in every cell: little to unpack, much to copy.
    let long = "x".repeat(32_000);
    let repeated = crafted_xlsx(
        strings_of(HEADER, |put| put(&long), 0),
        sheet_of(
            20_001,
            HEADER.len(),
            |r, c| if r == 0 { c } else { HEADER.len() },
        ),
    );
    // Each on a fresh server, since memory freed by one case is kept for
    // the next; all made beforehand, since a connection left idle while
    // they are made would time out.
    for (name, files) in [
        ("tiny strings", vec![tiny]),
        ("20,000 full rows", vec![full.clone()]),
        ("one long string everywhere", vec![repeated]),
        (
            "two lists of 20,000 full rows at once",
            vec![full.clone(), full],
        ),
    ] {
        let (size, files_at_once) = (files[0].len(), files.len());
        let database = TestDatabase::create(&backend);
        let (server, browser) = server_with_organiser(&database).await;
        let (status, page, before, peak) = peak_growth(&server, &browser, files).await;
        println!(
            "{backend:?} {name}: {} KiB uploaded, answered {status}; server RSS {before} MiB before, peak {peak} MiB",
            size / 1024
        );
        let limit = if files_at_once > 1 {
            TWO_AT_ONCE_MIB
        } else {
            LIMIT_MIB
        };
        assert!(
            peak.saturating_sub(before) < limit,
            "{name}: RSS grew from {before} MiB to {peak} MiB ({status}: {page:.300})"
        );
    }
}
