//! What can go wrong talking to Zoom, sorted by what the caller does next:
//! wait and try again, or stop and tell the organiser in plain words.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;

use crate::jobs::JobFailure;

/// Without a Retry-After, a per-second limit clears within a second or
/// two; waiting a little longer than Moodle's 1 s keeps a crowd of workers
/// from knocking again all at once.
const QPS_WAIT: Duration = Duration::from_secs(2);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZoomError {
    /// 429: Zoom will answer again after `retry_after`. `daily` when a
    /// daily quota ran out (it resets at 00:00 UTC).
    RateLimited { retry_after: Duration, daily: bool },
    /// Zoom or the network is down (5xx, refused connection, time-out, a
    /// garbled answer): worth trying again later.
    Unavailable(String),
    /// A participant report Zoom has not finished yet (just after a meeting
    /// ends it answers 404/3001, or lists no run of the meeting): worth
    /// asking again later, unlike the same code elsewhere, a meeting gone.
    NotReady(String),
    /// Zoom understood the request and refused it: trying again cannot help.
    Rejected {
        status: u16,
        /// Zoom's own error code from the body, when it sent one.
        code: Option<i64>,
        message: String,
        /// The fields named in a validation failure (code 300).
        fields: Vec<String>,
    },
    /// The token endpoint refused the account's credentials; `reason` is
    /// Zoom's own words.
    Auth { reason: String },
}

/// The error codes bimtek explains in its own words.
const HOST_NOT_FOUND: i64 = 1001;
const INVALID_TOKEN: i64 = 124;
const VALIDATION: i64 = 300;
const MEETING_ACCESS: i64 = 3000;
const MEETING_NOT_FOUND: i64 = 3001;
const NOT_HOST: i64 = 3003;
const CAPACITY: i64 = 3043;
const HOSTING_NOT_ALLOWED: i64 = 3161;
/// 4711 is what live answers carry; 4700 is what the error table lists.
const MISSING_SCOPE: [i64; 2] = [4711, 4700];

impl ZoomError {
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ZoomError::RateLimited { .. } | ZoomError::Unavailable(_) | ZoomError::NotReady(_)
        )
    }

    /// When Zoom said when to come back; `None` leaves the wait to the
    /// caller's usual backoff.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ZoomError::RateLimited { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// The meeting is gone (deleted, or expired 30 days after its last use).
    pub fn is_meeting_not_found(&self) -> bool {
        matches!(
            self,
            ZoomError::Rejected {
                code: Some(MEETING_NOT_FOUND),
                ..
            }
        )
    }

    /// A stable key in the locale catalogues for the organiser's pages;
    /// fill its placeholders with [`ZoomError::args`].
    pub fn key(&self) -> &'static str {
        match self {
            ZoomError::RateLimited { daily: true, .. } => "zoom.error.daily_limit",
            ZoomError::RateLimited { .. } => "zoom.error.rate_limited",
            ZoomError::Unavailable(_) => "zoom.error.unavailable",
            ZoomError::NotReady(_) => "zoom.error.report_not_ready",
            ZoomError::Auth { .. } => "zoom.error.credentials",
            ZoomError::Rejected { code, .. } => match code {
                Some(HOST_NOT_FOUND) => "zoom.error.host_not_found",
                Some(INVALID_TOKEN) => "zoom.error.invalid_token",
                Some(VALIDATION) => "zoom.error.validation",
                Some(MEETING_ACCESS) => "zoom.error.meeting_access",
                Some(MEETING_NOT_FOUND) => "zoom.error.meeting_not_found",
                Some(NOT_HOST) => "zoom.error.not_host",
                Some(CAPACITY) => "zoom.error.capacity",
                Some(HOSTING_NOT_ALLOWED) => "zoom.error.hosting_not_allowed",
                Some(code) if MISSING_SCOPE.contains(code) => "zoom.error.missing_scope",
                _ => "zoom.error.rejected",
            },
        }
    }

    /// The placeholders of [`ZoomError::key`]'s text: always `{detail}`
    /// (Zoom's own words, or the fields or scopes concerned), which a text
    /// may leave out. Empty when Zoom could not be reached: the HTTP
    /// client's words (in English, with the API's address) are for the
    /// logs, not for organisers.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        let detail = match self {
            ZoomError::Unavailable(_) => String::new(),
            _ => self.detail(),
        };
        vec![("detail", detail)]
    }

    fn detail(&self) -> String {
        match self {
            ZoomError::RateLimited { retry_after, .. } => wait_in_words(*retry_after),
            ZoomError::Unavailable(what) | ZoomError::NotReady(what) => what.clone(),
            ZoomError::Auth { reason } => reason.clone(),
            ZoomError::Rejected {
                code,
                message,
                fields,
                ..
            } => match code {
                Some(VALIDATION) if !fields.is_empty() => fields.join(", "),
                Some(code) if MISSING_SCOPE.contains(code) => {
                    missing_scopes(message).unwrap_or_else(|| message.clone())
                }
                _ => message.clone(),
            },
        }
    }
}

