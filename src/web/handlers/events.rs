//! Organisers' pages of an event: creating and editing it, publishing it,
//! its management page and its team's invitations.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use super::admin::{Flash, PageNumber, invitation};
use super::{page, see_other};
use crate::domain::account::EventRole;
use crate::domain::event::{EventForm, FieldError, check_event_form};
use crate::error::Error;
use crate::services::accounts::{self, Invited, Origin};
use crate::services::{events, mail, sessions};
use crate::web::AppState;
use crate::web::extract::{Form, ManagedEvent, PageContext, Staff};
use crate::web::views::admin::InviteForm;
use crate::web::views::events as views;

/// The newest messages on an event's management page; the rest are on
/// its outbox's pages.
const LATEST_MAIL: i64 = 10;

async fn event_page(
    state: &AppState,
    ctx: &PageContext,
    event: &crate::domain::event::Event,
    form: &InviteForm,
    errors: &[FieldError],
    invited: bool,
) -> Result<Markup, Error> {
    let id = event.id.to_string();
    let team = accounts::team(&state.db, &id).await?;
    let agenda = sessions::of_event(&state.db, &id).await?;
    let outbox = mail::recent(&state.db, Some(id), LATEST_MAIL).await?;
    Ok(views::manage_event(
        ctx,
        &views::EventPage {
            event,
            team: &team,
            sessions: &agenda,
            outbox: &outbox,
        },
        form,
        errors,
        invited,
    ))
}

/// One event's messages, page by page, for its organisers.
pub async fn outbox(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    query: web::Query<PageNumber>,
) -> Result<Markup, Error> {
    let id = event.id.to_string();
    let page = mail::page(&state.db, Some(id), query.page.unwrap_or(0)).await?;
    Ok(views::outbox(&ctx, &event, &page))
}

pub async fn manage_event(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    flash: web::Query<Flash>,
) -> Result<Markup, Error> {
    let form = InviteForm {
        lang: ctx.lang.code().to_owned(),
        role: EventRole::Speaker.as_str().to_owned(),
        ..InviteForm::default()
    };
    event_page(&state, &ctx, &event, &form, &[], flash.invited.is_some()).await
}

pub async fn invite_member(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    Form(form): Form<InviteForm>,
) -> Result<HttpResponse, Error> {
    let event_id = event.id.to_string();
    let outcome = match EventRole::parse(&form.role) {
        Some(role) => {
            let invitation = invitation(&form, &ctx, Invited::Member { event_id, role });
            accounts::invite(&state.db, &account, invitation, &origin).await
        }
        None => Err(Error::invalid("role", "manage.error.role")),
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/manage/events/{}?invited=1",
            event.slug
        ))),
        Err(Error::Invalid(errors)) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            event_page(&state, &ctx, &event, &form, &errors, false).await?,
        )),
        Err(error) => Err(error),
    }
}

fn may_create(account: &crate::domain::account::Account) -> Result<(), Error> {
    if account.is_organiser || account.is_admin {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

pub async fn new_event_page(ctx: PageContext, Staff(account): Staff) -> Result<Markup, Error> {
    may_create(&account)?;
    let form = EventForm {
        time_zone: "Asia/Jakarta".into(),
        ..EventForm::default()
    };
    Ok(views::event_form(
        &ctx,
        ctx.lang.t("manage.new"),
        "/manage/events",
        &form,
        &[],
    ))
}

pub async fn create_event(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    Staff(account): Staff,
    Form(form): Form<EventForm>,
) -> Result<HttpResponse, Error> {
    may_create(&account)?;
    let outcome = match check_event_form(&form) {
        Ok(new) => events::create_by(&state.db, &account, new, origin.address.clone()).await,
        Err(errors) => Err(Error::Invalid(errors)),
    };
    match outcome {
        Ok(event) => Ok(see_other(&format!("/manage/events/{}", event.slug))),
        Err(Error::Invalid(errors)) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::event_form(
                &ctx,
                ctx.lang.t("manage.new"),
                "/manage/events",
                &form,
                &errors,
            ),
        )),
        Err(error) => Err(error),
    }
}

pub async fn edit_event_page(
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<Markup, Error> {
    let action = format!("/manage/events/{}/edit", event.slug);
    Ok(views::event_form(
        &ctx,
        ctx.lang.t("manage.edit"),
        &action,
        &EventForm::of(&event),
        &[],
    ))
}

pub async fn update_event(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    Form(form): Form<EventForm>,
) -> Result<HttpResponse, Error> {
    let outcome = match check_event_form(&form) {
        Ok(new) => {
            let slug = new.slug.clone();
            events::update_by(&state.db, &account, &event, new, origin.address.clone())
                .await
                .map(|()| slug)
        }
        Err(errors) => Err(Error::Invalid(errors)),
    };
    match outcome {
        Ok(slug) => Ok(see_other(&format!("/manage/events/{slug}"))),
        Err(Error::Invalid(errors)) => {
            let action = format!("/manage/events/{}/edit", event.slug);
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::event_form(&ctx, ctx.lang.t("manage.edit"), &action, &form, &errors),
            ))
        }
        Err(error) => Err(error),
    }
}

#[derive(Deserialize, Default)]
pub struct Publish {
    #[serde(default)]
    published: String,
}

pub async fn publish_event(
    state: web::Data<AppState>,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    Form(form): Form<Publish>,
) -> Result<HttpResponse, Error> {
    events::set_published(
        &state.db,
        &account,
        &event,
        form.published == "1",
        origin.address.clone(),
    )
    .await?;
    Ok(see_other(&format!("/manage/events/{}", event.slug)))
}
