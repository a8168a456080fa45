//! Certificates: the organisers' batch page, settings, pictures, preview
//! and dry run; the holder's download; the public verify page.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;
use maud::Markup;
use serde::Deserialize;

use super::accounts::NoFields;
use super::{page, see_other};
use crate::domain::certificate::settings::SettingsForm;
use crate::domain::event::{Event, FieldError};
use crate::domain::text::given;
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::certificates::{self, ListFilter, Picture, Progress};
use crate::web::AppState;
use crate::web::extract::{Form, ManagedEvent, Member, PageContext};
use crate::web::upload::{Kind, Refusal, Upload, UploadPolicy};
use crate::web::views::certificates as views;

/// A logo, background, signature or stamp: PNG or JPEG by content.
pub struct PictureUpload;

impl UploadPolicy for PictureUpload {
    const LIMIT: usize = 5 * 1024 * 1024;
    const KINDS: &'static [Kind] = &[Kind::Png, Kind::Jpeg];
    const FIELD: &'static str = "picture";
}

/// The batch page's filters and page, as they travel in its address.
#[derive(Clone, Debug, Deserialize, Default)]
#[serde(default)]
pub struct BatchQuery {
    /// Part of a holder's name or of a number.
    pub q: String,
    /// One of the progress names, or empty for all.
    pub status: String,
    /// A certificate type, or empty for all.
    pub kind: String,
    /// 0-based.
    pub page: usize,
    /// How many were issued by the action that led here.
    pub issued: Option<usize>,
    /// How many failed ones were tried again.
    pub retried: Option<usize>,
}

impl BatchQuery {
    pub fn filter(&self) -> ListFilter {
        ListFilter {
            text: given(&self.q),
            progress: given(&self.status).filter(|s| Progress::NAMES.contains(&s.as_str())),
            kind: given(&self.kind),
        }
    }

    /// The same list's address without its page: the rest of a link to
    /// one of its pages (ending in `&` when not empty).
    pub fn filter_query(&self) -> String {
        let fields = [
            ("q", &self.q),
            ("status", &self.status),
            ("kind", &self.kind),
        ];
        let kept: Vec<_> = fields
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        if kept.is_empty() {
            String::new()
        } else {
            serde_urlencoded::to_string(kept).unwrap_or_default() + "&"
        }
    }
}

pub async fn batch(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    query: web::Query<BatchQuery>,
) -> Result<Markup, Error> {
    let settings = certificates::settings(&state.db, &event).await?;
    let list = certificates::issued(&state.db, &event).await?;
    Ok(views::batch(&ctx, (&event, &settings), &list, &query))
}

/// Renders again every certificate that could not be rendered, and sends
/// again every e-mail the mail server refused.
pub async fn retry(
    state: web::Data<AppState>,
    ManagedEvent { account, event }: ManagedEvent,
    origin: Origin,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, Error> {
    let retried =
        certificates::changes::retry_failed(&state.db, &account, &event, origin.address).await?;
    Ok(see_other(&format!(
        "{}?retried={retried}",
        views::base(&event)
    )))
}

pub async fn settings_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<Markup, Error> {
    let settings = certificates::settings(&state.db, &event).await?;
    Ok(views::settings_page(
        &ctx,
        &event,
        &settings,
        &settings.form(),
        (&[], None),
    ))
}

pub async fn save_settings(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { account, event }: ManagedEvent,
    Form(form): Form<SettingsForm>,
) -> Result<HttpResponse, Error> {
    match certificates::save_settings(&state.db, &account, &event, &form).await {
        Ok(()) => Ok(see_other(&views::base(&event))),
        Err(Error::Invalid(errors)) => {
            let settings = certificates::settings(&state.db, &event).await?;
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::settings_page(&ctx, &event, &settings, &form, (&errors, None)),
            ))
        }
        Err(error) => Err(error),
    }
}

pub async fn upload_picture(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    upload: Upload<PictureUpload>,
) -> Result<HttpResponse, Error> {
    let (_, name) = path.into_inner();
    let picture = Picture::from_name(&name).ok_or(Error::NotFound)?;
    let file = match upload.receive().await {
        Ok(file) => file,
        Err(Refusal::Csrf) => return Err(Error::Csrf),
        Err(Refusal::Field { status, error }) => {
            return refused(&state, &ctx, &event, (status, picture, &[error])).await;
        }
    };
    match certificates::set_picture(
        (&state.db, &state.storage),
        &account,
        &event,
        picture,
        file.bytes,
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!("{}/settings", views::base(&event)))),
        Err(Error::Invalid(errors)) => {
            refused(
                &state,
                &ctx,
                &event,
                (StatusCode::UNPROCESSABLE_ENTITY, picture, &errors),
            )
            .await
        }
        Err(error) => Err(error),
    }
}

/// The settings page with what refused a picture.
async fn refused(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    (status, picture, errors): (StatusCode, Picture, &[FieldError]),
) -> Result<HttpResponse, Error> {
    let settings = certificates::settings(&state.db, event).await?;
    Ok(page(
        status,
        views::picture_refused(ctx, event, &settings, (picture, errors)),
    ))
}

/// The layout as a PDF with this event's settings and a sample holder.
pub async fn preview(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<HttpResponse, Error> {
    let preview = certificates::preview(
        &state.db,
        &state.storage,
        &event,
        (ctx.lang, &state.base_url),
    )
    .await;
    match preview {
        Ok(bytes) => Ok(
            pdf_response(&format!("{}-contoh-sertifikat.pdf", event.slug), "inline").body(bytes),
        ),
        // A character the fonts lack, a picture that does not print: the
        // settings page says which, where it can be mended.
        Err(Error::Invalid(errors)) => {
            let settings = certificates::settings(&state.db, &event).await?;
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::settings_page(&ctx, &event, &settings, &settings.form(), (&errors, None)),
            ))
        }
        Err(error) => Err(error),
    }
}

pub async fn dry_run(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<Markup, Error> {
    let settings = certificates::settings(&state.db, &event).await?;
    let candidates = certificates::dry_run(&state.db, &event).await?;
    Ok(views::dry_run(&ctx, &event, &settings, &candidates))
}

pub async fn issue(
    state: web::Data<AppState>,
    ManagedEvent { account, event }: ManagedEvent,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, Error> {
    let issued = certificates::issue_eligible(&state.db, &account, &event).await?;
    Ok(see_other(&format!(
        "{}?issued={issued}",
        views::base(&event)
    )))
}

/// The holder's certificate, the signed copy when there is one.
pub async fn download(
    state: web::Data<AppState>,
    Member(account): Member,
    id: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let (name, key) = certificates::own_file(&state.db, &account, &id).await?;
    let bytes = state
        .storage
        .get(&key)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(pdf_response(&name, "attachment")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(bytes.map(|part| part.map_err(std::io::Error::other))))
}

fn pdf_response(name: &str, disposition: &str) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response.content_type("application/pdf").insert_header((
        header::CONTENT_DISPOSITION,
        format!("{disposition}; filename=\"{name}\""),
    ));
    response
}

/// The public verify page: valid, revoked, or a 404 page saying the code
/// is unknown.
pub async fn verify(
    state: web::Data<AppState>,
    ctx: PageContext,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    match certificates::verify(&state.db, &code).await {
        Ok(found) => Ok(page(StatusCode::OK, views::verified(&ctx, &found))),
        Err(Error::NotFound) => Ok(page(StatusCode::NOT_FOUND, views::unknown(&ctx))),
        Err(error) => Err(error),
    }
}
