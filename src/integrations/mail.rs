//! Sending the outbox: over SMTP (pooled; STARTTLS, TLS, or plain for a
//! local relay) when `BIMTEK_SMTP_URL` is set, else as `.eml` files in a
//! folder. Each message carries a Message-ID made from its outbox id, so a
//! message is the same message however often it is handed over.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::db::models::OutboxRow;

/// A file sent along (an `.ics` invitation, a certificate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SendError {
    /// The server or the network may accept it later (4xx, refused connection, time-out).
    Transient(String),
    /// Trying again cannot help (5xx, a malformed address).
    Permanent(String),
}

/// Where mail goes, for the administrator pages.
#[derive(Clone, Debug)]
pub enum Delivery {
    Smtp { server: String },
    Folder(PathBuf),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Files are written one at a time: job workers creating files in one
    /// folder at once spin on its lock in the kernel (a quarter of the CPU
    /// in the registration burst), and one file takes well under a
    /// millisecond.
    Folder(PathBuf, Mutex<()>),
}

pub struct Mailer {
    transport: Transport,
    delivery: Delivery,
    from: Mailbox,
    /// The right-hand side of Message-IDs.
    domain: String,
    throttle: Option<Throttle>,
}

pub struct MailSettings {
    pub smtp_url: Option<String>,
    /// SMTP connections kept open: one per job worker, since a message
    /// spends most of its time waiting for the server's answers.
    pub connections: u32,
    pub from: Mailbox,
    pub per_minute: u32,
    pub folder: PathBuf,
    pub domain: String,
}

impl Mailer {
    pub fn new(settings: MailSettings) -> Result<Mailer, String> {
        let (transport, delivery) = match &settings.smtp_url {
            Some(url) => {
                let (transport, server) = smtp_transport(url, settings.connections)
                    .map_err(|e| format!("BIMTEK_SMTP_URL: {e}"))?;
                (Transport::Smtp(transport), Delivery::Smtp { server })
            }
            None => (
                Transport::Folder(settings.folder.clone(), Mutex::new(())),
                Delivery::Folder(settings.folder.clone()),
            ),
        };
        Ok(Mailer {
            transport,
            delivery,
            from: settings.from,
            domain: settings.domain,
            throttle: (settings.per_minute > 0).then(|| Throttle::per_minute(settings.per_minute)),
        })
    }

    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    pub fn message_id(&self, outbox_id: &str) -> String {
        format!("<{outbox_id}@{}>", self.domain)
    }

    /// `attachments`: the row's files, read from storage.
    pub async fn send(&self, row: &OutboxRow, attachments: &[Attachment]) -> Result<(), SendError> {
        let message = self.build(row, attachments)?;
        if let Some(throttle) = &self.throttle {
            throttle.wait().await;
        }
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(|e| {
                let reason = one_line(&e.to_string());
                if e.is_permanent() {
                    SendError::Permanent(reason)
                } else {
                    SendError::Transient(reason)
                }
            }),
            Transport::Folder(folder, one_at_a_time) => {
                let _turn = one_at_a_time.lock().await;
                write_eml(folder, &row.id, message.formatted())
                    .await
                    .map_err(|e| {
                        SendError::Transient(format!("cannot write to {}: {e}", folder.display()))
                    })
            }
        }
    }

    fn build(&self, row: &OutboxRow, attachments: &[Attachment]) -> Result<Message, SendError> {
        let invalid =
            |what: &str, e: &dyn std::fmt::Display| SendError::Permanent(format!("{what}: {e}"));
        let to: Mailbox = row
            .recipient
            .parse()
            .map_err(|e| invalid("recipient", &e))?;
        let mut builder = Message::builder()
            .message_id(Some(self.message_id(&row.id)))
            .from(self.from.clone())
            .to(to)
            .subject(&row.subject);
        if let Some(reply_to) = &row.reply_to {
            builder = builder.reply_to(reply_to.parse().map_err(|e| invalid("reply-to", &e))?);
        }
        let message = if attachments.is_empty() {
            builder
                .header(ContentType::TEXT_PLAIN)
                .body(row.body_text.clone())
        } else {
            let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(row.body_text.clone()));
            for file in attachments {
                let content_type = ContentType::parse(&file.content_type)
                    .map_err(|e| invalid("attachment", &e))?;
                parts = parts.singlepart(
                    lettre::message::Attachment::new(file.filename.clone())
                        .body(file.bytes.clone(), content_type),
                );
            }
            builder.multipart(parts)
        };
        message.map_err(|e| invalid("message", &e))
    }
}

