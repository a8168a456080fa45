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
use sha2::{Digest, Sha256};

use crate::domain::event::FieldError;
use crate::integrations::storage::FileKey;
use crate::web::session;

/// What one upload form accepts.
pub trait UploadPolicy {
    /// The most the file may weigh, in bytes.
    const LIMIT: usize;
    const KINDS: &'static [Kind];
    /// The form field that carries the file.
    const FIELD: &'static str = "file";
    /// How many files the field may carry (an `input multiple`), all
    /// together within [`UploadPolicy::LIMIT`].
    const FILES: usize = 1;
    /// What the form's other fields may weigh together.
    const FIELDS_LIMIT: usize = OTHER_FIELDS;
    /// Whether a sent name that is no plain file name (see [`plain_name`])
    /// is refused rather than cleaned: for files offered to others under
    /// the name they were sent with.
    const PLAIN_NAMES_ONLY: bool = false;
}

/// A file's kind, as its content shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A zip container, as every `.xlsx` is; where `.docx` is accepted
    /// too, one holding a workbook.
    Xlsx,
    /// A zip container holding a Word document.
    Docx,
    /// A zip container holding a PowerPoint presentation.
    Pptx,
    /// Text: no control characters but tabs and line ends.
    Csv,
    Pdf,
    Jpeg,
    Png,
    /// Any other zip container (many files in one), where no Office kind
    /// is accepted.
    Zip,
}

impl Kind {
    const ALL: [Kind; 8] = [
        Kind::Xlsx,
        Kind::Docx,
        Kind::Pptx,
        Kind::Csv,
        Kind::Pdf,
        Kind::Jpeg,
        Kind::Png,
        Kind::Zip,
    ];

    pub fn extension(self) -> &'static str {
        match self {
            Kind::Xlsx => "xlsx",
            Kind::Docx => "docx",
            Kind::Pptx => "pptx",
            Kind::Csv => "csv",
            Kind::Pdf => "pdf",
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Zip => "zip",
        }
    }

    /// The kind a stored extension names.
    pub fn from_extension(extension: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.extension() == extension)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Kind::Csv => "text/csv; charset=utf-8",
            Kind::Pdf => "application/pdf",
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Zip => "application/zip",
        }
    }
}

/// How much of the start of a file [`Kind`] looks at.
const HEAD: usize = 1024;

/// Fields beside the file (the form token) are small; this caps them all.
const OTHER_FIELDS: usize = 16 * 1024;

/// Which of `kinds` the first bytes of a file show, if any. A zip is
/// taken for whichever Office kind is accepted; [`office_kind`] tells
/// which it is once the whole file is there.
pub fn sniff(head: &[u8], kinds: &[Kind]) -> Option<Kind> {
    let kind = if head.starts_with(b"PK\x03\x04") {
        return kinds
            .iter()
            .copied()
            .find(|k| k.is_office() || *k == Kind::Zip);
    } else if head.starts_with(b"%PDF-") {
        Kind::Pdf
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Kind::Png
    } else if head.starts_with(b"\xff\xd8\xff") {
        Kind::Jpeg
    } else if is_text(head) {
        Kind::Csv
    } else {
        return None;
    };
    kinds.contains(&kind).then_some(kind)
}

/// Which Office file a zip is, by the main part every one of its kind
/// holds (read from the archive's directory at its end, not its content);
/// `None`: none of them (any other archive).
pub fn office_kind(file: impl std::io::Read + std::io::Seek) -> Option<Kind> {
    let archive = zip::ZipArchive::new(file).ok()?;
    let names: Vec<&str> = archive.file_names().collect();
    if names.contains(&"word/document.xml") {
        Some(Kind::Docx)
    } else if names.contains(&"xl/workbook.xml") {
        Some(Kind::Xlsx)
    } else if names.contains(&"ppt/presentation.xml") {
        Some(Kind::Pptx)
    } else {
        None
    }
}

