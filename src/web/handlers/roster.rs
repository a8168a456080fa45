//! The organisers' registration list: filter, decide in bulk, add by hand,
//! import and export. Every route checks the organiser's hold on the event.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use super::registration::{Fields, form_response, wants_regencies};
use super::{page, see_other};
use crate::domain::question::QuestionForm;
use crate::domain::registration::Decision;
use crate::error::Error;
use crate::export::spreadsheet::Format;
use crate::services::accounts::Origin;
use crate::services::{questions, regions, registrations, roster};
use crate::web::AppState;
use crate::web::extract::{Form, ManagedEvent, PageContext};
use crate::web::upload::{Kind, Refusal, Upload, UploadPolicy};
use crate::web::views::roster::{self as views, ListQuery};

pub async fn list(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    query: web::Query<ListQuery>,
) -> Result<Markup, Error> {
    let number = query.page.unwrap_or(0);
    let listed = roster::page(
        &state.db,
        &event.id.to_string(),
        query.filter(),
        i64::from(number),
    )
    .await?;
    let regions = regions::directory(&state.db).await?;
    let province = query.filter().province_code.unwrap_or_default();
    Ok(views::list(
        &ctx,
        &views::ListPage {
            event: &event,
            query: &query,
            page: &listed,
            number,
            provinces: regions.provinces(),
            regencies: regions.within(&province),
        },
    ))
}

pub async fn decide(
    state: web::Data<AppState>,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    Form(fields): Form<Fields>,
) -> Result<HttpResponse, Error> {
    let mut ids = Vec::new();
    let mut decision = None;
    let mut back = String::new();
    for (name, value) in fields {
        match name.as_str() {
            "ids" => ids.push(value),
            "decision" => {
                decision =
                    serde_json::from_value::<Decision>(serde_json::Value::String(value)).ok();
            }
            "back" => back = value,
            _ => {}
        }
    }
    let decision = decision.ok_or_else(|| Error::invalid("decision", "roster.error.decision"))?;
    let back: ListQuery = serde_urlencoded::from_str(&back).unwrap_or_default();
    if ids.is_empty() {
        return Ok(see_other(&format!(
            "/manage/events/{}/registrations?{}&unticked=1",
            event.slug,
            back.query_string(back.page.unwrap_or(0)),
        )));
    }
    let decided =
        registrations::decide_many(&state.db, &event, ids, decision, &account, &origin).await?;
    Ok(see_other(&format!(
        "/manage/events/{}/registrations?{}&changed={}&skipped={}",
        event.slug,
        back.query_string(back.page.unwrap_or(0)),
        decided.changed,
        decided.skipped
    )))
}

pub async fn add_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<HttpResponse, Error> {
    let action = format!("/manage/events/{}/registrations/new", event.slug);
    form_response(&state, &ctx, &event, &action, &HashMap::new(), &[], true).await
}

pub async fn add(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    Form(fields): Form<Fields>,
) -> Result<HttpResponse, Error> {
    let fields: HashMap<String, String> = fields.into_iter().collect();
    let action = format!("/manage/events/{}/registrations/new", event.slug);
    if wants_regencies(&fields) {
        return form_response(&state, &ctx, &event, &action, &fields, &[], true).await;
    }
    match registrations::add_by_hand(&state.db, &event, fields.clone(), &account, &origin).await {
        Ok(_) => Ok(see_other(&format!(
            "/manage/events/{}/registrations?added=1",
            event.slug
        ))),
        Err(Error::Invalid(errors)) => {
            form_response(&state, &ctx, &event, &action, &fields, &errors, true).await
        }
        Err(error) => Err(error),
    }
}

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(flatten)]
    list: ListQuery,
    #[serde(default)]
    format: String,
}

