//! Which rows of a session count. Zoom's participant report (read through
//! the API or uploaded as its CSV) is the truth for a meeting instance;
//! webhooks are the live view until it arrives, then they step aside, so a
//! lost or doubled notification never outlives the report.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};

use super::Source;

/// What a session's rows say of where the truth is.
#[derive(Clone, Debug, Default)]
pub struct Truth<'a> {
    /// Meeting instances whose report was read or whose report rows are in.
    reported: HashSet<&'a str>,
    /// A report row without its instance (an uploaded CSV whose run is not
    /// known, see [`covered_run`]): it covers the whole session.
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

/// How far before a run's known start an uploaded report may say its
/// meeting began: clocks and roundings differ by a little.
const GRACE_MINUTES: i64 = 5;

/// The run of a session's meeting an uploaded report covers, from the
/// runs known (id, start, end if known) and when the file says its meeting
/// began (its meeting block, else its first join): the latest run started
/// by then and not ended before. `None` when none fits: the upload then
/// covers the whole session.
pub fn covered_run<'a>(
    runs: impl IntoIterator<Item = (&'a str, DateTime<Utc>, Option<DateTime<Utc>>)>,
    file_start: DateTime<Utc>,
) -> Option<&'a str> {
    runs.into_iter()
        .filter(|(_, started, ended)| {
            *started <= file_start + Duration::minutes(GRACE_MINUTES)
                && ended.is_none_or(|ended| file_start < ended)
        })
        .max_by_key(|(_, started, _)| *started)
        .map(|(run, _, _)| run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::attendance::at;

    #[test]
    fn an_upload_covers_the_run_its_meeting_began_in() {
        let runs = || {
            [
                ("first", at(2, 0, 0), Some(at(3, 0, 0))),
                ("second", at(3, 30, 0), None),
            ]
        };
        assert_eq!(covered_run(runs(), at(1, 58, 0)), Some("first"));
        assert_eq!(covered_run(runs(), at(2, 10, 0)), Some("first"));
        assert_eq!(covered_run(runs(), at(3, 29, 0)), Some("second"));
        assert_eq!(covered_run(runs(), at(3, 10, 0)), None);
        assert_eq!(covered_run(runs(), at(1, 0, 0)), None);
        assert_eq!(covered_run([], at(2, 0, 0)), None);
    }

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
