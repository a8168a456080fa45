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

impl Interval {
    /// A join as a source recorded it: a join whose leave is not known yet
    /// (still in the meeting, or the leave not delivered yet) lasts until
    /// `open_until` (the meeting's end when known, else now); a leave seen
    /// without its join says nothing of when they came, so it counts nothing.
    pub fn of_join(
        joined_at: Option<DateTime<Utc>>,
        left_at: Option<DateTime<Utc>>,
        open_until: DateTime<Utc>,
    ) -> Option<Interval> {
        Some(Interval {
            joined_at: joined_at?,
            left_at: left_at.unwrap_or(open_until),
        })
    }
}

/// What is known of a participant's presence in one session; any part may
/// be there at once (a session held on Zoom and in the room).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evidence<'a> {
    /// Joins and leaves (webhooks, Zoom's report, a per-join CSV, an
    /// organiser's entry); empty when nothing was seen.
    pub intervals: &'a [Interval],
    /// Totals without times (Zoom's "unique users" CSV), summed: capped to
    /// the session, and since nobody knows when, never late nor early.
    pub minutes: Option<u32>,
    /// When they entered the session's check-in code. Someone who checked
    /// in was there: the session counts in full (the organiser's check-in
    /// window bounds it), late when the check-in is after start + late.
    pub checked_in: Option<DateTime<Utc>>,
}

impl<'a> Evidence<'a> {
    pub fn intervals(intervals: &'a [Interval]) -> Self {
        Evidence {
            intervals,
            ..Evidence::default()
        }
    }

    pub fn minutes(minutes: u32) -> Self {
        Evidence {
            minutes: Some(minutes),
            ..Evidence::default()
        }
    }

    pub fn checked_in(at: DateTime<Utc>) -> Self {
        Evidence {
            checked_in: Some(at),
            ..Evidence::default()
        }
    }
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
    /// First and last moment inside the window (first: or the check-in,
    /// when earlier); unknown for a bare total.
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
/// 2. the minutes are the larger of the intervals' union inside the window
///    and the bare totals (each alone is a lower bound, adding them could
///    count a minute twice), capped to the session; a check-in makes them
///    the whole session, and since nobody checks out, never left early;
/// 3. absent when `attended * 100 < session_percent * scheduled`;
/// 4. otherwise present, and late when the first moment inside the window
///    (or the check-in, if earlier) is more than `late_after_minutes` after
///    the start, left early when the last is more than `left_early_minutes`
///    before the end (exactly at the threshold is neither); both may hold.
pub fn session_attendance(
    window: Window,
    evidence: Evidence,
    excused: Option<&str>,
    rules: &Rules,
) -> SessionAttendance {
    let scheduled_minutes = window.minutes();
    let merged = presence(window, evidence.intervals);
    let joined = whole_minutes(
        merged
            .iter()
            .map(|i| i.left_at - i.joined_at)
            .fold(Duration::zero(), |sum, d| sum + d),
    );
    let mut attended_minutes = joined
        .max(evidence.minutes.unwrap_or(0))
        .min(scheduled_minutes);
    let mut first_in = merged.first().map(|i| i.joined_at);
    let mut last_out = merged.last().map(|i| i.left_at);
    if let Some(at) = evidence.checked_in {
        // Nobody checks out of a room: when they left is not known.
        attended_minutes = scheduled_minutes;
        first_in = Some(first_in.map_or(at, |t| t.min(at)));
        last_out = None;
    }
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
            Evidence::intervals(intervals),
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
            Evidence::intervals(&[span((9, 16), (10, 44))]),
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
            |m| session_attendance(morning(), Evidence::minutes(m), None, &Rules::default());
        assert_eq!(total(150).attended_minutes, 120);
        assert_eq!(total(96).status, ON_TIME);
        assert_eq!(total(95).status, Status::Absent);
    }

    #[test]
    fn an_excuse_wins_over_the_minutes() {
        let a = session_attendance(
            morning(),
            Evidence::intervals(&[span((9, 0), (9, 30))]),
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

    #[test]
    fn a_check_in_counts_the_whole_session_and_is_late_after_the_threshold() {
        let check_in = |h, m| {
            session_attendance(
                morning(),
                Evidence::checked_in(at(h, m, 0)),
                None,
                &Rules::default(),
            )
        };
        let early = check_in(8, 50);
        assert_eq!((early.attended_minutes, early.status), (120, ON_TIME));
        assert_eq!((early.first_in, early.last_out), (Some(at(8, 50, 0)), None));
        assert_eq!(check_in(9, 15).status, ON_TIME);
        assert_eq!(
            check_in(9, 16).status,
            Status::Present {
                late: true,
                left_early: false
            }
        );
        // Zoom on the side does not make a check-in later than it was.
        let both = session_attendance(
            morning(),
            Evidence {
                intervals: &[span((9, 30), (9, 40))],
                checked_in: Some(at(9, 5, 0)),
                ..Evidence::default()
            },
            None,
            &Rules::default(),
        );
        assert_eq!((both.attended_minutes, both.status), (120, ON_TIME));
    }

    #[test]
    fn a_bare_total_beside_intervals_counts_the_larger_never_both() {
        let mixed = |m| {
            session_attendance(
                morning(),
                Evidence {
                    intervals: &[span((9, 0), (10, 0))],
                    minutes: Some(m),
                    ..Evidence::default()
                },
                None,
                &Rules::default(),
            )
        };
        assert_eq!(mixed(40).attended_minutes, 60);
        assert_eq!(mixed(100).attended_minutes, 100);
        assert_eq!(mixed(100).first_in, Some(at(9, 0, 0)));
    }

    #[test]
    fn a_join_without_its_leave_lasts_until_the_meeting_ended_or_now() {
        let until = at(10, 0, 0);
        assert_eq!(
            Interval::of_join(Some(at(9, 0, 0)), None, until),
            Some(span((9, 0), (10, 0)))
        );
        assert_eq!(
            Interval::of_join(Some(at(9, 0, 0)), Some(at(9, 30, 0)), until),
            Some(span((9, 0), (9, 30)))
        );
        assert_eq!(Interval::of_join(None, Some(at(9, 30, 0)), until), None);
    }
}