pub async fn export(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, Error> {
    let format = Format::from_filename(&format!("x.{}", query.format)).ok_or(Error::NotFound)?;
    let bytes = roster::export(&state.db, &event, query.list.filter(), format, ctx.lang).await?;
    Ok(super::spreadsheet(&event.slug, "peserta", format, bytes))
}

/// A participant list: CSV or XLSX, at most 5 MB.
pub struct ParticipantList;

impl UploadPolicy for ParticipantList {
    const LIMIT: usize = 5 * 1024 * 1024;
    const KINDS: &'static [Kind] = &[Kind::Csv, Kind::Xlsx];
}

pub async fn upload(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { account, event }: ManagedEvent,
    upload: Upload<ParticipantList>,
) -> Result<HttpResponse, Error> {
    // Read only once the organiser's hold on the event is known.
    let file = match upload.receive().await {
        Ok(file) => file,
        Err(Refusal::Csrf) => return Err(Error::Csrf),
        Err(Refusal::Field { status, error }) => {
            return Ok(page(status, views::upload_failed(&ctx, &event, &[error])));
        }
    };
    // The policy takes these two kinds only.
    let format = match file.kind {
        Kind::Csv => Format::Csv,
        _ => Format::Xlsx,
    };
    match roster::preview_import(&state.db, &event, &file.name, format, file.bytes, &account).await
    {
        Ok(id) => Ok(see_other(&format!(
            "/manage/events/{}/registrations/import/{id}",
            event.slug
        ))),
        Err(Error::Invalid(errors)) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::upload_failed(&ctx, &event, &errors),
        )),
        Err(error) => Err(error),
    }
}

pub async fn preview(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String)>,
) -> Result<Markup, Error> {
    let (_, id) = path.into_inner();
    let preview = roster::import_preview(&state.db, &event.id.to_string(), &id).await?;
    Ok(views::preview(&ctx, &event, &preview))
}

pub async fn confirm_import(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(_): Form<super::accounts::NoFields>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let (added, skipped) =
        match roster::confirm_import(&state.db, &event, &id, &account, &origin).await {
            Ok(counts) => counts,
            // Confirmed before (a second click, Back then send): the
            // preview again, which says it has been imported.
            Err(Error::Invalid(_)) => {
                let preview = roster::import_preview(&state.db, &event.id.to_string(), &id).await?;
                return Ok(page(
                    StatusCode::CONFLICT,
                    views::preview(&ctx, &event, &preview),
                ));
            }
            Err(error) => return Err(error),
        };
    Ok(see_other(&format!(
        "/manage/events/{}/registrations?added={added}&skipped={skipped}",
        event.slug
    )))
}

pub async fn questions_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<Markup, Error> {
    let list = questions::of_event(&state.db, &event.id.to_string()).await?;
    Ok(views::questions(
        &ctx,
        &event,
        &list,
        &QuestionForm::default(),
        &[],
    ))
}

pub async fn add_question(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { account, event }: ManagedEvent,
    Form(form): Form<QuestionForm>,
) -> Result<HttpResponse, Error> {
    let event_id = event.id.to_string();
    match questions::add(&state.db, &event_id, form.clone(), &account).await {
        Ok(()) => Ok(see_other(&format!(
            "/manage/events/{}/questions",
            event.slug
        ))),
        Err(Error::Invalid(errors)) => {
            let list = questions::of_event(&state.db, &event_id).await?;
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::questions(&ctx, &event, &list, &form, &errors),
            ))
        }
        Err(error) => Err(error),
    }
}

/// Removing a question asks first: its answers go with it.
pub async fn remove_question_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String)>,
) -> Result<Markup, Error> {
    let (_, id) = path.into_inner();
    let question = questions::of_event(&state.db, &event.id.to_string())
        .await?
        .into_iter()
        .find(|q| q.id == id)
        .ok_or(Error::NotFound)?;
    Ok(views::remove_question(&ctx, &event, &question))
}

pub async fn remove_question(
    state: web::Data<AppState>,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(_): Form<super::accounts::NoFields>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    questions::remove(&state.db, &event.id.to_string(), &id, &account).await?;
    Ok(see_other(&format!(
        "/manage/events/{}/questions",
        event.slug
    )))
}
