//! Zoom's settings: the account's Server-to-Server OAuth app, its host and
//! Zoom's addresses, as flags, `BIMTEK_ZOOM_*` variables and file keys
//! (flattened into `config::Settings`), and the rule that Zoom is on with all
//! four credentials and off with none; and the webhook subscription's
//! secret, which stands alone (an account may send webhooks to an
//! installation that makes no meetings).

use std::time::Duration;

use clap::Args;

use super::webhook::Verifier;
use super::{DEFAULT_API_BASE, DEFAULT_OAUTH_BASE, ZoomConfig};
use crate::secret::Secret;

#[derive(Args, Debug, Clone, Default)]
pub struct ZoomArgs {
    /// Zoom Server-to-Server OAuth app: Account ID [default: none: no Zoom meetings]
    #[arg(long, global = true, env = "BIMTEK_ZOOM_ACCOUNT_ID", value_name = "ID")]
    pub zoom_account_id: Option<String>,

    /// Zoom Server-to-Server OAuth app: Client ID
    #[arg(long, global = true, env = "BIMTEK_ZOOM_CLIENT_ID", value_name = "ID")]
    pub zoom_client_id: Option<String>,

    /// Zoom Server-to-Server OAuth app: Client secret
    #[arg(long, global = true, env = "BIMTEK_ZOOM_CLIENT_SECRET", value_name = "SECRET", hide_env_values = true, value_parser = Secret::parse)]
    pub zoom_client_secret: Option<Secret>,

    /// The Zoom user (e-mail or user id) who hosts the sessions' meetings
    #[arg(
        long,
        global = true,
        env = "BIMTEK_ZOOM_HOST_USER",
        value_name = "USER"
    )]
    pub zoom_host_user: Option<String>,

    /// Zoom's API [default: https://api.zoom.us/v2]
    #[arg(long, global = true, env = "BIMTEK_ZOOM_API_BASE", value_name = "URL")]
    pub zoom_api_base: Option<String>,

    /// Zoom's OAuth server [default: https://zoom.us]
    #[arg(
        long,
        global = true,
        env = "BIMTEK_ZOOM_OAUTH_BASE",
        value_name = "URL"
    )]
    pub zoom_oauth_base: Option<String>,

    /// Secret token of the Zoom app's event subscription, which signs the deliveries to POST /webhooks/zoom [default: none: that address answers 404]
    #[arg(long, global = true, env = "BIMTEK_ZOOM_WEBHOOK_SECRET", value_name = "SECRET", hide_env_values = true, value_parser = Secret::parse)]
    pub zoom_webhook_secret: Option<Secret>,

    /// Seconds a webhook delivery's signed time may be away from this server's clock; a delivery outside is refused as a possible replay
    #[arg(long, global = true, env = "BIMTEK_ZOOM_WEBHOOK_TOLERANCE", value_name = "SECONDS", default_value = "300", value_parser = parse_webhook_tolerance)]
    pub zoom_webhook_tolerance: Duration,
}

impl ZoomArgs {
    /// What checks webhook deliveries; `None` without a secret.
    pub fn webhook(&self) -> Option<Verifier> {
        let secret = self.zoom_webhook_secret.as_ref()?.expose().trim();
        (!secret.is_empty())
            .then(|| Verifier::new(Secret::new(secret), self.zoom_webhook_tolerance))
    }

    /// Zoom is on when its credentials are set and off when none are; half a
    /// configuration is a mistake worth stopping for, said in one line naming
    /// what is missing. The host is part of it: an S2S app has no user of its
    /// own to schedule meetings for.
    pub fn resolve(&self) -> Result<Option<ZoomConfig>, String> {
        let given = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let account_id = given(&self.zoom_account_id);
        let client_id = given(&self.zoom_client_id);
        let client_secret = self
            .zoom_client_secret
            .as_ref()
            .map(|s| s.expose().trim())
            .filter(|s| !s.is_empty())
            .map(Secret::new);
        let host_user =
            given(&self.zoom_host_user).map(|user| crate::domain::session::normalise_host(&user));
        let (Some(account_id), Some(client_id), Some(client_secret), Some(host_user)) = (
            account_id.clone(),
            client_id.clone(),
            client_secret.clone(),
            host_user.clone(),
        ) else {
            let missing: Vec<&str> = [
                ("BIMTEK_ZOOM_ACCOUNT_ID", account_id.is_none()),
                ("BIMTEK_ZOOM_CLIENT_ID", client_id.is_none()),
                ("BIMTEK_ZOOM_CLIENT_SECRET", client_secret.is_none()),
                ("BIMTEK_ZOOM_HOST_USER", host_user.is_none()),
            ]
            .into_iter()
            .filter_map(|(name, missing)| missing.then_some(name))
            .collect();
            if missing.len() == 4 {
                return Ok(None);
            }
            let verb = if missing.len() == 1 { "is" } else { "are" };
            return Err(format!(
                "{} {verb} missing: Zoom needs all of BIMTEK_ZOOM_ACCOUNT_ID, BIMTEK_ZOOM_CLIENT_ID, BIMTEK_ZOOM_CLIENT_SECRET and BIMTEK_ZOOM_HOST_USER (or none of them, for no Zoom)",
                missing.join(", ")
            ));
        };
        Ok(Some(ZoomConfig {
            account_id,
            client_id,
            client_secret,
            host_user,
            api_base: zoom_url(
                "BIMTEK_ZOOM_API_BASE",
                self.zoom_api_base.as_deref().unwrap_or(DEFAULT_API_BASE),
            )?,
            oauth_base: zoom_url(
                "BIMTEK_ZOOM_OAUTH_BASE",
                self.zoom_oauth_base
                    .as_deref()
                    .unwrap_or(DEFAULT_OAUTH_BASE),
            )?,
        }))
    }
}

