//! Cross-cutting behaviour of every response: request ids, logs and
//! metrics, and the security headers.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{Error, HttpMessage, HttpResponse, web};
use tracing::Instrument;

use super::extract::RequestId;
use super::{AppState, RoutePattern};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Gives the request an id (the caller's, when it sends a sane one, so that
/// a proxy's id follows the request), logs one line when it is answered, and
/// counts it. The route pattern is logged, never the path: paths will carry
/// sign-in and calendar tokens.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_sane_id(v))
        .map_or_else(|| uuid::Uuid::new_v4().simple().to_string(), str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().clone();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let span = tracing::info_span!("request", id = %id);

    let mut res = next.call(req).instrument(span.clone()).await?;

    let status = res.status();
    let route = res
        .request()
        .app_data::<RoutePattern>()
        .map_or("(unmatched)", |pattern| pattern.0);
    let elapsed = started.elapsed();
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    if let Some(state) = state {
        state
            .metrics
            .http_requests
            .with_label_values(&[method.as_str(), route, status.as_str()])
            .inc();
        state
            .metrics
            .http_seconds
            .with_label_values(&[route])
            .observe(elapsed.as_secs_f64());
    }
    span.in_scope(|| {
        tracing::info!(
            method = %method,
            route = %route,
            status = status.as_u16(),
            micros = elapsed.as_micros() as u64,
            "answered"
        );
    });
    Ok(res)
}

fn is_sane_id(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Refuses a state-changing request that a browser says comes from another
/// site (`Sec-Fetch-Site`, or an `Origin` other than the public address). The form
/// token is checked as well, by the `Form` extractor; this catches what a
/// token alone cannot (a leaked token used from elsewhere).
pub async fn same_origin(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if is_cross_site(&req) {
        return Ok(req
            .error_response(crate::error::Error::Csrf)
            .map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

fn is_cross_site(req: &ServiceRequest) -> bool {
    use actix_web::http::Method;
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site")
        && site != "same-origin"
        && site != "none"
    {
        return true;
    }
    // The configured public address, not `Host`: behind a proxy `Host` is
    // whatever the proxy (or a forger talking to the port) says.
    let Some(origin) = header("origin") else {
        return false;
    };
    let ours = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.base_url.origin());
    url::Url::parse(origin).map_or(true, |url| Some(url.origin()) != ours)
}

/// A body that stops arriving ends its request: each read of it waits at
/// most the configured time, and then, whatever the extractor made of the
/// failed read, the answer is 408 with the connection closed. Without this
/// a client that declares 1,000 bytes and sends 10 holds the connection
/// for minutes.
pub async fn body_timeout(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let fired = Rc::new(Cell::new(false));
    if let Some(state) = req.app_data::<web::Data<AppState>>() {
        let limit = state.body_timeout;
        let slot = req.parts_mut().1;
        *slot = match std::mem::replace(slot, Payload::None) {
            Payload::None => Payload::None,
            payload => timed(payload, limit, fired.clone()),
        };
    }
    let res = next.call(req).await?;
    if !fired.get() {
        return Ok(res.map_into_left_body());
    }
    tracing::info!("the request body stopped arriving; answered 408");
    let (req, _) = res.into_parts();
    let timed_out = HttpResponse::RequestTimeout().force_close().finish();
    Ok(ServiceResponse::new(req, timed_out).map_into_right_body())
}

fn timed(payload: Payload, limit: std::time::Duration, fired: Rc<Cell<bool>>) -> Payload {
    use futures_util::StreamExt;
    let stream = futures_util::stream::unfold(Some(payload), move |payload| {
        let fired = fired.clone();
        async move {
            let mut payload = payload?;
            match tokio::time::timeout(limit, payload.next()).await {
                Ok(Some(chunk)) => Some((chunk, Some(payload))),
                Ok(None) => None,
                Err(_) => {
                    fired.set(true);
                    let error = std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the request body stopped arriving",
                    );
                    Some((Err(PayloadError::Io(error)), None))
                }
            }
        }
    });
    // Fused: a multipart reader polls again after the end.
    let stream: std::pin::Pin<Box<dyn futures_util::Stream<Item = _>>> = Box::pin(stream.fuse());
    Payload::from(stream)
}

/// Pages and downloads that depend on who asks must not outlive the
/// session in a browser's cache: on a shared office PC, Back after signing
/// out would show them again. A response that chose its own caching keeps
/// it (the stylesheet, the calendar feed); public pages seen by someone not
/// signed in keep the browser's default.
pub async fn no_store_when_private(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    use actix_session::SessionExt;
    let private =
        is_private_path(req.path()) || super::session::signed_in(&req.get_session()).is_some();
    let mut res = next.call(req).await?;
    if private && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

/// Paths that are someone's own whoever asks: their pages, the organisers'
/// pages and exports, the pages behind an e-mailed link, and a
/// participant's check-in.
fn is_private_path(path: &str) -> bool {
    const PRIVATE: [&str; 9] = [
        "/my",
        "/manage",
        "/admin",
        "/outbox",
        "/setup/",
        "/password/reset/",
        "/invitation/",
        "/registrations/confirm/",
        "/checkin/",
    ];
    PRIVATE.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| prefix.ends_with('/') || rest.is_empty() || rest.starts_with('/'))
    })
}

/// No inline script or style anywhere, so the policy can be strict.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ));
    if https {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_from_outside_are_checked() {
        assert!(is_sane_id("3f2a-91_bc"));
        assert!(!is_sane_id(""));
        assert!(!is_sane_id("a b"));
        assert!(!is_sane_id("x\r\nSet-Cookie: a=b"));
        assert!(!is_sane_id(&"a".repeat(65)));
    }

    #[test]
    fn private_paths_are_told_apart_from_public_ones() {
        for private in [
            "/my",
            "/my/calendar",
            "/manage/events/x",
            "/admin",
            "/setup/abc",
            "/checkin/abc",
        ] {
            assert!(is_private_path(private), "{private}");
        }
        for public in [
            "/",
            "/events/x",
            "/mystery",
            "/static/a.css",
            "/calendar/x.ics",
        ] {
            assert!(!is_private_path(public), "{public}");
        }
    }
}
