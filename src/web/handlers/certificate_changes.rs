//! One issued certificate: its page, revoking (and reissuing) it, sending
//! its e-mail again; and issuing to one participant from the dry run.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use super::accounts::NoFields;
use super::{page, see_other};
use crate::domain::event::{Event, FieldError};
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::certificates::changes::{self, RevokeForm};
use crate::web::AppState;
use crate::web::extract::{Form, ManagedEvent, PageContext};
use crate::web::views::certificate_changes as views;

/// The certificate's page with the form as typed and what was refused.
async fn shown(
    state: &AppState,
    ctx: &PageContext,
    event: &Event,
    (id, resent): (&str, bool),
    (form, errors): (&RevokeForm, &[FieldError]),
) -> Result<Markup, Error> {
    let detail = changes::detail(&state.db, event, id).await?;
    Ok(views::detail(ctx, event, (&detail, resent), (form, errors)))
}

#[derive(Deserialize, Default)]
pub struct Shown {
    /// The e-mail was sent again by the action that led here.
    resent: Option<u8>,
}

pub async fn detail(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
    path: web::Path<(String, String)>,
    query: web::Query<Shown>,
) -> Result<Markup, Error> {
    let (_, id) = path.into_inner();
    let form = RevokeForm {
        reissue: Some("on".to_owned()),
        ..RevokeForm::default()
    };
    shown(
        &state,
        &ctx,
        &event,
        (&id, query.resent.is_some()),
        (&form, &[]),
    )
    .await
}

pub async fn revoke(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(form): Form<RevokeForm>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let done = changes::revoke(
        &state.db,
        &account,
        &event,
        &id,
        (&form, origin.address.clone()),
    )
    .await;
    match done {
        // The new certificate's page: where its rendering and e-mail show.
        Ok(Some(new)) => Ok(see_other(&views::detail_path(&event, &new.id))),
        Ok(None) => Ok(see_other(&views::detail_path(&event, &id))),
        Err(Error::Invalid(errors)) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            shown(&state, &ctx, &event, (&id, false), (&form, &errors)).await?,
        )),
        Err(error) => Err(error),
    }
}

pub async fn resend(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    match changes::resend(&state.db, &account, &event, &id, origin.address.clone()).await {
        Ok(()) => Ok(see_other(&format!(
            "{}?resent=1",
            views::detail_path(&event, &id)
        ))),
        Err(Error::Invalid(errors)) => {
            let form = RevokeForm::default();
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                shown(&state, &ctx, &event, (&id, false), (&form, &errors)).await?,
            ))
        }
        Err(error) => Err(error),
    }
}

/// Issues one participant's certificate from the dry run, then shows it.
/// The button is only beside those eligible who hold none; one issued
/// meanwhile (another organiser) is refused (422).
pub async fn issue_one(
    state: web::Data<AppState>,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(_): Form<NoFields>,
) -> Result<HttpResponse, Error> {
    let (_, registration) = path.into_inner();
    let row = changes::issue_to(&state.db, &account, &event, &registration).await?;
    Ok(see_other(&views::detail_path(&event, &row.id)))
}
