//! Spans of time as text for the eye and `<time>` elements for machines.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};

use crate::i18n::Lang;

pub fn span(lang: Lang, start: DateTime<Utc>, end: DateTime<Utc>, zone: Tz) -> Markup {
    let span = crate::i18n::dates::span(lang, start, end, zone);
    html! {
        time datetime=(span.start.to_rfc3339()) { (span.start_text) }
        (span.dash())
        time datetime=(span.end.to_rfc3339()) { (span.end_text) }
        " " (span.label)
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
}
