//! The electronic signature loop (TTE) by HTTP on real databases: the
//! certificates waiting for a signature downloaded as one ZIP, the signed
//! PDFs uploaded back (a ZIP, or several files), each answered by name
//! with its certificate or the reason it was refused, and the signed copy
//! then downloaded by its holder, attached to an e-mail not yet sent, and
//! told on the verify page. The signed files are the fixtures of
//! `support/fixtures/signed-pdf`, signed for real over `unsigned-id.pdf`.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use bimtek::db::models::{CertificateRow, OutboxRow};
use bimtek::db::repo::{certificates, outbox};
use bimtek::domain::account::Account;
use bimtek::domain::certificate::Kind;
use bimtek::domain::event::Event;
use bimtek::domain::outbox::OutboxStatus;
use bimtek::services::registrations;
use chrono::Utc;
use chrono_tz::Tz;
use sha2::{Digest, Sha256};

use crate::support::*;

const SLUG: &str = "bimtek-tte";
const BASE: &str = "/manage/events/bimtek-tte/certificates";
/// The verify code the signed fixtures carry, kept in lower case as
/// every code is.
const CODE: &str = "k7m2-q9xd-4hpa";
const NUMBER: &str = "001/BIMTEK-TPBIS/XII/2026";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/api/support/fixtures/signed-pdf/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The files of a ZIP by name.
fn unzip(bytes: &[u8]) -> HashMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (file.name().to_owned(), content)
        })
        .collect()
}

/// An event whose certificates were issued and rendered: Siti's, with
/// the sample certificate's code and file (`unsigned-id.pdf`) and an
/// e-mail that failed; a speaker's, rendered; one revoked and one not
/// rendered yet, which wait for no signature.
struct Issued {
    app: TestApp,
    organiser: Browser,
    siti: Account,
    certificate: CertificateRow,
    mail_id: String,
}

async fn issued(app: TestApp) -> Issued {
    let event = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let registration = registrations::add_by_hand(
        &app.db,
        &event,
        person(1).into_iter().collect(),
        &admin,
        &origin(&app.address),
    )
    .await
    .expect("the participant is added");
    let siti = participant(&app.db, "peserta1@perpusdes.example.id", "Peserta 1").await;
    let unsigned = fixture("unsigned-id.pdf");
    let key = app
        .storage
        .put(unsigned.clone().into())
        .await
        .expect("the issued file is stored");
    let speaker_key = app
        .storage
        .put(fixture("unsigned-en.pdf").into())
        .await
        .unwrap();
    let mail = OutboxRow {
        id: "surat-sertifikat-siti".into(),
        event_id: Some(event.id.to_string()),
        template: "certificate_issued".into(),
        recipient: "peserta1@perpusdes.example.id".into(),
        reply_to: None,
        subject: "Sertifikat Anda".into(),
        body_text: "Sertifikat terlampir.".into(),
        attachments: serde_json::json!([{
            "filename": "sertifikat-001.pdf",
            "content_type": "application/pdf",
            "key": key.to_string(),
        }])
        .to_string(),
        status: OutboxStatus::Failed,
        attempts: 5,
        last_error: Some("550 mailbox full".into()),
        created_at: Utc::now().naive_utc(),
        sent_at: None,
    };
    let certificate = CertificateRow {
        id: "sertifikat-siti".into(),
        kind: Kind::Participant,
        registration_id: Some(registration),
        holder_name: "Dra. Hj. Siti Rahmawati, S.IP., M.Hum.".into(),
        number: NUMBER.into(),
        code: CODE.into(),
        unsigned_key: Some(key.to_string()),
        unsigned_sha256: Some(format!("{:x}", Sha256::digest(&unsigned))),
        unsigned_len: Some(unsigned.len() as i64),
        mail_id: Some(mail.id.clone()),
        ..row(&event, 1)
    };
    let rows = vec![
        certificate.clone(),
        CertificateRow {
            kind: Kind::Speaker,
            number: "001/NS-TPBIS/XII/2026".into(),
            unsigned_key: Some(speaker_key.to_string()),
            unsigned_sha256: Some("00".repeat(32)),
            unsigned_len: Some(10),
            ..row(&event, 2)
        },
        CertificateRow {
            number: "002/BIMTEK-TPBIS/XII/2026".into(),
            unsigned_key: Some(speaker_key.to_string()),
            revoked_at: Some(Utc::now().naive_utc()),
            ..row(&event, 3)
        },
        CertificateRow {
            number: "003/BIMTEK-TPBIS/XII/2026".into(),
            ..row(&event, 4)
        },
    ];
    app.db
        .run(move |conn| -> Result<(), bimtek::db::DbError> {
            outbox::insert(conn, &mail)?;
            for row in &rows {
                certificates::insert(conn, row)?;
            }
            Ok(())
        })
        .await
        .expect("the certificates are written");
    let organiser = organiser(&app, SLUG).await;
    Issued {
        app,
        organiser,
        siti,
        certificate,
        mail_id: "surat-sertifikat-siti".into(),
    }
}

