//! The application sending to the test SMTP server, and the messages it
//! received.

use super::app::{TestApp, TestBackend, spawn_app_with};
use super::jobs::wait_for_jobs;
use super::smtp::{Received, SmtpServer};
use bimtek::db::models::OutboxRow;
use bimtek::integrations::storage::FileKey;

/// An application that sends through `smtp`, with a sender name, and that
/// takes any number of registrations a minute.
pub async fn app_with_smtp(backend: &TestBackend, smtp: &SmtpServer) -> TestApp {
    let url = smtp.url();
    spawn_app_with(backend, |s| {
        s.smtp_url = Some(url);
        s.mail_from = Some(
            "Bimtek Dispusip Bengkulu <bimtek@dispusip.example.id>"
                .parse()
                .unwrap(),
        );
        s.registrations_per_minute = 0;
    })
    .await
}

fn to_with_subject(smtp: &SmtpServer, to: &str, subject: &str) -> Vec<Received> {
    smtp.received()
        .into_iter()
        .filter(|m| m.rcpt_to.iter().any(|r| r == to) && m.subject().starts_with(subject))
        .collect()
}

/// The first message to `to` whose subject starts with `subject`, once the
/// outbox has sent what is due (in the background, in no set order).
pub async fn mail(app: &TestApp, smtp: &SmtpServer, to: &str, subject: &str) -> Received {
    mails(app, smtp, to, subject, 1).await.remove(0)
}

/// All messages to `to` whose subject starts with `subject`, once the
/// outbox has sent what is due; there must be at least `n`.
pub async fn mails(
    app: &TestApp,
    smtp: &SmtpServer,
    to: &str,
    subject: &str,
    n: usize,
) -> Vec<Received> {
    wait_for_jobs(&app.db).await;
    let found = to_with_subject(smtp, to, subject);
    if found.len() < n {
        let seen: Vec<_> = smtp
            .received()
            .iter()
            .map(|m| format!("{:?} {}", m.rcpt_to, m.subject()))
            .collect();
        panic!(
            "{} of {n} messages to {to} starting {subject:?}; got {seen:#?}",
            found.len()
        );
    }
    found
}

/// The files of an outbox message as (name, content type, bytes): read
/// from the app's storage, or from the row while they are still inline.
pub async fn outbox_files(app: &TestApp, row: &OutboxRow) -> Vec<(String, String, Vec<u8>)> {
    use base64::Engine;
    let kept: Vec<serde_json::Value> = serde_json::from_str(&row.attachments).unwrap();
    let mut files = Vec::new();
    for file in kept {
        let text = |name: &str| file[name].as_str().map(str::to_owned);
        let bytes = match (text("key"), text("base64")) {
            (Some(key), _) => app
                .storage
                .read(&FileKey::parse(&key).expect("a key"))
                .await
                .expect("the file is in storage"),
            (None, Some(inline)) => base64::engine::general_purpose::STANDARD
                .decode(inline)
                .unwrap(),
            _ => panic!("an attachment neither stored nor inline: {file}"),
        };
        files.push((
            text("filename").unwrap(),
            text("content_type").unwrap(),
            bytes,
        ));
    }
    files
}
