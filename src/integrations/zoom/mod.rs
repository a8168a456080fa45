//! Zoom's REST API, as far as bimtek uses it: meetings for sessions,
//! registrants for participants and participant reports for attendance,
//! authorised by Server-to-Server OAuth.
//! `shared/zoom/SPEC.md` holds the facts this is built on.
//!
//! Zoom's webhook deliveries are checked and read by [`webhook`].
//!
//! Only job runners call the API; every call is one HTTP request (two when a
//! token has to be renewed), and its error says whether to try again.

mod error;
mod meetings;
mod oauth;
mod registrants;
mod reports;
mod settings;
pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::secret::Secret;

pub use error::ZoomError;
pub use meetings::{Meeting, MeetingChanges, MeetingSettings, NewMeeting, Schedule};
pub use registrants::{BATCH_LIMIT, NewRegistrant, Registrant, RegistrantRef, split_name};
pub use reports::{Instance, Participant};
pub use settings::ZoomArgs;

pub const DEFAULT_API_BASE: &str = "https://api.zoom.us/v2";
pub const DEFAULT_OAUTH_BASE: &str = "https://zoom.us";

/// The account's Server-to-Server OAuth app and where to reach Zoom.
/// `Debug` shows no secret.
#[derive(Clone, Debug)]
pub struct ZoomConfig {
    pub account_id: String,
    pub client_id: String,
    pub client_secret: Secret,
    /// The Zoom user (e-mail or user id) who hosts the meetings.
    pub host_user: String,
    /// `https://api.zoom.us/v2`: paths are added to it.
    pub api_base: url::Url,
    /// `https://zoom.us`: `/oauth/token` is added to it.
    pub oauth_base: url::Url,
}

/// The client; cloning it is cheap and the clones share one token.
#[derive(Clone)]
pub struct Zoom {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: ZoomConfig,
    token: oauth::TokenCache,
}

impl std::fmt::Debug for Zoom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Zoom")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// Zoom answers in well under a second; 20 s covers a slow moment without
/// holding a job worker for long.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

impl Zoom {
    pub fn new(config: ZoomConfig) -> Result<Zoom, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("bimtek/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("the Zoom client cannot be set up: {e}"))?;
        Ok(Zoom {
            inner: Arc::new(Inner {
                http,
                config,
                token: oauth::TokenCache::default(),
            }),
        })
    }

    /// Proposed as the host of each new session held on Zoom.
    pub fn host_user(&self) -> &str {
        &self.inner.config.host_user
    }

    /// `{api_base}/{segments…}`, each segment percent-encoded (a host user
    /// may be an e-mail address).
    fn url(&self, segments: &[&str]) -> url::Url {
        let mut url = self.inner.config.api_base.clone();
        url.path_segments_mut()
            .expect("an http(s) URL has a path")
            .pop_if_empty()
            .extend(segments);
        url
    }

    /// Sends one API request with the current token. A 401 means the token
    /// died early (revoked, or the app was re-activated): it is dropped and
    /// the request sent once more with a new one.
    async fn send(
        &self,
        method: Method,
        url: url::Url,
        body: Option<&serde_json::Value>,
    ) -> Result<reqwest::Response, ZoomError> {
        let inner = &*self.inner;
        let mut renewed = false;
        loop {
            let token = inner.token.get(&inner.http, &inner.config).await?;
            let mut request = inner
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(&token);
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().await.map_err(error::from_transport)?;
            let status = response.status();
            tracing::debug!(%method, path = url.path(), status = status.as_u16(), "Zoom API");
            if status.is_success() {
                return Ok(response);
            }
            if status == StatusCode::UNAUTHORIZED && !renewed {
                inner.token.forget(&token).await;
                renewed = true;
                continue;
            }
            return Err(error::from_response(response).await);
        }
    }

    async fn send_for_json<T: DeserializeOwned>(
        &self,
        method: Method,
        url: url::Url,
        body: Option<&serde_json::Value>,
    ) -> Result<T, ZoomError> {
        self.send(method, url, body)
            .await?
            .json()
            .await
            .map_err(error::from_transport)
    }
}

/// Zoom sends meeting ids as numbers, and as strings in some places
/// (webhooks, some events): both are read as `i64`.
fn id_from_number_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(i64),
        Text(String),
    }
    match Id::deserialize(d)? {
        Id::Number(n) => Ok(n),
        Id::Text(text) => text.trim().parse().map_err(serde::de::Error::custom),
    }
}

/// Zoom may send `null` or leave out a text field; both read as "".
fn text_or_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}