/// Certificate `n` of the event, issued and not rendered.
fn row(event: &Event, n: i32) -> CertificateRow {
    CertificateRow {
        id: format!("sertifikat-{n}"),
        event_id: event.id.to_string(),
        kind: Kind::Participant,
        registration_id: None,
        account_id: None,
        holder_name: format!("Pemegang {n}"),
        holder_detail: None,
        jp: 4,
        sequence: n,
        number: format!("{n:03}"),
        code: format!("kodeverifikasisertifikat{n:02}"),
        issued_at: Utc::now().naive_utc(),
        issued_by: None,
        revoked_at: None,
        revoke_reason: None,
        replaced_by: None,
        unsigned_key: None,
        unsigned_sha256: None,
        unsigned_len: None,
        signed_key: None,
        signed_at: None,
        signer: None,
        mail_id: None,
        render_error: None,
    }
}

/// Uploads `files` in one form, as a browser sends an `input multiple`.
async fn upload(browser: &Browser, files: Vec<(&str, Vec<u8>)>) -> (u16, String) {
    let (_, page) = browser.text(&format!("{BASE}/signed")).await;
    let mut form = reqwest::multipart::Form::new().text("csrf_token", csrf_in(&page));
    for (name, bytes) in files {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    }
    let response = browser
        .client
        .post(browser.url(&format!("{BASE}/signed")))
        .header("connection", "close")
        .multipart(form)
        .send()
        .await
        .expect("the server answers");
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The result row of file `name` on the results page.
fn result_of<'p>(page: &'p str, name: &str) -> &'p str {
    let start = page
        .find(&format!("<td>{name}</td>"))
        .unwrap_or_else(|| panic!("no result for {name}: {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</tr>").unwrap_or(rest.len())]
}

backend_tests!(the_certificates_waiting_for_a_signature_download_as_one_zip);
async fn the_certificates_waiting_for_a_signature_download_as_one_zip(backend: TestBackend) {
    let issued = issued(spawn_app(&backend).await).await;
    let app = &issued.app;
    let (status, page) = issued.organiser.text(&format!("{BASE}/signed")).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("Unduh 2 sertifikat (ZIP)")
            && page.contains("Hanya sertifikat narasumber: 1 (ZIP)")
            && page.contains(r#"enctype="multipart/form-data""#)
            && page.contains("multiple"),
        "{app}: {page}"
    );

    let response = issued.organiser.get(&format!("{BASE}/unsigned.zip")).await;
    assert_eq!(response.status(), 200, "{app}");
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"bimtek-tte-sertifikat-belum-ditandatangani.zip\""
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    let files = unzip(&response.bytes().await.unwrap());
    let mut names: Vec<&str> = files.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        ["001-BIMTEK-TPBIS-XII-2026.pdf", "001-NS-TPBIS-XII-2026.pdf"],
        "{app}: named by number; the revoked and the unrendered wait for no signature"
    );
    assert_eq!(
        files["001-BIMTEK-TPBIS-XII-2026.pdf"],
        fixture("unsigned-id.pdf"),
        "{app}"
    );
    assert_eq!(
        files["001-NS-TPBIS-XII-2026.pdf"],
        fixture("unsigned-en.pdf"),
        "{app}"
    );

    let speakers = issued
        .organiser
        .get(&format!("{BASE}/unsigned.zip?kind=speaker"))
        .await;
    assert_eq!(
        unzip(&speakers.bytes().await.unwrap())
            .into_keys()
            .collect::<Vec<_>>(),
        ["001-NS-TPBIS-XII-2026.pdf"],
        "{app}"
    );
    let unknown = issued
        .organiser
        .get(&format!("{BASE}/unsigned.zip?kind=tamu"))
        .await;
    assert_eq!(unknown.status(), 404, "{app}");
}

