//! Zoom's webhook deliveries: checking that one comes from Zoom, answering
//! its URL-validation challenge, and reading what it says. Pure: no IO, and
//! the clock is the caller's, so the shared test vectors (signed in March
//! 2026) are checked at the times they were made for.
//!
//! `shared/zoom/SPEC.md` §5: the signature is HMAC-SHA256, keyed with the
//! subscription's secret token, over `v0:{x-zm-request-timestamp}:{body}`,
//! sent as `v0=` and lowercase hex. It covers the body's bytes as received:
//! a re-serialised body (`Ö` written as `\u00d6`) has another signature.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::secret::Secret;

/// The subscription's secret token and how far a delivery's signed time
/// may be from ours.
#[derive(Clone, Debug)]
pub struct Verifier {
    secret: Secret,
    tolerance: Duration,
}

/// Why a delivery was refused; each is answered 401, which Zoom does not
/// retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No timestamp or no signature header.
    Unsigned,
    /// Not signed with our secret over these bytes and this timestamp.
    BadSignature,
    /// Signed, but at a time further from now than the tolerance: a replay
    /// of a captured delivery, or a clock far off.
    Stale,
}

impl Verifier {
    pub fn new(secret: Secret, tolerance: Duration) -> Verifier {
        Verifier { secret, tolerance }
    }

    /// Whether `body` with these headers was signed by Zoom with our secret
    /// within the tolerance of `now`. The signature is checked first, so a
    /// forger learns nothing of the clock; the comparison takes the same
    /// time however much of the signature is right.
    pub fn verify(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
            return Err(Refusal::Unsigned);
        };
        let sent = signature
            .strip_prefix("v0=")
            .and_then(from_hex)
            .ok_or(Refusal::BadSignature)?;
        mac(&self.secret, timestamp, body)
            .verify_slice(&sent)
            .map_err(|_| Refusal::BadSignature)?;
        let signed_at: i64 = timestamp.parse().map_err(|_| Refusal::Stale)?;
        let tolerance = i64::try_from(self.tolerance.as_secs()).unwrap_or(i64::MAX);
        match now.timestamp().checked_sub(signed_at) {
            Some(age) if age.checked_abs().is_some_and(|age| age <= tolerance) => Ok(()),
            _ => Err(Refusal::Stale),
        }
    }

    /// The answer to Zoom's URL-validation challenge (after [`verify`]:
    /// the challenge is signed too): the token and its HMAC.
    ///
    /// [`verify`]: Verifier::verify
    pub fn url_validation(&self, plain_token: &str) -> Value {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.expose().as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(plain_token.as_bytes());
        serde_json::json!({
            "plainToken": plain_token,
            "encryptedToken": to_hex(&mac.finalize().into_bytes()),
        })
    }
}

fn mac(secret: &Secret, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

/// `x-zm-signature` for `body` sent at `timestamp`, as Zoom computes it
/// (the tests and the benchmark sign their deliveries with it).
pub fn signature(secret: &Secret, timestamp: &str, body: &[u8]) -> String {
    format!(
        "v0={}",
        to_hex(&mac(secret, timestamp, body).finalize().into_bytes())
    )
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// What a delivery is about, as far as bimtek acts on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    UrlValidation,
    MeetingStarted,
    MeetingEnded,
    ParticipantJoined,
    ParticipantLeft,
    /// Anything else, the waiting-room events among them
    /// (`meeting.participant_joined_waiting_room`, `…_left_waiting_room`,
    /// `…_put_in_waiting_room`, `…_jbh_waiting`): kept, not attendance.
    Other,
}

impl Kind {
    fn of(event: &str) -> Kind {
        match event {
            "endpoint.url_validation" => Kind::UrlValidation,
            "meeting.started" => Kind::MeetingStarted,
            "meeting.ended" => Kind::MeetingEnded,
            "meeting.participant_joined" => Kind::ParticipantJoined,
            "meeting.participant_left" => Kind::ParticipantLeft,
            _ => Kind::Other,
        }
    }
}

/// The meeting a delivery is about (`payload.object`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meeting {
    /// The meeting's number, sent as a JSON number or a string.
    pub id: Option<i64>,
    /// The instance: one per run of the meeting.
    pub uuid: Option<String>,
    pub start_time: Option<DateTime<Utc>>,
    /// `meeting.ended` only.
    pub end_time: Option<DateTime<Utc>>,
}

