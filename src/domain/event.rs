//! What an event (one bimtek) is, and the rules a new one must keep.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub organiser_office: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: Tz,
    pub published: bool,
}

impl Event {
    pub fn has_ended(&self, now: DateTime<Utc>) -> bool {
        self.ends_at < now
    }
}

#[derive(Clone, Debug)]
pub struct NewEvent {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub organiser_office: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: Tz,
    pub published: bool,
}

/// A broken rule, named by the field it concerns and a catalogue key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: &'static str,
}

pub const SLUG_MAX: usize = 80;

impl NewEvent {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field, message| errors.push(FieldError { field, message });
        if !is_valid_slug(&self.slug) {
            fail("slug", "event.error.slug");
        }
        if self.title.trim().is_empty() {
            fail("title", "event.error.title");
        }
        if self.organiser_office.trim().is_empty() {
            fail("organiser_office", "event.error.office");
        }
        if self.ends_at < self.starts_at {
            fail("ends_at", "event.error.ends_before_start");
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Lower-case letters, digits and single hyphens: safe in a URL and easy to
/// read aloud or type from a WhatsApp message.
pub fn is_valid_slug(slug: &str) -> bool {
    (3..=SLUG_MAX).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event() -> NewEvent {
        NewEvent {
            slug: "bimtek-tpbis-bengkulu".into(),
            title: "Bimbingan Teknis".into(),
            description: String::new(),
            organiser_office: "Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
            starts_at: Utc.with_ymd_and_hms(2020, 7, 27, 2, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2020, 7, 29, 9, 0, 0).unwrap(),
            time_zone: Tz::Asia__Jakarta,
            published: true,
        }
    }

    #[test]
    fn a_complete_event_is_valid() {
        assert_eq!(event().validate(), Ok(()));
    }

    #[test]
    fn each_broken_rule_names_its_field() {
        let mut bad = event();
        bad.slug = "Bimtek 2020".into();
        bad.title = "  ".into();
        bad.ends_at = bad.starts_at - chrono::Duration::hours(1);
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["slug", "title", "ends_at"]);
    }

    #[test]
    fn slugs_are_plain() {
        assert!(is_valid_slug("bimtek-2020"));
        for bad in [
            "ab",
            "-bimtek",
            "bimtek-",
            "bim--tek",
            "bimtek_2020",
            "bímtek",
        ] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
        assert!(!is_valid_slug(&"a".repeat(SLUG_MAX + 1)));
    }
}
