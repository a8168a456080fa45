//! Organisers upload the participant report they downloaded from Zoom for
//! a session, see what it will store for whom, in the zone they confirm,
//! and then store it. Every route checks the organiser's hold on the event.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono_tz::Tz;
use maud::Markup;
use serde::Deserialize;

use super::{page, see_other};
use crate::domain::event::{Event, FieldError};
use crate::domain::session::Session;
use crate::domain::time::parse_zone;
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::attendance::{import, reports};
use crate::services::sessions;
use crate::web::AppState;
use crate::web::extract::{Form, ManagedEvent, PageContext};
use crate::web::upload::{Kind, Refusal, Upload, UploadPolicy};
use crate::web::views::attendance_import::{self as views, PreviewPage, UploadPage};

/// Zoom's participant report: CSV, at most 5 MB (some 30,000 joins).
pub struct ZoomReport;

impl UploadPolicy for ZoomReport {
    const LIMIT: usize = 5 * 1024 * 1024;
    const KINDS: &'static [Kind] = &[Kind::Csv];
}

#[derive(Deserialize)]
pub struct Imported {
    imported: Option<usize>,
}

async fn upload_page(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    session: &Session,
    imported: Option<usize>,
    errors: &[FieldError],
) -> Result<Markup, Error> {
    let standing = reports::standing(&state.db, &session.id).await?;
    Ok(views::upload(
        ctx,
        &UploadPage {
            event,
            session,
            standing: &standing,
            imported,
            errors,
        },
    ))
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String)>,
    query: web::Query<Imported>,
) -> Result<Markup, Error> {
    let (_, id) = path.into_inner();
    let session = sessions::find(&state.db, &event, &id).await?;
    upload_page(&state, &ctx, &event, &session, query.imported, &[]).await
}

pub async fn upload(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    upload: Upload<ZoomReport>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    // Read only once the session is known to be the organiser's.
    let session = sessions::find(&state.db, &event, &id).await?;
    let file = match upload.receive().await {
        Ok(file) => file,
        Err(Refusal::Csrf) => return Err(Error::Csrf),
        Err(Refusal::Field { status, error }) => {
            let markup = upload_page(&state, &ctx, &event, &session, None, &[error]).await?;
            return Ok(page(status, markup));
        }
    };
    match import::upload(
        &state.db,
        &event,
        &session.id,
        &file.name,
        file.bytes,
        &account,
    )
    .await
    {
        Ok(import_id) => Ok(see_other(&format!(
            "{}/{import_id}",
            views::path(&event, &session)
        ))),
        Err(Error::Invalid(errors)) => {
            let markup = upload_page(&state, &ctx, &event, &session, None, &errors).await?;
            Ok(page(StatusCode::UNPROCESSABLE_ENTITY, markup))
        }
        Err(error) => Err(error),
    }
}

#[derive(Deserialize)]
pub struct Zone {
    #[serde(default)]
    zone: String,
}

/// The zone to read the upload in: the one asked for, if offered; the
/// event's when none was asked and none is `required`. Otherwise the
/// event's, with a message on the zone field.
fn zone_of(event: &Event, asked: &str, required: bool) -> (Tz, Vec<FieldError>) {
    match parse_zone(asked).filter(|zone| import::zones(event).contains(zone)) {
        Some(zone) => (zone, Vec::new()),
        None if asked.trim().is_empty() && !required => (event.time_zone, Vec::new()),
        None => (
            event.time_zone,
            vec![FieldError::new("zone", "attendance_import.error.zone")],
        ),
    }
}

async fn preview_page(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    session_id: &str,
    import_id: &str,
    (zone, errors): (Tz, Vec<FieldError>),
) -> Result<HttpResponse, Error> {
    let session = sessions::find(&state.db, event, session_id).await?;
    let preview = import::preview(&state.db, event, &session.id, import_id, zone).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let markup = views::preview(
        ctx,
        &PreviewPage {
            event,
            session: &session,
            preview: &preview,
            zones: &import::zones(event),
            errors: &errors,
        },
    );
    Ok(page(status, markup))
}

pub async fn preview(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String, String)>,
    query: web::Query<Zone>,
) -> Result<HttpResponse, Error> {
    let (_, session_id, import_id) = path.into_inner();
    let zone = zone_of(&event, &query.zone, false);
    preview_page(&state, &ctx, &event, &session_id, &import_id, zone).await
}

/// Stores the upload in the zone its preview showed. A zone not offered
/// brings the preview back with its message; an upload stored before (a
/// second click) brings back the preview, which says so.
pub async fn confirm(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String, String)>,
    Form(form): Form<Zone>,
) -> Result<HttpResponse, Error> {
    let (_, session_id, import_id) = path.into_inner();
    let session = sessions::find(&state.db, &event, &session_id).await?;
    let (zone, errors) = zone_of(&event, &form.zone, true);
    if !errors.is_empty() {
        return preview_page(
            &state,
            &ctx,
            &event,
            &session_id,
            &import_id,
            (zone, errors),
        )
        .await;
    }
    let confirmed = import::confirm(
        &state.db,
        &account,
        &event,
        &session.id,
        &import_id,
        zone,
        &origin,
    );
    match confirmed.await {
        Ok(people) => Ok(see_other(&format!(
            "{}?imported={people}",
            views::path(&event, &session)
        ))),
        Err(Error::Invalid(_)) => {
            let shown = (zone, Vec::new());
            let mut response =
                preview_page(&state, &ctx, &event, &session_id, &import_id, shown).await?;
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
        Err(error) => Err(error),
    }
}
