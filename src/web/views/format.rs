//! Dates and times as people in each language write them, always with the
//! zone's label ("Senin, 27 Juli 2020, 09.00–12.00 WIB").

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};

use crate::domain::time::zone_label;
use crate::i18n::Lang;

pub fn date(lang: Lang, at: &DateTime<Tz>) -> String {
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

/// A span of time in `zone`, as text for the eye and `<time>` elements for
/// machines.
pub fn span(lang: Lang, start: DateTime<Utc>, end: DateTime<Utc>, zone: Tz) -> Markup {
    let (start, end) = (start.with_timezone(&zone), end.with_timezone(&zone));
    let label = zone_label(zone, start.to_utc());
    html! {
        @if start.date_naive() == end.date_naive() {
            time datetime=(start.to_rfc3339()) { (date(lang, &start)) ", " (time(lang, &start)) }
            "–"
            time datetime=(end.to_rfc3339()) { (time(lang, &end)) }
            " " (label)
        } @else {
            time datetime=(start.to_rfc3339()) { (date(lang, &start)) ", " (time(lang, &start)) }
            " – "
            time datetime=(end.to_rfc3339()) { (date(lang, &end)) ", " (time(lang, &end)) }
            " " (label)
        }
    }
}

fn nth_word(list: &str, n: usize) -> &str {
    list.split_whitespace().nth(n).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn text(markup: Markup) -> String {
        let html = markup.into_string();
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn one_day_in_indonesian_and_english() {
        let start = Utc.with_ymd_and_hms(2020, 7, 27, 2, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2020, 7, 27, 5, 30, 0).unwrap();
        assert_eq!(
            text(span(Lang::Id, start, end, Tz::Asia__Jakarta)),
            "Senin, 27 Juli 2020, 09.00–12.30 WIB"
        );
        assert_eq!(
            text(span(Lang::En, start, end, Tz::Asia__Jakarta)),
            "Monday 27 July 2020, 09:00–12:30 WIB"
        );
    }

    #[test]
    fn the_same_instant_in_each_zone() {
        let start = Utc.with_ymd_and_hms(2020, 7, 27, 2, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2020, 7, 29, 9, 0, 0).unwrap();
        assert_eq!(
            text(span(Lang::Id, start, end, Tz::Asia__Makassar)),
            "Senin, 27 Juli 2020, 10.00 – Rabu, 29 Juli 2020, 17.00 WITA"
        );
        assert_eq!(
            text(span(Lang::Id, start, end, Tz::Asia__Jayapura)),
            "Senin, 27 Juli 2020, 11.00 – Rabu, 29 Juli 2020, 18.00 WIT"
        );
        let html = span(Lang::Id, start, end, Tz::Asia__Jayapura).into_string();
        assert!(
            html.contains(r#"datetime="2020-07-27T11:00:00+09:00""#),
            "{html}"
        );
    }
}
