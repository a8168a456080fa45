//! Signing in and out, passwords, invitations, the first administrator,
//! participants' links, and "Bimtek saya".

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use std::time::Duration;

use super::{Next, page, same_site, see_other};
use crate::domain::account::TokenPurpose;
use crate::error::Error;
use crate::services::accounts::{self, NewAdmin, Origin};
use crate::services::events;
use crate::web::AppState;
use crate::web::errors::{BUSY_RETRY, retry_after};
use crate::web::extract::{Form, Member, PageContext, Viewer};
use crate::web::session::{self, SignInMethod};
use crate::web::views::accounts as views;

#[derive(Deserialize, Default)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// The page that asked for the sign-in.
    #[serde(default)]
    next: Option<String>,
}

/// A participant asking for a sign-in link.
#[derive(Deserialize, Default)]
pub struct LinkRequestForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

#[derive(Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

#[derive(Deserialize, Default)]
pub struct SetupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
pub struct NoFields {}

pub async fn sign_in_page(ctx: PageContext, query: web::Query<Next>) -> Markup {
    views::sign_in(&ctx, "", &[], None, same_site(query.next.as_deref()))
}

pub async fn sign_in(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    session: Session,
    Form(form): Form<SignInForm>,
) -> Result<HttpResponse, Error> {
    let next = same_site(form.next.as_deref());
    match accounts::sign_in(&state.db, &form.email, &form.password, &origin).await {
        Ok(account) => {
            session::start(&session, &account, SignInMethod::Password);
            let home = if account.is_admin { "/admin" } else { "/my" };
            Ok(see_other(next.unwrap_or(home)))
        }
        Err(Error::Invalid(errors)) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::sign_in(&ctx, &form.email, &errors, None, next),
        )),
        Err(Error::Throttled(wait)) => {
            let minutes = wait.as_secs().div_ceil(60).max(1);
            let alert = ctx
                .lang
                .tf("account.error.throttled", &[("minutes", &minutes)]);
            Ok(not_now(&ctx, &form, &alert, wait))
        }
        Err(Error::Busy) => Ok(not_now(
            &ctx,
            &form,
            ctx.lang.t("account.error.busy"),
            BUSY_RETRY,
        )),
        Err(error) => Err(error),
    }
}

/// The sign-in form again, the address kept, saying when to come back.
fn not_now(ctx: &PageContext, form: &SignInForm, alert: &str, wait: Duration) -> HttpResponse {
    let next = same_site(form.next.as_deref());
    let mut response = page(
        StatusCode::TOO_MANY_REQUESTS,
        views::sign_in(ctx, &form.email, &[], Some(alert), next),
    );
    retry_after(&mut response, wait);
    response
}

pub async fn sign_out(
    state: web::Data<AppState>,
    viewer: Viewer,
    origin: Origin,
    session: Session,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, Error> {
    if let Some(account) = &viewer.account {
        accounts::sign_out(&state.db, account, &origin).await?;
    }
    session::end(&session);
    Ok(see_other("/"))
}

pub async fn forgot_page(ctx: PageContext) -> Markup {
    views::forgot(&ctx, "", &[])
}

pub async fn forgot(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    Form(form): Form<EmailForm>,
) -> Result<HttpResponse, Error> {
    match accounts::request_password_reset(&state.db, &form.email, &origin).await {
        Ok(()) => Ok(page(StatusCode::OK, views::check_your_mail(&ctx))),
        Err(Error::Invalid(errors)) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::forgot(&ctx, &form.email, &errors),
        )),
        Err(error) => Err(error),
    }
}

fn link_action(purpose: TokenPurpose, token: &str) -> String {
    match purpose {
        TokenPurpose::Invitation => format!("/invitation/{token}"),
        _ => format!("/password/reset/{token}"),
    }
}

async fn choose_password_page(
    state: &AppState,
    ctx: &PageContext,
    purpose: TokenPurpose,
    token: &str,
    status: StatusCode,
    errors: &[crate::domain::event::FieldError],
) -> Result<HttpResponse, Error> {
    let user = accounts::check_link(&state.db, purpose, token)
        .await?
        .ok_or(Error::InvalidLink)?;
    let invitation = purpose == TokenPurpose::Invitation;
    Ok(page(
        status,
        views::choose_password(
            ctx,
            &link_action(purpose, token),
            &user.name,
            invitation,
            errors,
        ),
    ))
}

/// `/password/reset/{token}` and `/invitation/{token}`: the same page and
/// the same steps; the route says which kind of link it serves.
pub async fn password_link_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    purpose: web::Data<TokenPurpose>,
    token: web::Path<String>,
) -> Result<HttpResponse, Error> {
    choose_password_page(&state, &ctx, **purpose, &token, StatusCode::OK, &[]).await
}

