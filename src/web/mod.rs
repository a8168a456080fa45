//! HTTP: routes, middleware, extractors, handlers and views.

pub mod assets;
pub mod errors;
pub mod extract;
pub mod handlers;
pub mod middleware;
pub mod views;

use actix_web::web;

use crate::db::Db;
use crate::jobs::Wakeup;
use crate::telemetry::Metrics;

/// What every handler may reach, shared by all server threads.
pub struct AppState {
    pub db: Db,
    pub metrics: Metrics,
    pub wakeup: Wakeup,
    pub base_url: url::Url,
}

impl AppState {
    /// Cookies get `Secure` when the public address is HTTPS.
    pub fn https(&self) -> bool {
        self.base_url.scheme() == "https"
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::{ops, public};
    cfg.service(web::resource("/").route(web::get().to(public::home)))
        .service(web::resource("/events/{slug}").route(web::get().to(public::event)))
        .service(web::resource("/lang/{code}").route(web::get().to(public::set_language)))
        .service(web::resource("/static/{file}").route(web::get().to(assets::stylesheet)))
        .service(web::resource("/healthz").route(web::get().to(ops::healthz)))
        .service(web::resource("/metrics").route(web::get().to(ops::metrics)));
}
