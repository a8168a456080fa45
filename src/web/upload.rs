//! File uploads (multipart forms), in one place: the form token checked,
//! the size limited while the body streams in (a larger body is refused at
//! the limit, never held whole), the kind told by the file's first bytes
//! rather than its name or the browser's word, and a name safe to keep.
//!
//! The extractor only takes hold of the body; [`Upload::receive`] reads
//! it, so a handler reads nothing before it knows the sender may upload.

use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_multipart::{Field, Multipart};
use actix_session::{Session, SessionExt};
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, dev};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

use crate::domain::event::FieldError;
use crate::web::session;

/// What one upload form accepts.
pub trait UploadPolicy {
    /// The most the file may weigh, in bytes.
    const LIMIT: usize;
    const KINDS: &'static [Kind];
    /// The form field that carries the file.
    const FIELD: &'static str = "file";
}

/// A file's kind, as its content shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A zip container, as every `.xlsx` is.
    Xlsx,
    /// Text: no control characters but tabs and line ends.
    Csv,
}

impl Kind {
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Xlsx => "xlsx",
            Kind::Csv => "csv",
        }
    }
}

/// How much of the start of a file [`Kind`] looks at.
const HEAD: usize = 1024;

/// Fields beside the file (the form token) are small; this caps them all.
const OTHER_FIELDS: usize = 16 * 1024;

/// Which of `kinds` the first bytes of a file show, if any.
pub fn sniff(head: &[u8], kinds: &[Kind]) -> Option<Kind> {
    let kind = if head.starts_with(b"PK\x03\x04") {
        Kind::Xlsx
    } else if is_text(head) {
        Kind::Csv
    } else {
        return None;
    };
    kinds.contains(&kind).then_some(kind)
}

fn is_text(head: &[u8]) -> bool {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(head) {
        // UTF-16 holds zero bytes; its characters are what count.
        let (text, _) = encoding.decode_without_bom_handling(&head[bom..]);
        return !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{fffd}'));
    }
    !head.is_empty()
        && !head
            .iter()
            .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f)
}

/// The sender's file name made safe to keep and show: no folders, no
/// control or shell-special characters, a bounded length, and the
/// extension of what the file is.
pub fn safe_name(sent: &str, kind: Kind) -> String {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) => stem,
        None => base,
    };
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '(' | ')' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let stem = if cleaned.is_empty() {
        "berkas"
    } else {
        cleaned
    };
    format!("{stem}.{}", kind.extension())
}

pub struct UploadedFile {
    /// Safe to store and show (see [`safe_name`]).
    pub name: String,
    pub kind: Kind,
    pub bytes: Bytes,
}

/// Why an upload was refused.
#[derive(Debug)]
pub enum Refusal {
    /// The form token is missing or wrong.
    Csrf,
    /// Shown on the form, beside the file field.
    Field {
        status: StatusCode,
        error: FieldError,
    },
}

impl Refusal {
    fn field(status: StatusCode, error: FieldError) -> Refusal {
        Refusal::Field { status, error }
    }

    fn unreadable() -> Refusal {
        Refusal::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldError::new("file", "upload.error.unreadable"),
        )
    }
}

/// A multipart upload, not yet read; `P` says what it may hold.
pub struct Upload<P> {
    multipart: Multipart,
    session: Session,
    policy: PhantomData<P>,
}

impl<P: UploadPolicy> FromRequest for Upload<P> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut dev::Payload) -> Self::Future {
        ready(Ok(Upload {
            multipart: Multipart::new(req.headers(), payload.take()),
            session: req.get_session(),
            policy: PhantomData,
        }))
    }
}

impl<P: UploadPolicy> Upload<P> {
    /// Reads the form: its token and its one file. Stops reading at the
    /// first byte over the limit.
    pub async fn receive(mut self) -> Result<UploadedFile, Refusal> {
        let mut token = String::new();
        let mut file = None;
        let mut other_bytes = 0;
        while let Some(field) = self.multipart.next().await {
            let mut field = field.map_err(|_| Refusal::unreadable())?;
            let name = field.name().unwrap_or("").to_owned();
            let sent_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_owned);
            match sent_name {
                Some(sent_name) if name == P::FIELD && file.is_none() => {
                    file = read_file::<P>(&mut field, &sent_name).await?;
                }
                _ => {
                    let bytes = read_small(&mut field, OTHER_FIELDS - other_bytes).await?;
                    other_bytes += bytes.len();
                    if name == "csrf_token" {
                        token = String::from_utf8_lossy(&bytes).into_owned();
                    }
                }
            }
        }
        if !session::csrf_matches(&self.session, &token) {
            return Err(Refusal::Csrf);
        }
        file.ok_or_else(|| {
            Refusal::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                FieldError::new("file", "upload.error.none"),
            )
        })
    }
}

