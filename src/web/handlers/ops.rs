//! For operators and their monitoring: health and metrics.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde_json::json;

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

pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
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
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}
