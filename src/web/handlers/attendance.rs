//! Organisers follow attendance: per session, per event, per participant,
//! the printable list, the exports; and decide on it (excuses, overrides,
//! entries by hand). Every route checks the organiser's hold on the event.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use super::{page, see_other};
use crate::domain::attendance::EntryForm;
use crate::domain::event::{Event, FieldError};
use crate::error::Error;
use crate::export::spreadsheet::Format;
use crate::services::accounts::Origin;
use crate::services::attendance::{decisions, results, review};
use crate::services::regions;
use crate::web::AppState;
use crate::web::extract::{Form, ManagedEvent, PageContext};
use crate::web::views::attendance::{
    self as views, AnswersQuery, EventQuery, ExcuseForm, OverrideForm, ReviewForm, ReviewQuery,
    SessionQuery, UndoForm,
};

async fn session_page(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    session_id: &str,
    query: &SessionQuery,
    excuse: Option<(&ExcuseForm, &[FieldError])>,
) -> Result<Markup, Error> {
    let sheet = results::of_event(&state.db, event).await?;
    let index = sheet.index_of(session_id).ok_or(Error::NotFound)?;
    let waiting = review::waiting_per_session(&state.db, event).await?;
    let opened = ExcuseForm {
        registration_id: query.excuse.clone(),
        ..ExcuseForm::default()
    };
    let excuse = excuse.or_else(|| (!query.excuse.is_empty()).then_some((&opened, &[][..])));
    Ok(views::session_page(
        ctx,
        &views::SessionPage {
            event,
            sheet: &sheet,
            index,
            query,
            excuse,
            awaiting_review: waiting.get(session_id).copied().unwrap_or(0),
        },
    ))
}

pub async fn session(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String)>,
    query: web::Query<SessionQuery>,
) -> Result<Markup, Error> {
    let (_, session_id) = path.into_inner();
    session_page(&state, &ctx, &event, &session_id, &query, None).await
}

pub async fn excuse(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(form): Form<ExcuseForm>,
) -> Result<HttpResponse, Error> {
    let (_, session_id) = path.into_inner();
    let reason = form.withdraw.is_none().then_some(form.reason.as_str());
    let outcome = decisions::excuse(
        &state.db,
        &account,
        &event,
        &session_id,
        &form.registration_id,
        reason,
        &origin,
    )
    .await;
    match outcome {
        Ok(()) => Ok(see_other(&views::session_path(&event, &session_id))),
        Err(Error::Invalid(errors)) => {
            let query = SessionQuery::default();
            let markup = session_page(
                &state,
                &ctx,
                &event,
                &session_id,
                &query,
                Some((&form, &errors)),
            )
            .await?;
            Ok(page(StatusCode::UNPROCESSABLE_ENTITY, markup))
        }
        Err(error) => Err(error),
    }
}

pub async fn event(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    query: web::Query<EventQuery>,
) -> Result<Markup, Error> {
    let sheet = results::of_event(&state.db, &event).await?;
    let regions = regions::directory(&state.db).await?;
    let waiting = review::waiting_per_session(&state.db, &event).await?;
    Ok(views::event_page(
        &ctx,
        &views::EventPage {
            event: &event,
            sheet: &sheet,
            regions: &regions,
            query: &query,
            awaiting_review: &waiting,
        },
    ))
}

async fn participant_page(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    registration_id: &str,
    forms: (&OverrideForm, &EntryForm),
    errors: &[FieldError],
) -> Result<Markup, Error> {
    let (sessions, standing) = results::of_registration(&state.db, event, registration_id).await?;
    let regions = regions::directory(&state.db).await?;
    Ok(views::participant_page(
        ctx,
        &views::ParticipantPage {
            event,
            sessions: &sessions,
            standing: &standing,
            regions: &regions,
            now: chrono::Utc::now(),
            override_form: forms.0,
            entry_form: forms.1,
            errors,
        },
    ))
}

pub async fn participant(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String)>,
) -> Result<Markup, Error> {
    let (_, registration_id) = path.into_inner();
    let forms = (&OverrideForm::default(), &EntryForm::default());
    participant_page(&state, &ctx, &event, &registration_id, forms, &[]).await
}