impl fmt::Display for ZoomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let detail = self.detail();
        match self {
            ZoomError::RateLimited { daily: true, .. } => write!(
                f,
                "Zoom's daily limit for this kind of request is used up; trying again in {detail} (after 00:00 UTC)"
            ),
            ZoomError::RateLimited { .. } => {
                write!(f, "Zoom asked to slow down; trying again in {detail}")
            }
            ZoomError::Unavailable(_) => write!(f, "Zoom cannot be reached right now: {detail}"),
            ZoomError::NotReady(_) => {
                write!(f, "Zoom's participant report is not ready yet: {detail}")
            }
            ZoomError::Auth { .. } => write!(
                f,
                "Zoom refused the Server-to-Server OAuth credentials (account ID, client ID, client secret): {detail}"
            ),
            ZoomError::Rejected { status, code, .. } => {
                let plain = match code {
                    Some(HOST_NOT_FOUND) => {
                        "The Zoom host user does not exist or is not in this Zoom account"
                    }
                    Some(INVALID_TOKEN) => {
                        "Zoom refused a freshly issued access token; check that the Zoom app is activated"
                    }
                    Some(VALIDATION) => "Zoom did not accept the request",
                    Some(MEETING_ACCESS) => "Zoom cannot give access to this meeting",
                    Some(MEETING_NOT_FOUND) => "The Zoom meeting does not exist or has expired",
                    Some(NOT_HOST) => "The Zoom user is not the host of this meeting",
                    Some(CAPACITY) => "The Zoom meeting has reached its number of attendees",
                    Some(HOSTING_NOT_ALLOWED) => {
                        "This Zoom user is not allowed to host or schedule meetings"
                    }
                    Some(code) if MISSING_SCOPE.contains(code) => {
                        "The Zoom app lacks a permission (scope) it needs"
                    }
                    _ => "Zoom refused the request",
                };
                let code = code.map_or_else(String::new, |c| format!(", code {c}"));
                write!(f, "{plain} (HTTP {status}{code}): {detail}")
            }
        }
    }
}

impl std::error::Error for ZoomError {}

impl From<ZoomError> for JobFailure {
    fn from(error: ZoomError) -> JobFailure {
        if error.is_retryable() {
            JobFailure::Retry {
                after: error.retry_after(),
                error: error.to_string(),
            }
        } else {
            JobFailure::Permanent(error.to_string())
        }
    }
}

/// Zoom's error body; every field may be missing from a proxy's answer.
#[derive(Deserialize, Default)]
struct Body {
    code: Option<i64>,
    message: Option<String>,
    #[serde(default)]
    errors: Vec<FieldError>,
}

#[derive(Deserialize)]
struct FieldError {
    field: Option<String>,
    message: Option<String>,
}

/// Reads a non-2xx answer from the API.
pub(super) async fn from_response(response: reqwest::Response) -> ZoomError {
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let retry_after = header("retry-after");
    let limit_type = header("x-ratelimit-type");
    let text = response.text().await.unwrap_or_default();
    let body: Body = serde_json::from_str(&text).unwrap_or_default();
    let message = body
        .message
        .unwrap_or_else(|| one_line(&text).chars().take(200).collect());
    if status == 429 || is_daily_quota(&message) {
        let (retry_after, daily) = rate_limit_wait(
            retry_after.as_deref(),
            limit_type.as_deref(),
            &message,
            Utc::now(),
        );
        return ZoomError::RateLimited { retry_after, daily };
    }
    if status >= 500 {
        return ZoomError::Unavailable(format!("HTTP {status}: {message}"));
    }
    let fields = body
        .errors
        .into_iter()
        .map(|e| match (e.field, e.message) {
            (Some(field), Some(message)) => format!("{field} ({message})"),
            (field, message) => field.or(message).unwrap_or_default(),
        })
        .filter(|f| !f.is_empty())
        .collect();
    ZoomError::Rejected {
        status,
        code: body.code,
        message,
        fields,
    }
}