pub async fn use_password_link(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    session: Session,
    purpose: web::Data<TokenPurpose>,
    token: web::Path<String>,
    Form(form): Form<PasswordForm>,
) -> Result<HttpResponse, Error> {
    let purpose = **purpose;
    match accounts::set_password_by_link(&state.db, purpose, &token, form.password, &origin).await {
        Ok(account) => {
            session::start(&session, &account, SignInMethod::Password);
            Ok(see_other(if account.is_admin { "/admin" } else { "/my" }))
        }
        Err(Error::Invalid(errors)) => {
            choose_password_page(
                &state,
                &ctx,
                purpose,
                &token,
                StatusCode::UNPROCESSABLE_ENTITY,
                &errors,
            )
            .await
        }
        Err(error) => Err(error),
    }
}

pub async fn setup_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    token: web::Path<String>,
) -> Result<Markup, Error> {
    accounts::check_link(&state.db, TokenPurpose::Setup, &token).await?;
    Ok(views::setup(&ctx, &format!("/setup/{token}"), "", "", &[]))
}

pub async fn setup(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    session: Session,
    token: web::Path<String>,
    Form(form): Form<SetupForm>,
) -> Result<HttpResponse, Error> {
    let (name, email) = (form.name.clone(), form.email.clone());
    let admin = NewAdmin {
        name: form.name,
        email: form.email,
        password: form.password,
    };
    match accounts::complete_setup(&state.db, &token, admin, &origin).await {
        Ok(account) => {
            session::start(&session, &account, SignInMethod::Password);
            Ok(see_other("/admin"))
        }
        Err(Error::Invalid(errors)) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::setup(&ctx, &format!("/setup/{token}"), &name, &email, &errors),
        )),
        Err(error) => Err(error),
    }
}

pub async fn participant_page(ctx: PageContext, query: web::Query<Next>) -> Markup {
    views::participant_sign_in(&ctx, "", &[], same_site(query.next.as_deref()))
}

pub async fn participant_request(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    Form(form): Form<LinkRequestForm>,
) -> Result<HttpResponse, Error> {
    let next = same_site(form.next.as_deref());
    match accounts::request_sign_in_link(&state.db, &form.email, next, &origin).await {
        Ok(()) => Ok(page(StatusCode::OK, views::check_your_mail(&ctx))),
        Err(Error::Invalid(errors)) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::participant_sign_in(&ctx, &form.email, &errors, next),
        )),
        Err(error) => Err(error),
    }
}

pub async fn link_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    token: web::Path<String>,
    query: web::Query<Next>,
) -> Result<Markup, Error> {
    let user = accounts::check_link(&state.db, TokenPurpose::SignIn, &token)
        .await?
        .ok_or(Error::InvalidLink)?;
    Ok(views::confirm_link(
        &ctx,
        &format!("/my/sign-in/{token}"),
        &user.name,
        same_site(query.next.as_deref()),
    ))
}

pub async fn use_link(
    state: web::Data<AppState>,
    origin: Origin,
    session: Session,
    token: web::Path<String>,
    Form(form): Form<Next>,
) -> Result<HttpResponse, Error> {
    let account = accounts::sign_in_by_link(&state.db, &token, &origin).await?;
    session::start(&session, &account, SignInMethod::Link);
    Ok(see_other(same_site(form.next.as_deref()).unwrap_or("/my")))
}

pub async fn my_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    Member(account): Member,
) -> Result<Markup, Error> {
    let events = events::of_account(&state.db, &account).await?;
    let registrations = crate::services::registrations::of_account(&state.db, &account).await?;
    let participation = views::Participation {
        seats: crate::services::sessions::of_participant(&state.db, &account).await?,
        feed_working: crate::services::calendar_feeds::has_working(&state.db, &account).await?,
        checkins_open: crate::services::attendance::checkin::open_for(&state.db, &account).await?,
        attendance: crate::services::attendance::results::of_participant(&state.db, &account)
            .await?,
        plans: crate::services::action_plans::of_account(&state.db, &account).await?,
        follow_ups: crate::services::follow_up_reports::of_account(&state.db, &account).await?,
        certificates: crate::services::certificates::of_participant(&state.db, &account).await?,
        team_certificates: crate::services::certificates::team::of_member(&state.db, &account)
            .await?,
    };
    Ok(views::my_page(
        &ctx,
        &account,
        &events,
        &registrations,
        &participation,
        chrono::Utc::now(),
    ))
}
