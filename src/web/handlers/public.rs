//! Pages anyone may see.

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::Utc;
use maud::Markup;

use crate::error::Error;
use crate::i18n::Lang;
use crate::services;
use crate::web::AppState;
use crate::web::extract::{PageContext, Viewer};
use crate::web::handlers::{Next, local_path};
use crate::web::views;

pub async fn home(state: web::Data<AppState>, page: PageContext) -> Result<Markup, Error> {
    let events = services::events::published(&state.db).await?;
    Ok(views::public::home(&page, &events, Utc::now()))
}

pub async fn event(
    state: web::Data<AppState>,
    page: PageContext,
    viewer: Viewer,
    slug: web::Path<String>,
) -> Result<Markup, Error> {
    let shown = services::events::public_page(
        &state.db,
        &state.public_pages,
        &slug,
        viewer.account.as_ref(),
    )
    .await?;
    Ok(views::public::event_page(
        &page,
        &shown.page,
        shown.own_zone,
        Utc::now(),
    ))
}

/// Every path no route claims.
pub async fn not_found() -> Result<HttpResponse, Error> {
    Err(Error::NotFound)
}

/// The language switch: a plain link, so it works without JavaScript. It
/// remembers the choice for a year and goes back to the page it came from.
pub async fn set_language(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<Next>,
) -> Result<HttpResponse, Error> {
    let lang = Lang::from_code(&code)
        .filter(|l| l.code() == code.as_str())
        .ok_or(Error::NotFound)?;
    let cookie = Cookie::build(Lang::COOKIE, lang.code())
        .path("/")
        .max_age(Duration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .secure(state.https())
        .finish();
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, local_path(query.next.as_deref())))
        .finish())
}
