//! Self check-in: organisers open and close a session's window; a
//! participant types its code.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::Utc;
use maud::Markup;
use serde::Deserialize;

use super::{page, see_other};
use crate::domain::attendance::checkin::DEFAULT_MINUTES;
use crate::domain::event::{Event, FieldError};
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::attendance::checkin::{self, Answer, Standing, Visit};
use crate::web::AppState;
use crate::web::errors::retry_after;
use crate::web::extract::{Form, ManagedEvent, Member, PageContext};
use crate::web::views::checkin::{self as views, DeskPage, desk_path, visit_path};

#[derive(Deserialize, Default)]
pub struct DeskForm {
    /// "close", or anything else to open (again, with a new code).
    #[serde(default)]
    action: String,
    #[serde(default)]
    minutes: String,
}

#[derive(Deserialize, Default)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn desk_page_of(
    state: &AppState,
    ctx: &PageContext,
    origin: &Origin,
    event: &Event,
    session_id: &str,
    minutes: &str,
    errors: &[FieldError],
) -> Result<Markup, Error> {
    let desk = checkin::desk(&state.db, event, session_id).await?;
    let url = origin.link(&visit_path(session_id));
    let qr = crate::export::qr::qr(&url);
    Ok(views::desk(
        ctx,
        &DeskPage {
            event,
            desk: &desk,
            url: &url,
            qr: qr.as_ref(),
            minutes,
            errors,
            now: Utc::now(),
        },
    ))
}

pub async fn desk_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String)>,
) -> Result<Markup, Error> {
    let (_, id) = path.into_inner();
    let minutes = DEFAULT_MINUTES.to_string();
    desk_page_of(&state, &ctx, &origin, &event, &id, &minutes, &[]).await
}

pub async fn desk_change(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(form): Form<DeskForm>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let outcome = match form.action.as_str() {
        "close" => checkin::close(&state.db, &account, &event, &id, &origin).await,
        _ => checkin::open(&state.db, &account, &event, &id, &form.minutes, &origin).await,
    };
    match outcome {
        Ok(()) => Ok(see_other(&desk_path(&event, &id))),
        Err(Error::Invalid(errors)) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            desk_page_of(&state, &ctx, &origin, &event, &id, &form.minutes, &errors).await?,
        )),
        Err(error) => Err(error),
    }
}

/// Someone without a seat in the event is refused with the page saying so.
fn standing_status(visit: &Visit) -> StatusCode {
    match visit.standing {
        Standing::NotParticipant => StatusCode::FORBIDDEN,
        _ => StatusCode::OK,
    }
}

pub async fn visit_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    Member(account): Member,
    session_id: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let visit = checkin::visit(&state.db, &account, &session_id).await?;
    Ok(page(
        standing_status(&visit),
        views::visit(&ctx, &visit, "", &[], None),
    ))
}

pub async fn check_in(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    Member(account): Member,
    session_id: web::Path<String>,
    Form(form): Form<CodeForm>,
) -> Result<HttpResponse, Error> {
    let (visit, answer) =
        checkin::check_in(&state.db, &account, &session_id, &form.code, &origin).await?;
    Ok(match answer {
        Answer::Recorded => see_other(&visit_path(&visit.session.id)),
        // Already recorded: the page says when. Otherwise it says why not now.
        Answer::Refused => {
            let status = match visit.standing {
                Standing::Recorded { .. } | Standing::NotParticipant => standing_status(&visit),
                _ => StatusCode::CONFLICT,
            };
            page(status, views::visit(&ctx, &visit, &form.code, &[], None))
        }
        Answer::Code(error) => page(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::visit(&ctx, &visit, &form.code, &[error], None),
        ),
        Answer::Throttled(wait) => {
            let minutes = wait.as_secs().div_ceil(60).max(1);
            let alert = ctx
                .lang
                .tf("checkin.error.throttled", &[("minutes", &minutes)]);
            let mut response = page(
                StatusCode::TOO_MANY_REQUESTS,
                views::visit(&ctx, &visit, &form.code, &[], Some(&alert)),
            );
            retry_after(&mut response, wait);
            response
        }
    })
}
