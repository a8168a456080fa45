//! Which rows of a session count. Zoom's participant report (read through
//! the API or uploaded as its CSV) is the truth for a meeting instance;
//! webhooks are the live view until it arrives, then they step aside, so a
//! lost or doubled notification never outlives the report.

use std::collections::HashSet;

use super::Source;

/// What a session's rows say of where the truth is.
#[derive(Clone, Debug, Default)]
pub struct Truth<'a> {
    /// Meeting instances whose report was read or whose report rows are in.
    reported: HashSet<&'a str>,
    /// A report row without its instance (an uploaded CSV names none): the
    /// organiser brought the meeting's report, which covers all of it.
    whole_session: bool,
}

impl<'a> Truth<'a> {
    /// From the session's rows (their source and meeting instance) and the
    /// instances whose report Zoom gave (even with nobody in it).
    pub fn new(
        rows: impl IntoIterator<Item = (Source, Option<&'a str>)>,
        read: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut truth = Truth {
            reported: read.into_iter().collect(),
            whole_session: false,
        };
        for (source, meeting) in rows {
            if matches!(source, Source::Report | Source::Csv) {
                match meeting {
                    Some(meeting) => {
                        truth.reported.insert(meeting);
                    }
                    None => truth.whole_session = true,
                }
            }
        }
        truth
    }

    /// Whether a row from `source` in `meeting` counts: every row but a
    /// webhook's whose instance has its report.
    pub fn counts(&self, source: Source, meeting: Option<&str>) -> bool {
        source != Source::Webhook
            || !(self.whole_session || meeting.is_some_and(|m| self.reported.contains(m)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_count_until_their_instance_has_its_report() {
        let rows = [
            (Source::Webhook, Some("first")),
            (Source::Webhook, Some("second")),
            (Source::Report, Some("first")),
        ];
        let truth = Truth::new(rows, []);
        assert!(!truth.counts(Source::Webhook, Some("first")));
        assert!(truth.counts(Source::Webhook, Some("second")));
        assert!(truth.counts(Source::Report, Some("first")));
        for other in [Source::Csv, Source::CheckIn, Source::Manual] {
            assert!(truth.counts(other, None));
        }
    }

    #[test]
    fn a_report_read_with_nobody_of_ours_still_ends_the_live_view() {
        let truth = Truth::new([(Source::Webhook, Some("first"))], ["first"]);
        assert!(!truth.counts(Source::Webhook, Some("first")));
    }

    #[test]
    fn an_uploaded_report_without_its_instance_covers_the_session() {
        let truth = Truth::new([(Source::Csv, None), (Source::Webhook, Some("first"))], []);
        assert!(!truth.counts(Source::Webhook, Some("first")));
        assert!(!truth.counts(Source::Webhook, None));
        assert!(truth.counts(Source::Manual, None));
        let live = Truth::new([(Source::Manual, None)], []);
        assert!(live.counts(Source::Webhook, None));
    }
}