/// After a decision: the participant's page; after a mistake: the page
/// again, with what was typed.
async fn decided(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    registration_id: &str,
    forms: (&OverrideForm, &EntryForm),
    outcome: Result<(), Error>,
) -> Result<HttpResponse, Error> {
    match outcome {
        Ok(()) => Ok(see_other(&views::participant_path(event, registration_id))),
        Err(Error::Invalid(errors)) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            participant_page(state, ctx, event, registration_id, forms, &errors).await?,
        )),
        Err(error) => Err(error),
    }
}

pub async fn override_result(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(form): Form<OverrideForm>,
) -> Result<HttpResponse, Error> {
    let (_, registration_id) = path.into_inner();
    let outcome = match form.decision.as_str() {
        "passed" | "failed" | "minutes" => {
            let decision = match form.decision.as_str() {
                "passed" => Some(true),
                "failed" => Some(false),
                _ => None,
            };
            decisions::override_result(
                &state.db,
                &account,
                &event,
                &registration_id,
                decision,
                &form.reason,
                &origin,
            )
            .await
        }
        _ => Err(Error::invalid("decision", "attendance.error.decision")),
    };
    let forms = (&form, &EntryForm::default());
    decided(&state, &ctx, &event, &registration_id, forms, outcome).await
}

pub async fn record_entry(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(form): Form<EntryForm>,
) -> Result<HttpResponse, Error> {
    let (_, registration_id) = path.into_inner();
    let outcome = decisions::record_by_hand(
        &state.db,
        &account,
        &event,
        &registration_id,
        &form,
        &origin,
    )
    .await;
    let forms = (&OverrideForm::default(), &form);
    decided(&state, &ctx, &event, &registration_id, forms, outcome).await
}

pub async fn print(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String)>,
) -> Result<Markup, Error> {
    let (_, session_id) = path.into_inner();
    let sheet = results::of_event(&state.db, &event).await?;
    let index = sheet.index_of(&session_id).ok_or(Error::NotFound)?;
    let regions = regions::directory(&state.db).await?;
    Ok(views::print_page(&ctx, &event, &sheet, index, &regions))
}

async fn review_page(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    query: &ReviewQuery,
    refused: Option<(&ReviewForm, &FieldError)>,
) -> Result<Markup, Error> {
    let queue = review::queue(&state.db, event).await?;
    Ok(views::review_page(
        ctx,
        &views::ReviewPage {
            event,
            queue: &queue,
            query,
            refused,
        },
    ))
}

pub async fn review(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    query: web::Query<ReviewQuery>,
) -> Result<Markup, Error> {
    review_page(&state, &ctx, &event, &query, None).await
}

pub async fn decide(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    Form(form): Form<ReviewForm>,
) -> Result<HttpResponse, Error> {
    let chosen = Some(form.registration_id.as_str()).filter(|id| !id.is_empty());
    let outcome = match (form.action.as_str(), chosen) {
        ("dismiss", _) => Ok(None),
        ("assign", Some(id)) => Ok(Some(id)),
        _ => Err(FieldError::new("registration_id", "review.error.choose")),
    };
    match outcome {
        Ok(registration) => {
            review::decide(
                &state.db,
                &account,
                &event,
                &form.session_id,
                &form.identity,
                registration,
                &origin,
            )
            .await?;
            Ok(see_other(&format!("{}/review", views::event_path(&event))))
        }
        Err(error) => {
            let query = ReviewQuery::default();
            let markup = review_page(&state, &ctx, &event, &query, Some((&form, &error))).await?;
            Ok(page(StatusCode::UNPROCESSABLE_ENTITY, markup))
        }
    }
}

pub async fn answers(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    query: web::Query<AnswersQuery>,
) -> Result<Markup, Error> {
    let answers = review::answers(&state.db, &event).await?;
    Ok(views::answers_page(&ctx, &event, &answers, &query))
}

pub async fn undo(
    state: web::Data<AppState>,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    Form(form): Form<UndoForm>,
) -> Result<HttpResponse, Error> {
    review::undo(
        &state.db,
        &account,
        &event,
        &form.session_id,
        &form.identity,
        &origin,
    )
    .await?;
    Ok(see_other(&views::answers_path(&event)))
}

#[derive(Deserialize)]
pub struct ExportQuery {
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
    let bytes = results::export(&state.db, &event, format, ctx.lang).await?;
    Ok(super::spreadsheet(&event.slug, "kehadiran", format, bytes))
}
