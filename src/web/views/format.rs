//! Spans of time as text for the eye and `<time>` elements for machines.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};

use crate::i18n::Lang;

/// The language of what organisers write (titles, descriptions): they write
/// in Indonesian, so an English page marks it for screen readers.
pub fn authored(lang: Lang) -> Option<&'static str> {
    (lang != Lang::Id).then_some("id")
}

/// A moment with its zone's label: "Senin, 27 Juli 2020, 08.00 WIB".
pub fn moment(lang: Lang, at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{}, {} {}",
        crate::i18n::dates::date(lang, &local),
        crate::i18n::dates::time(lang, &local),
        crate::domain::time::zone_label(zone, at)
    )
}

pub fn span(lang: Lang, start: DateTime<Utc>, end: DateTime<Utc>, zone: Tz) -> Markup {
    let span = crate::i18n::dates::span(lang, start, end, zone);
    html! {
        time datetime=(span.start.to_rfc3339()) { (span.start_text) }
        (span.dash())
        time datetime=(span.end.to_rfc3339()) { (span.end_text) }
        " " (span.label)
    }
}

/// The same span on the reader's own clock, after the event's:
/// " / 10.00–11.30 WITA", with dates only when they differ from the event's.
pub fn own_clock(
    lang: Lang,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    event: Tz,
    own: Tz,
) -> Markup {
    let shown = crate::i18n::dates::span(lang, start, end, event);
    let mine = crate::i18n::dates::span(lang, start, end, own);
    let same_days = shown.start.date_naive() == mine.start.date_naive()
        && shown.end.date_naive() == mine.end.date_naive();
    let time = |at: &DateTime<Tz>| crate::i18n::dates::time(lang, at);
    html! {
        " / "
        @if same_days {
            time datetime=(mine.start.to_rfc3339()) { (time(&mine.start)) }
            (mine.dash())
            time datetime=(mine.end.to_rfc3339()) { (time(&mine.end)) }
            " " (mine.label)
        } @else {
            (span(lang, start, end, own))
        }
    }
}

/// Text typed into a multi-line field: paragraphs at blank lines, its
/// other line breaks kept.
pub fn paragraphs(text: &str) -> Markup {
    html! {
        @for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            p {
                @for (i, line) in paragraph.lines().enumerate() {
                    @if i > 0 { br; }
                    (line)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn machines_read_the_instant_with_its_offset() {
        let start = Utc.with_ymd_and_hms(2020, 7, 27, 2, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2020, 7, 29, 9, 0, 0).unwrap();
        let html = span(Lang::Id, start, end, Tz::Asia__Jayapura).into_string();
        assert!(
            html.contains(r#"<time datetime="2020-07-27T11:00:00+09:00">Senin, 27 Juli 2020, 11.00</time> – <time"#),
            "{html}"
        );
    }

    #[test]
    fn the_readers_own_clock_follows_the_event_time() {
        let start = Utc.with_ymd_and_hms(2020, 7, 27, 2, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2020, 7, 27, 3, 30, 0).unwrap();
        let html =
            own_clock(Lang::Id, start, end, Tz::Asia__Jakarta, Tz::Asia__Makassar).into_string();
        assert!(html.starts_with(" / <time"), "{html}");
        assert!(
            html.contains(">10.00</time>–<time") && html.ends_with(">11.30</time> WITA"),
            "{html}"
        );
    }
}
