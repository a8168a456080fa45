//! A certificate as PDF/A-2b: what is printed on it (already worded, in
//! the holder's language) and `render`, which sets it on the layout. The
//! front page states who, what and by whom, with the signatures and a QR
//! code to the verify page; the next page(s) list the sessions and the
//! total JP.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Timelike, Utc};
use krilla::configure::{Archival, ConfigurationBuilder, ValidationError};
use krilla::error::KrillaError;
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::{Document, SerializeSettings};

use super::layout::Layout;
use super::{back, front};

/// The bytes of a PNG or JPEG an organiser uploaded, shared between the
/// certificates of one issue.
pub type Picture = Arc<Vec<u8>>;

/// Everything a certificate prints, worded and localised by its caller.
#[derive(Clone, Debug)]
pub struct Certificate {
    /// The verify code: in the document's metadata (title, keywords and
    /// document id), by which a signed copy is recognised.
    pub code: String,
    /// The verify page's address, which the QR code holds.
    pub verify_url: String,
    /// Language of the text, as BCP 47 ("id", "en").
    pub language: String,
    /// When it was issued: the PDF's creation date.
    pub issued_at: DateTime<Utc>,
    pub organiser: String,
    /// "SERTIFIKAT", or the type's own word.
    pub heading: String,
    /// "Nomor: 001/BIMTEK-TPBIS/DPK-BKL/VII/2020".
    pub number: String,
    /// "Diberikan kepada".
    pub presented_to: String,
    /// The name with its titles exactly as registered.
    pub holder: String,
    /// NIP and institution, when known.
    pub holder_detail: Option<String>,
    /// "sebagai" and "PESERTA".
    pub role_intro: String,
    pub role: String,
    /// "dalam kegiatan" and the event's title.
    pub event_intro: String,
    pub event_title: String,
    /// The rest of the sentence: organiser, dates, place or online, JP.
    pub details: String,
    /// "Bengkulu, 29 Juli 2020".
    pub place_date: String,
    /// One or two; the first signs on the right, below the place and date.
    pub signatories: Vec<Signatory>,
    pub logo: Option<Picture>,
    /// Printed over the whole front page in place of the frame.
    pub background: Option<Picture>,
    /// Under the QR code: "Pindai untuk memeriksa keaslian".
    pub qr_caption: String,
    pub sessions: Sessions,
}

#[derive(Clone, Debug)]
pub struct Signatory {
    pub position: String,
    /// The name with its titles.
    pub name: String,
    /// Rank, NIP: one line each.
    pub lines: Vec<String>,
    pub signature: Option<Picture>,
    pub stamp: Option<Picture>,
}

/// The sessions' page: headings, the table and its total.
#[derive(Clone, Debug)]
pub struct Sessions {
    /// "SUSUNAN MATERI".
    pub heading: String,
    /// The dates and the place, and which certificate the page belongs to.
    pub facts: Vec<String>,
    /// No, date, subject, speakers, JP.
    pub columns: [String; 5],
    pub rows: Vec<SessionRow>,
    /// "Jumlah" and the total JP.
    pub total_label: String,
    pub total: String,
}

#[derive(Clone, Debug)]
pub struct SessionRow {
    pub date: String,
    pub title: String,
    pub speakers: String,
    pub jp: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RenderError {
    #[error("the fonts have no glyph for \"{0}\"")]
    MissingGlyph(String),
    #[error("not a PNG or JPEG image that can be printed: {0}")]
    Picture(String),
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// The certificate's pictures, decoded once per rendering.
pub(super) struct Pictures {
    pub logo: Option<Image>,
    pub background: Option<Image>,
    /// Signature and stamp of each signatory.
    pub signatories: Vec<(Option<Image>, Option<Image>)>,
}

impl Pictures {
    fn decode(certificate: &Certificate) -> Result<Pictures, RenderError> {
        let one = |p: &Option<Picture>| p.as_ref().map(decode).transpose();
        Ok(Pictures {
            logo: one(&certificate.logo)?,
            background: one(&certificate.background)?,
            signatories: certificate
                .signatories
                .iter()
                .map(|s| Ok((one(&s.signature)?, one(&s.stamp)?)))
                .collect::<Result<_, RenderError>>()?,
        })
    }
}

/// PNG or JPEG, told by content; never interpolated (PDF/A forbids it).
fn decode(bytes: &Picture) -> Result<Image, RenderError> {
    let data = krilla::Data::from(bytes.clone());
    let image = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Image::from_png(data, false)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Image::from_jpeg(data, false)
    } else {
        Err("neither PNG nor JPEG".to_string())
    };
    image.map_err(RenderError::Picture)
}

/// Whether `bytes` print: decoded and written into a page as a
/// certificate would be, so that a damaged file (a PNG or JPEG by its
/// first bytes alone) or a 16-bit one is refused on upload, not found out
/// when a thousand certificates fail to render.
pub fn check_picture(bytes: Picture) -> Result<(), RenderError> {
    let image = decode(&bytes)?;
    let mut document = Document::new();
    let mut page = document.start_page_with(
        krilla::page::PageSettings::from_wh(100.0, 100.0).expect("a page of 100 pt"),
    );
    let mut surface = page.surface();
    let size = krilla::geom::Size::from_wh(100.0, 100.0).expect("a size of 100 pt");
    surface.draw_image(image, size);
    surface.finish();
    page.finish();
    document.finish().map(drop).map_err(failure)
}

/// The certificate as a PDF/A-2b file.
pub fn render(layout: &Layout, certificate: &Certificate) -> Result<Vec<u8>, RenderError> {
    let pictures = Pictures::decode(certificate)?;
    let mut document = archival_document()?;
    document.set_metadata(metadata(certificate));
    front::draw(&mut document, layout, certificate, &pictures);
    back::draw(&mut document, layout, certificate);
    document.finish().map_err(failure)
}

/// A document that krilla checks against PDF/A-2b as it writes.
fn archival_document() -> Result<Document, RenderError> {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| RenderError::Pdf(format!("{e:?}")))?;
    Ok(Document::new_with(SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    }))
}

fn metadata(certificate: &Certificate) -> Metadata {
    let at = certificate.issued_at;
    let date = krilla::metadata::DateTime::new(at.year() as u16)
        .month(at.month() as u8)
        .day(at.day() as u8)
        .hour(at.hour() as u8)
        .minute(at.minute() as u8)
        .second(at.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    Metadata::new()
        .title(format!(
            "{} {} — {}",
            certificate.heading, certificate.code, certificate.holder
        ))
        .description(certificate.number.clone())
        .keywords(vec![
            certificate.code.clone(),
            certificate.verify_url.clone(),
        ])
        .authors(vec![certificate.organiser.clone()])
        .creator("bimtek".to_string())
        .language(certificate.language.clone())
        .document_id(certificate.code.clone())
        .creation_date(date)
}

fn failure(error: KrillaError) -> RenderError {
    if let KrillaError::Validation(errors) = &error {
        for (error, _) in errors {
            if let ValidationError::ContainsNotDefGlyph(_, _, text) = error {
                return RenderError::MissingGlyph(text.clone());
            }
        }
    }
    match error {
        KrillaError::Image(_, _, reason) => RenderError::Picture(reason),
        KrillaError::SixteenBitImage(..) => RenderError::Picture("16 bits a channel".into()),
        other => RenderError::Pdf(other.to_string()),
    }
}