impl Kind {
    fn is_office(self) -> bool {
        matches!(self, Kind::Xlsx | Kind::Docx | Kind::Pptx)
    }
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

/// Whether `sent` is a file name and nothing more: no folders (`/` or
/// `\`), not `.` or `..`, no control characters (NUL among them), and
/// something left once trimmed.
pub fn plain_name(sent: &str) -> bool {
    let name = sent.trim();
    !matches!(name, "" | "." | "..")
        && !name.contains(['/', '\\'])
        && !sent.chars().any(char::is_control)
}

/// Refuses a sent name that is no plain name, where `P` says so.
fn check_name<P: UploadPolicy>(sent: &str) -> Result<(), Refusal> {
    if P::PLAIN_NAMES_ONLY && !plain_name(sent) {
        return Err(Refusal::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldError::new(P::FIELD, "upload.error.name"),
        ));
    }
    Ok(())
}

/// A form with a file among its fields.
pub struct ReceivedForm<F = UploadedFile> {
    /// Every other field, in the order sent (the form token among them).
    pub fields: Vec<(String, String)>,
    /// `Ok(None)`: no file was chosen. A refused file ends the reading, so
    /// a form puts its file field after everything typed.
    pub file: Result<Option<F>, Refusal>,
}

/// A file too large to hold in memory, written to a temporary file (gone
/// when dropped) as it arrived and hashed on the way.
pub struct SpooledFile {
    /// Safe to store and show (see [`safe_name`]).
    pub name: String,
    pub kind: Kind,
    pub size: u64,
    /// Its key in storage.
    pub key: FileKey,
    pub file: std::fs::File,
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
    pub async fn receive(self) -> Result<UploadedFile, Refusal> {
        self.receive_form().await?.file?.ok_or_else(|| {
            Refusal::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                FieldError::new(P::FIELD, "upload.error.none"),
            )
        })
    }

    /// Reads the form: its fields and at most one file, refused at the
    /// first byte over the limit or of another kind. The token is checked
    /// before anything is said about the file.
    pub async fn receive_form(self) -> Result<ReceivedForm, Refusal> {
        self.read_parts(1, async |field, sent_name| {
            read_file::<P>(field, sent_name, P::LIMIT).await
        })
        .await
        .map(ReceivedForm::one)
    }

    /// Reads the form: its token and the files of its file field, at most
    /// [`UploadPolicy::FILES`] of them, together within the limit. A file
    /// of another kind refuses them all, as one over the limit does.
    pub async fn receive_files(self) -> Result<Vec<UploadedFile>, Refusal> {
        let mut taken = 0;
        let parts = self
            .read_parts(P::FILES, async |field, sent_name| {
                let file = read_file::<P>(field, sent_name, P::LIMIT - taken).await?;
                taken += file.as_ref().map_or(0, |f| f.bytes.len());
                Ok(file)
            })
            .await?;
        let files = parts.files?;
        if files.is_empty() {
            return Err(Refusal::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                FieldError::new(P::FIELD, "upload.error.none"),
            ));
        }
        Ok(files)
    }

    /// As [`Upload::receive_form`], the file written to a temporary file
    /// as it streams in rather than held in memory, refused at the first
    /// byte over `limit` (set by the installation, unlike `P::LIMIT`).
    pub async fn receive_spooled(self, limit: u64) -> Result<ReceivedForm<SpooledFile>, Refusal> {
        self.read_parts(1, async |field, sent_name| {
            spool::<P>(field, sent_name, limit).await
        })
        .await
        .map(ReceivedForm::one)
    }

    /// The fields and up to `most` files, each read by `read`.
    async fn read_parts<F>(
        mut self,
        most: usize,
        mut read: impl AsyncFnMut(&mut Field, &str) -> Result<Option<F>, Refusal>,
    ) -> Result<Parts<F>, Refusal> {
        let mut fields = Vec::new();
        let mut files = Ok(Vec::new());
        let mut other_bytes = 0;
        while let Some(field) = self.multipart.next().await {
            let mut field = field.map_err(|_| Refusal::unreadable())?;
            let name = field.name().unwrap_or("").to_owned();
            let sent_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_owned);
            match sent_name {
                Some(sent_name)
                    if name == P::FIELD && files.as_ref().is_ok_and(|f| f.len() < most) =>
                {
                    match read(&mut field, &sent_name).await {
                        Ok(Some(file)) => {
                            if let Ok(list) = &mut files {
                                list.push(file);
                            }
                        }
                        Ok(None) => {}
                        Err(refusal) => {
                            files = Err(refusal);
                            break;
                        }
                    }
                }
                _ => {
                    let bytes = read_small(&mut field, P::FIELDS_LIMIT - other_bytes).await?;
                    other_bytes += bytes.len();
                    fields.push((name, String::from_utf8_lossy(&bytes).into_owned()));
                }
            }
        }
        let token = fields
            .iter()
            .find(|(name, _)| name == "csrf_token")
            .map_or("", |(_, value)| value.as_str());
        if !session::csrf_matches(&self.session, token) {
            return Err(Refusal::Csrf);
        }
        Ok(Parts { fields, files })
    }
}

