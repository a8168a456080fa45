//! Action plans: the participant's page and form, the organisers' reading.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;
use maud::Markup;

use super::{page, plan_reviews, see_other};
use crate::domain::action_plan::read_form;
use crate::domain::event::FieldError;
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::action_plans::{self, Attachment};
use crate::services::follow_up_reports;
use crate::web::AppState;
use crate::web::extract::{Member, PageContext, PlanReader};
use crate::web::upload::{Kind, Refusal, Upload, UploadPolicy};
use crate::web::views::action_plans as views;
use crate::web::views::plan_reviews::Draft;

/// A plan's attachment: a document, a spreadsheet or a photo, 10 MB at
/// most; the plan's fields come with it in the same form.
pub struct PlanForm;

impl UploadPolicy for PlanForm {
    const LIMIT: usize = 10 * 1024 * 1024;
    const KINDS: &'static [Kind] = &[Kind::Pdf, Kind::Docx, Kind::Xlsx, Kind::Jpeg, Kind::Png];
    const FIELD: &'static str = "attachment";
    /// Thirty activity rows and five long texts, in any script.
    const FIELDS_LIMIT: usize = 256 * 1024;
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: PageContext,
    Member(account): Member,
    id: web::Path<String>,
) -> Result<Markup, Error> {
    let (event, plan) = action_plans::own(&state.db, &account, &id).await?;
    let dues = follow_up_reports::of_account(&state.db, &account)
        .await?
        .remove(id.as_str())
        .unwrap_or_default();
    Ok(views::participant_page(
        &ctx,
        &event,
        &plan,
        &[],
        false,
        &dues,
    ))
}

/// Saves what was sent, whatever it holds; submits when asked and
/// complete. The form comes back with its messages, or after a
/// submission the plan's page.
pub async fn save(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    Member(account): Member,
    id: web::Path<String>,
    upload: Upload<PlanForm>,
) -> Result<HttpResponse, Error> {
    // Read only once the plan is known to be theirs.
    action_plans::own(&state.db, &account, &id).await?;
    let Received {
        fields,
        file: attachment,
        refused,
        mut status,
    } = receive(&state, upload).await?;
    let sent = read_form(&fields);
    let (event, saved) =
        action_plans::save(&state.db, &account, &id, sent, attachment, refused, &origin).await?;
    let Some(saved) = saved else {
        // Submitted meanwhile (another tab): what was submitted.
        let (event, plan) = action_plans::own(&state.db, &account, &id).await?;
        return Ok(page(
            StatusCode::CONFLICT,
            views::participant_page(&ctx, &event, &plan, &[], false, &[]),
        ));
    };
    if saved.submitted.is_some() {
        return Ok(see_other(&format!("/my/registrations/{id}/plan")));
    }
    if saved.errors.is_empty() {
        status = StatusCode::OK;
    }
    Ok(page(
        status,
        views::participant_page(&ctx, &event, &saved.plan, &saved.errors, true, &[]),
    ))
}

pub async fn attachment(
    state: web::Data<AppState>,
    Member(account): Member,
    id: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let (_, plan) = action_plans::own(&state.db, &account, &id).await?;
    download(&state, plan.attachment).await
}

pub async fn read(
    state: web::Data<AppState>,
    ctx: PageContext,
    reader: PlanReader,
    path: web::Path<(String, String)>,
) -> Result<Markup, Error> {
    let (_, plan_id) = path.into_inner();
    plan_reviews::page(&state, &ctx, &reader, &plan_id, Draft::default()).await
}

pub async fn organiser_attachment(
    state: web::Data<AppState>,
    PlanReader { event, scope, .. }: PlanReader,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, plan_id) = path.into_inner();
    let (listed, _) = action_plans::in_event(&state.db, (&event, &scope), &plan_id).await?;
    download(&state, listed.plan.attachment).await
}

/// A form with a file, as read: its fields, the file kept in storage
/// when one came and was taken, else what refused it and the status to
/// answer with (422 unless the refusal says otherwise).
pub(super) struct Received {
    pub fields: Vec<(String, String)>,
    pub file: Option<Attachment>,
    pub refused: Vec<FieldError>,
    pub status: StatusCode,
}

pub(super) async fn receive<P: UploadPolicy>(
    state: &AppState,
    upload: Upload<P>,
) -> Result<Received, Error> {
    let form = match upload.receive_form().await {
        Ok(form) => form,
        Err(Refusal::Csrf) => return Err(Error::Csrf),
        Err(Refusal::Field { .. }) => return Err(Error::Invalid(Vec::new())),
    };
    let mut received = Received {
        fields: form.fields,
        file: None,
        refused: Vec::new(),
        status: StatusCode::UNPROCESSABLE_ENTITY,
    };
    match form.file {
        Ok(Some(file)) => {
            received.file = Some(
                action_plans::store_attachment(
                    &state.storage,
                    file.bytes,
                    file.name,
                    file.kind.extension(),
                )
                .await?,
            );
        }
        Ok(None) | Err(Refusal::Csrf) => {}
        Err(Refusal::Field { status, error }) => {
            received.status = status;
            received.refused.push(error);
        }
    }
    Ok(received)
}

/// The file as a download, never shown in the page's origin.
pub(super) async fn download(
    state: &AppState,
    attachment: Option<Attachment>,
) -> Result<HttpResponse, Error> {
    let attachment = attachment.ok_or(Error::NotFound)?;
    let kind = Kind::from_extension(&attachment.kind).ok_or(Error::NotFound)?;
    let bytes = action_plans::attachment_bytes(&state.storage, &attachment).await?;
    Ok(HttpResponse::Ok()
        .content_type(kind.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", attachment.name),
        ))
        .streaming(bytes.map(|part| part.map_err(std::io::Error::other))))
}
