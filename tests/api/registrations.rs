//! Registration by HTTP on real databases, with the e-mails received over
//! SMTP: the form, the address confirmation, seats, the waiting list and
//! its promotion, moderation, duplicates, organisers' list, import and
//! export, and a rush that gives exactly as many seats as there are.

use std::time::Duration;

use bimtek::domain::event::NewEvent;
use bimtek::domain::registration::Status;
use bimtek::export::spreadsheet::{self, Format};
use bimtek::services::registrations;
use chrono_tz::Tz;

use crate::support::smtp::SmtpServer;
use crate::support::*;

async fn open_event(app: &TestApp, slug: &str, quota: Option<u32>, moderated: bool) -> NewEvent {
    let new = event(slug, Tz::Asia__Makassar, true);
    let created = create_event(&app.db, new.clone()).await;
    registrations::set_seats(&app.db, &created.id.to_string(), quota, moderated)
        .await
        .unwrap();
    new
}

backend_tests!(from_the_form_to_a_seat_the_waiting_list_and_back);
async fn from_the_form_to_a_seat_the_waiting_list_and_back(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    open_event(&app, "bimtek-satu-kursi", Some(1), false).await;
    let rina = organiser(&app, "bimtek-satu-kursi").await;
    let response = rina
        .post(
            "/manage/events/bimtek-satu-kursi/questions",
            &[
                ("label", "Ukuran kaos"),
                ("kind", "choice"),
                ("choices", "S\nM\nL"),
                ("required", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");

    let page = app.page("/events/bimtek-satu-kursi").await;
    assert!(
        page.contains("/events/bimtek-satu-kursi/register") && page.contains("Sisa kursi: 1."),
        "{app}: {page}"
    );

    // Without JavaScript: the province button brings its regencies,
    // and everything typed stays.
    let browser = app.browser();
    let (_, form) = browser.text("/events/bimtek-satu-kursi/register").await;
    assert!(
        form.contains("Ukuran kaos") && form.contains("UU No. 27 Tahun 2022"),
        "{app}"
    );
    let response = browser
        .post_with_token(
            "/events/bimtek-satu-kursi/register",
            &[
                ("full_name", "Dra. Siti Aminah"),
                ("province_code", "17"),
                ("step", "province"),
            ],
            &csrf_in(&form),
        )
        .await;
    assert_eq!(response.status(), 200, "{app}");
    let step = response.text().await.unwrap();
    assert!(
        step.contains(r#"<option value="17.71">Kota Bengkulu</option>"#),
        "{app}: {step}"
    );
    assert!(step.contains(r#"value="Dra. Siti Aminah""#), "{app}");

    // Mistakes come back next to their fields, with what was typed.
    let mut wrong = person(1);
    wrong.retain(|(k, _)| k != "consent");
    wrong.iter_mut().find(|(k, _)| k == "whatsapp").unwrap().1 = "12345".into();
    wrong.iter_mut().find(|(k, _)| k == "nip").unwrap().1 = "198513172010012004".into();
    let (status, page) = register(&app, "bimtek-satu-kursi", &wrong).await;
    assert_eq!(status, 422, "{app}");
    for message in [
        r#"id="f-whatsapp-error""#,
        r#"id="f-nip-error""#,
        r#"id="f-consent-error""#,
        "Pertanyaan ini wajib dijawab.",
        r#"value="Dra. Peserta 1, M.Hum.""#,
        r#"<option value="17.71" selected>Kota Bengkulu</option>"#,
    ] {
        assert!(page.contains(message), "{app}: {message} in {page}");
    }

    // Siti registers, confirms her address and gets the one seat.
    let question = {
        let (_, form) = app
            .browser()
            .text("/events/bimtek-satu-kursi/register")
            .await;
        form.split("name=\"q_")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned()
    };
    let with_answer = |n| {
        let mut fields = person(n);
        fields.push((format!("q_{question}"), "M".into()));
        fields
    };
    let (status, page) = register(&app, "bimtek-satu-kursi", &with_answer(1)).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(page.contains("Periksa e-mail Anda"), "{app}");
    let first = "peserta1@perpusdes.example.id";
    let confirmation = mail(&app, &smtp, first, "Konfirmasi pendaftaran").await;
    let (siti, page) = confirm(&app, &confirmation).await;
    assert!(page.contains("Kursi Anda terkonfirmasi"), "{app}: {page}");
    let seat = mail(&app, &smtp, first, "Kursi Anda terkonfirmasi").await;
    let ics = seat
        .attachments()
        .into_iter()
        .find(|(name, _, _)| name.ends_with(".ics"))
        .expect("a calendar invitation");
    let ics = String::from_utf8(ics.2).unwrap();
    assert!(
        ics.contains("METHOD:REQUEST")
            && ics.contains("DTSTART;TZID=Asia/Makassar:20300729T090000"),
        "{app}: {ics}"
    );
    // The link works once.
    let link = confirmation
        .first_link(&app.url("/registrations/confirm/"))
        .unwrap();
    let again = app.browser();
    let (_, page) = again.text(&link).await;
    assert_eq!(
        again
            .post_with_token(&link, &[], &csrf_in(&page))
            .await
            .status(),
        400,
        "{app}"
    );

    // Her page shows the seat and its invitation.
    let (_, mine) = siti.text("/my").await;
    assert!(
        mine.contains("Terkonfirmasi") && mine.contains("invitation.ics"),
        "{app}: {mine}"
    );
    let id = mine
        .split("/my/registrations/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let response = siti
        .get(&format!("/my/registrations/{id}/invitation.ics"))
        .await;
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .starts_with("BEGIN:VCALENDAR\r\n")
    );

    // A second person waits; a second attempt by Siti reveals nothing
    // on the page and sends her a sign-in link.
    register(&app, "bimtek-satu-kursi", &with_answer(2)).await;
    let second = "peserta2@perpusdes.example.id";
    confirm(
        &app,
        &mail(&app, &smtp, second, "Konfirmasi pendaftaran").await,
    )
    .await;
    mail(&app, &smtp, second, "Anda masuk daftar tunggu").await;
    let (status, page) = register(&app, "bimtek-satu-kursi", &with_answer(1)).await;
    assert_eq!(status, 200, "{app}");
    assert!(page.contains("Periksa e-mail Anda"), "{app}");
    let sign_in = mail(&app, &smtp, first, "Tautan masuk bimtek").await;
    assert!(
        sign_in.first_link(&app.url("/my/sign-in/")).is_some(),
        "{app}"
    );

    // A robot fills in the hidden field: the same page, nothing stored.
    let mut robot = with_answer(3);
    robot.iter_mut().find(|(k, _)| k == "website").unwrap().1 = "http://spam.example".into();
    let (status, page) = register(&app, "bimtek-satu-kursi", &robot).await;
    assert_eq!(
        (status, page.contains("Periksa e-mail Anda")),
        (200, true),
        "{app}"
    );

    // Siti cancels: her seat goes to the first in line, who is told.
    let (_, page) = siti.text(&format!("/my/registrations/{id}/cancel")).await;
    let response = siti
        .post_with_token(
            &format!("/my/registrations/{id}/cancel"),
            &[],
            &csrf_in(&page),
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    mail(&app, &smtp, first, "Pendaftaran dibatalkan").await;
    mail(&app, &smtp, second, "Kursi Anda terkonfirmasi").await;

    let event_id = bimtek::services::events::by_slug(&app.db, "bimtek-satu-kursi")
        .await
        .unwrap()
        .id
        .to_string();
    let count = |status| registrations::with_status(&app.db, &event_id, status);
    assert_eq!(count(Status::Confirmed).await.unwrap().len(), 1, "{app}");
    assert_eq!(count(Status::Cancelled).await.unwrap().len(), 1, "{app}");
    assert!(
        count(Status::Unconfirmed).await.unwrap().is_empty(),
        "{app}: the robot left nothing"
    );

    // The organiser's list and export carry the answer to the question.
    let (_, list) = rina
        .text("/manage/events/bimtek-satu-kursi/registrations?status=confirmed")
        .await;
    assert!(
        list.contains("Dra. Peserta 2, M.Hum.") && !list.contains("Dra. Peserta 1, M.Hum."),
        "{app}: {list}"
    );
    let csv = rina
        .get("/manage/events/bimtek-satu-kursi/registrations/export?format=csv")
        .await
        .bytes()
        .await
        .unwrap();
    let table = spreadsheet::read(&csv, Format::Csv).unwrap();
    assert!(
        table.header.contains(&"Ukuran kaos".to_owned()),
        "{app}: {:?}",
        table.header
    );
    assert_eq!(table.rows.len(), 2, "{app}");
    assert!(
        table.rows.iter().all(|r| r.contains(&"M".to_owned())),
        "{app}"
    );
    smtp.stop().await;
}

backend_tests!(organisers_approve_reject_and_move_from_the_waiting_list);
async fn organisers_approve_reject_and_move_from_the_waiting_list(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    open_event(&app, "bimtek-moderasi", Some(1), true).await;
    for n in 1..=3 {
        register(&app, "bimtek-moderasi", &person(n)).await;
        let to = format!("peserta{n}@perpusdes.example.id");
        let (_, page) = confirm(
            &app,
            &mail(&app, &smtp, &to, "Konfirmasi pendaftaran").await,
        )
        .await;
        assert!(
            page.contains("menunggu persetujuan panitia"),
            "{app}: {page}"
        );
        mail(&app, &smtp, &to, "Pendaftaran Anda sedang ditinjau").await;
    }
    let rina = organiser(&app, "bimtek-moderasi").await;
    let (_, list) = rina
        .text("/manage/events/bimtek-moderasi/registrations")
        .await;
    let ids: Vec<String> = list
        .split("name=\"ids\" value=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 3, "{app}");
    // Newest first: approve the two oldest, reject the newest.
    let decide = |decision: &'static str, chosen: Vec<String>| {
        let rina = &rina;
        async move {
            let mut fields = vec![("decision", decision)];
            fields.extend(chosen.iter().map(|id| ("ids", id.as_str())));
            let response = rina
                .post(
                    "/manage/events/bimtek-moderasi/registrations/decide",
                    &fields,
                )
                .await;
            assert_eq!(response.status(), 303);
            Browser::location(&response)
        }
    };
    let back = decide("approve", vec![ids[2].clone(), ids[1].clone()]).await;
    assert!(back.contains("changed=2&skipped=0"), "{app}: {back}");
    decide("reject", vec![ids[0].clone()]).await;
    mail(
        &app,
        &smtp,
        "peserta1@perpusdes.example.id",
        "Kursi Anda terkonfirmasi",
    )
    .await;
    mail(
        &app,
        &smtp,
        "peserta2@perpusdes.example.id",
        "Anda masuk daftar tunggu",
    )
    .await;
    mail(
        &app,
        &smtp,
        "peserta3@perpusdes.example.id",
        "Pendaftaran tidak dapat diterima",
    )
    .await;
    // The organiser makes room for the one waiting.
    let back = decide("promote", ids.clone()).await;
    assert!(back.contains("changed=1&skipped=2"), "{app}: {back}");
    let mails = smtp.received();
    let seats = mails
        .iter()
        .filter(|m| m.subject().starts_with("Kursi Anda terkonfirmasi"))
        .count();
    assert!(seats <= 2, "{app}");
    mail(
        &app,
        &smtp,
        "peserta2@perpusdes.example.id",
        "Kursi Anda terkonfirmasi",
    )
    .await;
    let (_, audit) = {
        staff(&app.db, "admin@dispusip.example.id", true, None).await;
        let admin = app.browser();
        admin.sign_in("admin@dispusip.example.id", PASSWORD).await;
        admin.text("/admin/audit").await
    };
    assert!(
        audit.contains("Dinaikkan dari daftar tunggu") && audit.contains("Pendaftaran ditolak"),
        "{app}"
    );
    smtp.stop().await;
}

/// Uploads `csv` as the event's participant list: the preview's path.
async fn import(organiser: &Browser, slug: &str, csv: &str) -> String {
    let list = format!("/manage/events/{slug}/registrations");
    let form = organiser.text(&list).await.1;
    let upload = reqwest::multipart::Form::new()
        .text("csrf_token", csrf_in(&form))
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("peserta.csv"),
        );
    let response = organiser
        .client
        .post(organiser.url(&format!("{list}/import")))
        .multipart(upload)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    Browser::location(&response)
}

backend_tests!(an_import_preview_shows_the_values_written_and_the_rows_to_come);
async fn an_import_preview_shows_the_values_written_and_the_rows_to_come(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    open_event(&app, "bimtek-pratinjau", None, false).await;
    let rina = organiser(&app, "bimtek-pratinjau").await;
    let mut csv = String::from(
        "Nama;E-mail;No. WA;Instansi;Jabatan;Provinsi;Kab/Kota;Jenis perpustakaan;Jenis kelamin\n",
    );
    csv.push_str(
        "Hendra;hendra@;0812 7000 1111;Perpustakaan Kaur;Kepala;Bengkulu;Kota Bengkulu;desa;L\n",
    );
    csv.push_str("Wati;wati@perpus.example.id;0812 7000 2222;Perpustakaan Wati;Pengelola;Atlantis;Kota Bengkulu;desa;P\n");
    for n in 1..=25 {
        csv.push_str(&format!(
            "Peserta Nomor {n};peserta{n}@perpus.example.id;0812 7100 {n:04};Perpustakaan Desa {n};Pengelola;Bengkulu;Kota Bengkulu;desa;P\n"
        ));
    }
    let path = import(&rina, "bimtek-pratinjau", &csv).await;
    let (status, preview) = rina.text(&path).await;
    assert_eq!(status, 200, "{app}");
    assert!(
        preview.contains("25 baris siap diimpor; 2 baris bermasalah"),
        "{app}: {preview}"
    );

    // Each problem quotes what the file says.
    for written in ["Tertulis: <q>hendra@</q>", "Tertulis: <q>Atlantis</q>"] {
        assert!(preview.contains(written), "{app}: {written} in {preview}");
    }

    // The rows about to be imported: the first twenty, and how many in all.
    let ready = &preview[preview
        .find(r#"<h2 id="import-ready">Baris yang akan diimpor</h2>"#)
        .expect("the rows to come")..];
    for n in [1, 20] {
        assert!(
            ready.contains(&format!("<td>Peserta Nomor {n}</td>")),
            "{app}: {n} in {ready}"
        );
    }
    assert!(
        !ready.contains("<td>Peserta Nomor 21</td>"),
        "{app}: {ready}"
    );
    assert!(ready.contains("<td>Perpustakaan Desa 1</td>"), "{app}");
    assert!(
        ready.contains("Ditampilkan 20 baris pertama dari 25 baris yang akan diimpor."),
        "{app}: {ready}"
    );
}

backend_tests!(a_spreadsheet_import_shows_bad_rows_first_and_exports_read_back);
async fn a_spreadsheet_import_shows_bad_rows_first_and_exports_read_back(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    open_event(&app, "bimtek-impor", None, false).await;
    let rina = organiser(&app, "bimtek-impor").await;
    let csv = "Nama;E-mail;No. WA;NIP;Instansi;Jabatan;Provinsi;Kab/Kota;Jenis perpustakaan;Jenis kelamin\r\n\
            Ni Luh Ayu Sri Wahyuni, S.IIP;ayu@perpus.example.id;0813 3344 5566;;Dinas Perpustakaan Bali;Pustakawan;Bali;Kota Denpasar;Perpustakaan provinsi;P\r\n\
            Ahmad;ahmad@perpus.example.id;12;;SMA 1;Guru;Bengkulu;Kota Bengkulu;sekolah;L\r\n\
            Ayu lagi;AYU@perpus.example.id;0813 3344 5566;;X;Y;Bali;Kota Denpasar;desa;P\r\n";
    let preview_path = import(&rina, "bimtek-impor", csv).await;
    let (_, preview) = rina.text(&preview_path).await;
    assert!(
        preview.contains("1 baris siap diimpor; 2 baris bermasalah"),
        "{app}: {preview}"
    );
    assert!(
        preview.contains("Tulis nomor WhatsApp seluler Indonesia"),
        "{app}"
    );
    assert!(preview.contains("muncul lebih dari sekali"), "{app}");
    let event_id = bimtek::services::events::by_slug(&app.db, "bimtek-impor")
        .await
        .unwrap()
        .id
        .to_string();
    assert!(
        registrations::with_status(&app.db, &event_id, Status::Confirmed)
            .await
            .unwrap()
            .is_empty(),
        "{app}: nothing before the organiser confirms"
    );
    let response = rina
        .post_with_token(&preview_path, &[], &csrf_in(&preview))
        .await;
    assert!(
        Browser::location(&response).contains("added=1&skipped=0"),
        "{app}"
    );
    assert_eq!(
        registrations::with_status(&app.db, &event_id, Status::Confirmed)
            .await
            .unwrap()
            .len(),
        1,
        "{app}"
    );
    mail(
        &app,
        &smtp,
        "ayu@perpus.example.id",
        "Kursi Anda terkonfirmasi",
    )
    .await;
    // A second confirmation imports nothing twice, and says why.
    let response = rina
        .post_with_token(&preview_path, &[], &csrf_in(&preview))
        .await;
    assert_eq!(response.status(), 409, "{app}");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Berkas ini sudah diimpor"),
        "{app}"
    );

    // Added by hand, then both exports.
    let mut by_hand = person(7);
    by_hand.retain(|(k, _)| k != "website");
    let (_, form) = rina
        .text("/manage/events/bimtek-impor/registrations/new")
        .await;
    let response = rina
        .post_with_token(
            "/manage/events/bimtek-impor/registrations/new",
            &pairs(&by_hand),
            &csrf_in(&form),
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let xlsx = rina
        .get("/manage/events/bimtek-impor/registrations/export?format=xlsx")
        .await
        .bytes()
        .await
        .unwrap();
    let table = spreadsheet::read(&xlsx, Format::Xlsx).unwrap();
    assert_eq!(table.header[0], "Nama lengkap dan gelar", "{app}");
    assert_eq!(table.rows.len(), 2, "{app}");
    let ayu = &table.rows[0];
    assert_eq!(ayu[0], "Ni Luh Ayu Sri Wahyuni, S.IIP", "{app}");
    assert_eq!(ayu[2], "+6281333445566", "{app}");
    assert_eq!(ayu[6], "Bali", "{app}");
    assert_eq!(ayu[7], "Kota Denpasar", "{app}");
    assert_eq!(ayu[11], "Terkonfirmasi", "{app}");
    let csv = rina
        .get("/manage/events/bimtek-impor/registrations/export?format=csv&q=ayu")
        .await
        .bytes()
        .await
        .unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "{app}: a BOM for spreadsheet programs"
    );
    let table = spreadsheet::read(&csv, Format::Csv).unwrap();
    assert_eq!(
        table.rows.len(),
        1,
        "{app}: the search applies to the export"
    );
    smtp.stop().await;
}

backend_tests!(a_rush_of_200_for_50_seats_confirms_exactly_50);
async fn a_rush_of_200_for_50_seats_confirms_exactly_50(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = spawn_app_with(&backend, |s| {
        s.smtp_url = Some(url);
        s.registrations_per_minute = 0;
        // Enough connections and threads for decisions to overlap.
        s.db_pool_size = 32;
        s.http_workers = Some(4);
        s.job_workers = 16;
    })
    .await;
    open_event(&app, "bimtek-rebutan", Some(50), false).await;
    let rush: Vec<_> = (0..200)
        .map(|n| {
            let browser = app.browser();
            tokio::spawn(async move {
                let (status, _) = register_in(&browser, "bimtek-rebutan", &person(n)).await;
                status
            })
        })
        .collect();
    for task in rush {
        assert_eq!(task.await.unwrap(), 200, "{app}");
    }
    let confirmations = smtp.wait_for(200, WAIT).await;
    let clicks: Vec<_> = confirmations
        .into_iter()
        .map(|m| {
            let link = m.first_link(&app.url("/registrations/confirm/")).unwrap();
            let browser = app.browser();
            tokio::spawn(async move {
                let (_, page) = browser.text(&link).await;
                let response = browser.post_with_token(&link, &[], &csrf_in(&page)).await;
                response.status().as_u16()
            })
        })
        .collect();
    for click in clicks {
        assert_eq!(click.await.unwrap(), 200, "{app}");
    }
    let event_id = bimtek::services::events::by_slug(&app.db, "bimtek-rebutan")
        .await
        .unwrap()
        .id
        .to_string();
    let with = |status| registrations::with_status(&app.db, &event_id, status);
    let confirmed = with(Status::Confirmed).await.unwrap();
    let waiting = with(Status::Waitlisted).await.unwrap();
    assert_eq!(confirmed.len(), 50, "{app}");
    assert_eq!(waiting.len(), 150, "{app}");
    let seats = smtp.wait_for(400, WAIT).await;
    let told = |subject: &str| {
        seats
            .iter()
            .filter(|m| m.subject().starts_with(subject))
            .count()
    };
    assert_eq!(told("Kursi Anda terkonfirmasi"), 50, "{app}");
    assert_eq!(told("Anda masuk daftar tunggu"), 150, "{app}");
    smtp.stop().await;
}

backend_tests!(one_address_may_send_only_so_many_registrations_a_minute);
async fn one_address_may_send_only_so_many_registrations_a_minute(backend: TestBackend) {
    let app = spawn_app_with(&backend, |s| s.registrations_per_minute = 2).await;
    open_event(&app, "bimtek-dibatasi", None, false).await;
    for n in 0..2 {
        assert_eq!(
            register(&app, "bimtek-dibatasi", &person(n)).await.0,
            200,
            "{app}"
        );
    }
    let browser = app.browser();
    let path = "/events/bimtek-dibatasi/register";
    let (_, form) = browser.text(path).await;
    let refused = browser
        .post_with_token(path, &pairs(&person(2)), &csrf_in(&form))
        .await;
    assert_eq!(refused.status(), 429, "{app}");
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=60).contains(&wait),
        "{app}: Retry-After {wait} for a one-minute window"
    );
    let page = refused.text().await.unwrap();
    assert!(
        page.contains(&format!("kirim lagi dalam {wait} detik")),
        "{app}: {page}"
    );
    assert!(
        page.contains(r#"value="Dra. Peserta 2, M.Hum.""#)
            && page.contains(r#"value="peserta2@perpusdes.example.id""#),
        "{app}: what was typed is kept: {page}"
    );
}

backend_tests!(a_closed_registration_says_so);
async fn a_closed_registration_says_so(backend: TestBackend) {
    let app = spawn_app_with(&backend, |_| {}).await;
    let mut past = event("bimtek-tutup", Tz::Asia__Jayapura, true);
    past.seats.registration_closes_at = Some(chrono::Utc::now() - chrono::Duration::hours(1));
    create_event(&app.db, past).await;
    let page = app.page("/events/bimtek-tutup/register").await;
    assert!(
        page.contains("Pendaftaran bimtek ini sudah ditutup."),
        "{app}"
    );
    assert!(!page.contains("name=\"full_name\""), "{app}");
    let (status, page) = register_closed(&app).await;
    assert_eq!(status, 200, "{app}");
    assert!(page.contains("sudah ditutup"), "{app}");
}

async fn register_closed(app: &TestApp) -> (u16, String) {
    let browser = app.browser();
    let token = browser.csrf().await;
    let response = browser
        .post_with_token("/events/bimtek-tutup/register", &pairs(&person(1)), &token)
        .await;
    (response.status().as_u16(), response.text().await.unwrap())
}

backend_tests!(a_registrations_email_leaves_as_its_transaction_commits);
/// The confirmation e-mail leaves when the registration commits, not at
/// the worker's next look at an idle queue (a minute here).
async fn a_registrations_email_leaves_as_its_transaction_commits(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = spawn_app_with(&backend, |s| {
        s.smtp_url = Some(url);
        s.job_idle_poll = Duration::from_secs(60);
    })
    .await;
    open_event(&app, "bimtek-segera", None, false).await;
    // The worker has looked at the empty queue and sleeps.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _) = register(&app, "bimtek-segera", &person(1)).await;
    assert_eq!(status, 200, "{app}");
    let asked = tokio::time::Instant::now();
    smtp.wait_for(1, Duration::from_secs(10)).await;
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "{app}: the e-mail took {:?}",
        asked.elapsed()
    );
}

backend_tests!(registering_again_and_again_sends_at_most_the_hourly_allowance);
/// Registering with someone's address again and again sent them a
/// confirmation each time: a stranger could flood any mailbox.
async fn registering_again_and_again_sends_at_most_the_hourly_allowance(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    open_event(&app, "bimtek-banjir", None, false).await;
    let mut pages = Vec::new();
    for _ in 0..5 {
        let (status, page) = register(&app, "bimtek-banjir", &person(1)).await;
        assert_eq!(status, 200, "{app}: {page}");
        pages.push(page.contains("peserta1@perpusdes.example.id"));
    }
    assert!(pages.iter().all(|named| *named), "{app}: the pages differ");
    let cap = bimtek::services::mail::UNSOLICITED_PER_HOUR as usize;
    smtp.wait_for(cap, Duration::from_secs(10)).await;
    // Time for any message over the allowance to arrive, were it sent.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let confirmations = smtp
        .received()
        .into_iter()
        .filter(|m| {
            m.rcpt_to
                .iter()
                .any(|to| to == "peserta1@perpusdes.example.id")
        })
        .count();
    assert_eq!(confirmations, cap, "{app}");
}

backend_tests!(a_name_too_long_or_with_control_characters_is_refused_at_its_field);
/// A 60,000-character name was stored, and NUL, ESC or a line break in a
/// name reached e-mails and exports.
async fn a_name_too_long_or_with_control_characters_is_refused_at_its_field(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    open_event(&app, "bimtek-teks", None, false).await;
    let event_id = bimtek::services::events::by_slug(&app.db, "bimtek-teks")
        .await
        .unwrap()
        .id
        .to_string();
    let named = |name: String| {
        let mut fields = person(1);
        fields[0].1 = name;
        fields
    };
    let (status, page) = register(&app, "bimtek-teks", &named("a".repeat(60_000))).await;
    assert_eq!(status, 422, "{app}");
    assert!(
        page.contains("Terlalu panjang: paling banyak 120 karakter (sekarang 60000)."),
        "{app}"
    );
    // What was typed comes back.
    assert!(
        page.contains("value=\"Perpustakaan Desa Sukamaju\""),
        "{app}"
    );
    for name in [
        "Siti\0Aminah",
        "Siti \u{1b}[31mAminah",
        "Siti\r\nBcc: x@evil.example",
    ] {
        let (status, page) = register(&app, "bimtek-teks", &named(name.into())).await;
        assert_eq!(status, 422, "{app}: {name:?}");
        assert!(page.contains("karakter kendali"), "{app}: {name:?}");
    }
    assert!(
        registrations::with_status(&app.db, &event_id, Status::Unconfirmed)
            .await
            .unwrap()
            .is_empty(),
        "{app}: something was stored"
    );
    // A tab from a paste becomes a space.
    let (status, _) = register(&app, "bimtek-teks", &named("Siti\tAminah".into())).await;
    assert_eq!(status, 200, "{app}");
    let rina = organiser(&app, "bimtek-teks").await;
    let (_, list) = rina.text("/manage/events/bimtek-teks/registrations").await;
    assert!(list.contains("Siti Aminah"), "{app}: {list}");
}

backend_tests!(an_import_with_control_characters_is_refused_and_a_pasted_tab_cleaned);
/// A spreadsheet's text reaches e-mails and exports as a form's does: a
/// tab (a paste between cells) becomes a space in the row; a CSV with
/// other control characters is no text file and is refused whole.
async fn an_import_with_control_characters_is_refused_and_a_pasted_tab_cleaned(
    backend: TestBackend,
) {
    let app = spawn_app(&backend).await;
    open_event(&app, "bimtek-impor-teks", None, false).await;
    let rina = organiser(&app, "bimtek-impor-teks").await;
    let header = "Nama;E-mail;No. WA;NIP;Instansi;Jabatan;Provinsi;Kab/Kota;Jenis perpustakaan;Jenis kelamin\r\n";
    let upload = |rows: &str| {
        let csv = format!("{header}{rows}");
        let rina = &rina;
        async move {
            let form = rina
                .text("/manage/events/bimtek-impor-teks/registrations")
                .await
                .1;
            let upload = reqwest::multipart::Form::new()
                .text("csrf_token", csrf_in(&form))
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("peserta.csv"),
                );
            rina.client
                .post(rina.url("/manage/events/bimtek-impor-teks/registrations/import"))
                .multipart(upload)
                .send()
                .await
                .unwrap()
        }
    };
    let escaped = upload(
        "Ahmad\u{1b}[2J;ahmad@perpus.example.id;0813 3344 5567;;SMA 1;Guru;Bengkulu;Kota Bengkulu;sekolah;L\r\n",
    )
    .await;
    assert_eq!(escaped.status(), 422, "{app}");
    let response = upload(
        "Ni Luh Ayu;ayu@perpus.example.id;0813 3344 5566;;Dinas\tPerpustakaan Bali;Pustakawan;Bali;Kota Denpasar;Perpustakaan provinsi;P\r\n",
    )
    .await;
    assert_eq!(response.status(), 303, "{app}");
    let preview_path = Browser::location(&response);
    let (_, preview) = rina.text(&preview_path).await;
    assert!(preview.contains("1 baris siap diimpor"), "{app}: {preview}");
    rina.post_with_token(&preview_path, &[], &csrf_in(&preview))
        .await;
    let (_, list) = rina
        .text("/manage/events/bimtek-impor-teks/registrations")
        .await;
    assert!(list.contains("Dinas Perpustakaan Bali"), "{app}: {list}");
}

backend_tests!(the_organisers_list_stays_light_with_many_registrations);
async fn the_organisers_list_stays_light_with_many_registrations(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let event = create_event(&app.db, event("bimtek-ramai", Tz::Asia__Jakarta, true)).await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let regencies = [
        "17.01", "17.02", "17.03", "17.04", "17.05", "17.06", "17.07", "17.08", "17.09", "17.71",
    ];
    // Names, addresses and offices as long as real ones get.
    for n in 0..120 {
        let mut fields: std::collections::HashMap<String, String> = person(n).into_iter().collect();
        fields.extend([
            (
                "full_name".into(),
                format!("Dra. Rahmawati Kusumaningrum Pratiwi {n}, S.IPI., M.Hum."),
            ),
            (
                "email".into(),
                format!("rahmawati.kusumaningrum.{n}@perpustakaan-desa.example.id"),
            ),
            (
                "institution".into(),
                "Dinas Perpustakaan dan Kearsipan Kabupaten Bengkulu Selatan".into(),
            ),
            ("position".into(), "Pustakawan Ahli Muda".into()),
            ("regency_code".into(), regencies[n % regencies.len()].into()),
        ]);
        registrations::add_by_hand(&app.db, &event, fields, &admin, &origin(&app.address))
            .await
            .unwrap();
    }
    let admin = app.browser();
    admin.sign_in("admin@dispusip.example.id", PASSWORD).await;
    let list = "/manage/events/bimtek-ramai/registrations";
    let (_, first) = admin.text(list).await;
    let css = app.page(&bimtek::web::assets::stylesheet_url()).await;
    for path in [
        list.to_owned(),
        format!("{list}?page=1"),
        format!("{list}?province=17"),
        format!("{list}?province=17&regency=17.71"),
        format!("{list}?q=Rahmawati&status=confirmed&province=17&page=2"),
    ] {
        let (status, page) = admin.text(&path).await;
        assert_eq!(status, 200, "{app}: {path}");
        let weight = page.len() + css.len();
        println!("{app}: {path}: {weight} bytes with the stylesheet");
        assert!(
            weight < 25 * 1024,
            "{app}: {path} weighs {weight} bytes with its stylesheet"
        );
    }
    assert!(
        first.contains("120 pendaftar cocok") && first.contains(r#"rel="next""#),
        "{app}: {first}"
    );
}
