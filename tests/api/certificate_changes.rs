//! Certificates after issuing, by HTTP on real databases: revoking with a
//! reason and reissuing under the next number, the old verify page saying
//! revoked with its date, the replacement e-mailed with its PDF; sending
//! a certificate's e-mail again to its holder only; issuing to one
//! participant; speakers' and committee certificates with their own JP
//! and numbering.

use bimtek::domain::account::EventRole;
use bimtek::domain::action_plan::State;
use bimtek::domain::session::SessionForm;
use bimtek::i18n::Lang;
use bimtek::services::sessions;
use chrono::{Datelike, Utc};
use chrono_tz::Tz;

use crate::certificates::{BASE, Held, held, save, settings, yesterday};
use crate::support::smtp::{Received, SmtpServer};
use crate::support::*;

/// The `n`th number of a type's pattern ("BIMTEK", "NS", "PAN").
fn number(prefix: &str, n: usize) -> String {
    let day = yesterday();
    let roman = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ][day.month0() as usize];
    format!("{n:03}/{prefix}-TPBIS-BKL/{roman}/{}", day.year())
}

/// The organisers' page of the certificate numbered `number`, found by the
/// batch page's link.
async fn page_of(held: &Held, number: &str) -> String {
    let (_, page) = held.rina.text(BASE).await;
    let at = page
        .find(&format!("\">{number}</a>"))
        .unwrap_or_else(|| panic!("{}: {number} is not linked: {page}", held.app));
    let start = page[..at].rfind("href=\"").unwrap() + "href=\"".len();
    page[start..at].to_owned()
}

/// The certificates' e-mails the SMTP stand-in received, once every job
/// ran (participants also get their seat's and sessions' e-mails).
async fn certificate_mails(held: &Held, smtp: &SmtpServer) -> Vec<Received> {
    wait_for_jobs(&held.app.db).await;
    smtp.received()
        .into_iter()
        .filter(|m| m.subject().starts_with("Sertifikat Anda"))
        .collect()
}

/// Settings saved with participants' certificates (and speakers' and
/// committee's when `team`), two participants issued theirs and both
/// e-mails arrived.
async fn issued_to_two(held: &Held, smtp: &SmtpServer, team: bool) {
    let mut fields = settings("{nomor:3}/BIMTEK-{kode}/{bulan}/{tahun}", "Bengkulu");
    if team {
        fields.push(("speaker_enabled", "1".into()));
        fields.push(("committee_enabled", "1".into()));
    }
    let (status, page) = save(&held.rina, &fields).await;
    assert_eq!(status, 303, "{}: {page}", held.app);
    held.participant(1, ("", ""), State::Accepted).await;
    held.participant(2, ("", ""), State::Accepted).await;
    let response = held.rina.post(&format!("{BASE}/issue"), &[]).await;
    assert_eq!(Browser::location(&response), format!("{BASE}?issued=2"));
    assert_eq!(certificate_mails(held, smtp).await.len(), 2, "{}", held.app);
}

