//! Follow-up of action plans: the organisers' dates, who reported for
//! each, the reports and their export.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use super::accounts::NoFields;
use super::action_plans::download;
use super::{page, see_other};
use crate::error::Error;
use crate::export::spreadsheet::Format;
use crate::services::{follow_up_overview, follow_up_reports, follow_ups, regions};
use crate::web::AppState;
use crate::web::extract::{Form, ManagedEvent, PageContext};
use crate::web::views::follow_ups as views;

#[derive(Deserialize, Default)]
pub struct DateForm {
    #[serde(default)]
    date: String,
}

pub async fn dates(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<Markup, Error> {
    let listed = follow_ups::of_event(&state.db, &event).await?;
    Ok(views::dates(&ctx, &event, &listed, "", &[]))
}

pub async fn add(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { account, event }: ManagedEvent,
    Form(form): Form<DateForm>,
) -> Result<HttpResponse, Error> {
    match follow_ups::add(&state.db, &account, &event, &form.date).await {
        Ok(()) => Ok(see_other(&views::base(&event))),
        Err(Error::Invalid(errors)) => {
            let listed = follow_ups::of_event(&state.db, &event).await?;
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::dates(&ctx, &event, &listed, &form.date, &errors),
            ))
        }
        Err(error) => Err(error),
    }
}

pub async fn remove(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    match follow_ups::remove(&state.db, &account, &event, &id).await {
        Ok(()) => Ok(see_other(&views::base(&event))),
        Err(Error::Invalid(errors)) => {
            let listed = follow_ups::of_event(&state.db, &event).await?;
            Ok(page(
                StatusCode::CONFLICT,
                views::dates(&ctx, &event, &listed, "", &errors),
            ))
        }
        Err(error) => Err(error),
    }
}

#[derive(Deserialize, Default)]
pub struct OverviewQuery {
    /// The province whose regencies are open.
    #[serde(default)]
    province: String,
    /// `csv` or `xlsx`, for the export.
    #[serde(default)]
    format: String,
}

pub async fn overview(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String)>,
    query: web::Query<OverviewQuery>,
) -> Result<Markup, Error> {
    let (_, id) = path.into_inner();
    let overview = follow_up_overview::overview(&state.db, &event, &id).await?;
    let regions = regions::directory(&state.db).await?;
    Ok(views::overview(
        &ctx,
        &event,
        &id,
        &overview,
        (&regions, &query.province),
    ))
}

/// The sent reports as CSV or XLSX, one row per activity.
pub async fn export(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String)>,
    query: web::Query<OverviewQuery>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let format = Format::from_filename(&format!("x.{}", query.format)).ok_or(Error::NotFound)?;
    let regions = regions::directory(&state.db).await?;
    let bytes =
        follow_up_overview::export(&state.db, &event, &id, (format, ctx.lang), &regions).await?;
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}-tindak-lanjut.{}\"",
                event.slug,
                format.extension()
            ),
        ))
        .body(bytes))
}

pub async fn report(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String, String)>,
) -> Result<Markup, Error> {
    let (_, id, report) = path.into_inner();
    let (registration, view) = follow_up_reports::in_event(&state.db, &event, &id, &report).await?;
    Ok(views::report(&ctx, &event, &registration, &view))
}

pub async fn evidence(
    state: web::Data<AppState>,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String, String, String)>,
) -> Result<HttpResponse, Error> {
    let (_, id, report, evidence) = path.into_inner();
    let (_, view) = follow_up_reports::in_event(&state.db, &event, &id, &report).await?;
    let file = view
        .evidence
        .into_iter()
        .find(|e| e.id == evidence)
        .map(|e| e.file);
    download(&state, file).await
}
