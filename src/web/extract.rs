//! What handlers and views need to know about the request: its language,
//! who is signed in, and forms that carry their CSRF token.

use std::convert::Infallible;
use std::future::{Ready, ready};

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::AppState;
use super::session::{self, SignInMethod, SignedIn};
use crate::domain::account::Account;
use crate::domain::action_plan::review::Scope;
use crate::domain::event::Event;
use crate::error::Error;
use crate::i18n::Lang;
use crate::services::accounts::{self, Origin};
use crate::services::events;

/// The request's id, set by the `observe` middleware; shown on error pages
/// so that a participant's report can be found in the logs.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// What every page needs: its language, its address (for links that come
/// back here) and the session (who is signed in, the form token).
#[derive(Clone)]
pub struct PageContext {
    pub lang: Lang,
    pub path: String,
    session: Session,
}

impl PageContext {
    pub fn of(req: &HttpRequest) -> PageContext {
        PageContext {
            lang: lang_of(req),
            path: req
                .uri()
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned()),
            session: req.get_session(),
        }
    }

    pub fn signed_in(&self) -> Option<SignedIn> {
        session::signed_in(&self.session)
    }

    /// For a form on the page; creates the session's token when needed.
    pub fn csrf_token(&self) -> String {
        session::csrf_token(&self.session)
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

fn state(req: &HttpRequest) -> web::Data<AppState> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .expect("the app registers its state")
}

/// Where the request comes from, for services: links, audit, throttling.
impl FromRequest for Origin {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state(req);
        let address = if state.behind_proxy {
            req.connection_info()
                .realip_remote_addr()
                .map(str::to_owned)
        } else {
            req.peer_addr().map(|a| a.ip().to_string())
        };
        ready(Ok(Origin {
            base_url: state.base_url.clone(),
            address,
            lang: lang_of(req),
        }))
    }
}

/// Whoever is signed in, if anyone, read fresh from the database so that
/// a role taken away counts at once, and a session ended elsewhere (its
/// generation raised) ends here too.
pub struct Viewer {
    pub account: Option<Account>,
    pub method: Option<SignInMethod>,
}

impl FromRequest for Viewer {
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = state(req);
        Box::pin(async move {
            let Some(signed_in) = session::signed_in(&session) else {
                return Ok(Viewer {
                    account: None,
                    method: None,
                });
            };
            let account = accounts::account(&state.db, &signed_in.user_id)
                .await?
                .filter(|account| account.session_generation == signed_in.generation);
            if account.is_none() {
                session::end(&session);
            }
            Ok(Viewer {
                method: account.as_ref().map(|_| signed_in.method),
                account,
            })
        })
    }
}

/// The sign-in page `at`, which comes back afterwards to the page asked
/// for: a page read with GET (the QR code's check-in page, say), never a
/// form's target.
fn sign_in_at(at: &str, req: &HttpRequest) -> Error {
    let back = (req.method() == Method::GET)
        .then(|| req.uri().path_and_query())
        .flatten()
        .and_then(|back| serde_urlencoded::to_string([("next", back.as_str())]).ok());
    Error::SignInRequired(match back {
        Some(query) => format!("{at}?{query}"),
        None => at.to_owned(),
    })
}

/// Anyone signed in (participants by link included).
pub struct Member(pub Account);

impl FromRequest for Member {
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self, Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let viewer = Viewer::from_request(req, payload);
        let sign_in = sign_in_at("/my/sign-in", req);
        Box::pin(async move { viewer.await?.account.map(Member).ok_or(sign_in) })
    }
}

/// Staff pages need a password sign-in (a link from an e-mail is not
/// enough) and an account that `allowed` accepts.
fn signed_in_with_password(
    viewer: Viewer,
    allowed: fn(&Account) -> bool,
    sign_in: Error,
) -> Result<Account, Error> {
    match (viewer.account, viewer.method) {
        (Some(account), Some(SignInMethod::Password)) if allowed(&account) => Ok(account),
        (Some(_), Some(SignInMethod::Password)) => Err(Error::Forbidden),
        _ => Err(sign_in),
    }
}

