//! The reference the mail benchmarks measure beside: plain sign-in
//! messages, queued through the outbox in one transaction.

use bimtek::db::{Db, DbError};
use bimtek::email::Template;
use bimtek::i18n::Lang;
use bimtek::services::mail;
use chrono::Utc;

/// Queues `count` sign-in messages, to peserta{i}@perpusdes.example.id.
pub async fn queue(db: &Db, count: usize) {
    db.transaction(move |conn| -> Result<(), DbError> {
        for i in 0..count {
            let to = format!("peserta{i}@perpusdes.example.id");
            let args: [(&str, &dyn std::fmt::Display); 3] = [
                ("name", &"Peserta Bimtek"),
                ("link", &"https://bimtek.example.id/my/sign-in/x"),
                ("minutes", &30),
            ];
            let outgoing = mail::Outgoing {
                template: Template::SignIn,
                lang: Lang::Id,
                to: &to,
                event_id: None,
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
