//! The outbox over real SMTP: nothing lost while the server is down,
//! nothing sent twice (also by two instances), every message well formed,
//! and the state visible to the people who can resend it.

use std::collections::HashSet;
use std::time::Duration;

use bimtek::db::DbError;
use bimtek::db::models::OutboxRow;
use bimtek::domain::outbox::OutboxStatus;
use bimtek::email::Template;
use bimtek::i18n::Lang;
use bimtek::integrations::mail::{Attachment, MailSettings, Mailer, SendError};
use bimtek::services::mail;
use chrono::Utc;
use chrono_tz::Tz;

use bimtek::domain::account::EventRole;

use crate::support::smtp::SmtpServer;
use crate::support::*;

const WAIT: Duration = Duration::from_secs(60);

/// Queues `n` sign-in e-mails in one transaction, as a burst of requests would.
async fn queue(db: &bimtek::db::Db, n: usize, event_id: Option<String>) {
    db.transaction(move |conn| -> Result<(), DbError> {
        for i in 0..n {
            let to = format!("peserta{i}@perpusdes.example.id");
            let args: [(&str, &dyn std::fmt::Display); 3] = [
                ("name", &"Peserta"),
                ("link", &"http://x/y"),
                ("minutes", &30),
            ];
            let outgoing = mail::Outgoing {
                template: Template::SignIn,
                lang: Lang::Id,
                to: &to,
                event_id: event_id.as_deref(),
                args: &args,
                attachments: Vec::new(),
            };
            mail::enqueue(conn, outgoing, Utc::now())?;
        }
        Ok(())
    })
    .await
    .unwrap();
}

async fn outbox(db: &bimtek::db::Db) -> Vec<OutboxRow> {
    mail::recent(db, None, 10_000).await.unwrap()
}

fn message_ids(received: &[crate::support::smtp::Received]) -> HashSet<String> {
    received
        .iter()
        .map(|m| m.header("Message-ID").expect("a Message-ID"))
        .collect()
}