/// A form as read: its fields and its files, or what refused them.
struct Parts<F> {
    fields: Vec<(String, String)>,
    files: Result<Vec<F>, Refusal>,
}

impl<F> ReceivedForm<F> {
    /// A form of one file at most.
    fn one(parts: Parts<F>) -> ReceivedForm<F> {
        ReceivedForm {
            fields: parts.fields,
            file: parts.files.map(|mut files| files.pop()),
        }
    }
}

/// `None`: the field was left empty (a browser sends no bytes and an
/// empty name when no file was chosen). `allowance`: what is left of the
/// limit.
async fn read_file<P: UploadPolicy>(
    field: &mut Field,
    sent_name: &str,
    allowance: usize,
) -> Result<Option<UploadedFile>, Refusal> {
    let mut bytes = BytesMut::new();
    let mut kind = None;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| Refusal::unreadable())?;
        if bytes.len() + chunk.len() > allowance {
            return Err(too_large(P::FIELD, P::LIMIT));
        }
        bytes.extend_from_slice(&chunk);
        if kind.is_none() && bytes.len() >= HEAD {
            kind = Some(
                sniff(&bytes[..HEAD], P::KINDS).ok_or_else(|| wrong_kind(P::FIELD, P::KINDS))?,
            );
        }
    }
    if bytes.is_empty() && sent_name.is_empty() {
        return Ok(None);
    }
    check_name::<P>(sent_name)?;
    let mut kind = match kind {
        Some(kind) => kind,
        None => sniff(&bytes, P::KINDS).ok_or_else(|| wrong_kind(P::FIELD, P::KINDS))?,
    };
    // Told apart only where both are offered: a participant list's
    // workbook is opened by its reader, which names what is wrong in it.
    if kind.is_office() && P::KINDS.contains(&Kind::Docx) {
        kind = office_kind(std::io::Cursor::new(&bytes[..]))
            .filter(|k| P::KINDS.contains(k))
            .ok_or_else(|| wrong_kind(P::FIELD, P::KINDS))?;
    }
    Ok(Some(UploadedFile {
        name: safe_name(sent_name, kind),
        kind,
        bytes: bytes.freeze(),
    }))
}

