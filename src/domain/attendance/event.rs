//! One participant over the event: the mandatory minutes held so far
//! against the event's minimum, and what explains the result.

use super::{Rules, SessionAttendance, Status, reaches};
use chrono::{DateTime, Utc};

/// One session of the event with a participant's result in it. The event's
/// result needs every session, attended or not: an unattended one is
/// `Evidence::default()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionResult<K> {
    pub session: K,
    pub mandatory: bool,
    pub attendance: SessionAttendance,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    BelowMinimum,
    /// No mandatory session held yet (or every one excused): nothing to judge.
    NotYet,
}

/// An organiser's decision on the event's result, with the reason given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    pub passed: bool,
    pub reason: String,
}

/// A mandatory session that counted and was not attended enough.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shortfall<K> {
    pub session: K,
    pub attended_minutes: u32,
    pub scheduled_minutes: u32,
}

/// A participant's result over the event, with what explains it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventResult<K> {
    pub attended_minutes: u32,
    pub scheduled_minutes: u32,
    /// Rounded down; `None` when nothing counted yet.
    pub percent: Option<u32>,
    pub required_percent: u32,
    pub shortfalls: Vec<Shortfall<K>>,
    /// What the minutes say, even when overridden.
    pub computed: Outcome,
    pub overridden: Option<Override>,
}

impl<K> EventResult<K> {
    /// The organiser's override when there is one, else the minutes.
    pub fn passed(&self) -> bool {
        match &self.overridden {
            Some(o) => o.passed,
            None => self.computed == Outcome::Passed,
        }
    }
}

