//! One participant in one session: the minutes and the status.

use super::{Rules, reaches};
use chrono::{DateTime, Duration, Utc};

/// A session's scheduled window, `[starts_at, ends_at)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl Window {
    pub fn minutes(&self) -> u32 {
        whole_minutes(self.ends_at - self.starts_at)
    }
}

/// Time a participant spent in the meeting, `[joined_at, left_at)`: one per
/// join, from any device. Only time in the meeting itself: callers leave out
/// waiting-room rows and events, as Zoom's report, its CSV and its webhooks
/// all mark them, so no interval here is ever waiting time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    pub joined_at: DateTime<Utc>,
    pub left_at: DateTime<Utc>,
}

/// What is known of a participant's presence in one session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence<'a> {
    /// Joins and leaves (webhooks, Zoom's report, a per-join CSV); empty when
    /// nothing was seen.
    Intervals(&'a [Interval]),
    /// A total without times (Zoom's "unique users" CSV): capped to the
    /// session, and since nobody knows when, never late nor early.
    Minutes(u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Reached the session's share of minutes; late and left-early are
    /// remarks on an attended session, not a lesser status.
    Present { late: bool, left_early: bool },
    /// Below the session's share of minutes, however little that was.
    Absent,
    /// Set by an organiser; wins over whatever the minutes say.
    Excused { reason: String },
}

/// One participant in one session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionAttendance {
    pub window: Window,
    pub attended_minutes: u32,
    pub scheduled_minutes: u32,
    /// First and last moment inside the window; unknown for a bare total.
    pub first_in: Option<DateTime<Utc>>,
    pub last_out: Option<DateTime<Utc>>,
    pub status: Status,
}

/// The union of `intervals` clipped to `window`, merged: reconnections and
/// a second device count once; empty and reversed intervals count nothing.
pub fn presence(window: Window, intervals: &[Interval]) -> Vec<Interval> {
    let mut clipped: Vec<Interval> = intervals
        .iter()
        .map(|i| Interval {
            joined_at: i.joined_at.max(window.starts_at),
            left_at: i.left_at.min(window.ends_at),
        })
        .filter(|i| i.joined_at < i.left_at)
        .collect();
    clipped.sort_by_key(|i| i.joined_at);
    let mut merged: Vec<Interval> = Vec::with_capacity(clipped.len());
    for interval in clipped {
        match merged.last_mut() {
            Some(last) if interval.joined_at <= last.left_at => {
                last.left_at = last.left_at.max(interval.left_at);
            }
            _ => merged.push(interval),
        }
    }
    merged
}

/// A session's result for one participant, by these rules in order:
/// 1. an organiser's excuse wins (`excused` holds its reason);
/// 2. absent when `attended * 100 < session_percent * scheduled`;
/// 3. otherwise present, and late when the first moment inside the window is
///    more than `late_after_minutes` after the start, left early when the
///    last is more than `left_early_minutes` before the end (exactly at the
///    threshold is neither); both may hold.
pub fn session_attendance(
    window: Window,
    evidence: Evidence,
    excused: Option<&str>,
    rules: &Rules,
) -> SessionAttendance {
    let scheduled_minutes = window.minutes();
    let (attended_minutes, first_in, last_out) = match evidence {
        Evidence::Intervals(intervals) => {
            let merged = presence(window, intervals);
            let total = merged
                .iter()
                .map(|i| i.left_at - i.joined_at)
                .fold(Duration::zero(), |sum, d| sum + d);
            (
                whole_minutes(total),
                merged.first().map(|i| i.joined_at),
                merged.last().map(|i| i.left_at),
            )
        }
        Evidence::Minutes(minutes) => (minutes.min(scheduled_minutes), None, None),
    };
    let status = match excused {
        Some(reason) => Status::Excused {
            reason: reason.to_owned(),
        },
        None if !reaches(attended_minutes, scheduled_minutes, rules.session_percent) => {
            Status::Absent
        }
        None => Status::Present {
            late: first_in
                .is_some_and(|t| t > window.starts_at + minutes(rules.late_after_minutes)),
            left_early: last_out
                .is_some_and(|t| t < window.ends_at - minutes(rules.left_early_minutes)),
        },
    };
    SessionAttendance {
        window,
        attended_minutes,
        scheduled_minutes,
        first_in,
        last_out,
        status,
    }
}

fn whole_minutes(d: Duration) -> u32 {
    u32::try_from(d.num_seconds().max(0) / 60).unwrap_or(u32::MAX)
}

fn minutes(m: u32) -> Duration {
    Duration::minutes(i64::from(m))
}

#[cfg(test)]
mod tests {
    use super::super::at;
    use super::*;

    fn span(from: (u32, u32), to: (u32, u32)) -> Interval {
        Interval {
            joined_at: at(from.0, from.1, 0),
            left_at: at(to.0, to.1, 0),
        }
    }

    /// 09:00–11:00, 120 minutes: 96 of them reach 80 %.
    fn morning() -> Window {
        Window {
            starts_at: at(9, 0, 0),
            ends_at: at(11, 0, 0),
        }
    }

    fn attend(intervals: &[Interval]) -> SessionAttendance {
        session_attendance(
            morning(),
            Evidence::Intervals(intervals),
            None,
            &Rules::default(),
        )
    }