/// A file written to a temporary file as it arrives; `None` as for
/// [`read_file`].
async fn spool<P: UploadPolicy>(
    field: &mut Field,
    sent_name: &str,
    limit: u64,
) -> Result<Option<SpooledFile>, Refusal> {
    use tokio::io::AsyncWriteExt;
    let unwritable = |error: std::io::Error| {
        tracing::error!(%error, "an upload cannot be written to a temporary file");
        Refusal::field(
            StatusCode::SERVICE_UNAVAILABLE,
            FieldError::new(P::FIELD, "upload.error.unwritable"),
        )
    };
    let mut file = tokio::fs::File::from_std(tempfile::tempfile().map_err(unwritable)?);
    let mut hasher = Sha256::new();
    let mut head = Vec::with_capacity(HEAD);
    let mut size = 0u64;
    let mut kind = None;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| Refusal::unreadable())?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(too_large(P::FIELD, limit as usize));
        }
        if head.len() < HEAD {
            let wanted = (HEAD - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..wanted]);
        }
        if kind.is_none() && head.len() >= HEAD {
            kind = Some(sniff(&head, P::KINDS).ok_or_else(|| wrong_kind(P::FIELD, P::KINDS))?);
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(unwritable)?;
    }
    if size == 0 && sent_name.is_empty() {
        return Ok(None);
    }
    check_name::<P>(sent_name)?;
    let mut kind = match kind {
        Some(kind) => kind,
        None => sniff(&head, P::KINDS).ok_or_else(|| wrong_kind(P::FIELD, P::KINDS))?,
    };
    file.flush().await.map_err(unwritable)?;
    let mut file = file.into_std().await;
    if kind.is_office() {
        // The archive's directory is read from the file, not memory.
        let (back, found) = tokio::task::spawn_blocking(move || {
            let found = office_kind(&mut file);
            (file, found)
        })
        .await
        .map_err(|e| unwritable(std::io::Error::other(e)))?;
        file = back;
        kind = found
            .filter(|k| P::KINDS.contains(k))
            .ok_or_else(|| wrong_kind(P::FIELD, P::KINDS))?;
    }
    Ok(Some(SpooledFile {
        name: safe_name(sent_name, kind),
        kind,
        size,
        key: FileKey::hashed(hasher),
        file,
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

fn too_large(field: &'static str, limit: usize) -> Refusal {
    let megabytes = limit.div_ceil(1024 * 1024);
    Refusal::field(
        StatusCode::PAYLOAD_TOO_LARGE,
        FieldError::new(field, "upload.error.too_large")
            .with_args(vec![("limit", format!("{megabytes} MB"))]),
    )
}

fn wrong_kind(field: &'static str, kinds: &[Kind]) -> Refusal {
    let names: Vec<String> = kinds
        .iter()
        .map(|kind| kind.extension().to_ascii_uppercase())
        .collect();
    Refusal::field(
        StatusCode::UNPROCESSABLE_ENTITY,
        FieldError::new(field, "upload.error.kind").with_args(vec![("kinds", names.join("/"))]),
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
    fn documents_and_pictures_are_told_by_their_content() {
        const PLAN: &[Kind] = &[Kind::Pdf, Kind::Docx, Kind::Xlsx, Kind::Jpeg, Kind::Png];
        assert_eq!(sniff(b"%PDF-1.7\n", PLAN), Some(Kind::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0", PLAN), Some(Kind::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF", PLAN), Some(Kind::Jpeg));
        // A program renamed rapat.pdf, and text, are none of them.
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00", PLAN), None);
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01", PLAN), None);
        assert_eq!(sniff(b"Rencana tindak lanjut\n", PLAN), None);

        let zipped = |part: &str| {
            let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            out.start_file(part, zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut out, b"<x/>").unwrap();
            out.finish().unwrap().into_inner()
        };
        let kind_of = |bytes: Vec<u8>| office_kind(std::io::Cursor::new(bytes));
        assert_eq!(kind_of(zipped("word/document.xml")), Some(Kind::Docx));
        assert_eq!(kind_of(zipped("xl/workbook.xml")), Some(Kind::Xlsx));
        assert_eq!(kind_of(zipped("ppt/presentation.xml")), Some(Kind::Pptx));
        assert_eq!(kind_of(zipped("setup.exe")), None);
        assert_eq!(kind_of(b"PK\x03\x04 broken".to_vec()), None);
        assert_eq!(Kind::from_extension("jpg"), Some(Kind::Jpeg));
    }

    #[test]
    fn a_zip_is_a_zip_where_no_office_file_is_taken() {
        const SIGNED: &[Kind] = &[Kind::Pdf, Kind::Zip];
        assert_eq!(sniff(b"PK\x03\x04\x14\x00", SIGNED), Some(Kind::Zip));
        assert_eq!(sniff(b"%PDF-1.7\n", SIGNED), Some(Kind::Pdf));
        assert_eq!(sniff(b"PK\x03\x04\x14\x00", &[Kind::Pdf]), None);
        assert_eq!(sniff(b"Nama;E-mail\n", SIGNED), None);
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

    #[test]
    fn a_plain_name_has_no_folders_and_nothing_hidden() {
        for plain in [
            "Strategi TPBIS.pdf",
            "a..b.pdf",
            "..slide.pptx",
            "Modul (v2).docx",
        ] {
            assert!(plain_name(plain), "{plain}");
        }
        for not_plain in [
            "../../etc/x.pdf",
            "slide/../x.pdf",
            "C:\\Users\\rina\\slide.pdf",
            "..",
            " . ",
            "",
            "   ",
            "slide\u{0}.pdf",
            "slide.pdf\n",
            "sli\u{1b}de.pdf",
        ] {
            assert!(!plain_name(not_plain), "{not_plain:?}");
        }
    }
}
