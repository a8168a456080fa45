//! Organisers plan an event's sessions; speakers see their own.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;

use super::registration::Fields;
use super::{page, see_other};
use crate::domain::event::{Event, FieldError};
use crate::domain::session::SessionForm;
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::{profiles, sessions};
use crate::web::AppState;
use crate::web::extract::{Form, ManagedEvent, PageContext, Staff};
use crate::web::views::sessions::{self as views, FormPage, list_path};

/// The session form, new or of an existing session.
async fn form_page(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    session_id: Option<&str>,
    form: &SessionForm,
    errors: &[FieldError],
) -> Result<Markup, Error> {
    let speakers = sessions::speakers_of(&state.db, &event.id.to_string()).await?;
    let session = match session_id {
        Some(id) => Some(sessions::find(&state.db, event, id).await?),
        None => None,
    };
    let mut standings = match &session {
        Some(_) => sessions::link_standings(&state.db, event).await?,
        None => Default::default(),
    };
    let standing = session_id.and_then(|id| standings.remove(id));
    let at_work = match session_id {
        Some(id) => sessions::zoom_at_work(&state.db, event).await?.contains(id),
        None => false,
    };
    let (heading, action) = match session_id {
        Some(id) => (
            ctx.lang.t("session.edit"),
            format!("{}/{id}/edit", list_path(event)),
        ),
        None => (ctx.lang.t("session.new"), list_path(event)),
    };
    Ok(views::form(
        ctx,
        &FormPage {
            event,
            heading,
            action: &action,
            form,
            speakers: &speakers,
            errors,
            session: session.as_ref(),
            standing: standing.as_ref(),
            zoom_at_work: at_work,
            zoom_configured: state.zoom.is_some(),
        },
    ))
}

/// After a save: the agenda; after a mistake: the form again, as typed.
async fn saved_or_form(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    session_id: Option<&str>,
    form: &SessionForm,
    outcome: Result<(), Error>,
) -> Result<HttpResponse, Error> {
    match outcome {
        Ok(()) => Ok(see_other(&list_path(event))),
        Err(Error::Invalid(errors)) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(state, ctx, event, session_id, form, &errors).await?,
        )),
        Err(error) => Err(error),
    }
}

pub async fn list(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<Markup, Error> {
    let sessions = sessions::of_event(&state.db, &event.id.to_string()).await?;
    let standings = sessions::link_standings(&state.db, &event).await?;
    let at_work = sessions::zoom_at_work(&state.db, &event).await?;
    Ok(views::list(
        &ctx,
        &event,
        &sessions,
        &standings,
        &at_work,
        state.zoom.is_some(),
    ))
}

pub async fn new_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<Markup, Error> {
    let first_day = event.starts_at.with_timezone(&event.time_zone);
    let form = SessionForm::new_session(
        first_day.format("%Y-%m-%d").to_string(),
        state.zoom.as_ref().map(|zoom| zoom.host_user()),
    );
    form_page(&state, &ctx, &event, None, &form, &[]).await
}

pub async fn create(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    Form(fields): Form<Fields>,
) -> Result<HttpResponse, Error> {
    let form = SessionForm::from_pairs(&fields);
    let outcome = sessions::create(&state.db, &account, &event, form.clone(), &origin).await;
    saved_or_form(&state, &ctx, &event, None, &form, outcome.map(drop)).await
}

pub async fn edit_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String)>,
) -> Result<Markup, Error> {
    let (_, id) = path.into_inner();
    let session = sessions::find(&state.db, &event, &id).await?;
    let form = SessionForm::of(&session, event.time_zone);
    form_page(&state, &ctx, &event, Some(&id), &form, &[]).await
}

pub async fn update(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let form = SessionForm::from_pairs(&fields);
    let outcome = sessions::update(&state.db, &account, &event, &id, form.clone(), &origin).await;
    saved_or_form(&state, &ctx, &event, Some(&id), &form, outcome.map(drop)).await
}

pub async fn delete_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String)>,
) -> Result<Markup, Error> {
    let (_, id) = path.into_inner();
    let session = sessions::find(&state.db, &event, &id).await?;
    Ok(views::delete_page(&ctx, &event, &session))
}

pub async fn delete(
    state: web::Data<AppState>,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(_): Form<Fields>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    sessions::delete(&state.db, &account, &event, &id, &origin).await?;
    Ok(see_other(&list_path(&event)))
}

/// The organiser fixed what Zoom complained about: try again.
pub async fn retry_zoom(
    state: web::Data<AppState>,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(_): Form<Fields>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    sessions::retry_zoom(&state.db, &account, &event, &id, &origin).await?;
    Ok(see_other(&list_path(&event)))
}

/// A speaker's own sessions, across events.
pub async fn speaking(
    state: web::Data<AppState>,
    ctx: PageContext,
    Staff(account): Staff,
) -> Result<Markup, Error> {
    let sessions = sessions::of_speaker(&state.db, &account).await?;
    let profile = profiles::own(&state.db, &account).await?;
    Ok(views::speaking(&ctx, &sessions, profile.time_zone))
}
