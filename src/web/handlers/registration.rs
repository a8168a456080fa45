//! Registering for an event, confirming the address, and a participant's
//! own registrations (cancel, calendar invitation).

use std::collections::HashMap;
use std::time::Instant;

use actix_session::Session;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use chrono::Utc;
use maud::Markup;

use super::accounts::NoFields;
use super::{page, see_other};
use crate::domain::event::{Event, FieldError, Window};
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::{calendar_feeds, events, invitations, questions, regions, registrations};
use crate::web::AppState;
use crate::web::errors::{retry_after, whole_seconds};
use crate::web::extract::{Form, Member, PageContext};
use crate::web::session::{self, SignInMethod};
use crate::web::views::registration as views;

/// Submitted fields by name (the event's own questions have run-time names).
pub type Fields = Vec<(String, String)>;

/// What the form shows besides the fields.
struct Shown<'a> {
    errors: &'a [FieldError],
    by_organiser: bool,
    /// A message about the whole form (come back later).
    notice: Option<&'a str>,
}

/// The form with what was typed, the regencies of the chosen province and
/// the event's questions; shared by participants and organisers.
pub async fn form_response(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    action: &str,
    fields: &HashMap<String, String>,
    errors: &[FieldError],
    by_organiser: bool,
) -> Result<HttpResponse, Error> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let shown = Shown {
        errors,
        by_organiser,
        notice: None,
    };
    Ok(page(
        status,
        form(state, ctx, event, action, fields, shown).await?,
    ))
}

async fn form(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    action: &str,
    fields: &HashMap<String, String>,
    shown: Shown<'_>,
) -> Result<Markup, Error> {
    let regions = regions::directory(&state.db).await?;
    let province = fields.get("province_code").map_or("", |c| c.trim());
    let questions = questions::of_event(&state.db, &event.id.to_string()).await?;
    Ok(views::form(
        ctx,
        &views::FormPage {
            event,
            action,
            fields,
            provinces: regions.provinces(),
            regencies: regions.within(province),
            regencies_loaded: wants_regencies(fields),
            questions: &questions,
            errors: shown.errors,
            by_organiser: shown.by_organiser,
            notice: shown.notice,
        },
    ))
}

/// The province button: the same form again, with that province's list.
pub fn wants_regencies(fields: &HashMap<String, String>) -> bool {
    fields.get("step").map(String::as_str) == Some("province")
}

pub async fn register_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    slug: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let event = events::published_by_slug(&state.db, &slug).await?;
    match event.registration(Utc::now()) {
        Window::Open => {
            let action = format!("/events/{}/register", event.slug);
            form_response(&state, &ctx, &event, &action, &HashMap::new(), &[], false).await
        }
        window => Ok(page(StatusCode::OK, views::closed(&ctx, &event, window))),
    }
}

pub async fn register(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    slug: web::Path<String>,
    Form(fields): Form<Fields>,
) -> Result<HttpResponse, Error> {
    let event = events::published_by_slug(&state.db, &slug).await?;
    let window = event.registration(Utc::now());
    if window != Window::Open {
        return Ok(page(StatusCode::OK, views::closed(&ctx, &event, window)));
    }
    let fields: HashMap<String, String> = fields.into_iter().collect();
    let action = format!("/events/{}/register", event.slug);
    if wants_regencies(&fields) {
        return form_response(&state, &ctx, &event, &action, &fields, &[], false).await;
    }
    let email = fields.get("email").cloned().unwrap_or_default();
    if fields.get("website").is_some_and(|v| !v.is_empty()) {
        tracing::info!(event = %event.slug, "honeypot filled in; nothing stored");
        return Ok(page(StatusCode::OK, views::sent(&ctx, &event, &email)));
    }
    if let Err(wait) = state
        .registration_limit
        .allow(origin.address.as_deref(), Instant::now())
    {
        // What was typed comes back, to be sent again when the wait is over.
        let seconds = whole_seconds(wait);
        let notice = ctx
            .lang
            .tf("registration.error.throttled", &[("seconds", &seconds)]);
        let shown = Shown {
            errors: &[],
            by_organiser: false,
            notice: Some(&notice),
        };
        let form = form(&state, &ctx, &event, &action, &fields, shown).await?;
        let mut response = page(StatusCode::TOO_MANY_REQUESTS, form);
        retry_after(&mut response, wait);
        return Ok(response);
    }
    match registrations::register(&state.db, &event, fields.clone(), &origin).await {
        Ok(_) => Ok(page(
            StatusCode::OK,
            views::sent(&ctx, &event, email.trim()),
        )),
        Err(Error::Invalid(errors)) => {
            form_response(&state, &ctx, &event, &action, &fields, &errors, false).await
        }
        Err(error) => Err(error),
    }
}