    const ON_TIME: Status = Status::Present {
        late: false,
        left_early: false,
    };

    #[test]
    fn reconnections_count_once() {
        // Dropped at 09:40, back at 09:45; the rejoin overlaps the old row
        // by a minute, as Zoom's rows do when the old connection lingers.
        let a = attend(&[
            span((9, 0), (9, 40)),
            span((9, 45), (10, 30)),
            span((10, 29), (11, 0)),
        ]);
        assert_eq!(a.attended_minutes, 115);
        assert_eq!(a.status, ON_TIME);
    }

    #[test]
    fn a_second_device_counts_once() {
        let a = attend(&[span((9, 0), (11, 0)), span((9, 30), (10, 0))]);
        assert_eq!(a.attended_minutes, 120);
        let a = attend(&[span((9, 0), (10, 0)), span((9, 50), (10, 50))]);
        assert_eq!(a.attended_minutes, 110);
        assert_eq!(
            a.status,
            Status::Present {
                late: false,
                left_early: false
            }
        );
    }

    #[test]
    fn only_the_scheduled_window_counts() {
        // In early to test the microphone, stayed on after the closing.
        let a = attend(&[
            span((8, 30), (9, 10)),
            span((10, 0), (11, 45)),
            span((12, 0), (12, 30)),
        ]);
        assert_eq!(a.attended_minutes, 70);
        assert_eq!(a.first_in, Some(at(9, 0, 0)));
        assert_eq!(a.last_out, Some(at(11, 0, 0)));
        assert_eq!(a.status, Status::Absent);
        let early = attend(&[span((8, 0), (11, 0))]);
        assert_eq!((early.attended_minutes, early.status), (120, ON_TIME));
    }

    #[test]
    fn empty_and_reversed_intervals_count_nothing() {
        let a = attend(&[span((9, 30), (9, 30)), span((10, 0), (9, 0))]);
        assert_eq!(
            (a.attended_minutes, a.first_in, a.last_out),
            (0, None, None)
        );
        assert_eq!(a.status, Status::Absent);
        assert_eq!(attend(&[]).status, Status::Absent);
    }

    #[test]
    fn seconds_are_summed_before_flooring() {
        let half = |m| Interval {
            joined_at: at(9, m, 0),
            left_at: at(9, m, 30),
        };
        assert_eq!(attend(&[half(1), half(3)]).attended_minutes, 1);
        assert_eq!(attend(&[half(1)]).attended_minutes, 0);
    }

    #[test]
    fn late_is_after_the_threshold_not_at_it() {
        let from = |m, s| Interval {
            joined_at: at(9, m, s),
            left_at: at(11, 0, 0),
        };
        assert_eq!(attend(&[from(15, 0)]).status, ON_TIME);
        assert_eq!(
            attend(&[from(15, 1)]).status,
            Status::Present {
                late: true,
                left_early: false
            }
        );
    }

    #[test]
    fn left_early_is_before_the_threshold_not_at_it() {
        let until = |h, m, s| Interval {
            joined_at: at(9, 0, 0),
            left_at: at(h, m, s),
        };
        assert_eq!(attend(&[until(10, 45, 0)]).status, ON_TIME);
        assert_eq!(
            attend(&[until(10, 44, 59)]).status,
            Status::Present {
                late: false,
                left_early: true
            }
        );
    }

    #[test]
    fn late_and_left_early_together_when_minutes_suffice() {
        let a = attend(&[span((9, 16), (10, 44))]);
        assert_eq!(a.attended_minutes, 88);
        assert_eq!(a.status, Status::Absent);
        let rules = Rules {
            session_percent: 70,
            ..Rules::default()
        };
        let a = session_attendance(
            morning(),
            Evidence::Intervals(&[span((9, 16), (10, 44))]),
            None,
            &rules,
        );
        assert_eq!(
            a.status,
            Status::Present {
                late: true,
                left_early: true
            }
        );
    }

    #[test]
    fn absent_below_the_share_of_minutes() {
        // 96 of 120 minutes is exactly 80 %; 95 minutes 59 seconds is 95.
        assert_eq!(
            attend(&[span((9, 0), (10, 0)), span((10, 24), (11, 0))]).status,
            ON_TIME
        );
        let short = Interval {
            joined_at: at(10, 24, 1),
            left_at: at(11, 0, 0),
        };
        let a = attend(&[span((9, 0), (10, 0)), short]);
        assert_eq!((a.attended_minutes, a.status), (95, Status::Absent));
    }

    #[test]
    fn a_bare_total_is_capped_and_never_late() {
        let total =
            |m| session_attendance(morning(), Evidence::Minutes(m), None, &Rules::default());
        assert_eq!(total(150).attended_minutes, 120);
        assert_eq!(total(96).status, ON_TIME);
        assert_eq!(total(95).status, Status::Absent);
    }

    #[test]
    fn an_excuse_wins_over_the_minutes() {
        let a = session_attendance(
            morning(),
            Evidence::Intervals(&[span((9, 0), (9, 30))]),
            Some("Tugas dinas"),
            &Rules::default(),
        );
        assert_eq!(a.attended_minutes, 30);
        assert_eq!(
            a.status,
            Status::Excused {
                reason: "Tugas dinas".into()
            }
        );
    }
}
