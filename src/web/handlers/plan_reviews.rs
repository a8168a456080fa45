//! Reviewing action plans: the plan's page for its organisers and
//! reviewers, their decision, the organisers' choice of reviewer, and
//! what changed between two versions.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use super::{page as with_status, see_other};
use crate::domain::action_plan::review::{self, Scope};
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::action_plans;
use crate::services::plan_reviews::{self, Decided};
use crate::web::AppState;
use crate::web::extract::{Form, ManagedEvent, PageContext, PlanReader};
use crate::web::views::action_plans::{Reviewing, organiser_page};
use crate::web::views::plan_reviews::{Draft, changes_page};

fn address(slug: &str, plan_id: &str) -> String {
    format!("/manage/events/{slug}/plans/{plan_id}")
}

/// The plan's page as its reader may see it, with the review form as
/// `draft` left it.
pub async fn page(
    state: &AppState,
    ctx: &PageContext,
    reader: &PlanReader,
    plan_id: &str,
    draft: Draft<'_>,
) -> Result<Markup, Error> {
    let event = &reader.event;
    let (listed, versions) =
        action_plans::in_event(&state.db, (event, &reader.scope), plan_id).await?;
    let reviewers = match reader.scope {
        Scope::All => Some(plan_reviews::reviewers(&state.db, event).await?),
        Scope::Reviewer(_) => None,
    };
    let reviewing = Reviewing {
        reviewers: reviewers.as_deref(),
        draft,
    };
    Ok(organiser_page(ctx, event, (&listed, &versions), &reviewing))
}

/// Accepts the version or asks for its revision; the page comes back with
/// field messages and what was typed, or saying that the plan no longer
/// waits (someone decided first, or the participant sent a new version).
pub async fn decide(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    reader: PlanReader,
    path: web::Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<HttpResponse, Error> {
    let (_, plan_id) = path.into_inner();
    let version = fields
        .iter()
        .find(|(name, _)| name == "version")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let sent = review::read_form(&fields);
    let scoped = (&reader.event, &reader.scope);
    let outcome = plan_reviews::decide(
        &state.db,
        &reader.account,
        scoped,
        (&plan_id, version),
        sent.clone(),
        &origin,
    )
    .await;
    let (status, draft) = match outcome {
        Ok(Decided::Done(_)) => {
            return Ok(see_other(&address(&reader.event.slug, &plan_id)));
        }
        Ok(Decided::NotWaiting) => (StatusCode::CONFLICT, (Vec::new(), true)),
        Err(Error::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, (errors, false)),
        Err(error) => return Err(error),
    };
    let (errors, not_waiting) = draft;
    let draft = Draft {
        comments: Some(&sent.1),
        errors: &errors,
        not_waiting,
    };
    let markup = page(&state, &ctx, &reader, &plan_id, draft).await?;
    Ok(with_status(status, markup))
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    reviewer: String,
}

/// Gives the plan to one reviewer of the event, or to any.
pub async fn assign(
    state: web::Data<AppState>,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(form): Form<AssignForm>,
) -> Result<HttpResponse, Error> {
    let (_, plan_id) = path.into_inner();
    let reviewer = Some(form.reviewer).filter(|id| !id.is_empty());
    plan_reviews::assign(&state.db, &account, &event, &plan_id, reviewer).await?;
    Ok(see_other(&address(&event.slug, &plan_id)))
}

#[derive(Deserialize)]
pub struct Chosen {
    from: Option<i32>,
    to: Option<i32>,
}

/// What changed between two versions; the last two unless chosen.
pub async fn changes(
    state: web::Data<AppState>,
    ctx: PageContext,
    PlanReader { event, scope, .. }: PlanReader,
    path: web::Path<(String, String)>,
    query: web::Query<Chosen>,
) -> Result<Markup, Error> {
    let (_, plan_id) = path.into_inner();
    let scoped = (&event, &scope);
    let (listed, versions) = action_plans::in_event(&state.db, scoped, &plan_id).await?;
    let chosen = query.from.zip(query.to);
    let compared = plan_reviews::compare(&state.db, scoped, &plan_id, chosen).await?;
    Ok(changes_page(
        &ctx,
        &event,
        &listed,
        &versions,
        compared.as_ref(),
    ))
}