/// Organisers, speakers and administrators. What each may touch is checked
/// against the event by the handler.
pub struct Staff(pub Account);

impl FromRequest for Staff {
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self, Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let viewer = Viewer::from_request(req, payload);
        let sign_in = sign_in_at("/sign-in", req);
        Box::pin(async move {
            signed_in_with_password(viewer.await?, Account::is_staff, sign_in).map(Staff)
        })
    }
}

/// A staff member signed in and the event named by the path's `{slug}`,
/// as `admit` lets them in.
fn in_event<T: 'static>(
    req: &HttpRequest,
    payload: &mut Payload,
    admit: fn(Account, Event) -> Result<T, Error>,
) -> LocalBoxFuture<'static, Result<T, Error>> {
    let staff = Staff::from_request(req, payload);
    let state = state(req);
    let slug = req.match_info().get("slug").unwrap_or_default().to_owned();
    Box::pin(async move {
        let Staff(account) = staff.await?;
        let event = events::by_slug(&state.db, &slug).await?;
        admit(account, event)
    })
}

/// A staff member allowed to manage the event named by the path's `{slug}`
/// (its organisers, and administrators), with that event.
pub struct ManagedEvent {
    pub account: Account,
    pub event: Event,
}

impl FromRequest for ManagedEvent {
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self, Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        in_event(req, payload, |account, event| {
            if account.may_manage(&event.id.to_string()) {
                Ok(ManagedEvent { account, event })
            } else {
                Err(Error::Forbidden)
            }
        })
    }
}

/// Someone who may read the action plans of the event named by the
/// path's `{slug}`: its organisers and administrators all of them, its
/// reviewers those their scope admits (review::Scope). Anyone else is
/// refused, as on the event's other pages.
pub struct PlanReader {
    pub account: Account,
    pub event: Event,
    pub scope: Scope,
}

impl FromRequest for PlanReader {
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self, Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        in_event(req, payload, |account, event| {
            let scope = Scope::of(&account, &event.id.to_string()).ok_or(Error::Forbidden)?;
            Ok(PlanReader {
                account,
                event,
                scope,
            })
        })
    }
}

pub struct Admin(pub Account);

impl FromRequest for Admin {
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self, Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let viewer = Viewer::from_request(req, payload);
        let sign_in = sign_in_at("/sign-in", req);
        Box::pin(async move {
            signed_in_with_password(viewer.await?, |a| a.is_admin, sign_in).map(Admin)
        })
    }
}

#[derive(Deserialize, Default)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

/// A submitted form whose CSRF token matched the session's. Fields the
/// form struct does not know are ignored; missing ones take their defaults,
/// so that a form with holes gets messages, not a bare 400.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self, Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = req.get_session();
        // A body in another format (JSON, say) is not a form with a bad
        // token; a body with no type is left for the token check to refuse.
        let declared = req.headers().contains_key(header::CONTENT_TYPE);
        let form = req.content_type() == "application/x-www-form-urlencoded";
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if declared && !form {
                return Err(Error::NotAForm);
            }
            let body = body.await.map_err(|error| {
                match error.as_error::<actix_web::error::PayloadError>() {
                    Some(actix_web::error::PayloadError::Overflow) => Error::FormTooLarge,
                    _ => Error::Invalid(Vec::new()),
                }
            })?;
            let sent: CsrfField = serde_urlencoded::from_bytes(&body).unwrap_or_default();
            if !session::csrf_matches(&session, &sent.csrf_token) {
                return Err(Error::Csrf);
            }
            serde_urlencoded::from_bytes(&body)
                .map(Form)
                .map_err(|_| Error::Invalid(Vec::new()))
        })
    }
}
