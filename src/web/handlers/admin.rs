//! The administrator's pages: the dashboard and its invitations, the
//! outbox, the audit log; and resending a message, which organisers may do
//! for their events.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use super::{local_path, page, see_other};
use crate::domain::event::FieldError;
use crate::error::Error;
use crate::i18n::Lang;
use crate::services::accounts::{self, Invitation, Invited, Origin};
use crate::services::{events, mail};
use crate::web::AppState;
use crate::web::extract::{Admin, Form, PageContext, Staff};
use crate::web::views::admin::{self as views, InviteForm};

const RECENT: i64 = 200;

/// A page of a list, from 0, as `?page=` carries it.
#[derive(Deserialize)]
pub struct PageNumber {
    pub(super) page: Option<i64>,
}

#[derive(Deserialize)]
pub struct Flash {
    pub(super) invited: Option<String>,
}

pub(super) fn invitation(form: &InviteForm, ctx: &PageContext, role: Invited) -> Invitation {
    Invitation {
        email: form.email.clone(),
        name: form.name.clone(),
        lang: Lang::from_code(&form.lang).unwrap_or(ctx.lang),
        role,
    }
}

async fn dashboard_page(
    state: &AppState,
    ctx: &PageContext,
    form: &InviteForm,
    errors: &[FieldError],
    invited: bool,
) -> Result<Markup, Error> {
    let users = accounts::all_users(&state.db).await?;
    let events = events::all(&state.db).await?;
    Ok(views::dashboard(
        ctx,
        &state.mail_delivery,
        &users,
        &events,
        form,
        errors,
        invited,
    ))
}

pub async fn dashboard(
    state: web::Data<AppState>,
    ctx: PageContext,
    _: Admin,
    flash: web::Query<Flash>,
) -> Result<Markup, Error> {
    let form = InviteForm {
        lang: ctx.lang.code().to_owned(),
        ..InviteForm::default()
    };
    dashboard_page(&state, &ctx, &form, &[], flash.invited.is_some()).await
}

pub async fn invite_organiser(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    Admin(admin): Admin,
    Form(form): Form<InviteForm>,
) -> Result<HttpResponse, Error> {
    let event_id = Some(form.event_id.clone()).filter(|id| !id.is_empty());
    let invitation = invitation(&form, &ctx, Invited::Organiser { event_id });
    match accounts::invite(&state.db, &admin, invitation, &origin).await {
        Ok(()) => Ok(see_other("/admin?invited=1")),
        Err(Error::Invalid(errors)) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            dashboard_page(&state, &ctx, &form, &errors, false).await?,
        )),
        Err(error) => Err(error),
    }
}

pub async fn outbox(
    state: web::Data<AppState>,
    ctx: PageContext,
    _: Admin,
    query: web::Query<PageNumber>,
) -> Result<Markup, Error> {
    let page = mail::page(&state.db, None, query.page.unwrap_or(0)).await?;
    Ok(views::outbox(&ctx, &state.mail_delivery, &page))
}

pub async fn audit(
    state: web::Data<AppState>,
    ctx: PageContext,
    _: Admin,
) -> Result<Markup, Error> {
    let rows = accounts::audit_log(&state.db, RECENT).await?;
    Ok(views::audit(&ctx, &rows))
}

#[derive(Deserialize, Default)]
pub struct Back {
    #[serde(default)]
    back: String,
}

/// Administrators resend any message; organisers those of their events
/// (checked by the service, which knows the message's event).
pub async fn resend(
    state: web::Data<AppState>,
    origin: Origin,
    Staff(account): Staff,
    id: web::Path<String>,
    Form(form): Form<Back>,
) -> Result<HttpResponse, Error> {
    mail::resend(
        &state.db,
        &state.storage,
        &account,
        &id,
        origin.address.clone(),
    )
    .await?;
    Ok(see_other(local_path(Some(&form.back))))
}