/// Up to a day: Zoom's retries come 5, 25 and 85 minutes after the first
/// try, and whether they are signed afresh is not documented; an
/// installation that sees them refused may widen the window (a redelivery
/// is recognised and stored once whatever the window).
fn parse_webhook_tolerance(raw: &str) -> Result<Duration, String> {
    raw.trim()
        .parse::<u64>()
        .ok()
        .filter(|seconds| (1..=86_400).contains(seconds))
        .map(Duration::from_secs)
        .ok_or_else(|| {
            format!(
                "BIMTEK_ZOOM_WEBHOOK_TOLERANCE must be a whole number of seconds from 1 to 86400, not \"{raw}\""
            )
        })
}

fn zoom_url(setting: &str, raw: &str) -> Result<url::Url, String> {
    crate::config::parse_http_url(setting, raw).map_err(|e| e.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zoom_args() -> ZoomArgs {
        ZoomArgs {
            zoom_account_id: Some("Xq7LmP2sRZe8tNvC0dYw1g".into()),
            zoom_client_id: Some("kP9xW2vL5qRt7YbN3mZc8A".into()),
            zoom_client_secret: Some(Secret::new("Qz4Tn8Lw2Hv6Rk1Ys9Pb3Xe7Jm5Fc0Ua")),
            zoom_host_user: Some("pelatihan@example.id".into()),
            ..Default::default()
        }
    }

    #[test]
    fn zoom_is_off_without_credentials_and_on_with_all() {
        assert!(ZoomArgs::default().resolve().unwrap().is_none());
        let zoom = zoom_args().resolve().unwrap().expect("Zoom is on");
        assert_eq!(zoom.api_base.as_str(), "https://api.zoom.us/v2");
        assert_eq!(zoom.oauth_base.as_str(), "https://zoom.us/");
        assert_eq!(
            zoom.client_secret.expose(),
            "Qz4Tn8Lw2Hv6Rk1Ys9Pb3Xe7Jm5Fc0Ua"
        );
        let shown = format!("{zoom:?} {:?}", zoom_args());
        assert!(!shown.contains("Qz4T"), "{shown}");
    }

    #[test]
    fn webhooks_are_off_without_a_secret_and_their_window_is_bounded() {
        assert!(ZoomArgs::default().webhook().is_none());
        let blank = ZoomArgs {
            zoom_webhook_secret: Some(Secret::new("  ")),
            ..ZoomArgs::default()
        };
        assert!(blank.webhook().is_none());
        let on = ZoomArgs {
            zoom_webhook_secret: Some(Secret::new("Hp3kV9sQ2mW7xZ1bN4tR8c")),
            zoom_webhook_tolerance: Duration::from_secs(300),
            ..ZoomArgs::default()
        };
        let verifier = on.webhook().expect("webhooks are on");
        let shown = format!("{verifier:?} {on:?}");
        assert!(!shown.contains("Hp3k"), "{shown}");
        assert_eq!(
            parse_webhook_tolerance(" 5100 "),
            Ok(Duration::from_secs(5100))
        );
        for bad in ["0", "86401", "lima menit", "-1"] {
            let error = parse_webhook_tolerance(bad).unwrap_err();
            assert!(
                error.starts_with("BIMTEK_ZOOM_WEBHOOK_TOLERANCE"),
                "{error}"
            );
        }
    }

    #[test]
    fn half_a_zoom_configuration_names_what_is_missing() {
        let args = ZoomArgs {
            zoom_client_secret: None,
            zoom_host_user: Some(" ".into()),
            ..zoom_args()
        };
        let error = args.resolve().unwrap_err();
        assert!(
            error.starts_with("BIMTEK_ZOOM_CLIENT_SECRET, BIMTEK_ZOOM_HOST_USER are missing"),
            "{error}"
        );
        let args = ZoomArgs {
            zoom_api_base: Some("api.zoom.us".into()),
            ..zoom_args()
        };
        let error = args.resolve().unwrap_err();
        assert!(error.starts_with("BIMTEK_ZOOM_API_BASE"), "{error}");
    }
}
