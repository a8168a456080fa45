//! Notifications from other systems, authenticated by their signatures
//! rather than by a session: no cookie, no form token.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;

use crate::error::Error;
use crate::integrations::zoom::webhook::Delivery;
use crate::services::attendance::webhooks;
use crate::web::AppState;

/// Zoom's deliveries, read as the bytes that were signed. Without a
/// webhook secret the address does not exist. A refused or unreadable
/// delivery gets a 4xx, which Zoom does not retry (nothing would change);
/// a delivery we could not keep gets a 5xx, which it does.
pub async fn zoom(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, Error> {
    let verifier = state.zoom_webhook.as_ref().ok_or(Error::NotFound)?;
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let now = Utc::now();
    let checked = verifier.verify(
        header("x-zm-request-timestamp"),
        header("x-zm-signature"),
        &body,
        now,
    );
    if let Err(refusal) = checked {
        tracing::info!(?refusal, "a Zoom webhook delivery was refused");
        return Ok(HttpResponse::Unauthorized().finish());
    }
    let read = std::str::from_utf8(&body)
        .ok()
        .and_then(|text| Some((text, Delivery::parse(text).ok()?)));
    let Some((text, delivery)) = read else {
        tracing::warn!("a signed Zoom webhook delivery is not a JSON object");
        return Ok(HttpResponse::BadRequest().finish());
    };
    if let Some(token) = &delivery.plain_token {
        return Ok(HttpResponse::Ok().json(verifier.url_validation(token)));
    }
    webhooks::receive(&state.db, &delivery, text, now).await?;
    Ok(HttpResponse::Ok().finish())
}
