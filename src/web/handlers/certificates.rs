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
use crate::error::Error;
use crate::services::certificates::{self, Picture};
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

#[derive(Deserialize, Default)]
pub struct BatchQuery {
    /// How many were issued by the action that led here.
    issued: Option<usize>,
}

pub async fn batch(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    query: web::Query<BatchQuery>,
) -> Result<Markup, Error> {
    let settings = certificates::settings(&state.db, &event).await?;
    let list = certificates::issued(&state.db, &event).await?;
    Ok(views::batch(&ctx, &event, &settings, &list, query.issued))
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
    let bytes = certificates::preview(
        &state.db,
        &state.storage,
        &event,
        (ctx.lang, &state.base_url),
    )
    .await?;
    Ok(pdf_response(&format!("{}-contoh-sertifikat.pdf", event.slug), "inline").body(bytes))
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
