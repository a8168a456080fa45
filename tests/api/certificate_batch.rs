//! The organisers' batch page when a batch is large or goes wrong: found
//! by name, number and status a page at a time; a certificate that cannot
//! be printed says why in words (on the preview first), and is tried again
//! under the same number once the cause is mended.

use crate::certificates::{BASE, held, save, settings};
use crate::support::smtp::SmtpServer;
use crate::support::*;

/// Participants `numbers`, each with a confirmed seat.
async fn seated(held: &crate::certificates::Held, numbers: std::ops::RangeInclusive<usize>) {
    for n in numbers {
        held.seat(n).await;
    }
}

/// The settings for everyone registered, signed by `signatory`.
fn for_everyone(signatory: &str) -> Vec<(&'static str, String)> {
    let mut fields = settings("{nomor:3}/BIMTEK-{kode}", "Bengkulu");
    for (name, value) in &mut fields {
        match *name {
            "requirement" => *value = "none".into(),
            "signatory1_name" => *value = signatory.into(),
            _ => {}
        }
    }
    fields
}

fn certificate_mails(smtp: &SmtpServer) -> usize {
    smtp.received()
        .iter()
        .filter(|m| m.subject().starts_with("Sertifikat Anda"))
        .count()
}

backend_tests!(
    a_certificate_that_cannot_be_printed_says_why_and_is_tried_again,
    multi_thread
);
async fn a_certificate_that_cannot_be_printed_says_why_and_is_tried_again(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let held = held(app_with_smtp(&backend, &smtp).await).await;
    let app = &held.app;
    seated(&held, 1..=2).await;
    // A name in a script the certificate fonts do not carry.
    let (status, page) = save(&held.rina, &for_everyone("Drs. 王 Meri Sasdi, M.Pd.")).await;
    assert_eq!(status, 303, "{app}: {page}");

    // The preview says so where it can be mended, not with a server error.
    let (status, page) = held.rina.text(&format!("{BASE}/preview")).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Huruf “王” tidak ada dalam fon sertifikat")
            && page.contains(r#"value="Drs. 王 Meri Sasdi, M.Pd.""#),
        "{app}: {page}"
    );

    // Issued anyway: both fail, with the reason in words.
    let response = held.rina.post(&format!("{BASE}/issue"), &[]).await;
    assert_eq!(Browser::location(&response), format!("{BASE}?issued=2"));
    wait_for_jobs(&app.db).await;
    let (_, page) = held.rina.text(BASE).await;
    assert_eq!(
        page.matches("Gagal: Huruf “王” tidak ada dalam fon sertifikat")
            .count(),
        2,
        "{app}: {page}"
    );
    assert!(page.contains("Coba lagi 2 yang gagal"), "{app}: {page}");
    assert_eq!(certificate_mails(&smtp), 0, "{app}");

    // Mended, then tried again: the same numbers, rendered and e-mailed.
    let (status, page) = save(&held.rina, &for_everyone("Drs. H. Meri Sasdi, M.Pd.")).await;
    assert_eq!(status, 303, "{app}: {page}");
    let response = held.rina.post(&format!("{BASE}/retry"), &[]).await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(Browser::location(&response), format!("{BASE}?retried=2"));
    wait_for_jobs(&app.db).await;
    let (_, page) = held.rina.text(BASE).await;
    assert_eq!(
        page.matches("Terkirim lewat e-mail").count(),
        2,
        "{app}: {page}"
    );
    assert!(
        page.contains("001/BIMTEK-TPBIS-BKL")
            && page.contains("002/BIMTEK-TPBIS-BKL")
            && !page.contains("003/BIMTEK-TPBIS-BKL")
            && !page.contains("Coba lagi"),
        "{app}: {page}"
    );
    assert_eq!(certificate_mails(&smtp), 2, "{app}");
    // Nothing failed is left: trying again does nothing.
    let response = held.rina.post(&format!("{BASE}/retry"), &[]).await;
    assert_eq!(Browser::location(&response), format!("{BASE}?retried=0"));
    let preview = held.rina.get(&format!("{BASE}/preview")).await;
    assert_eq!(preview.status(), 200, "{app}");
}

backend_tests!(
    a_large_batch_is_found_by_name_number_and_status_a_page_at_a_time,
    multi_thread
);
async fn a_large_batch_is_found_by_name_number_and_status_a_page_at_a_time(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let held = held(app_with_smtp(&backend, &smtp).await).await;
    let app = &held.app;
    seated(&held, 1..=55).await;
    let (status, page) = save(&held.rina, &for_everyone("Drs. H. Meri Sasdi, M.Pd.")).await;
    assert_eq!(status, 303, "{app}: {page}");
    let response = held.rina.post(&format!("{BASE}/issue"), &[]).await;
    assert_eq!(Browser::location(&response), format!("{BASE}?issued=55"));
    wait_for_jobs(&app.db).await;

    let rows = |page: &str| page.matches("<td>Dra. Peserta ").count();
    let (status, page) = held.rina.text(BASE).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert_eq!(rows(&page), 50, "{app}: fifty a page");
    assert!(
        page.contains("55 dari 55 sertifikat.")
            && page.contains("Halaman 1 dari 2")
            && page.contains(
                r#"rel="next" href="/manage/events/bimtek-sertifikat/certificates?page=1""#
            ),
        "{app}: {page}"
    );
    let (_, page) = held.rina.text(&format!("{BASE}?page=1")).await;
    assert_eq!(rows(&page), 5, "{app}: {page}");

    // By number, by name (in any case), by status, by type: the filters
    // travel with the pages.
    let (_, page) = held.rina.text(&format!("{BASE}?q=042%2FBIMTEK")).await;
    assert_eq!(rows(&page), 1, "{app}: {page}");
    assert!(page.contains("042/BIMTEK-TPBIS-BKL"), "{app}: {page}");
    let (_, page) = held.rina.text(&format!("{BASE}?q=peserta+1%2C")).await;
    assert_eq!(rows(&page), 1, "{app}: {page}");
    assert!(page.contains("Dra. Peserta 1, M.Hum."), "{app}: {page}");
    let (_, page) = held.rina.text(&format!("{BASE}?q=PESERTA+1")).await;
    // 1, 10–19: eleven.
    assert_eq!(rows(&page), 11, "{app}: {page}");
    let (_, page) = held.rina.text(&format!("{BASE}?status=failed")).await;
    assert!(page.contains("0 dari 55 sertifikat."), "{app}: {page}");
    let (_, page) = held
        .rina
        .text(&format!("{BASE}?status=emailed&kind=participant"))
        .await;
    assert!(
        page.contains("55 dari 55 sertifikat.")
            && page.contains(r#"href="/manage/events/bimtek-sertifikat/certificates?status=emailed&amp;kind=participant&amp;page=1""#),
        "{app}: {page}"
    );
    let (_, page) = held.rina.text(&format!("{BASE}?kind=speaker")).await;
    assert!(page.contains("0 dari 55 sertifikat."), "{app}: {page}");
}
