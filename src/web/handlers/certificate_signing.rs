//! The electronic signature loop (TTE): the certificates waiting for a
//! signature as one ZIP, and the signed PDFs taken back.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use bytes::Bytes;
use maud::Markup;
use serde::Deserialize;
use tokio::io::AsyncReadExt;

use super::page;
use crate::domain::certificate::Kind;
use crate::domain::event::{Event, FieldError};
use crate::error::Error;
use crate::export::pdf_zip;
use crate::services::certificate_signing::{self as signing, FileResult, Uploaded};
use crate::web::AppState;
use crate::web::extract::{ManagedEvent, PageContext};
use crate::web::upload::{Kind as FileKind, Refusal, Upload, UploadPolicy};
use crate::web::views::certificate_signing::{self as views, SigningPage};

/// Signed certificates: PDFs, or ZIPs of them. A full batch signed weighs
/// a few hundred MB at most.
pub struct SignedCertificates;

impl UploadPolicy for SignedCertificates {
    const LIMIT: usize = 300 * 1024 * 1024;
    const KINDS: &'static [FileKind] = &[FileKind::Pdf, FileKind::Zip];
    const FILES: usize = pdf_zip::MAX_ENTRIES;
}

#[derive(Deserialize)]
pub struct KindQuery {
    /// One type's certificates only (`participant`, `speaker`,
    /// `committee`); all when absent.
    kind: Option<String>,
}

/// The certificates waiting for a signature, as one ZIP streamed from a
/// temporary file.
pub async fn unsigned_zip(
    state: web::Data<AppState>,
    ManagedEvent { event, .. }: ManagedEvent,
    query: web::Query<KindQuery>,
) -> Result<HttpResponse, Error> {
    let kind = match query.kind.as_deref() {
        None | Some("") => None,
        Some(kind) => Some(signing::kind_of(kind).ok_or(Error::NotFound)?),
    };
    let file = signing::unsigned_zip(&state.db, &state.storage, &event, kind).await?;
    let name = match kind {
        Some(kind) => format!(
            "{}-sertifikat-{}-belum-ditandatangani.zip",
            event.slug,
            signing::kind_value(kind)
        ),
        None => format!("{}-sertifikat-belum-ditandatangani.zip", event.slug),
    };
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .streaming(chunks(file)))
}

/// A file as a response body, 64 KiB at a time.
fn chunks(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buffer = vec![0; 64 * 1024];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok(Bytes::from(buffer)), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
}

pub async fn signing_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<Markup, Error> {
    show(&state, &ctx, &event, None, &[]).await
}

pub async fn upload(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { account, event }: ManagedEvent,
    upload: Upload<SignedCertificates>,
) -> Result<HttpResponse, Error> {
    // Read only once the organiser's hold on the event is known.
    let files = match upload.receive_files().await {
        Ok(files) => files,
        Err(Refusal::Csrf) => return Err(Error::Csrf),
        Err(Refusal::Field { status, error }) => {
            let markup = show(&state, &ctx, &event, None, &[error]).await?;
            return Ok(page(status, markup));
        }
    };
    let files = files
        .into_iter()
        .map(|file| Uploaded {
            name: file.name,
            bytes: file.bytes,
        })
        .collect();
    let results = signing::import((&state.db, &state.storage), &account, &event, files).await?;
    let markup = show(&state, &ctx, &event, Some(&results), &[]).await?;
    Ok(page(StatusCode::OK, markup))
}

async fn show(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    results: Option<&[FileResult]>,
    errors: &[FieldError],
) -> Result<Markup, Error> {
    let waiting = signing::waiting(&state.db, event, None).await?;
    let per_kind: Vec<(Kind, usize)> = Kind::ALL
        .into_iter()
        .map(|kind| (kind, waiting.iter().filter(|c| c.kind == kind).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    Ok(views::page(
        ctx,
        &SigningPage {
            event,
            waiting: &per_kind,
            results,
            errors,
        },
    ))
}