/// What the token endpoint says when it refuses: `{"reason","error"}`.
pub(super) async fn from_token_response(response: reqwest::Response) -> ZoomError {
    let status = response.status().as_u16();
    if status == 429 || status >= 500 {
        return from_response(response).await;
    }
    #[derive(Deserialize)]
    struct TokenError {
        reason: Option<String>,
        error: Option<String>,
    }
    let text = response.text().await.unwrap_or_default();
    let reason = match serde_json::from_str::<TokenError>(&text) {
        Ok(TokenError {
            reason: Some(reason),
            ..
        }) => reason,
        Ok(TokenError {
            error: Some(error), ..
        }) => error,
        _ => format!("HTTP {status}: {}", one_line(&text)),
    };
    ZoomError::Auth { reason }
}

/// A request that never got an answer (or whose answer could not be read).
pub(super) fn from_transport(error: reqwest::Error) -> ZoomError {
    let what = if error.is_timeout() {
        "no answer in time"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_decode() {
        "the answer cannot be read"
    } else {
        "the request failed"
    };
    // reqwest's Display names the URL, which holds no secret.
    ZoomError::Unavailable(format!("{what}: {error}"))
}

/// The wait Zoom asks for: its Retry-After when it sent one, else until
/// the daily quota resets or a short pause for a per-second limit.
fn rate_limit_wait(
    retry_after: Option<&str>,
    limit_type: Option<&str>,
    message: &str,
    now: DateTime<Utc>,
) -> (Duration, bool) {
    let daily = match limit_type {
        Some(kind) => kind.eq_ignore_ascii_case("daily-limit"),
        // The per-user daily 429 arrives without headers; its message says so.
        None => is_daily_quota(message),
    };
    let wait = retry_after
        .and_then(|value| parse_retry_after(value, now))
        .unwrap_or_else(|| {
            if daily {
                until_midnight_utc(now)
            } else {
                QPS_WAIT
            }
        });
    (wait, daily)
}

/// Zoom's daily quotas: "You have exceeded the daily rate limit (100) …"
/// with 429, and "A maximum of {n} meetings can be created/updated for a
/// single user in one day" with code 300.
fn is_daily_quota(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    message.contains("daily rate limit") || message.contains("in one day")
}

/// Zoom sends an instant (`2020-05-31T00:00:00Z`), HTTP allows seconds or
/// an HTTP date: all three are understood. An instant already past means
/// "now".
pub(super) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc3339(value)
        .or_else(|_| DateTime::parse_from_rfc2822(value))
        .ok()?;
    Some((at.with_timezone(&Utc) - now).to_std().unwrap_or_default())
}

fn until_midnight_utc(now: DateTime<Utc>) -> Duration {
    let midnight = (now.date_naive() + TimeDelta::days(1))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc();
    (midnight - now).to_std().unwrap_or_default()
}

/// "Invalid access token, does not contain scopes:[a, b]." → "a, b".
fn missing_scopes(message: &str) -> Option<String> {
    let start = message.find('[')? + 1;
    let end = start + message[start..].find(']')?;
    Some(message[start..end].trim().to_owned()).filter(|s| !s.is_empty())
}

