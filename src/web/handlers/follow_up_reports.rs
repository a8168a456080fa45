//! Follow-up reports: the participant's form and evidence files.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;

use super::action_plans::{Received, download, receive};
use super::{page, see_other};
use crate::domain::action_plan::follow_up::read_form;
use crate::error::Error;
use crate::services::follow_up_reports;
use crate::services::follow_ups::report_path;
use crate::web::AppState;
use crate::web::extract::{Member, PageContext};
use crate::web::upload::{Kind, Upload, UploadPolicy};
use crate::web::views::follow_up_reports as views;

/// An evidence file: a photo or a PDF document, 10 MB at most; the
/// report's fields come with it in the same form.
pub struct ReportForm;

impl UploadPolicy for ReportForm {
    const LIMIT: usize = 10 * 1024 * 1024;
    const KINDS: &'static [Kind] = &[Kind::Jpeg, Kind::Png, Kind::Pdf];
    const FIELD: &'static str = "evidence";
    /// Thirty activities of four fields, in any script.
    const FIELDS_LIMIT: usize = 256 * 1024;
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: PageContext,
    Member(account): Member,
    path: web::Path<(String, String)>,
) -> Result<Markup, Error> {
    let (id, follow_up) = path.into_inner();
    let (event, view) = follow_up_reports::own(&state.db, &account, &id, &follow_up).await?;
    Ok(views::participant_page(&ctx, &event, &view, &[], false))
}

/// Saves what was sent, whatever it holds; sends it when asked and
/// complete, then shows the report's page.
pub async fn save(
    state: web::Data<AppState>,
    ctx: PageContext,
    Member(account): Member,
    path: web::Path<(String, String)>,
    upload: Upload<ReportForm>,
) -> Result<HttpResponse, Error> {
    let (id, follow_up) = path.into_inner();
    // Read only once the report is known to be theirs.
    let (_, before) = follow_up_reports::own(&state.db, &account, &id, &follow_up).await?;
    let Received {
        fields,
        file,
        refused,
        mut status,
    } = receive(&state, upload).await?;
    let sent = read_form(&fields, before.plan.activities.len());
    let (event, saved) =
        follow_up_reports::save(&state.db, &account, (&id, &follow_up), sent, file, refused)
            .await?;
    if saved.sent {
        return Ok(see_other(&report_path(&id, &follow_up)));
    }
    if saved.errors.is_empty() {
        status = StatusCode::OK;
    }
    Ok(page(
        status,
        views::participant_page(&ctx, &event, &saved.view, &saved.errors, true),
    ))
}

pub async fn evidence(
    state: web::Data<AppState>,
    Member(account): Member,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, Error> {
    let (id, follow_up, evidence_id) = path.into_inner();
    let (_, view) = follow_up_reports::own(&state.db, &account, &id, &follow_up).await?;
    let file = view
        .evidence
        .into_iter()
        .find(|e| e.id == evidence_id)
        .map(|e| e.file);
    download(&state, file).await
}