backend_tests!(mail_waits_out_an_smtp_outage_and_arrives_once, multi_thread);
async fn mail_waits_out_an_smtp_outage_and_arrives_once(backend: TestBackend) {
    let port = SmtpServer::free_port();
    let app = spawn_app_with(&backend, |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}?tls=none"))
    })
    .await;
    queue(&app.db, 5, None).await;

    // Down: every message stays queued, with the reason on record.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let rows = outbox(&app.db).await;
        if rows.iter().all(|r| r.attempts >= 2) {
            assert!(
                rows.iter().all(|r| r.status == OutboxStatus::Queued),
                "{app}: {rows:?}"
            );
            assert!(
                rows.iter().all(|r| r.last_error.is_some()),
                "{app}: {rows:?}"
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{app}: no retries: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Up again, on the same address: all arrive, each once.
    let smtp = SmtpServer::start_on(port).await;
    let received = smtp.wait_for(5, WAIT).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received_later = smtp.received();
    assert_eq!(
        received_later.len(),
        5,
        "{app}: {} deliveries of 5 messages",
        received_later.len()
    );
    assert_eq!(message_ids(&received).len(), 5, "{app}");
    let rows = outbox(&app.db).await;
    assert!(
        rows.iter()
            .all(|r| r.status == OutboxStatus::Sent && r.last_error.is_none()),
        "{app}: {rows:?}"
    );
}

backend_tests!(
    two_instances_deliver_each_message_exactly_once,
    multi_thread
);
async fn two_instances_deliver_each_message_exactly_once(backend: TestBackend) {
    const N: usize = 120;
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = spawn_app_with(&backend, |s| {
        s.smtp_url = Some(url.clone());
        s.job_workers = 3;
    })
    .await;
    start_instance(&app, |s| {
        s.smtp_url = Some(url.clone());
        s.job_workers = 3;
    })
    .await;
    queue(&app.db, N, None).await;
    smtp.wait_for(N, WAIT).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received = smtp.received();
    assert_eq!(
        received.len(),
        N,
        "{app}: {} deliveries of {N} messages",
        received.len()
    );
    assert_eq!(
        message_ids(&received).len(),
        N,
        "{app}: a message was delivered twice"
    );
    let recipients: HashSet<_> = received.iter().flat_map(|m| m.rcpt_to.clone()).collect();
    assert_eq!(recipients.len(), N, "{app}");
}

backend_tests!(
    organisers_see_each_messages_state_and_can_resend,
    multi_thread
);
async fn organisers_see_each_messages_state_and_can_resend(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = spawn_app_with(&backend, |s| s.smtp_url = Some(url)).await;
    let bimtek = create_event(&app.db, event("bimtek-surat", Tz::Asia__Jakarta, true)).await;
    let other = create_event(&app.db, event("bimtek-lain", Tz::Asia__Jakarta, true)).await;
    staff(
        &app.db,
        "rina@perpus.example.id",
        false,
        Some((&bimtek, EventRole::Organiser)),
    )
    .await;
    staff(
        &app.db,
        "andi@perpus.example.id",
        false,
        Some((&other, EventRole::Organiser)),
    )
    .await;

    smtp.fail_next(2);
    queue(&app.db, 1, Some(bimtek.id.to_string())).await;
    let first = smtp.wait_for(1, WAIT).await.remove(0);
    assert_eq!(
        first.header("Reply-To").as_deref(),
        Some("rina@perpus.example.id"),
        "{app}"
    );

    let rina = app.browser();
    rina.sign_in("rina@perpus.example.id", PASSWORD).await;
    let (status, html) = rina.text("/manage/events/bimtek-surat").await;
    assert_eq!(status, 200, "{app}");
    assert!(
        html.contains("peserta0@perpusdes.example.id"),
        "{app}: {html}"
    );
    assert!(
        html.contains(r#"class="state sent">terkirim"#),
        "{app}: {html}"
    );
    assert!(
        html.contains("3 kali dicoba"),
        "{app}: two refusals, then sent: {html}"
    );

    let id = outbox(&app.db).await[0].id.clone();
    let resend = format!("/outbox/{id}/resend");
    // Not hers to resend: another event's organiser.
    let andi = app.browser();
    andi.sign_in("andi@perpus.example.id", PASSWORD).await;
    assert_eq!(
        andi.post(&resend, &[("back", "/")]).await.status(),
        403,
        "{app}"
    );
    let response = rina
        .post(&resend, &[("back", "/manage/events/bimtek-surat")])
        .await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(
        response.headers()["location"],
        "/manage/events/bimtek-surat"
    );
    let both = smtp.wait_for(2, WAIT).await;
    assert_eq!(
        message_ids(&both).len(),
        2,
        "{app}: a resend is a new message"
    );
    assert_eq!(both[1].subject(), both[0].subject());
    // The way back stays on this site, whatever the form says.
    let response = rina.post(&resend, &[("back", "/\t/evil.example")]).await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(response.headers()["location"], "/", "{app}");
}

backend_tests!(
    a_refused_message_is_shown_with_the_servers_answer,
    multi_thread
);
async fn a_refused_message_is_shown_with_the_servers_answer(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = spawn_app_with(&backend, |s| s.smtp_url = Some(url)).await;
    staff(&app.db, "admin@dispusip.example.id", true, None).await;
    smtp.fail_next(1_000);
    queue(&app.db, 1, None).await;
    let admin = app.browser();
    admin.sign_in("admin@dispusip.example.id", PASSWORD).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (_, html) = admin.text("/admin/outbox").await;
        if html.contains("451") {
            assert!(
                html.contains(r#"class="state queued">dalam antrean"#),
                "{app}: {html}"
            );
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{app}: {html}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn row(id: &str) -> OutboxRow {
    OutboxRow {
        id: id.into(),
        event_id: None,
        template: "sign_in".into(),
        recipient: "Siti Aminah <siti@perpusdes.example.id>".into(),
        reply_to: Some("panitia@dispusip.example.id".into()),
        subject: "Sertifikat Bimbingan Teknis – Perpustakaan".into(),
        body_text: "Yth. Siti,\n\nTerlampir sertifikat Anda.\n".into(),
        attachments: "[]".into(),
        status: OutboxStatus::Queued,
        attempts: 0,
        last_error: None,
        created_at: Utc::now().naive_utc(),
        sent_at: None,
    }
}

#[tokio::test]
async fn messages_carry_their_headers_text_and_attachments() {
    let smtp = SmtpServer::start().await;
    let mailer = Mailer::new(MailSettings {
        smtp_url: Some(smtp.url()),
        connections: 2,
        from: "Bimtek Dispusip Bengkulu <bimtek@dispusip.example.id>"
            .parse()
            .unwrap(),
        per_minute: 0,
        folder: "unused".into(),
        domain: "bimtek.example.id".into(),
    })
    .unwrap();
    let pdf = b"%PDF-1.7 sertifikat".to_vec();
    let ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n".to_vec();
    let attachments = vec![
        Attachment {
            filename: "sertifikat.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: pdf.clone(),
        },
        Attachment {
            filename: "bimtek.ics".into(),
            content_type: "text/calendar; method=REQUEST".into(),
            bytes: ics,
        },
    ];
    mailer
        .send(&row("0195f0c1d2e3"), &attachments)
        .await
        .unwrap();
    let mail = smtp.wait_for(1, WAIT).await.remove(0);
    assert_eq!(
        mail.header("Message-ID").as_deref(),
        Some("<0195f0c1d2e3@bimtek.example.id>")
    );
    assert_eq!(
        mail.header("Reply-To").as_deref(),
        Some("panitia@dispusip.example.id")
    );
    assert!(
        mail.header("From")
            .unwrap()
            .contains("bimtek@dispusip.example.id")
    );
    assert_eq!(mail.subject(), "Sertifikat Bimbingan Teknis – Perpustakaan");
    assert!(
        mail.text().contains("Terlampir sertifikat Anda."),
        "{}",
        mail.text()
    );
    let files = mail.attachments();
    assert_eq!(files.len(), 2, "{files:?}");
    assert_eq!(
        (files[0].0.as_str(), files[0].1.as_str(), &files[0].2),
        ("sertifikat.pdf", "application/pdf", &pdf)
    );
    assert_eq!(files[1].0, "bimtek.ics");
    assert!(files[1].1.starts_with("text/calendar"), "{}", files[1].1);

    // A malformed address is refused for good, not retried for a day.
    let mut bad = row("0195f0c1d2e4");
    bad.recipient = "bukan alamat".into();
    assert!(matches!(
        mailer.send(&bad, &[]).await,
        Err(SendError::Permanent(_))
    ));
}

backend_tests!(without_smtp_messages_are_written_to_the_mail_folder);
async fn without_smtp_messages_are_written_to_the_mail_folder(backend: TestBackend) {
    let app = spawn_app_with(&backend, |_| {}).await;
    staff(&app.db, "admin@dispusip.example.id", true, None).await;
    participant(&app.db, "siti@perpusdes.example.id", "Siti Aminah").await;
    let browser = app.browser();
    assert_eq!(
        browser
            .post("/my/sign-in", &[("email", "siti@perpusdes.example.id")])
            .await
            .status(),
        200
    );
    let folder = app.mail_dir();
    let deadline = tokio::time::Instant::now() + WAIT;
    let file = loop {
        let files: Vec<_> = std::fs::read_dir(&folder)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(file) = files.into_iter().next() {
            break file;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{app}: no .eml in {}",
            folder.display()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let raw = std::fs::read(&file).unwrap();
    let parsed = mail_parser::MessageParser::default()
        .parse(&raw)
        .expect("a valid message");
    assert_eq!(parsed.subject(), Some("Tautan masuk bimtek"));
    let id = file.file_stem().unwrap().to_str().unwrap();
    assert_eq!(
        parsed.message_id(),
        Some(format!("{id}@localhost").as_str())
    );

    let admin = app.browser();
    admin.sign_in("admin@dispusip.example.id", PASSWORD).await;
    let (_, html) = admin.text("/admin").await;
    assert!(
        html.contains(&folder.display().to_string()),
        "{app}: the admin page does not say where mail goes: {html}"
    );
}

/// The recipients of the messages listed on a page, in order.
fn recipients(html: &str) -> Vec<String> {
    html.split("<td>")
        .skip(1)
        .filter_map(|cell| cell.split("</td>").next())
        .filter(|cell| cell.ends_with("@perpusdes.example.id"))
        .map(str::to_owned)
        .collect()
}

backend_tests!(
    the_outbox_comes_in_pages_and_the_event_page_shows_the_newest,
    multi_thread
);
async fn the_outbox_comes_in_pages_and_the_event_page_shows_the_newest(backend: TestBackend) {
    let app = spawn_app_with(&backend, |s| s.job_workers = 0).await;
    let bimtek = create_event(&app.db, event("bimtek-ramai", Tz::Asia__Jakarta, true)).await;
    staff(
        &app.db,
        "rina@perpus.example.id",
        false,
        Some((&bimtek, EventRole::Organiser)),
    )
    .await;
    staff(&app.db, "admin@perpus.example.id", true, None).await;
    queue(&app.db, 120, Some(bimtek.id.to_string())).await;
    let newest_first: Vec<String> = outbox(&app.db)
        .await
        .into_iter()
        .map(|row| row.recipient)
        .collect();

    let rina = app.browser();
    rina.sign_in("rina@perpus.example.id", PASSWORD).await;
    let (status, html) = rina.text("/manage/events/bimtek-ramai").await;
    assert_eq!(status, 200, "{app}");
    assert_eq!(
        recipients(&html),
        newest_first[..10],
        "{app}: the management page shows the newest ten"
    );
    assert!(
        html.contains(r#"href="/manage/events/bimtek-ramai/outbox""#),
        "{app}: {html}"
    );

    // The event's outbox, page by page, holds every message once.
    for (base, who) in [
        ("/manage/events/bimtek-ramai/outbox", &rina),
        ("/admin/outbox", &{
            let admin = app.browser();
            admin.sign_in("admin@perpus.example.id", PASSWORD).await;
            admin
        }),
    ] {
        let mut listed = Vec::new();
        let mut next = Some(base.to_owned());
        let mut pages = 0;
        while let Some(path) = next.take() {
            let (status, html) = who.text(&path).await;
            assert_eq!(status, 200, "{app}: {path}");
            let rows = recipients(&html);
            assert!(rows.len() <= 25, "{app}: {path}: {} rows", rows.len());
            listed.extend(rows);
            pages += 1;
            next = html
                .split(r#"<a rel="next" href=""#)
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(|href| href.replace("&amp;", "&"));
            assert!(pages <= 5, "{app}: {base}: more pages than messages");
        }
        assert_eq!(pages, 5, "{app}: {base}");
        assert_eq!(listed, newest_first, "{app}: {base}");
        let (_, last) = who.text(&format!("{base}?page=2")).await;
        assert!(
            last.contains(&format!(r#"<a rel="prev" href="{base}?page=1""#)),
            "{app}: {last}"
        );
    }
}

/// What the outbox holds in its attachments column, in bytes.
async fn attachment_bytes(app: &TestApp) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Total {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        total: i64,
    }
    app.db
        .run(|conn| -> Result<i64, DbError> {
            use diesel::RunQueryDsl;
            let sum = diesel::sql_query(
                "SELECT CAST(COALESCE(SUM(LENGTH(attachments)), 0) AS BIGINT) AS total FROM outbox",
            )
            .get_result::<Total>(conn)?;
            Ok(sum.total)
        })
        .await
        .unwrap()
}

backend_tests!(attachments_are_sent_from_storage_and_a_resend_does_not_copy_them);
async fn attachments_are_sent_from_storage_and_a_resend_does_not_copy_them(backend: TestBackend) {
    use bimtek::integrations::storage::FileKey;

    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    let bimtek = create_event(&app.db, event("bimtek-sertifikat", Tz::Asia__Jakarta, true)).await;
    // A certificate's weight, in bytes no text encoding would keep as they are.
    let mut certificate = b"%PDF-1.7\n".to_vec();
    certificate.extend((0..150_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let file = Attachment {
        filename: "sertifikat.pdf".into(),
        content_type: "application/pdf".into(),
        bytes: certificate.clone(),
    };
    let event_id = bimtek.id.to_string();
    app.db
        .transaction(move |conn| -> Result<_, DbError> {
            let args: [(&str, &dyn std::fmt::Display); 3] = [
                ("name", &"Siti Aminah"),
                ("link", &"https://bimtek.example.id/my/sign-in/x"),
                ("minutes", &30),
            ];
            let outgoing = mail::Outgoing {
                template: Template::SignIn,
                lang: Lang::Id,
                to: "siti@perpusdes.example.id",
                event_id: Some(&event_id),
                args: &args,
                attachments: vec![file],
            };
            Ok(mail::enqueue(conn, outgoing, Utc::now())?)
        })
        .await
        .unwrap();

    let sent = smtp.wait_for(1, WAIT).await.remove(0);
    let files = sent.attachments();
    assert_eq!(files.len(), 1, "{app}");
    assert_eq!(files[0].0, "sertifikat.pdf", "{app}");
    assert!(
        files[0].2 == certificate,
        "{app}: the bytes arrive as they were"
    );
    // The keys are written with the job's outcome, just after the SMTP server's answer.
    wait_for_jobs(&app.db).await;
    let key = FileKey::of(&certificate);
    let row = outbox(&app.db).await.remove(0);
    assert!(
        row.attachments.contains(key.as_str()) && !row.attachments.contains("base64"),
        "{app}: the row keeps the file's key, not the file: {}",
        row.attachments
    );
    assert_eq!(
        app.storage.read(&key).await.unwrap(),
        certificate,
        "{app}: the file is in storage"
    );
    let before = attachment_bytes(&app).await;
    assert!(
        before < 1_000,
        "{app}: {before} bytes of attachments in the outbox"
    );

    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let browser = app.browser();
    browser.sign_in(&admin.email, PASSWORD).await;
    let response = browser
        .post(&format!("/outbox/{}/resend", row.id), &[("back", "/")])
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let both = smtp.wait_for(2, WAIT).await;
    assert!(
        both[1].attachments()[0].2 == certificate,
        "{app}: the resend carries the same bytes"
    );
    let after = attachment_bytes(&app).await;
    println!("{app}: attachments column {before} bytes before the resend, {after} after");
    assert_eq!(
        after,
        2 * before,
        "{app}: the resend's row holds the same key, no copy of the file"
    );
    let copies = crate::support::s3_server::files_under(&app.storage_dir())
        .into_iter()
        .filter(|path| path.ends_with(key.as_str()))
        .count();
    assert_eq!(copies, 1, "{app}: one file in storage");
}
