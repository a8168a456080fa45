//! What handlers and views need to know about the request.

use std::convert::Infallible;
use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::header};

use crate::i18n::Lang;

/// The request's id, set by the `observe` middleware; shown on error pages
/// so that a participant's report can be found in the logs.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Language and location of the page being rendered.
#[derive(Clone, Debug)]
pub struct PageContext {
    pub lang: Lang,
    /// Path and query, for links that come back here (the language switch).
    pub path: String,
}

impl PageContext {
    pub fn of(req: &HttpRequest) -> PageContext {
        PageContext {
            lang: lang_of(req),
            path: req
                .uri()
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned()),
        }
    }
}

pub fn lang_of(req: &HttpRequest) -> Lang {
    let cookie = req.cookie(Lang::COOKIE);
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(cookie.as_ref().map(|c| c.value()), accept)
}

pub fn request_id_of(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|id| id.0.clone())
}

impl FromRequest for PageContext {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(PageContext::of(req)))
    }
}