/// The event's result at `now`: the minutes of the mandatory sessions held
/// so far (ended by `now`), attended or not, against their scheduled
/// minutes. Optional sessions and sessions still running or to come count
/// for nothing; an excused session is left out of both sides, so it
/// neither helps nor hurts. Passed when `attended * 100 >= event_percent *
/// scheduled`. An organiser's override wins and is reported as such.
pub fn event_result<K: Clone>(
    sessions: &[SessionResult<K>],
    now: DateTime<Utc>,
    rules: &Rules,
    overridden: Option<Override>,
) -> EventResult<K> {
    let counted: Vec<&SessionResult<K>> = sessions
        .iter()
        .filter(|s| s.mandatory && s.attendance.window.ends_at <= now)
        .filter(|s| !matches!(s.attendance.status, Status::Excused { .. }))
        .collect();
    let attended_minutes = counted.iter().map(|s| s.attendance.attended_minutes).sum();
    let scheduled_minutes = counted.iter().map(|s| s.attendance.scheduled_minutes).sum();
    let shortfalls = counted
        .iter()
        .filter(|s| s.attendance.status == Status::Absent)
        .map(|s| Shortfall {
            session: s.session.clone(),
            attended_minutes: s.attendance.attended_minutes,
            scheduled_minutes: s.attendance.scheduled_minutes,
        })
        .collect();
    let computed = if scheduled_minutes == 0 {
        Outcome::NotYet
    } else if reaches(attended_minutes, scheduled_minutes, rules.event_percent) {
        Outcome::Passed
    } else {
        Outcome::BelowMinimum
    };
    EventResult {
        attended_minutes,
        scheduled_minutes,
        percent: (scheduled_minutes > 0)
            .then(|| (u64::from(attended_minutes) * 100 / u64::from(scheduled_minutes)) as u32),
        required_percent: rules.event_percent,
        shortfalls,
        computed,
        overridden,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Evidence, Interval, Window, at, session_attendance};
    use super::*;
    use chrono::Duration;

    /// A session on day `day` of the event, 09:00 plus `minutes`.
    fn session(
        name: &'static str,
        day: i64,
        minutes: i64,
        mandatory: bool,
        attended: &[(i64, i64)],
        excused: Option<&str>,
    ) -> SessionResult<&'static str> {
        let starts_at = at(9, 0, 0) + Duration::days(day);
        let window = Window {
            starts_at,
            ends_at: starts_at + Duration::minutes(minutes),
        };
        let intervals: Vec<Interval> = attended
            .iter()
            .map(|&(from, to)| Interval {
                joined_at: starts_at + Duration::minutes(from),
                left_at: starts_at + Duration::minutes(to),
            })
            .collect();
        SessionResult {
            session: name,
            mandatory,
            attendance: session_attendance(
                window,
                Evidence::intervals(&intervals),
                excused,
                &Rules::default(),
            ),
        }
    }

    #[test]
    fn the_example_212_of_270_minutes_is_78_percent() {
        let sessions = [
            session("Pembukaan", 0, 180, true, &[(0, 180)], None),
            session("Katalogisasi", 1, 90, true, &[(0, 32)], None),
        ];
        let r = event_result(
            &sessions,
            at(23, 0, 0) + Duration::days(1),
            &Rules::default(),
            None,
        );
        assert_eq!((r.attended_minutes, r.scheduled_minutes), (212, 270));
        assert_eq!((r.percent, r.required_percent), (Some(78), 80));
        assert_eq!(
            r.shortfalls,
            [Shortfall {
                session: "Katalogisasi",
                attended_minutes: 32,
                scheduled_minutes: 90
            }]
        );
        assert_eq!(r.computed, Outcome::BelowMinimum);
        assert!(!r.passed());
    }

    #[test]
    fn the_event_counts_every_mandatory_session_held_so_far() {
        let sessions = [
            session("Hari 1", 0, 120, true, &[(0, 120)], None),
            // Never joined: it counts, with nothing attended.
            session("Hari 2", 1, 120, true, &[], None),
            session("Diskusi bebas", 1, 60, false, &[(0, 60)], None),
            session("Hari 3", 2, 120, true, &[], None),
        ];
        let rules = Rules::default();
        let after_day_1 = event_result(&sessions, at(11, 0, 0), &rules, None);
        assert_eq!(
            (after_day_1.percent, after_day_1.computed),
            (Some(100), Outcome::Passed)
        );
        let after_day_2 = event_result(&sessions, at(12, 0, 0) + Duration::days(1), &rules, None);
        assert_eq!(
            (after_day_2.attended_minutes, after_day_2.scheduled_minutes),
            (120, 240)
        );
        assert_eq!(after_day_2.percent, Some(50));
        assert_eq!(after_day_2.computed, Outcome::BelowMinimum);
        assert_eq!(after_day_2.shortfalls.len(), 1);
        let before = event_result(&sessions, at(10, 0, 0), &rules, None);
        assert_eq!((before.percent, before.computed), (None, Outcome::NotYet));
    }

    #[test]
    fn the_event_passes_exactly_at_its_minimum() {
        let sessions = [
            session("Hari 1", 0, 100, true, &[(0, 100)], None),
            session("Hari 2", 1, 100, true, &[(0, 60)], None),
        ];
        let end = at(23, 0, 0) + Duration::days(1);
        let r = event_result(&sessions, end, &Rules::default(), None);
        assert_eq!((r.percent, r.computed), (Some(80), Outcome::Passed));
        // The short session is named even though the total suffices.
        assert_eq!(r.shortfalls.len(), 1);
        let stricter = Rules {
            event_percent: 81,
            ..Rules::default()
        };
        assert_eq!(
            event_result(&sessions, end, &stricter, None).computed,
            Outcome::BelowMinimum
        );
    }

    #[test]
    fn an_excused_session_neither_helps_nor_hurts() {
        let sessions = [
            session("Hari 1", 0, 120, true, &[(0, 120)], None),
            session("Hari 2", 1, 120, true, &[(0, 10)], Some("Sakit")),
        ];
        let r = event_result(
            &sessions,
            at(23, 0, 0) + Duration::days(1),
            &Rules::default(),
            None,
        );
        assert_eq!((r.attended_minutes, r.scheduled_minutes), (120, 120));
        assert_eq!((r.computed, r.shortfalls.len()), (Outcome::Passed, 0));
        let only = event_result(
            &sessions[1..],
            at(23, 0, 0) + Duration::days(1),
            &Rules::default(),
            None,
        );
        assert_eq!(only.computed, Outcome::NotYet);
    }

    #[test]
    fn an_override_wins_and_says_so() {
        let sessions = [session("Hari 1", 0, 120, true, &[(0, 30)], None)];
        let decision = Override {
            passed: true,
            reason: "Zoom terputus di wilayahnya; hadir lewat telepon".into(),
        };
        let r = event_result(
            &sessions,
            at(12, 0, 0),
            &Rules::default(),
            Some(decision.clone()),
        );
        assert_eq!(r.computed, Outcome::BelowMinimum);
        assert_eq!(r.overridden, Some(decision));
        assert!(r.passed());
    }
}