/// The person of a participant event (`payload.object.participant`). Any
/// text Zoom leaves out, sends as `null` or as `""` is `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Participant {
    /// Zoom's id of this one join; a reconnection gets another.
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    /// The Zoom account of someone signed in.
    pub zoom_user_id: Option<String>,
    pub email: Option<String>,
    pub registrant_id: Option<String>,
    pub join_time: Option<DateTime<Utc>>,
    pub leave_time: Option<DateTime<Utc>>,
}

/// A verified delivery, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Zoom's event name, e.g. `meeting.participant_joined`.
    pub event: String,
    pub kind: Kind,
    /// When it happened on Zoom's side, Unix milliseconds (0: not said).
    pub event_ts: i64,
    pub meeting: Meeting,
    pub participant: Option<Participant>,
    /// The URL-validation challenge's token.
    pub plain_token: Option<String>,
    /// The same event delivered again has the same key: see [`Delivery::parse`].
    pub dedup_key: String,
}

/// A body that is not a JSON object.
#[derive(Debug, thiserror::Error)]
#[error("not a JSON object: {0}")]
pub struct Unreadable(String);

impl Delivery {
    /// Reads a body leniently: a field missing or of an unexpected type is
    /// taken as not sent, so that any signed JSON object can be kept.
    ///
    /// The key names the event by what makes it that event (SPEC §5.5):
    /// a participant's by the meeting instance, the join's `user_id` and its
    /// time; a meeting's start or end by the instance. Anything else, or an
    /// event lacking those parts, by the digest of its bytes, so that only
    /// the very same delivery counts as a redelivery.
    pub fn parse(body: &str) -> Result<Delivery, Unreadable> {
        let value: Value = serde_json::from_str(body).map_err(|e| Unreadable(e.to_string()))?;
        if !value.is_object() {
            return Err(Unreadable("another JSON value".into()));
        }
        let event = text(&value["event"]).unwrap_or_default();
        let kind = Kind::of(&event);
        let payload = &value["payload"];
        let object = &payload["object"];
        let meeting = Meeting {
            id: match &object["id"] {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            },
            uuid: text(&object["uuid"]),
            start_time: time(&object["start_time"]),
            end_time: time(&object["end_time"]),
        };
        let person = &object["participant"];
        let participant = person.is_object().then(|| Participant {
            user_id: text(&person["user_id"]),
            user_name: text(&person["user_name"]),
            zoom_user_id: text(&person["id"]),
            email: text(&person["email"]),
            registrant_id: text(&person["registrant_id"]),
            join_time: time(&person["join_time"]),
            leave_time: time(&person["leave_time"]),
        });
        let natural = match (kind, &meeting.uuid, &participant) {
            (Kind::MeetingStarted | Kind::MeetingEnded, Some(uuid), _) => {
                Some(format!("{event}:{uuid}"))
            }
            (Kind::ParticipantJoined | Kind::ParticipantLeft, Some(uuid), Some(person)) => {
                let at = match kind {
                    Kind::ParticipantJoined => person.join_time,
                    _ => person.leave_time,
                };
                person.user_id.as_ref().zip(at).map(|(user, at)| {
                    let at = at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                    format!("{event}:{uuid}:{user}:{at}")
                })
            }
            _ => None,
        };
        let dedup_key = natural.unwrap_or_else(|| {
            let digest: String = to_hex(&Sha256::digest(body.as_bytes()));
            format!("{event}:sha256:{digest}")
        });
        Ok(Delivery {
            kind,
            event_ts: value["event_ts"].as_i64().unwrap_or(0),
            meeting,
            participant,
            plain_token: text(&payload["plainToken"]),
            dedup_key,
            event,
        })
    }

