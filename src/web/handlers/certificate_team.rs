//! Speakers' and committee certificates: the team page and its two
//! issuing actions.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;

use super::accounts::NoFields;
use super::{page, see_other};
use crate::error::Error;
use crate::services::certificates::{self, team};
use crate::web::AppState;
use crate::web::extract::{Form, ManagedEvent, PageContext};
use crate::web::views::certificate_team as views;
use crate::web::views::certificates::base;

pub async fn team_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<Markup, Error> {
    let settings = certificates::settings(&state.db, &event).await?;
    let team = team::team(&state.db, &event).await?;
    Ok(views::team_page(
        &ctx,
        &event,
        (&settings, &team),
        (&[], &[]),
    ))
}

pub async fn issue_speakers(
    state: web::Data<AppState>,
    ManagedEvent { account, event }: ManagedEvent,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, Error> {
    let issued = team::issue_speakers(&state.db, &account, &event).await?;
    Ok(see_other(&format!("{}?issued={issued}", base(&event))))
}

/// Issues to the ticked organisers; none ticked: the page again, saying so.
pub async fn issue_committee(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { account, event }: ManagedEvent,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<HttpResponse, Error> {
    let chosen: Vec<String> = fields
        .into_iter()
        .filter(|(name, _)| name == "members")
        .map(|(_, id)| id)
        .collect();
    match team::issue_committee(&state.db, &account, &event, chosen.clone()).await {
        Ok(issued) => Ok(see_other(&format!("{}?issued={issued}", base(&event)))),
        Err(Error::Invalid(errors)) => {
            let settings = certificates::settings(&state.db, &event).await?;
            let team = team::team(&state.db, &event).await?;
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::team_page(&ctx, &event, (&settings, &team), (&chosen, &errors)),
            ))
        }
        Err(error) => Err(error),
    }
}
