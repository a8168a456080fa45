//! Dates and times as people in each language write them, always with the
//! zone's label ("Senin, 27 Juli 2020, 09.00–12.00 WIB"). Pages and e-mails
//! share these, so a time reads the same wherever it is shown.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;

use super::Lang;
use crate::domain::time::zone_label;

/// A day with its weekday, of a moment in its zone or of a plain date.
pub fn date(lang: Lang, at: &impl Datelike) -> String {
    let weekday = nth_word(
        lang.t("date.weekdays"),
        at.weekday().num_days_from_monday() as usize,
    );
    let month = nth_word(lang.t("date.months"), at.month0() as usize);
    lang.tf(
        "date.long",
        &[
            ("weekday", &weekday),
            ("day", &at.day()),
            ("month", &month),
            ("year", &at.year()),
        ],
    )
}

pub fn time(lang: Lang, at: &DateTime<Tz>) -> String {
    lang.tf(
        "date.time",
        &[
            ("hour", &format_args!("{:02}", at.hour())),
            ("minute", &format_args!("{:02}", at.minute())),
        ],
    )
}

/// The parts of a span in `zone`: start, end (with its date only when it
/// falls on another day) and the zone's label.
pub struct Span {
    pub start: DateTime<Tz>,
    pub end: DateTime<Tz>,
    pub start_text: String,
    pub end_text: String,
    pub label: String,
}

pub fn span(lang: Lang, start: DateTime<Utc>, end: DateTime<Utc>, zone: Tz) -> Span {
    let (start, end) = (start.with_timezone(&zone), end.with_timezone(&zone));
    let start_text = format!("{}, {}", date(lang, &start), time(lang, &start));
    let end_text = if start.date_naive() == end.date_naive() {
        time(lang, &end)
    } else {
        format!("{}, {}", date(lang, &end), time(lang, &end))
    };
    Span {
        label: zone_label(zone, start.to_utc()),
        start,
        end,
        start_text,
        end_text,
    }
}

impl Span {
    /// "09.00–12.00" on one day, "… – …" across days.
    pub fn dash(&self) -> &'static str {
        if self.start.date_naive() == self.end.date_naive() {
            "–"
        } else {
            " – "
        }
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}{} {}",
            self.start_text,
            self.dash(),
            self.end_text,
            self.label
        )
    }
}

/// A month of a year: "September 2026".
pub fn month(lang: Lang, year: i32, month: u32) -> String {
    let name = nth_word(lang.t("date.months"), month.saturating_sub(1) as usize);
    format!("{name} {year}")
}

fn nth_word(list: &str, n: usize) -> &str {
    list.split_whitespace().nth(n).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn one_day_in_indonesian_and_english() {
        let start = Utc.with_ymd_and_hms(2020, 7, 27, 2, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2020, 7, 27, 5, 30, 0).unwrap();
        assert_eq!(
            span(Lang::Id, start, end, Tz::Asia__Jakarta).to_string(),
            "Senin, 27 Juli 2020, 09.00–12.30 WIB"
        );
        assert_eq!(
            span(Lang::En, start, end, Tz::Asia__Jakarta).to_string(),
            "Monday 27 July 2020, 09:00–12:30 WIB"
        );
    }

    #[test]
    fn the_same_instant_in_each_zone() {
        let start = Utc.with_ymd_and_hms(2020, 7, 27, 2, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2020, 7, 29, 9, 0, 0).unwrap();
        assert_eq!(
            span(Lang::Id, start, end, Tz::Asia__Makassar).to_string(),
            "Senin, 27 Juli 2020, 10.00 – Rabu, 29 Juli 2020, 17.00 WITA"
        );
        assert_eq!(
            span(Lang::Id, start, end, Tz::Asia__Jayapura).to_string(),
            "Senin, 27 Juli 2020, 11.00 – Rabu, 29 Juli 2020, 18.00 WIT"
        );
    }
}