/// `smtp://user:pass@host:port` (STARTTLS required, port 587),
/// `smtps://…` (TLS from the start, port 465), `…?tls=none` (plain, port 25:
/// a relay on the same machine or network).
fn smtp_transport(
    raw: &str,
    connections: u32,
) -> Result<(AsyncSmtpTransport<Tokio1Executor>, String), String> {
    let url = url::Url::parse(raw).map_err(|e| format!("not a URL ({e})"))?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or("no host")?
        .to_owned();
    let plain = match url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned())
    {
        None => false,
        Some(v) if v == "none" => true,
        Some(v) => return Err(format!("tls={v} is not understood (only tls=none)")),
    };
    let tls_parameters = || TlsParameters::new(host.clone()).map_err(|e| format!("TLS: {e}"));
    let (tls, default_port) = match url.scheme() {
        "smtp" if plain => (Tls::None, 25),
        "smtp" => (Tls::Required(tls_parameters()?), 587),
        "smtps" if !plain => (Tls::Wrapper(tls_parameters()?), 465),
        "smtps" => {
            return Err("smtps:// always uses TLS; use smtp://…?tls=none for a plain relay".into());
        }
        other => {
            return Err(format!(
                "unsupported scheme \"{other}\" (use smtp:// or smtps://)"
            ));
        }
    };
    let port = url.port().unwrap_or(default_port);
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str())
        .port(port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(30)))
        .pool_config(
            PoolConfig::new()
                .max_size(connections.max(1))
                .idle_timeout(Duration::from_secs(60)),
        );
    if !url.username().is_empty() {
        let decode = |s: &str| percent_decode(s);
        builder = builder.credentials(Credentials::new(
            decode(url.username()),
            decode(url.password().unwrap_or("")),
        ));
    }
    Ok((builder.build(), format!("{host}:{port}")))
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Written under a temporary name and renamed, so a reader never sees half
/// a message; named by outbox id, so writing it twice leaves one file. One
/// trip to the blocking pool for the three calls.
async fn write_eml(folder: &std::path::Path, id: &str, bytes: Vec<u8>) -> std::io::Result<()> {
    let (folder, id) = (folder.to_path_buf(), id.to_owned());
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&folder)?;
        let partial = folder.join(format!(".{id}.eml.partial"));
        std::fs::write(&partial, bytes)?;
        std::fs::rename(&partial, folder.join(format!("{id}.eml")))
    })
    .await
    .map_err(std::io::Error::other)?
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Spaces messages evenly so that one instance never exceeds the
/// provider's limit per minute.
struct Throttle {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Throttle {
    fn per_minute(limit: u32) -> Throttle {
        Throttle {
            interval: Duration::from_secs(60) / limit,
            next: Mutex::new(Instant::now()),
        }
    }

    async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The pooled transport starts its reaper task: it needs a runtime.
    #[tokio::test]
    async fn smtp_urls_choose_tls_and_port() {
        let (_, server) = smtp_transport("smtp://user:p%40ss@mail.example.id", 4).unwrap();
        assert_eq!(server, "mail.example.id:587");
        let (_, server) = smtp_transport("smtps://mail.example.id", 4).unwrap();
        assert_eq!(server, "mail.example.id:465");
        let (_, server) = smtp_transport("smtp://127.0.0.1:2525?tls=none", 4).unwrap();
        assert_eq!(server, "127.0.0.1:2525");
        assert!(
            smtp_transport("http://mail.example.id", 4)
                .unwrap_err()
                .contains("\"http\"")
        );
        assert!(smtp_transport("smtp://mail.example.id?tls=maybe", 4).is_err());
        assert!(smtp_transport("smtps://mail.example.id?tls=none", 4).is_err());
    }

    #[test]
    fn credentials_are_percent_decoded() {
        assert_eq!(percent_decode("p%40ss+word"), "p@ss+word");
    }

    #[tokio::test(start_paused = true)]
    async fn the_throttle_spaces_messages() {
        let throttle = Throttle::per_minute(120);
        let started = Instant::now();
        for _ in 0..5 {
            throttle.wait().await;
        }
        assert_eq!(started.elapsed(), Duration::from_secs(2));
    }
}
