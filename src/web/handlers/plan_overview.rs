//! The organisers' overview of an event's action plans, its exports, and
//! the plans as printed documents (also a participant's own).

use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use crate::error::Error;
use crate::export::spreadsheet::Format;
use crate::services::plan_overview::Part;
use crate::services::{action_plans, plan_overview};
use crate::web::AppState;
use crate::web::extract::{Member, PageContext, PlanReader};
use crate::web::views::plan_overview::{self as views, OverviewPage, PlanQuery, Printed};

pub async fn overview(
    state: web::Data<AppState>,
    ctx: PageContext,
    PlanReader { event, scope, .. }: PlanReader,
    query: web::Query<PlanQuery>,
) -> Result<Markup, Error> {
    let number = query.page.unwrap_or(0);
    let overview = plan_overview::overview(
        &state.db,
        (&event, &scope),
        query.filter(),
        i64::from(number),
    )
    .await?;
    Ok(views::overview(
        &ctx,
        &OverviewPage {
            event: &event,
            query: &query,
            overview: &overview,
            number,
        },
    ))
}

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(flatten)]
    plans: PlanQuery,
    #[serde(default)]
    format: String,
    /// `activities`: a CSV of the plans' activities instead of the plans.
    #[serde(default)]
    part: String,
}

pub async fn export(
    state: web::Data<AppState>,
    ctx: PageContext,
    PlanReader { event, scope, .. }: PlanReader,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, Error> {
    let format = Format::from_filename(&format!("x.{}", query.format)).ok_or(Error::NotFound)?;
    let (part, name) = match (format, query.part.as_str()) {
        (Format::Csv, "activities") => (Part::Activities, "rtl-kegiatan"),
        _ => (Part::Plans, "rtl"),
    };
    let filter = query.plans.filter();
    let bytes = plan_overview::export(
        &state.db,
        (&event, &scope),
        filter,
        (format, part),
        ctx.lang,
    )
    .await?;
    Ok(super::spreadsheet(&event.slug, name, format, bytes))
}

pub async fn print_all(
    state: web::Data<AppState>,
    ctx: PageContext,
    PlanReader { event, scope, .. }: PlanReader,
    query: web::Query<PlanQuery>,
) -> Result<Markup, Error> {
    let (plans, regions) =
        plan_overview::printable(&state.db, (&event, &scope), query.filter()).await?;
    let back = format!(
        "/manage/events/{}/plans?{}",
        event.slug,
        query.query_string(0, (&query.province, &query.regency))
    );
    Ok(views::print(
        &ctx,
        (&event, &regions),
        Printed::All {
            plans: &plans,
            number: query.page.unwrap_or(0),
            query: &query,
        },
        &back,
    ))
}

pub async fn print_one(
    state: web::Data<AppState>,
    ctx: PageContext,
    PlanReader { event, scope, .. }: PlanReader,
    path: web::Path<(String, String)>,
) -> Result<Markup, Error> {
    let (_, plan_id) = path.into_inner();
    let (listed, _) = action_plans::in_event(&state.db, (&event, &scope), &plan_id).await?;
    let regions = crate::services::regions::directory(&state.db).await?;
    let back = format!("/manage/events/{}/plans/{plan_id}", event.slug);
    Ok(views::print(
        &ctx,
        (&event, &regions),
        Printed::One(&listed),
        &back,
    ))
}

/// The participant's own plan, printed; anyone else's is not found.
pub async fn print_own(
    state: web::Data<AppState>,
    ctx: PageContext,
    Member(account): Member,
    id: web::Path<String>,
) -> Result<Markup, Error> {
    let (event, listed, regions) = plan_overview::own_printable(&state.db, &account, &id).await?;
    let back = format!("/my/registrations/{id}/plan");
    Ok(views::print(
        &ctx,
        (&event, &regions),
        Printed::One(&listed),
        &back,
    ))
}
