//! One place where errors become what the reader sees: a page in the site's
//! layout and the reader's language, or under `/api/` a JSON body with a
//! reason. Responses that already carry a page or JSON (a form re-rendered
//! with its messages) pass through untouched.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{ConnectionType, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpResponse, ResponseError};

use super::extract::{PageContext, request_id_of};
use super::views;
use super::views::errors::ErrorText;
use crate::error::Error;

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Forbidden | Error::Csrf => StatusCode::FORBIDDEN,
            Error::SignInRequired(_) => StatusCode::SEE_OTHER,
            Error::InvalidLink => StatusCode::BAD_REQUEST,
            Error::Throttled(_) | Error::Busy => StatusCode::TOO_MANY_REQUESTS,
            Error::TooLarge | Error::FormTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Error::NotAForm => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Db(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::new(self.status_code());
        match self {
            Error::Db(_) | Error::Internal(_) => tracing::error!(error = %self, "request failed"),
            Error::SignInRequired(page) => {
                if let Ok(location) = HeaderValue::from_str(page) {
                    response.headers_mut().insert(header::LOCATION, location);
                }
            }
            Error::InvalidLink => {
                response.extensions_mut().insert(ErrorText("error.link"));
            }
            Error::Csrf => {
                response.extensions_mut().insert(ErrorText("error.csrf"));
            }
            Error::FormTooLarge => {
                response
                    .extensions_mut()
                    .insert(ErrorText("error.form_too_large"));
            }
            Error::Throttled(wait) => retry_after(&mut response, *wait),
            Error::Busy => {
                retry_after(&mut response, BUSY_RETRY);
                response.extensions_mut().insert(ErrorText("error.busy"));
            }
            _ => {}
        }
        response
    }
}

/// When to come back after `Error::Busy`: a hash takes well under a second.
pub const BUSY_RETRY: std::time::Duration = std::time::Duration::from_secs(2);

/// A wait in whole seconds, rounded up: coming back early is refused again.
pub fn whole_seconds(wait: std::time::Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// Sets `Retry-After` to `wait`.
pub fn retry_after(response: &mut HttpResponse, wait: std::time::Duration) {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(whole_seconds(wait)));
}

pub fn handlers<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(render)
}

fn render<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if already_rendered(&res) || res.status().is_redirection() {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let (req, original) = res.into_parts();
    let status = original.status();
    let text = original.extensions().get::<ErrorText>().copied();
    let ctx = PageContext::of(&req);
    let request_id = request_id_of(&req);
    let mut rendered = if req.path().starts_with("/api/") {
        HttpResponse::build(status).json(views::errors::json_body(
            ctx.lang,
            status,
            text,
            request_id.as_deref(),
        ))
    } else {
        let body = views::errors::page(&ctx, status, text, request_id.as_deref());
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body.into_string())
    };
    // Keep what the original said about itself (Allow on a 405, Retry-After,
    // a connection to close).
    if !original.head().keep_alive() {
        rendered
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
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