fn wait_in_words(wait: Duration) -> String {
    let seconds = wait.as_secs();
    match seconds {
        0..120 => format!("{seconds} s"),
        120..7200 => format!("{} min", seconds.div_ceil(60)),
        _ => format!("{} h {} min", seconds / 3600, seconds % 3600 / 60),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn retry_after_is_an_instant_or_seconds() {
        let now = at("2030-07-29T10:00:00Z");
        assert_eq!(
            parse_retry_after("2030-07-29T10:00:30Z", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("2030-07-29T17:00:30+07:00", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Mon, 29 Jul 2030 10:01:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(parse_retry_after(" 5 ", now), Some(Duration::from_secs(5)));
        assert_eq!(
            parse_retry_after("2030-07-29T09:00:00Z", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn without_retry_after_the_kind_of_limit_decides() {
        let now = at("2030-07-29T22:30:00Z");
        assert_eq!(
            rate_limit_wait(None, Some("QPS"), "per-second", now),
            (QPS_WAIT, false)
        );
        assert_eq!(
            rate_limit_wait(None, Some("Daily-limit"), "", now),
            (Duration::from_secs(90 * 60), true)
        );
        let per_user = "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.";
        assert_eq!(
            rate_limit_wait(None, None, per_user, now),
            (Duration::from_secs(90 * 60), true)
        );
        assert_eq!(rate_limit_wait(None, None, "", now), (QPS_WAIT, false));
        assert_eq!(
            rate_limit_wait(Some("2030-07-29T22:30:07Z"), Some("QPS"), "", now),
            (Duration::from_secs(7), false)
        );
    }

    fn rejected(status: u16, code: i64, message: &str, fields: &[&str]) -> ZoomError {
        ZoomError::Rejected {
            status,
            code: Some(code),
            message: message.into(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn errors_map_onto_retry_or_permanent() {
        let limited = ZoomError::RateLimited {
            retry_after: Duration::from_secs(7),
            daily: false,
        };
        match JobFailure::from(limited) {
            JobFailure::Retry { after, error } => {
                assert_eq!(after, Some(Duration::from_secs(7)));
                assert!(error.contains("7 s"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        match JobFailure::from(ZoomError::Unavailable("HTTP 502: Bad Gateway".into())) {
            JobFailure::Retry { after: None, .. } => {}
            other => panic!("{other:?}"),
        }
        let scope = rejected(
            400,
            4711,
            "Invalid access token, does not contain scopes:[meeting:write:meeting:admin].",
            &[],
        );
        assert_eq!(scope.key(), "zoom.error.missing_scope");
        match JobFailure::from(scope) {
            JobFailure::Permanent(text) => assert_eq!(
                text,
                "The Zoom app lacks a permission (scope) it needs (HTTP 400, code 4711): meeting:write:meeting:admin"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn common_codes_have_their_own_words() {
        let host = rejected(404, 1001, "User does not exist: x@y.", &[]);
        assert_eq!(host.key(), "zoom.error.host_not_found");
        assert!(
            host.to_string()
                .starts_with("The Zoom host user does not exist")
        );
        let gone = rejected(404, 3001, "Meeting 1 is not found or has expired.", &[]);
        assert!(gone.is_meeting_not_found());
        assert_eq!(gone.key(), "zoom.error.meeting_not_found");
        let invalid = rejected(
            400,
            300,
            "Validation Failed.",
            &["start_time (Invalid field.)", "duration"],
        );
        assert_eq!(invalid.key(), "zoom.error.validation");
        assert_eq!(
            invalid.args(),
            vec![("detail", "start_time (Invalid field.), duration".to_owned())]
        );
        for (code, key) in [
            (3000, "zoom.error.meeting_access"),
            (3003, "zoom.error.not_host"),
            (3043, "zoom.error.capacity"),
            (3161, "zoom.error.hosting_not_allowed"),
            (124, "zoom.error.invalid_token"),
            (4700, "zoom.error.missing_scope"),
            (9999, "zoom.error.rejected"),
        ] {
            assert_eq!(rejected(400, code, "m", &[]).key(), key);
        }
        assert_eq!(
            ZoomError::Auth {
                reason: "Invalid client_id or client_secret".into()
            }
            .key(),
            "zoom.error.credentials"
        );
    }

    /// Every key exists in both languages and its text uses no
    /// placeholder that `args` does not fill.
    #[test]
    fn every_key_reads_in_both_languages() {
        let errors = [
            ZoomError::RateLimited {
                retry_after: Duration::from_secs(3 * 3600 + 120),
                daily: true,
            },
            ZoomError::RateLimited {
                retry_after: QPS_WAIT,
                daily: false,
            },
            ZoomError::Unavailable("cannot connect".into()),
            ZoomError::NotReady("Meeting 1 is not found or has expired.".into()),
            ZoomError::Auth {
                reason: "unsupported grant type".into(),
            },
            rejected(404, 1001, "m", &[]),
            rejected(401, 124, "m", &[]),
            rejected(400, 300, "m", &["topic"]),
            rejected(400, 3000, "m", &[]),
            rejected(404, 3001, "m", &[]),
            rejected(400, 3003, "m", &[]),
            rejected(400, 3043, "m", &[]),
            rejected(400, 3161, "m", &[]),
            rejected(400, 4711, "m", &[]),
            rejected(409, 1, "m", &[]),
        ];
        for error in errors {
            for lang in Lang::ALL {
                let args = error.args();
                let args: Vec<(&str, &dyn fmt::Display)> = args
                    .iter()
                    .map(|(name, value)| (*name, value as &dyn fmt::Display))
                    .collect();
                let text = lang.tf(error.key(), &args);
                assert!(
                    text != "…" && !text.contains('{'),
                    "{}: {text}",
                    error.key()
                );
            }
        }
    }

    #[test]
    fn waits_read_naturally() {
        assert_eq!(wait_in_words(Duration::from_secs(2)), "2 s");
        assert_eq!(wait_in_words(Duration::from_secs(150)), "3 min");
        assert_eq!(
            wait_in_words(Duration::from_secs(5400 + 3600)),
            "2 h 30 min"
        );
    }
}
