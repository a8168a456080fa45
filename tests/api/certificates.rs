//! Certificates by HTTP on real databases: the settings form and its
//! messages, the dry run's reasons in words, issuing to everyone eligible
//! with numbers in order, each PDF e-mailed (through the SMTP stand-in)
//! and downloaded by its holder alone, and the public verify page.

use std::collections::HashMap;

use bimtek::domain::account::Account;
use bimtek::domain::action_plan::State;
use bimtek::domain::event::{Event, NewEvent};
use bimtek::domain::session::SessionForm;
use bimtek::services::{registrations, sessions};
use chrono::{Datelike, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::support::smtp::SmtpServer;
use crate::support::*;

pub(crate) const SLUG: &str = "bimtek-sertifikat";
pub(crate) const BASE: &str = "/manage/events/bimtek-sertifikat/certificates";

/// A bimtek held yesterday in WIB: one mandatory session in the hall,
/// 09.00–12.00 (180 minutes, 4 JP), and its organiser signed in.
pub(crate) struct Held {
    pub(crate) app: TestApp,
    pub(crate) event: Event,
    pub(crate) admin: Account,
    pub(crate) session: String,
    pub(crate) rina: Browser,
}

pub(crate) fn yesterday() -> chrono::NaiveDate {
    Utc::now().with_timezone(&Tz::Asia__Jakarta).date_naive() - chrono::Duration::days(1)
}

pub(crate) async fn held(app: TestApp) -> Held {
    let zone = Tz::Asia__Jakarta;
    let at = |h: u32| {
        bimtek::domain::time::local_to_utc(
            zone,
            yesterday().and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap()),
        )
        .unwrap()
    };
    let event = create_event(
        &app.db,
        NewEvent {
            starts_at: at(8),
            ends_at: at(17),
            ..event(SLUG, zone, true)
        },
    )
    .await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let form = SessionForm {
        title: "Katalogisasi".into(),
        date: yesterday().format("%Y-%m-%d").to_string(),
        start_time: "09:00".into(),
        end_time: "12:00".into(),
        mandatory: true,
        delivery: "in_person".into(),
        location: "Aula Dinas".into(),
        ..SessionForm::default()
    };
    let session = sessions::create(&app.db, &admin, &event, form, &origin(&app.address))
        .await
        .expect("the session is planned")
        .id;
    let rina = organiser(&app, SLUG).await;
    Held {
        app,
        event,
        admin,
        session,
        rina,
    }
}

impl Held {
    /// Participant `n`, added by the organisers: a confirmed seat.
    pub(crate) async fn seat(&self, n: usize) -> String {
        let fields: HashMap<String, String> = person(n).into_iter().collect();
        registrations::add_by_hand(
            &self.app.db,
            &self.event,
            fields,
            &self.admin,
            &origin(&self.app.address),
        )
        .await
        .expect("the participant is added")
    }