pub async fn confirm_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    token: web::Path<String>,
) -> Result<Markup, Error> {
    let event = registrations::awaiting_confirmation(&state.db, &token).await?;
    Ok(views::confirm(
        &ctx,
        event.as_ref(),
        &format!("/registrations/confirm/{token}"),
    ))
}

pub async fn confirm(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    session: Session,
    token: web::Path<String>,
    Form(_): Form<NoFields>,
) -> Result<Markup, Error> {
    let confirmed = registrations::confirm_address(&state.db, &token, &origin).await?;
    // Someone already signed in as this person keeps their session (a
    // password sign-in is worth more than a link's).
    let same_person =
        session::signed_in(&session).is_some_and(|s| s.user_id == confirmed.account.id);
    if !same_person {
        session::start(&session, &confirmed.account, SignInMethod::Link);
    }
    Ok(views::confirmed(
        &ctx,
        &confirmed.event_title,
        confirmed.status,
    ))
}

pub async fn cancel_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    Member(account): Member,
    id: web::Path<String>,
) -> Result<Markup, Error> {
    let (_, event) = registrations::own(&state.db, &account, &id).await?;
    Ok(views::cancel(
        &ctx,
        &event,
        &format!("/my/registrations/{id}/cancel"),
    ))
}

pub async fn cancel(
    state: web::Data<AppState>,
    origin: Origin,
    Member(account): Member,
    id: web::Path<String>,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, Error> {
    registrations::cancel(&state.db, &id, &account, &origin).await?;
    Ok(see_other("/my"))
}

pub async fn invitation(
    state: web::Data<AppState>,
    Member(account): Member,
    id: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let (filename, ics) =
        invitations::for_participant(&state.db, &account, &id, &state.base_url).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(ics))
}

/// The private feed: the secret in the path is the credential. Calendar
/// apps poll it; it must not sit in a shared cache.
pub async fn calendar_feed(
    state: web::Data<AppState>,
    secret: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let ics = calendar_feeds::ics(&state.db, &secret, &state.base_url).await?;
    Ok(HttpResponse::Ok()
        .content_type(crate::export::calendar::content_type(
            crate::export::calendar::Method::Publish,
        ))
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .body(ics))
}

/// Makes a feed (in place of any earlier one); its address is shown once,
/// on the page this leads to, so a reload does not make another.
pub async fn create_calendar_feed(
    state: web::Data<AppState>,
    session: Session,
    Member(account): Member,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, Error> {
    let secret = calendar_feeds::create(&state.db, &account).await?;
    session::hand_over_feed(&session, &secret);
    Ok(see_other("/my/calendar"))
}

/// The new feed's address, once; afterwards (or before) the page says so
/// and leads back.
pub async fn new_calendar_feed(
    state: web::Data<AppState>,
    ctx: PageContext,
    session: Session,
    Member(_): Member,
) -> Result<HttpResponse, Error> {
    let Some(secret) = session::take_feed(&session) else {
        return Ok(see_other("/my"));
    };
    let url = state
        .base_url
        .join(&calendar_feeds::path(&secret))
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(page(
        StatusCode::OK,
        views::feed_created(&ctx, url.as_str()),
    ))
}

pub async fn revoke_calendar_feed(
    state: web::Data<AppState>,
    Member(account): Member,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, Error> {
    calendar_feeds::revoke(&state.db, &account).await?;
    Ok(see_other("/my"))
}
