//! Server-to-Server OAuth: one access token per client, fetched when first
//! needed, renewed a minute before it runs out, and dropped when the API
//! calls it invalid. There is no refresh token: renewing is fetching anew.

use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::ZoomConfig;
use super::error::{self, ZoomError};

/// Renew this long before the token runs out, as Zoom's Rivet SDK does, so
/// that a token never expires between being handed out and being used.
const RENEW_MARGIN: Duration = Duration::from_secs(60);

/// Zoom documents 3600 s; clients that find no `expires_in` assume 3599.
const DEFAULT_LIFETIME: u64 = 3599;

#[derive(Default)]
pub(super) struct TokenCache {
    /// Held while fetching, so that callers arriving together wait for the
    /// one fetch instead of each asking Zoom for a token.
    current: Mutex<Option<Token>>,
}

#[derive(Clone)]
struct Token {
    value: String,
    renew_at: Instant,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: Option<u64>,
    // `api_url` is ignored on purpose: requests go to BIMTEK_ZOOM_API_BASE,
    // so that tests (and a regional deployment) choose where they go.
}

impl TokenCache {
    pub(super) async fn get(
        &self,
        http: &reqwest::Client,
        config: &ZoomConfig,
    ) -> Result<String, ZoomError> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref().filter(|t| Instant::now() < t.renew_at) {
            return Ok(token.value.clone());
        }
        let token = fetch(http, config).await?;
        let value = token.value.clone();
        *current = Some(token);
        Ok(value)
    }

    /// Forgets `stale`, unless another caller already replaced it.
    pub(super) async fn forget(&self, stale: &str) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|t| t.value == stale) {
            *current = None;
        }
    }
}

/// Sends `grant_type` and `account_id` as a form body, as Zoom's own
/// sample apps do (its docs show the query string; Zoom accepts both).
async fn fetch(http: &reqwest::Client, config: &ZoomConfig) -> Result<Token, ZoomError> {
    let mut url = config.oauth_base.clone();
    url.path_segments_mut()
        .expect("an http(s) URL has a path")
        .pop_if_empty()
        .extend(["oauth", "token"]);
    let asked = Instant::now();
    let response = http
        .post(url)
        // reqwest marks the header sensitive, which keeps it out of its logs.
        .basic_auth(&config.client_id, Some(config.client_secret.expose()))
        .form(&[
            ("grant_type", "account_credentials"),
            ("account_id", config.account_id.as_str()),
        ])
        .send()
        .await
        .map_err(error::from_transport)?;
    if !response.status().is_success() {
        return Err(error::from_token_response(response).await);
    }
    let body: TokenResponse = response.json().await.map_err(error::from_transport)?;
    let lifetime = Duration::from_secs(body.expires_in.unwrap_or(DEFAULT_LIFETIME));
    tracing::debug!(lifetime = lifetime.as_secs(), "new Zoom access token");
    Ok(Token {
        value: body.access_token,
        // Counted from the request, not the answer: the token's clock
        // started before it reached us.
        renew_at: asked + lifetime.saturating_sub(RENEW_MARGIN),
    })
}
