//! One place where errors become what the reader sees: a page in the site's
//! layout and the reader's language, or under `/api/` a JSON body with a
//! reason. Responses that already carry a page or JSON (a form re-rendered
//! with its messages) pass through untouched.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpResponse, ResponseError};

use super::extract::{PageContext, request_id_of};
use super::views;
use crate::error::Error;

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Db(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Error::Db(error) = self {
            tracing::error!(%error, "request failed");
        }
        HttpResponse::new(self.status_code())
    }
}

pub fn handlers<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(render)
}

fn render<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if already_rendered(&res) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let (req, original) = res.into_parts();
    let status = original.status();
    let ctx = PageContext::of(&req);
    let request_id = request_id_of(&req);
    let mut rendered = if req.path().starts_with("/api/") {
        HttpResponse::build(status).json(views::errors::json_body(
            ctx.lang,
            status,
            request_id.as_deref(),
        ))
    } else {
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(views::errors::page(&ctx, status, request_id.as_deref()).into_string())
    };
    // Keep what the original said about itself (Allow on a 405, Retry-After).
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rendered.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, rendered).map_into_right_body::<B>(),
    ))
}

fn already_rendered<B>(res: &ServiceResponse<B>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"))
}
