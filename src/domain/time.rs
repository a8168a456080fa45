//! Time zones as Indonesians name them: every time shown carries its label.

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// Indonesia's three zones by their everyday names; other IANA zones keep
/// their own abbreviation, or a plain UTC offset when they have none.
pub fn zone_label(zone: Tz, at: DateTime<Utc>) -> String {
    match zone {
        Tz::Asia__Jakarta | Tz::Asia__Pontianak => "WIB".into(),
        Tz::Asia__Makassar => "WITA".into(),
        Tz::Asia__Jayapura => "WIT".into(),
        _ => {
            let local = at.with_timezone(&zone);
            let abbreviation = local.format("%Z").to_string();
            if abbreviation.starts_with(['+', '-']) {
                utc_offset_label(local.offset().fix().local_minus_utc())
            } else {
                abbreviation
            }
        }
    }
}

fn utc_offset_label(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    match minutes % 60 {
        0 => format!("UTC{sign}{}", minutes / 60),
        m => format!("UTC{sign}{}:{m:02}", minutes / 60),
    }
}

/// Accepts an IANA name (`Asia/Makassar`) or one of the Indonesian labels.
pub fn parse_zone(name: &str) -> Option<Tz> {
    match name.trim().to_ascii_uppercase().as_str() {
        "WIB" => Some(Tz::Asia__Jakarta),
        "WITA" => Some(Tz::Asia__Makassar),
        "WIT" => Some(Tz::Asia__Jayapura),
        _ => name.trim().parse().ok(),
    }
}

/// The instant at which a wall-clock time happens in `zone`; for a time a
/// daylight-saving jump skips or repeats, the earliest valid instant.
pub fn local_to_utc(zone: Tz, local: chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
    let resolved = zone.from_local_datetime(&local);
    resolved
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|at| at.with_timezone(&Utc))
}

/// A date or time that is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidTime;

/// Reads a date (YYYY-MM-DD) and a time (HH:MM, midnight when empty), as
/// typed into a form, in `zone`; `None` when both are empty.
pub fn parse_local(zone: Tz, date: &str, time: &str) -> Result<Option<DateTime<Utc>>, InvalidTime> {
    if date.trim().is_empty() && time.trim().is_empty() {
        return Ok(None);
    }
    let date =
        chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| InvalidTime)?;
    let time = match time.trim() {
        "" => chrono::NaiveTime::MIN,
        t => chrono::NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| InvalidTime)?,
    };
    local_to_utc(zone, date.and_time(time))
        .map(Some)
        .ok_or(InvalidTime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn indonesian_zones_have_their_names() {
        let t = at(2020, 7, 27, 2);
        assert_eq!(zone_label(Tz::Asia__Jakarta, t), "WIB");
        assert_eq!(zone_label(Tz::Asia__Pontianak, t), "WIB");
        assert_eq!(zone_label(Tz::Asia__Makassar, t), "WITA");
        assert_eq!(zone_label(Tz::Asia__Jayapura, t), "WIT");
    }

    #[test]
    fn other_zones_keep_abbreviation_or_offset() {
        assert_eq!(
            zone_label(Tz::Europe__Amsterdam, at(2020, 7, 27, 2)),
            "CEST"
        );
        assert_eq!(zone_label(Tz::Europe__Amsterdam, at(2020, 1, 27, 2)), "CET");
        assert_eq!(zone_label(Tz::Asia__Kolkata, at(2020, 1, 27, 2)), "IST");
        assert_eq!(zone_label(Tz::Asia__Singapore, at(2020, 1, 27, 2)), "UTC+8");
        assert_eq!(
            zone_label(Tz::Asia__Kathmandu, at(2020, 1, 27, 2)),
            "UTC+5:45"
        );
        assert_eq!(zone_label(Tz::UTC, at(2020, 1, 27, 2)), "UTC");
    }

    #[test]
    fn parses_labels_and_iana_names() {
        assert_eq!(parse_zone("wita"), Some(Tz::Asia__Makassar));
        assert_eq!(parse_zone("Asia/Jayapura"), Some(Tz::Asia__Jayapura));
        assert_eq!(parse_zone("Mars/Olympus"), None);
    }

    #[test]
    fn nine_in_the_morning_is_one_instant_per_zone() {
        let nine = NaiveDate::from_ymd_opt(2020, 7, 27)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        assert_eq!(
            local_to_utc(Tz::Asia__Jakarta, nine),
            Some(at(2020, 7, 27, 2))
        );
        assert_eq!(
            local_to_utc(Tz::Asia__Makassar, nine),
            Some(at(2020, 7, 27, 1))
        );
        assert_eq!(
            local_to_utc(Tz::Asia__Jayapura, nine),
            Some(at(2020, 7, 27, 0))
        );
    }

    #[test]
    fn a_skipped_local_time_moves_forward() {
        // 02:30 does not exist in Amsterdam on the last Sunday of March 2020.
        let skipped = NaiveDate::from_ymd_opt(2020, 3, 29)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        let resolved = local_to_utc(Tz::Europe__Amsterdam, skipped).unwrap();
        assert_eq!(
            resolved,
            Utc.with_ymd_and_hms(2020, 3, 29, 1, 30, 0).unwrap()
        );
    }
}