/// `None`: the field was left empty (a browser sends no bytes and an
/// empty name when no file was chosen).
async fn read_file<P: UploadPolicy>(
    field: &mut Field,
    sent_name: &str,
) -> Result<Option<UploadedFile>, Refusal> {
    let mut bytes = BytesMut::new();
    let mut kind = None;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| Refusal::unreadable())?;
        if bytes.len() + chunk.len() > P::LIMIT {
            return Err(too_large(P::LIMIT));
        }
        bytes.extend_from_slice(&chunk);
        if kind.is_none() && bytes.len() >= HEAD {
            kind = Some(sniff(&bytes[..HEAD], P::KINDS).ok_or_else(|| wrong_kind(P::KINDS))?);
        }
    }
    if bytes.is_empty() && sent_name.is_empty() {
        return Ok(None);
    }
    let kind = match kind {
        Some(kind) => kind,
        None => sniff(&bytes, P::KINDS).ok_or_else(|| wrong_kind(P::KINDS))?,
    };
    Ok(Some(UploadedFile {
        name: safe_name(sent_name, kind),
        kind,
        bytes: bytes.freeze(),
    }))
}

async fn read_small(field: &mut Field, allowance: usize) -> Result<Vec<u8>, Refusal> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| Refusal::unreadable())?;
        if bytes.len() + chunk.len() > allowance {
            return Err(Refusal::unreadable());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn too_large(limit: usize) -> Refusal {
    let megabytes = limit.div_ceil(1024 * 1024);
    Refusal::field(
        StatusCode::PAYLOAD_TOO_LARGE,
        FieldError::new("file", "upload.error.too_large")
            .with_args(vec![("limit", format!("{megabytes} MB"))]),
    )
}

fn wrong_kind(kinds: &[Kind]) -> Refusal {
    let names: Vec<String> = kinds
        .iter()
        .map(|kind| kind.extension().to_ascii_uppercase())
        .collect();
    Refusal::field(
        StatusCode::UNPROCESSABLE_ENTITY,
        FieldError::new("file", "upload.error.kind").with_args(vec![("kinds", names.join("/"))]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: &[Kind] = &[Kind::Xlsx, Kind::Csv];

    #[test]
    fn the_kind_comes_from_the_content() {
        assert_eq!(sniff(b"PK\x03\x04\x14\x00", BOTH), Some(Kind::Xlsx));
        assert_eq!(
            sniff(b"Nama;E-mail\r\nAyu;a@b.id\r\n", BOTH),
            Some(Kind::Csv)
        );
        assert_eq!(
            sniff(b"\xff\xfeN\x00a\x00\r\x00\n\x00", BOTH),
            Some(Kind::Csv)
        );
        assert_eq!(sniff(b"Caf\xe9;Jl. Merdeka\n", BOTH), Some(Kind::Csv));
        assert_eq!(sniff(b"%PDF-1.7\n\x00\x01\x02", BOTH), None);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n", BOTH), None);
        assert_eq!(sniff(b"PK\x03\x04", &[Kind::Csv]), None);
        assert_eq!(sniff(b"", BOTH), None);
    }

    #[test]
    fn stored_names_are_safe_and_say_what_the_file_is() {
        assert_eq!(
            safe_name("peserta bali.xlsx", Kind::Xlsx),
            "peserta bali.xlsx"
        );
        assert_eq!(
            safe_name("C:\\Users\\rina\\daftar.CSV", Kind::Csv),
            "daftar.csv"
        );
        assert_eq!(safe_name("../../etc/passwd", Kind::Csv), "passwd.csv");
        assert_eq!(
            safe_name("a<b>\u{0}\n;rm.xlsx", Kind::Xlsx),
            "a_b____rm.xlsx"
        );
        assert_eq!(safe_name("...", Kind::Csv), "berkas.csv");
        assert_eq!(safe_name("laporan.pdf", Kind::Xlsx), "laporan.xlsx");
        assert_eq!(safe_name(&"x".repeat(500), Kind::Csv).len(), 104);
    }
}
