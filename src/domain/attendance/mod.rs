//! Attendance that can be explained: a participant's minutes in a session,
//! the session's status, and whether the event's mandatory sessions add up
//! to its minimum, with the figures a page can put in words ("Hadir 212 dari
//! 270 menit (78 %); syarat minimal 80 %").
//!
//! Minutes are whole: the seconds of the union of a participant's intervals
//! inside the scheduled window are summed, then floored to minutes; a
//! session's scheduled minutes are floored alike. Every threshold is
//! compared in integers (`attended * 100 >= percent * scheduled`), so 79.99 %
//! never rounds up to a pass.

pub mod checkin;
mod entry;
mod event;
mod identity;
mod session;
mod similarity;
mod sources;

pub use entry::{EntryForm, check_entry, check_reason};
pub use event::{EventResult, Outcome, Override, SessionResult, Shortfall, event_result};
pub use identity::{Key, Roster, Seen, stronger_identity};
pub use session::{
    Evidence, Interval, SessionAttendance, Status, Window, presence, session_attendance,
};
pub use similarity::rank;
pub use sources::{Truth, covered_run};

/// Where a row of evidence came from: shown beside every figure, so an
/// organiser can say how a minute was counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// Zoom's live notifications: provisional until the report arrives.
    Webhook,
    /// Zoom's participant report, read through the API: the source of truth.
    Report,
    /// The participant report an organiser downloaded from Zoom and uploaded.
    Csv,
    /// The participant entered the session's code during its check-in window.
    CheckIn,
    /// An organiser recorded it by hand.
    Manual,
}

impl Source {
    pub const ALL: [Source; 5] = [
        Source::Webhook,
        Source::Report,
        Source::Csv,
        Source::CheckIn,
        Source::Manual,
    ];
}

/// How a row came to count for a participant; a row without one waits in
/// the review queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Match {
    /// Zoom's registrant id is the one bimtek registered for them.
    RegistrantId,
    /// The row's e-mail is exactly their registration's.
    Email,
    /// An organiser assigned it from the review queue.
    Organiser,
    /// They checked in themselves, signed in.
    CheckIn,
    /// An organiser entered it for them by hand.
    Manual,
}

impl Match {
    pub const ALL: [Match; 5] = [
        Match::RegistrantId,
        Match::Email,
        Match::Organiser,
        Match::CheckIn,
        Match::Manual,
    ];
}

/// The thresholds an event sets; the defaults are what organisers of
/// bimtek commonly announce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    /// First joining more than this many minutes after the start is late.
    pub late_after_minutes: u32,
    /// Last leaving more than this many minutes before the end is leaving early.
    pub left_early_minutes: u32,
    /// A session counts as attended from this share of its minutes.
    pub session_percent: u32,
    /// The event is passed from this share of its mandatory minutes.
    pub event_percent: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            late_after_minutes: 15,
            left_early_minutes: 15,
            session_percent: 80,
            event_percent: 80,
        }
    }
}

fn reaches(attended: u32, scheduled: u32, percent: u32) -> bool {
    u64::from(attended) * 100 >= u64::from(percent) * u64::from(scheduled)
}

/// 27 July 2020, h:m:s UTC: the tests' day.
#[cfg(test)]
fn at(h: u32, m: u32, s: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc.with_ymd_and_hms(2020, 7, 27, h, m, s).unwrap()
}
