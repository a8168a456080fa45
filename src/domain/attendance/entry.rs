//! What organisers decide and type: an attendance entered by hand, and the
//! reason every decision carries.

use chrono::NaiveTime;
use chrono_tz::Tz;

use super::{Interval, Window};
use crate::domain::event::FieldError;
use crate::domain::text::Text;

/// An organiser's entry of someone's time in a session, as typed: `HH:MM`
/// on the session's (first) day in the event's zone; empty means the
/// session's own start or end.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EntryForm {
    pub session_id: String,
    pub from: String,
    pub until: String,
}

/// The interval the entry states, or the fields' messages.
pub fn check_entry(
    form: &EntryForm,
    window: Window,
    zone: Tz,
) -> Result<Interval, Vec<FieldError>> {
    let day = window.starts_at.with_timezone(&zone).date_naive();
    let mut errors = Vec::new();
    let mut at = |field: &'static str, raw: &str, default| match raw.trim() {
        "" => Some(default),
        raw => NaiveTime::parse_from_str(raw, "%H:%M")
            .ok()
            .and_then(|time| crate::domain::time::local_to_utc(zone, day.and_time(time)))
            .or_else(|| {
                errors.push(FieldError::new(field, "attendance.error.time"));
                None
            }),
    };
    let joined_at = at("from", &form.from, window.starts_at);
    let left_at = at("until", &form.until, window.ends_at);
    match (joined_at, left_at) {
        (Some(joined_at), Some(left_at)) if joined_at < left_at => {
            Ok(Interval { joined_at, left_at })
        }
        (Some(_), Some(_)) => Err(vec![FieldError::new(
            "until",
            "attendance.error.until_before_from",
        )]),
        _ => Err(errors),
    }
}

/// The reason an excuse, an override or an entry carries: required, one
/// line, the text rule's limit.
pub fn check_reason(raw: &str) -> Result<String, FieldError> {
    let reason = Text::LINE.check("reason", raw)?;
    if reason.is_empty() {
        Err(FieldError::new("reason", "attendance.error.reason"))
    } else {
        Ok(reason)
    }
}

#[cfg(test)]
mod tests {
    use super::super::at;
    use super::*;

    /// 09:00–11:00 UTC is 16:00–18:00 WIB.
    fn window() -> Window {
        Window {
            starts_at: at(9, 0, 0),
            ends_at: at(11, 0, 0),
        }
    }

    fn entry(from: &str, until: &str) -> Result<Interval, Vec<FieldError>> {
        let form = EntryForm {
            session_id: "s".into(),
            from: from.into(),
            until: until.into(),
        };
        check_entry(&form, window(), Tz::Asia__Jakarta)
    }

    #[test]
    fn times_are_read_on_the_sessions_day_in_the_events_zone() {
        assert_eq!(
            entry("16:10", "17:30"),
            Ok(Interval {
                joined_at: at(9, 10, 0),
                left_at: at(10, 30, 0)
            })
        );
        let whole = entry(" ", "").unwrap();
        assert_eq!(
            (whole.joined_at, whole.left_at),
            (at(9, 0, 0), at(11, 0, 0))
        );
    }

    #[test]
    fn a_wrong_time_is_named_by_its_field() {
        let fields = |r: Result<Interval, Vec<FieldError>>| -> Vec<(String, &str)> {
            r.unwrap_err()
                .into_iter()
                .map(|e| (e.field.into_owned(), e.message))
                .collect()
        };
        assert_eq!(
            fields(entry("jam 4", "25:00")),
            [
                ("from".to_owned(), "attendance.error.time"),
                ("until".to_owned(), "attendance.error.time")
            ]
        );
        assert_eq!(
            fields(entry("17:00", "16:30")),
            [("until".to_owned(), "attendance.error.until_before_from")]
        );
    }

    #[test]
    fn a_reason_is_required_and_one_line() {
        assert_eq!(check_reason("  Sakit  "), Ok("Sakit".to_owned()));
        assert_eq!(
            check_reason(" ").unwrap_err().message,
            "attendance.error.reason"
        );
        assert_eq!(
            check_reason("a\u{1b}b").unwrap_err().message,
            "text.error.control"
        );
    }
}