backend_tests!(signed_certificates_come_back_each_file_taken_or_refused_with_its_reason);
async fn signed_certificates_come_back_each_file_taken_or_refused_with_its_reason(
    backend: TestBackend,
) {
    let issued = issued(spawn_app(&backend).await).await;
    let app = &issued.app;
    let signed = fixture("signed-id.pdf");
    let batch = zip_of(&[
        ("ditandatangani/signed-id.pdf", signed.clone()),
        ("ditandatangani/tampered-id.pdf", fixture("tampered-id.pdf")),
        ("ditandatangani/unsigned-id.pdf", fixture("unsigned-id.pdf")),
        (
            "ditandatangani/appended-after-signing-id.pdf",
            fixture("appended-after-signing-id.pdf"),
        ),
        (
            "ditandatangani/catatan.txt",
            b"Sudah ditandatangani semua.".to_vec(),
        ),
    ]);
    let (status, page) = upload(&issued.organiser, vec![("hasil-tte.zip", batch.clone())]).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("1 berkas diterima, 4 ditolak."),
        "{app}: {page}"
    );
    let taken = result_of(&page, "signed-id.pdf");
    assert!(
        taken.contains(&format!(
            "Diterima: {NUMBER}, Dra. Hj. Siti Rahmawati, S.IP., M.Hum."
        )) && taken.contains("Ditandatangani oleh Drs. H. Meri Sasdi, M.Pd.")
            && !taken.contains("kode verifikasinya saja")
            && taken.contains("E-mail sertifikatnya belum terkirim"),
        "{app}: {taken}"
    );
    for (name, reason) in [
        ("tampered-id.pdf", "PDF ini diubah setelah ditandatangani"),
        (
            "unsigned-id.pdf",
            "PDF ini tidak memuat tanda tangan elektronik",
        ),
        (
            "appended-after-signing-id.pdf",
            "PDF ini diubah setelah ditandatangani",
        ),
        ("catatan.txt", "bukan berkas PDF"),
    ] {
        let result = result_of(&page, name);
        assert!(
            result.contains("Ditolak:") && result.contains(reason),
            "{app}: {name}: {result}"
        );
    }

    // The holder downloads the signed copy; the e-mail that failed now
    // carries it, for a resend; the verify page says it is signed.
    let holder = signed_in_by_link(app, &issued.siti).await;
    let download = holder
        .get(&format!("/my/certificates/{}", issued.certificate.id))
        .await;
    assert_eq!(download.status(), 200, "{app}");
    assert_eq!(&download.bytes().await.unwrap()[..], &signed[..], "{app}");
    let mail_id = issued.mail_id.clone();
    let mail = app
        .db
        .run(move |conn| -> Result<_, bimtek::db::DbError> { Ok(outbox::find(conn, &mail_id)?) })
        .await
        .unwrap()
        .unwrap();
    let files = outbox_files(app, &mail).await;
    assert_eq!(files.len(), 1, "{app}");
    assert_eq!(
        files[0].2, signed,
        "{app}: the e-mail not sent carries the signed file"
    );
    let (status, verify) = app.browser().text(&format!("/verify/{CODE}")).await;
    assert_eq!(status, 200, "{app}: {verify}");
    assert!(
        verify.contains("ditandatangani secara elektronik")
            && verify.contains("Drs. H. Meri Sasdi, M.Pd."),
        "{app}: {verify}"
    );

    // Signed, it waits no more; the same ZIP again changes nothing.
    let (_, page) = issued.organiser.text(&format!("{BASE}/signed")).await;
    assert!(page.contains("Unduh 1 sertifikat (ZIP)"), "{app}: {page}");
    let (_, page) = upload(&issued.organiser, vec![("hasil-tte.zip", batch)]).await;
    assert!(
        result_of(&page, "signed-id.pdf").contains(&format!("Sudah tercatat: sertifikat {NUMBER}")),
        "{app}: {page}"
    );

    // Several files in one form: signed again by a second signatory,
    // and a file with no signature beside it.
    let (status, page) = upload(
        &issued.organiser,
        vec![
            ("signed-twice-id.pdf", fixture("signed-twice-id.pdf")),
            ("unsigned-en.pdf", fixture("unsigned-en.pdf")),
        ],
    )
    .await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        result_of(&page, "signed-twice-id.pdf").contains(
            "Ditandatangani oleh Drs. H. Meri Sasdi, M.Pd.; Dr. Adin Bondar, S.Sos., M.Si."
        ) && result_of(&page, "unsigned-en.pdf").contains("tidak memuat tanda tangan"),
        "{app}: {page}"
    );
    // The first signature alone no longer replaces both.
    let (_, page) = upload(&issued.organiser, vec![("signed-id.pdf", signed)]).await;
    assert!(
        result_of(&page, "signed-id.pdf").contains("Sudah tercatat"),
        "{app}: {page}"
    );
    let download = holder
        .get(&format!("/my/certificates/{}", issued.certificate.id))
        .await;
    assert_eq!(
        &download.bytes().await.unwrap()[..],
        &fixture("signed-twice-id.pdf")[..],
        "{app}"
    );

    // In English, each reason in English.
    let english = &issued.organiser;
    english.get("/lang/en").await;
    let (_, page) = upload(
        english,
        vec![(
            "returned.zip",
            zip_of(&[
                ("tampered-id.pdf", fixture("tampered-id.pdf")),
                ("notes.txt", b"done".to_vec()),
            ]),
        )],
    )
    .await;
    assert!(
        page.contains("0 files taken, 2 refused.")
            && result_of(&page, "tampered-id.pdf")
                .contains("this PDF was changed after it was signed")
            && result_of(&page, "notes.txt").contains("not a PDF file"),
        "{app}: {page}"
    );
    let (_, verify) = english.text(&format!("/verify/{CODE}")).await;
    assert!(
        verify.contains("electronically signed by Drs. H. Meri Sasdi, M.Pd.; Dr. Adin Bondar"),
        "{app}: {verify}"
    );
}