backend_tests!(
    a_revoked_certificate_says_so_and_its_replacement_takes_the_next_number,
    multi_thread
);
async fn a_revoked_certificate_says_so_and_its_replacement_takes_the_next_number(
    backend: TestBackend,
) {
    let smtp = SmtpServer::start().await;
    let held = held(app_with_smtp(&backend, &smtp).await).await;
    let app = &held.app;
    issued_to_two(&held, &smtp, false).await;
    let first = certificate_mails(&held, &smtp)
        .await
        .into_iter()
        .find(|m| m.rcpt_to[0] == "peserta1@perpusdes.example.id")
        .unwrap();
    let old_verify = first
        .first_link(&format!("{}/verify/", app.address))
        .expect("the e-mail links to the verify page");
    let old_code = old_verify.rsplit('/').next().unwrap().to_owned();
    let old = page_of(&held, &number("BIMTEK", 1)).await;

    // Without a reason nothing is revoked; the choice to reissue stays.
    let response = held
        .rina
        .post(
            &format!("{old}/revoke"),
            &[("reason", "  "), ("reissue", "on")],
        )
        .await;
    assert_eq!(response.status(), 422, "{app}");
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Tulis alasan pencabutan")
            && page.contains(r##"href="#f-reason""##)
            && page.contains(r#"name="reissue" type="checkbox" checked"#),
        "{app}: {page}"
    );
    let long = "Nama salah ketik. ".repeat(30);
    let response = held
        .rina
        .post(&format!("{old}/revoke"), &[("reason", &long)])
        .await;
    assert_eq!(response.status(), 422, "{app}");
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Alasan paling banyak 500 karakter") && page.contains(long.trim()),
        "{app}: what was typed is kept: {page}"
    );
    let (_, page) = app.browser().text(&format!("/verify/{old_code}")).await;
    assert!(page.contains("Sertifikat ini sah"), "{app}: {page}");

    // Revoked and reissued: the next number, never the revoked one.
    let response = held
        .rina
        .post(
            &format!("{old}/revoke"),
            &[("reason", "Nama salah ketik"), ("reissue", "on")],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let new = Browser::location(&response);
    assert_ne!(new, old, "{app}");
    let received = certificate_mails(&held, &smtp).await;
    assert_eq!(received.len(), 3, "{app}");
    let (_, page) = held.rina.text(&new).await;
    assert!(
        page.contains(&number("BIMTEK", 3))
            && page.contains(&number("BIMTEK", 1))
            && page.contains("Menggantikan sertifikat yang dicabut")
            && page.contains("Terkirim lewat e-mail"),
        "{app}: {page}"
    );
    let (_, page) = held.rina.text(&old).await;
    assert!(
        page.contains("Alasan: Nama salah ketik")
            && page.contains("Diganti dengan sertifikat")
            && !page.contains("Kirim ulang e-mail sertifikat"),
        "{app}: {page}"
    );
    // Revoked once only.
    let response = held
        .rina
        .post(&format!("{old}/revoke"), &[("reason", "Lagi")])
        .await;
    assert_eq!(response.status(), 422, "{app}");

    let reissued = &received[2];
    assert_eq!(reissued.rcpt_to, ["peserta1@perpusdes.example.id"], "{app}");
    assert!(reissued.text().contains(&number("BIMTEK", 3)), "{app}");
    let files = reissued.attachments();
    assert_eq!(files.len(), 1, "{app}");
    assert!(
        files[0].0.starts_with("sertifikat-003-BIMTEK"),
        "{}",
        files[0].0
    );
    assert!(files[0].2.starts_with(b"%PDF-"), "{app}");
    let new_code = reissued
        .first_link(&format!("{}/verify/", app.address))
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(new_code, old_code, "{app}");

    // The old verify address says revoked, with its date; the new is valid.
    let today = bimtek::i18n::dates::date(Lang::Id, &Utc::now().with_timezone(&Tz::Asia__Jakarta));
    let (status, page) = app.browser().text(&format!("/verify/{old_code}")).await;
    assert_eq!(status, 200, "{app}");
    assert!(
        page.contains(&format!("Sertifikat ini telah dicabut pada {today}"))
            && !page.contains("Nama salah ketik"),
        "{app}: {page}"
    );
    let (_, page) = app.browser().text(&format!("/verify/{new_code}")).await;
    assert!(
        page.contains("Sertifikat ini sah") && page.contains(&number("BIMTEK", 3)),
        "{app}: {page}"
    );
    let (_, page) = held.rina.text(BASE).await;
    assert!(
        page.contains("1 dicabut") && page.contains("nomor berikutnya 4"),
        "{app}: {page}"
    );

    // The holder's page offers the replacement only.
    let peserta1 = participant(&app.db, "peserta1@perpusdes.example.id", "Peserta 1").await;
    let holder = signed_in_by_link(app, &peserta1).await;
    let (_, my) = holder.text("/my").await;
    assert!(
        my.contains(&number("BIMTEK", 3)) && !my.contains(&number("BIMTEK", 1)),
        "{app}: {my}"
    );
    // …and cannot revoke it.
    let response = holder
        .post(&format!("{new}/revoke"), &[("reason", "Saya ingin")])
        .await;
    assert!(
        response.status() == 403 || Browser::location(&response).contains("sign-in"),
        "{app}: {}",
        response.status()
    );
    let (_, page) = app.browser().text(&format!("/verify/{new_code}")).await;
    assert!(page.contains("Sertifikat ini sah"), "{app}: {page}");
}

backend_tests!(
    resending_delivers_the_certificate_again_to_its_holder_only,
    multi_thread
);
async fn resending_delivers_the_certificate_again_to_its_holder_only(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let held = held(app_with_smtp(&backend, &smtp).await).await;
    let app = &held.app;
    issued_to_two(&held, &smtp, false).await;
    let first = page_of(&held, &number("BIMTEK", 1)).await;

    // The holder cannot have it sent.
    let peserta1 = participant(&app.db, "peserta1@perpusdes.example.id", "Peserta 1").await;
    let holder = signed_in_by_link(app, &peserta1).await;
    let response = holder.post(&format!("{first}/resend"), &[]).await;
    assert!(
        response.status() == 403 || Browser::location(&response).contains("sign-in"),
        "{app}: {}",
        response.status()
    );

    let response = held.rina.post(&format!("{first}/resend"), &[]).await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(Browser::location(&response), format!("{first}?resent=1"));
    let received = certificate_mails(&held, &smtp).await;
    assert_eq!(received.len(), 3, "{app}: one e-mail more, no other");
    let again = &received[2];
    assert_eq!(again.rcpt_to, ["peserta1@perpusdes.example.id"], "{app}");
    assert!(again.subject().starts_with("Sertifikat Anda"), "{app}");
    assert!(again.text().contains(&number("BIMTEK", 1)), "{app}");
    let files = again.attachments();
    assert_eq!(files.len(), 1, "{app}");
    assert!(files[0].2.starts_with(b"%PDF-"), "{app}");
    let (_, page) = held.rina.text(&format!("{first}?resent=1")).await;
    assert!(
        page.contains("E-mail sertifikat dikirim ulang") && page.contains("Terkirim lewat e-mail"),
        "{app}: {page}"
    );
}

backend_tests!(one_participant_eligible_later_is_issued_alone, multi_thread);
async fn one_participant_eligible_later_is_issued_alone(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let held = held(app_with_smtp(&backend, &smtp).await).await;
    let app = &held.app;
    issued_to_two(&held, &smtp, false).await;
    let late = held.participant(3, ("", ""), State::Accepted).await;
    let (_, page) = held.rina.text(&format!("{BASE}/dry-run")).await;
    let button = format!("{BASE}/issue/{late}");
    assert!(
        page.contains(&button) && page.contains("Terbitkan untuk Dra. Peserta 3, M.Hum."),
        "{app}: {page}"
    );
    let response = held.rina.post(&button, &[]).await;
    assert_eq!(response.status(), 303, "{app}");
    let received = certificate_mails(&held, &smtp).await;
    assert_eq!(received.len(), 3, "{app}");
    assert_eq!(
        received[2].rcpt_to,
        ["peserta3@perpusdes.example.id"],
        "{app}"
    );
    assert!(received[2].text().contains(&number("BIMTEK", 3)), "{app}");
    // A second press issues nothing more.
    let response = held.rina.post(&button, &[]).await;
    assert_eq!(response.status(), 422, "{app}");
}

backend_tests!(
    speakers_count_the_jp_of_their_sessions_and_each_kind_numbers_apart,
    multi_thread
);
async fn speakers_count_the_jp_of_their_sessions_and_each_kind_numbers_apart(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let held = held(app_with_smtp(&backend, &smtp).await).await;
    let app = &held.app;
    let speaker = staff(
        &app.db,
        "narasumber@perpusnas.example.id",
        false,
        Some((&held.event, EventRole::Speaker)),
    )
    .await;
    staff(
        &app.db,
        "tanpa-sesi@perpusnas.example.id",
        false,
        Some((&held.event, EventRole::Speaker)),
    )
    .await;
    // 13.00–14.30: 2 JP, beside the morning's 4.
    let form = SessionForm {
        title: "Literasi informasi".into(),
        date: yesterday().format("%Y-%m-%d").to_string(),
        start_time: "13:00".into(),
        end_time: "14:30".into(),
        delivery: "in_person".into(),
        location: "Aula Dinas".into(),
        speakers: vec![speaker.id.clone()],
        ..SessionForm::default()
    };
    sessions::create(
        &app.db,
        &held.admin,
        &held.event,
        form,
        &origin(&app.address),
    )
    .await
    .expect("the session is planned");
    issued_to_two(&held, &smtp, true).await;

    let team = format!("{BASE}/team");
    let (status, page) = held.rina.text(&team).await;
    assert_eq!(status, 200, "{app}: {page}");
    let response = held.rina.post(&format!("{team}/committee"), &[]).await;
    assert_eq!(response.status(), 422, "{app}");
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Pilih paling sedikit satu anggota panitia"),
        "{app}: {page}"
    );
    let rina_id = page
        .split(r#"name="members" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the organiser is offered")
        .to_owned();

    let response = held.rina.post(&format!("{team}/speakers"), &[]).await;
    assert_eq!(
        Browser::location(&response),
        format!("{BASE}?issued=1"),
        "{app}"
    );
    let response = held
        .rina
        .post(&format!("{team}/committee"), &[("members", &rina_id)])
        .await;
    assert_eq!(
        Browser::location(&response),
        format!("{BASE}?issued=1"),
        "{app}"
    );
    let received = certificate_mails(&held, &smtp).await;
    assert_eq!(received.len(), 4, "{app}");

    // Each type counts from 1.
    let speaker_page = page_of(&held, &number("NS", 1)).await;
    page_of(&held, &number("PAN", 1)).await;
    page_of(&held, &number("BIMTEK", 2)).await;
    let (_, page) = held.rina.text(&speaker_page).await;
    assert!(
        page.contains("narasumber") && page.contains("<dt>Jam Pelajaran (JP)</dt><dd>2</dd>"),
        "{app}: the speaker's JP is their session's: {page}"
    );
    let (_, page) = held
        .rina
        .text(&page_of(&held, &number("PAN", 1)).await)
        .await;
    assert!(
        page.contains("<dt>Jam Pelajaran (JP)</dt><dd>6</dd>"),
        "{app}: {page}"
    );
    let to_speaker = received
        .iter()
        .find(|m| m.rcpt_to[0] == "narasumber@perpusnas.example.id")
        .expect("the speaker's certificate is e-mailed");
    assert!(to_speaker.text().contains(&number("NS", 1)), "{app}");
    assert!(
        !received
            .iter()
            .any(|m| m.rcpt_to[0] == "tanpa-sesi@perpusnas.example.id"),
        "{app}: a speaker without a session gets none"
    );
    let (_, page) = held.rina.text(&team).await;
    assert!(
        page.contains(&number("NS", 1)) && page.contains(&number("PAN", 1)),
        "{app}: {page}"
    );

    // The speaker downloads it from their own page.
    let browser = app.browser();
    browser
        .sign_in("narasumber@perpusnas.example.id", PASSWORD)
        .await;
    let (_, my) = browser.text("/my").await;
    let link = my
        .split("href=\"/my/certificates/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|id| format!("/my/certificates/{id}"))
        .unwrap_or_else(|| panic!("{app}: no download on /my: {my}"));
    assert!(my.contains(&number("NS", 1)), "{app}: {my}");
    let download = browser.get(&link).await;
    assert_eq!(download.status(), 200, "{app}");
    assert!(
        download.bytes().await.unwrap().starts_with(b"%PDF-"),
        "{app}"
    );
}