    /// When it happened on Zoom's side, if it says.
    pub fn happened_at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_millis(self.event_ts).filter(|_| self.event_ts > 0)
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn time(value: &Value) -> Option<DateTime<Utc>> {
    value
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
        .map(|at| at.to_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNED: &str =
        include_str!("../../../tests/api/support/fixtures/zoom-signed-webhooks.json");
    const VALIDATION: &str =
        include_str!("../../../tests/api/support/fixtures/zoom-url-validation.json");

    fn vectors(file: &str) -> Vec<Value> {
        let all: Value = serde_json::from_str(file).unwrap();
        all["cases"].as_array().unwrap().clone()
    }

    fn case(name: &str) -> Value {
        vectors(SIGNED)
            .into_iter()
            .find(|c| c["name"] == name)
            .unwrap()
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    fn secret_of(case: &Value) -> Secret {
        let secret = case["secret_token"]
            .as_str()
            .or(case["configured_secret_token"].as_str());
        Secret::new(secret.unwrap())
    }

    fn check(case: &Value, body: &str, signature: &str, now: i64) -> Result<(), Refusal> {
        let verifier = Verifier::new(secret_of(case), Duration::from_secs(300));
        let timestamp = case["x-zm-request-timestamp"].as_str();
        verifier.verify(timestamp, Some(signature), body.as_bytes(), at(now))
    }

    /// Each vector at the receiver's clock it was made for: its own
    /// timestamp, or the stale one's stated clock.
    #[test]
    fn the_signed_vectors_pass_and_the_two_bad_ones_are_refused() {
        for case in vectors(SIGNED) {
            let body = case["raw_body"].as_str().unwrap();
            let signed_at: i64 = case["x-zm-request-timestamp"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            let now = case["expected"]["receiver_clock_epoch_seconds"]
                .as_i64()
                .unwrap_or(signed_at);
            let result = check(&case, body, case["x-zm-signature"].as_str().unwrap(), now);
            let expected = match case["expected"]["verify"].as_str().unwrap() {
                "valid" => Ok(()),
                "invalid_signature" => Err(Refusal::BadSignature),
                "stale_timestamp" => Err(Refusal::Stale),
                other => panic!("unknown expectation {other}"),
            };
            assert_eq!(result, expected, "{}", case["name"]);
            assert_eq!(
                body.len() as u64,
                case["raw_body_utf8_length"].as_u64().unwrap(),
                "{}: the body is used as its bytes",
                case["name"]
            );
            if expected.is_ok() {
                assert_eq!(
                    signature(&secret_of(&case), &signed_at.to_string(), body.as_bytes()),
                    case["x-zm-signature"].as_str().unwrap()
                );
            }
        }
    }

    #[test]
    fn the_wrong_secrets_signature_would_be_ours_with_the_configured_one() {
        let case = case("invalid_wrong_secret");
        let ours = case["signature_with_configured_secret_would_be"]
            .as_str()
            .unwrap();
        let body = case["raw_body"].as_str().unwrap();
        assert_eq!(check(&case, body, ours, 1773651731), Ok(()));
    }

    #[test]
    fn the_signature_covers_the_bytes_not_the_json_value() {
        let case = case("participant_joined_non_ascii_name");
        let raw = case["raw_body"].as_str().unwrap();
        let escaped = &case["escaped_variant"];
        let escaped_body = escaped["raw_body"].as_str().unwrap();
        let escaped_signature = escaped["x-zm-signature"].as_str().unwrap();
        let now = 1773651681;
        assert_eq!(check(&case, escaped_body, escaped_signature, now), Ok(()));
        assert_eq!(
            check(&case, raw, escaped_signature, now),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            check(
                &case,
                escaped_body,
                case["x-zm-signature"].as_str().unwrap(),
                now
            ),
            Err(Refusal::BadSignature)
        );
        // Both are the same delivery once read.
        let (a, b) = (
            Delivery::parse(raw).unwrap(),
            Delivery::parse(escaped_body).unwrap(),
        );
        assert_eq!(
            a.participant.as_ref().unwrap().user_name.as_deref(),
            Some("Siti Nurhaliza \u{d6}")
        );
        assert_eq!(a, b);
    }

    #[test]
    fn tolerance_holds_both_ways_and_a_missing_header_is_unsigned() {
        let case = case("participant_joined_alice");
        let body = case["raw_body"].as_str().unwrap();
        let sig = case["x-zm-signature"].as_str().unwrap();
        let ts = 1773651731;
        assert_eq!(check(&case, body, sig, ts + 300), Ok(()));
        assert_eq!(check(&case, body, sig, ts - 300), Ok(()));
        assert_eq!(check(&case, body, sig, ts + 301), Err(Refusal::Stale));
        assert_eq!(check(&case, body, sig, ts - 301), Err(Refusal::Stale));
        let verifier = Verifier::new(secret_of(&case), Duration::from_secs(300));
        let now = at(ts);
        assert_eq!(
            verifier.verify(None, Some(sig), body.as_bytes(), now),
            Err(Refusal::Unsigned)
        );
        assert_eq!(
            verifier.verify(Some("1773651731"), None, body.as_bytes(), now),
            Err(Refusal::Unsigned)
        );
        for bad in [
            "",
            "v0=",
            "v1=1532a7b7ef4d88a80d30c88d63bb4a73576adb96329ce6d0cab017528d76f7e7",
            "v0=1532a7b7ef4d88a80d30c88d63bb4a73576adb96329ce6d0cab017528d76f7e",
            "v0=zz32a7b7ef4d88a80d30c88d63bb4a73576adb96329ce6d0cab017528d76f7e7",
            "v0=1532a7b7ef4d88a80d30c88d63bb4a73576adb96329ce6d0cab017528d76f7e7ff",
            "v0=1532a7b7ef4d88a80d30c88d63bb4a73576adb96329ce6d0cab017528d76f7e8",
        ] {
            assert_eq!(
                check(&case, body, bad, ts),
                Err(Refusal::BadSignature),
                "{bad:?}"
            );
        }
        // The timestamp is part of what is signed.
        assert_eq!(
            verifier.verify(Some("1773651732"), Some(sig), body.as_bytes(), now),
            Err(Refusal::BadSignature)
        );
    }

    #[test]
    fn the_url_validation_challenges_are_answered() {
        for case in vectors(VALIDATION) {
            let secret = Secret::new(case["secret_token"].as_str().unwrap());
            let verifier = Verifier::new(secret, Duration::from_secs(300));
            let request = &case["request"];
            let body = request["raw_body"].as_str().unwrap();
            let timestamp = request["headers"]["x-zm-request-timestamp"]
                .as_str()
                .unwrap();
            let signed_at = timestamp.parse().unwrap();
            assert_eq!(
                verifier.verify(
                    Some(timestamp),
                    request["headers"]["x-zm-signature"].as_str(),
                    body.as_bytes(),
                    at(signed_at)
                ),
                Ok(())
            );
            let delivery = Delivery::parse(body).unwrap();
            assert_eq!(delivery.kind, Kind::UrlValidation);
            let token = delivery.plain_token.unwrap();
            assert_eq!(token, case["plainToken"].as_str().unwrap());
            let expected: Value =
                serde_json::from_str(case["expected_response_body"].as_str().unwrap()).unwrap();
            assert_eq!(verifier.url_validation(&token), expected);
        }
    }

    #[test]
    fn deliveries_are_read_whatever_zoom_leaves_out() {
        let joined = Delivery::parse(
            case("participant_joined_alice")["raw_body"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(joined.kind, Kind::ParticipantJoined);
        assert_eq!(joined.meeting.id, Some(85746065123));
        assert_eq!(
            joined.meeting.uuid.as_deref(),
            Some("/aB3//kLm9QxZ2pTqW7eYw==")
        );
        assert_eq!(joined.event_ts, 1773651730412);
        let alice = joined.participant.as_ref().unwrap();
        assert_eq!(alice.user_id.as_deref(), Some("16779264"));
        assert_eq!(alice.zoom_user_id, None);
        assert_eq!(
            alice.registrant_id.as_deref(),
            Some("r7QeXkT3S0uB1mN9aZpL2w")
        );
        assert_eq!(
            alice.join_time.map(|t| t.to_rfc3339()),
            Some("2026-03-16T09:02:10+00:00".into())
        );
        assert_eq!(
            joined.dedup_key,
            "meeting.participant_joined:/aB3//kLm9QxZ2pTqW7eYw==:16779264:2026-03-16T09:02:10Z"
        );

        let carlos = Delivery::parse(
            case("participant_joined_missing_email")["raw_body"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        let carlos = carlos.participant.unwrap();
        assert_eq!((carlos.email, carlos.registrant_id), (None, None));
        assert_eq!(carlos.user_name.as_deref(), Some("iPhone de Carlos"));

        // A number for the meeting, null and "" for the person's texts.
        let body = r#"{"event":"meeting.participant_left","event_ts":5,"payload":{"object":{"id":85746065123,"uuid":"u1","participant":{"user_id":16779264,"user_name":null,"email":"","registrant_id":null,"leave_time":"2026-03-16T09:47:40Z"}}}}"#;
        let left = Delivery::parse(body).unwrap();
        assert_eq!(left.meeting.id, Some(85746065123));
        let person = left.participant.unwrap();
        assert_eq!(person.user_id.as_deref(), Some("16779264"));
        assert_eq!(
            (person.user_name, person.email, person.registrant_id),
            (None, None, None)
        );

        let ended = Delivery::parse(case("meeting_ended")["raw_body"].as_str().unwrap()).unwrap();
        assert_eq!(ended.kind, Kind::MeetingEnded);
        assert_eq!(
            ended.meeting.end_time.map(|t| t.to_rfc3339()),
            Some("2026-03-16T11:00:00+00:00".into())
        );
        assert_eq!(ended.dedup_key, "meeting.ended:/aB3//kLm9QxZ2pTqW7eYw==");
    }

    #[test]
    fn other_events_are_kept_under_the_digest_of_their_bytes() {
        let body = r#"{"event":"meeting.participant_left_waiting_room","event_ts":1,"payload":{"object":{"id":1,"uuid":"u","participant":{"user_id":"9","date_time":"2026-03-16T09:00:00Z"}}}}"#;
        let waiting = Delivery::parse(body).unwrap();
        assert_eq!(waiting.kind, Kind::Other);
        assert!(
            waiting
                .dedup_key
                .starts_with("meeting.participant_left_waiting_room:sha256:"),
            "{}",
            waiting.dedup_key
        );
        assert_eq!(Delivery::parse(body).unwrap().dedup_key, waiting.dedup_key);
        let other = body.replace("\"event_ts\":1", "\"event_ts\":2");
        assert_ne!(
            Delivery::parse(&other).unwrap().dedup_key,
            waiting.dedup_key
        );
        // A join without its time cannot be named by it.
        let timeless = r#"{"event":"meeting.participant_joined","payload":{"object":{"uuid":"u","participant":{"user_id":"9"}}}}"#;
        assert!(
            Delivery::parse(timeless)
                .unwrap()
                .dedup_key
                .contains(":sha256:")
        );
        assert!(Delivery::parse("[1]").is_err());
        assert!(Delivery::parse("not json").is_err());
    }
}
