//! For operators and their monitoring: health and metrics.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use crate::error::Error;
use crate::secret;
use crate::services::ops;
use crate::web::AppState;

/// 200 when the database answers, 503 otherwise: load balancers take an
/// instance out of rotation on the latter.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.db.backend().name();
    match ops::database_answers(&state.db).await {
        Ok(()) => HttpResponse::Ok().json(json!({"status": "ok", "database": backend})),
        Err(error) => {
            tracing::warn!(%error, "health check failed");
            HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE).json(json!({
                "status": "unavailable",
                "database": backend,
                "reason": "the database does not answer",
            }))
        }
    }
}

/// Only for whoever holds the metrics token: the counts by route and the
/// queue tell a stranger how busy the installation is and what fails.
/// Without a token set, there are no metrics to read.
pub async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, Error> {
    let expected = state.metrics_token.as_ref().ok_or(Error::NotFound)?;
    let sent = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Digests compared, so that the time taken says nothing of the token.
    if secret::digest(sent.trim()) != secret::digest(expected.expose()) {
        return Ok(HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .finish());
    }
    let metrics = &state.metrics;
    let pool = state.db.pool_state();
    metrics
        .db_connections
        .with_label_values(&["open"])
        .set(i64::from(pool.connections));
    metrics
        .db_connections
        .with_label_values(&["idle"])
        .set(i64::from(pool.idle_connections));
    match ops::jobs_by_status(&state.db).await {
        Ok(counts) => {
            for (status, count) in counts {
                metrics.jobs.with_label_values(&[status]).set(count);
            }
        }
        Err(error) => tracing::warn!(%error, "could not count jobs for metrics"),
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render()))
}