backend_tests!(a_certificate_signed_after_its_e_mail_left_is_sent_again_signed);
/// The e-mail went out with the unsigned file; the signed one came back
/// later: sending the e-mail again sends the signed file.
async fn a_certificate_signed_after_its_e_mail_left_is_sent_again_signed(backend: TestBackend) {
    let issued = issued(spawn_app(&backend).await).await;
    let app = &issued.app;
    let mail_id = issued.mail_id.clone();
    app.db
        .run(move |conn| -> Result<(), bimtek::db::DbError> {
            Ok(outbox::mark_sent(conn, &mail_id, Utc::now())?)
        })
        .await
        .unwrap();
    let signed = fixture("signed-id.pdf");
    let (status, page) = upload(&issued.organiser, vec![("signed-id.pdf", signed.clone())]).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        result_of(&page, "signed-id.pdf").contains("Diterima"),
        "{app}: {page}"
    );

    let page = format!("{BASE}/issued/{}", issued.certificate.id);
    let response = issued.organiser.post(&format!("{page}/resend"), &[]).await;
    assert_eq!(response.status(), 303, "{app}");
    let id = issued.certificate.id.clone();
    let copy = app
        .db
        .run(move |conn| -> Result<_, bimtek::db::DbError> {
            let row = certificates::find(conn, &id)?.expect("the certificate");
            Ok(outbox::find(conn, &row.mail_id.expect("its e-mail"))?)
        })
        .await
        .unwrap()
        .expect("the copy");
    assert_ne!(copy.id, issued.mail_id, "{app}: a new message");
    let files = outbox_files(app, &copy).await;
    assert_eq!(files.len(), 1, "{app}");
    assert_eq!(
        files[0].2, signed,
        "{app}: the copy carries the signed file"
    );
}

backend_tests!(a_file_that_is_neither_pdf_nor_zip_is_refused_on_the_form);
async fn a_file_that_is_neither_pdf_nor_zip_is_refused_on_the_form(backend: TestBackend) {
    let issued = issued(spawn_app(&backend).await).await;
    let app = &issued.app;
    let (status, page) = upload(
        &issued.organiser,
        vec![(
            "tanda-tangan.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
        )],
    )
    .await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Isi berkas ini bukan PDF/ZIP") && page.contains(r##"href="#f-file""##),
        "{app}: {page}"
    );
    let (status, page) = upload(&issued.organiser, vec![("", Vec::new())]).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Pilih berkas untuk diunggah"),
        "{app}: {page}"
    );
}
