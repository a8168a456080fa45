//! Follow-up of action plans: the organisers' dates.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use super::accounts::NoFields;
use super::{page, see_other};
use crate::error::Error;
use crate::services::follow_ups;
use crate::web::AppState;
use crate::web::extract::{Form, ManagedEvent, PageContext};
use crate::web::views::follow_ups as views;

#[derive(Deserialize, Default)]
pub struct DateForm {
    #[serde(default)]
    date: String,
}

pub async fn dates(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<Markup, Error> {
    let listed = follow_ups::of_event(&state.db, &event).await?;
    Ok(views::dates(&ctx, &event, &listed, "", &[]))
}

pub async fn add(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { account, event }: ManagedEvent,
    Form(form): Form<DateForm>,
) -> Result<HttpResponse, Error> {
    match follow_ups::add(&state.db, &account, &event, &form.date).await {
        Ok(()) => Ok(see_other(&views::base(&event))),
        Err(Error::Invalid(errors)) => {
            let listed = follow_ups::of_event(&state.db, &event).await?;
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::dates(&ctx, &event, &listed, &form.date, &errors),
            ))
        }
        Err(error) => Err(error),
    }
}

pub async fn remove(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    match follow_ups::remove(&state.db, &account, &event, &id).await {
        Ok(()) => Ok(see_other(&views::base(&event))),
        Err(Error::Invalid(errors)) => {
            let listed = follow_ups::of_event(&state.db, &event).await?;
            Ok(page(
                StatusCode::CONFLICT,
                views::dates(&ctx, &event, &listed, "", &errors),
            ))
        }
        Err(error) => Err(error),
    }
}