    /// Participant `n`, confirmed, who attended from `from` to `until`
    /// (empty: the whole session) and whose plan is in `plan`.
    pub(crate) async fn participant(
        &self,
        n: usize,
        (from, until): (&str, &str),
        plan: State,
    ) -> String {
        let id = self.seat(n).await;
        let response = self
            .rina
            .post(
                &format!("/manage/events/{SLUG}/attendance/participants/{id}/entries"),
                &[
                    ("session_id", &self.session),
                    ("from", from),
                    ("until", until),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "{}: the entry is saved", self.app);
        plan_in_state(&self.app.db, &id, "Pojok baca desa", plan).await;
        id
    }
}

/// The settings form, filled in as an organiser would.
pub(crate) fn settings(pattern: &str, place: &str) -> Vec<(&'static str, String)> {
    vec![
        ("participant_enabled", "1".into()),
        ("participant_pattern", pattern.into()),
        (
            "speaker_pattern",
            "{nomor:3}/NS-{kode}/{bulan}/{tahun}".into(),
        ),
        (
            "committee_pattern",
            "{nomor:3}/PAN-{kode}/{bulan}/{tahun}".into(),
        ),
        ("requirement", "both".into()),
        ("event_code", "TPBIS-BKL".into()),
        ("signing_place", place.into()),
        ("signing_date", String::new()),
        (
            "signatory1_position",
            "Kepala Dinas Perpustakaan dan Kearsipan".into(),
        ),
        ("signatory1_name", "Drs. H. Meri Sasdi, M.Pd.".into()),
        (
            "signatory1_lines",
            "Pembina Utama Muda (IV/c)\nNIP 19680512 199303 1 004".into(),
        ),
        ("signatory2_position", String::new()),
        ("signatory2_name", String::new()),
        ("signatory2_lines", String::new()),
    ]
}

pub(crate) async fn save(rina: &Browser, fields: &[(&'static str, String)]) -> (u16, String) {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = rina.post(&format!("{BASE}/settings"), &fields).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

backend_tests!(the_settings_form_names_each_mistake_and_keeps_what_was_typed);
async fn the_settings_form_names_each_mistake_and_keeps_what_was_typed(backend: TestBackend) {
    let held = held(spawn_app(&backend).await).await;
    let app = &held.app;
    let (status, page) = held.rina.text(BASE).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(page.contains("Sertifikat belum diatur"), "{app}: {page}");
    let (status, page) = held.rina.text(&format!("{BASE}/settings")).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains(r#"value="BIMTEK-SERTIFIKAT""#) && page.contains("angka Romawi"),
        "{app}: the event's code starts from its slug, the help names the placeholders: {page}"
    );

    let (status, page) = save(&held.rina, &settings("{nomor}/{tahun}", " ")).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Pola nomor harus memuat {kode}")
            && page.contains("Tulis tempat penandatanganan")
            && page.contains(r#"value="{nomor}/{tahun}""#)
            && page.contains(r#"value="Drs. H. Meri Sasdi, M.Pd.""#)
            && page.contains(r##"href="#f-participant_pattern""##),
        "{app}: {page}"
    );
    let (status, page) = save(&held.rina, &settings("{nomor:3}/{kode}/{bln}", "Bengkulu")).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(page.contains("{bln} tidak dikenal"), "{app}: {page}");

    let (status, page) = save(
        &held.rina,
        &settings("{nomor:3}/BIMTEK-{kode}/{bulan}/{tahun}", "Bengkulu"),
    )
    .await;
    assert_eq!(status, 303, "{app}: {page}");
    let (_, page) = held.rina.text(BASE).await;
    assert!(
        page.contains("{nomor:3}/BIMTEK-{kode}/{bulan}/{tahun}")
            && page.contains("nomor berikutnya 1")
            && page.contains("Drs. H. Meri Sasdi, M.Pd."),
        "{app}: {page}"
    );
    // Pictures, PNG or JPEG by their content; a signatory's only once saved.
    let logo = include_bytes!("../../templates/certificate/sample/logo.png").to_vec();
    let upload = |name: &'static str, file: (&'static str, Vec<u8>)| {
        let rina = &held.rina;
        async move {
            send_with_file(
                rina,
                &format!("{BASE}/pictures/{name}"),
                &[],
                ("picture", Some(file)),
                ("upload", "1"),
            )
            .await
        }
    };
    let (status, page) = upload("logo", ("logo.png", logo.clone())).await;
    assert_eq!(status, 303, "{app}: {page}");
    let (status, page) = upload("background", ("latar.png", b"GIF89a....".to_vec())).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains(r#"<p class="error" id="f-picture-error">Isi berkas ini bukan"#)
            && page.contains(r##"href="#f-picture">Gambar latar: Isi berkas ini bukan"##),
        "{app}: the message stands by the background's field: {page}"
    );
    // A PNG by its first bytes that does not print: refused on upload, not
    // when every certificate fails to render.
    let (status, page) = upload("logo", ("rusak.png", logo[..logo.len() / 2].to_vec())).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Gambar ini tidak dapat dibaca: berkasnya rusak"),
        "{app}: {page}"
    );
    let (status, page) = upload("signature-2", ("ttd.png", logo.clone())).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Tulis dan simpan penanda tangan ini terlebih dahulu"),
        "{app}: {page}"
    );
    let (_, page) = held.rina.text(&format!("{BASE}/settings")).await;
    assert_eq!(page.matches("Sudah diunggah").count(), 1, "{app}: {page}");

    let preview = held.rina.get(&format!("{BASE}/preview")).await;
    assert_eq!(preview.status(), 200, "{app}");
    assert_eq!(preview.headers()["content-type"], "application/pdf");
    assert!(
        preview.bytes().await.unwrap().starts_with(b"%PDF-"),
        "{app}"
    );
}

backend_tests!(
    everyone_eligible_gets_a_numbered_certificate_by_mail_and_to_download,
    multi_thread
);
async fn everyone_eligible_gets_a_numbered_certificate_by_mail_and_to_download(
    backend: TestBackend,
) {
    let smtp = SmtpServer::start().await;
    let held = held(app_with_smtp(&backend, &smtp).await).await;
    let app = &held.app;
    held.participant(1, ("", ""), State::Accepted).await;
    held.participant(2, ("", ""), State::Accepted).await;
    // 112 of 180 minutes: 62 %.
    held.participant(3, ("09:00", "10:52"), State::Accepted)
        .await;
    held.participant(4, ("", ""), State::Submitted).await;
    let (status, page) = save(
        &held.rina,
        &settings("{nomor:3}/BIMTEK-{kode}/{bulan}/{tahun}", "Bengkulu"),
    )
    .await;
    assert_eq!(status, 303, "{app}: {page}");

    let (status, page) = held.rina.text(&format!("{BASE}/dry-run")).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("Akan menerima sertifikat (2)")
            && page.contains("Tidak memenuhi syarat (2)")
            && page.contains("Dra. Peserta 3, M.Hum., Perpustakaan Desa Sukamaju: kehadiran 62 %, minimal 80 %")
            && page.contains("Dra. Peserta 4, M.Hum., Perpustakaan Desa Sukamaju: RTL belum diterima (menunggu penilaian)"),
        "{app}: {page}"
    );

    let response = held.rina.post(&format!("{BASE}/issue"), &[]).await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(Browser::location(&response), format!("{BASE}?issued=2"));
    wait_for_jobs(&app.db).await;
    let received: Vec<_> = smtp
        .received()
        .into_iter()
        .filter(|m| m.subject().starts_with("Sertifikat Anda"))
        .collect();
    let day = yesterday();
    let roman = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ][day.month0() as usize];
    let number = |n: usize| format!("{n:03}/BIMTEK-TPBIS-BKL/{roman}/{}", day.year());
    let (_, page) = held.rina.text(BASE).await;
    let one = page.find(&number(1)).expect("the first number is listed");
    let two = page.find(&number(2)).expect("the second number is listed");
    assert!(one < two && !page.contains(&number(3)), "{app}: {page}");
    assert!(
        page.find("Dra. Peserta 1, M.Hum.").unwrap() < page.find("Dra. Peserta 2, M.Hum.").unwrap()
            && page.matches("Terkirim lewat e-mail").count() == 2
            && page.contains("2 diterbitkan"),
        "{app}: {page}"
    );

    // Issuing again issues nobody twice.
    let response = held.rina.post(&format!("{BASE}/issue"), &[]).await;
    assert_eq!(Browser::location(&response), format!("{BASE}?issued=0"));
    let (_, page) = held.rina.text(&format!("{BASE}?issued=0")).await;
    assert!(
        page.contains("Tidak ada sertifikat baru: setiap peserta yang memenuhi syarat sudah memegang sertifikat."),
        "{app}: {page}"
    );

    let mut to: Vec<&str> = received.iter().map(|m| m.rcpt_to[0].as_str()).collect();
    to.sort();
    assert_eq!(
        to,
        [
            "peserta1@perpusdes.example.id",
            "peserta2@perpusdes.example.id"
        ]
    );
    let mail = received
        .iter()
        .find(|m| m.rcpt_to[0] == "peserta1@perpusdes.example.id")
        .unwrap();
    assert!(mail.subject().starts_with("Sertifikat Anda"), "{app}");
    assert!(mail.text().contains(&number(1)), "{app}: {}", mail.text());
    let files = mail.attachments();
    assert_eq!(files.len(), 1, "{app}");
    let (name, content_type, emailed) = &files[0];
    assert_eq!(content_type, "application/pdf");
    assert!(
        name.starts_with("sertifikat-001-BIMTEK-TPBIS-BKL"),
        "{name}"
    );
    assert!(emailed.starts_with(b"%PDF-"), "{app}");

    // The holder downloads the same file from their page.
    let peserta1 = participant(&app.db, "peserta1@perpusdes.example.id", "Peserta 1").await;
    let holder = signed_in_by_link(app, &peserta1).await;
    let (_, my) = holder.text("/my").await;
    let link = my
        .split("href=\"/my/certificates/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|id| format!("/my/certificates/{id}"))
        .unwrap_or_else(|| panic!("{app}: no download on /my: {my}"));
    assert!(my.contains(&number(1)), "{app}: {my}");
    let download = holder.get(&link).await;
    assert_eq!(download.status(), 200, "{app}");
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(download.headers()["cache-control"], "no-store");
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
        "{app}"
    );
    assert_eq!(&download.bytes().await.unwrap()[..], &emailed[..], "{app}");

    // Nobody else does.
    let peserta2 = participant(&app.db, "peserta2@perpusdes.example.id", "Peserta 2").await;
    let other = signed_in_by_link(app, &peserta2).await;
    assert_eq!(other.get(&link).await.status(), 404, "{app}");
    assert_eq!(held.rina.get(&link).await.status(), 404, "{app}");

    // Anyone can check it: the link in the e-mail opens the verify page.
    let verify = mail
        .first_link(&format!("{}/verify/", app.address))
        .expect("the e-mail links to the verify page");
    let code = verify.rsplit('/').next().unwrap().to_owned();
    assert!(code.len() >= 26, "{verify}");
    let (status, page) = app.browser().text(&format!("/verify/{code}")).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("Sertifikat ini sah")
            && page.contains("Dra. Peserta 1, M.Hum.")
            && page.contains(&number(1))
            && page.contains("Bimtek bimtek-sertifikat")
            && page.contains("Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu")
            && !page.contains("peserta1@")
            && !page.contains("ditandatangani secara elektronik"),
        "{app}: {page}"
    );
    let (status, page) = app.browser().text("/verify/bukan-kode-yang-ada").await;
    assert_eq!(status, 404, "{app}: {page}");
    assert!(page.contains("tidak dikenal"), "{app}: {page}");
}
