//! When what reaches participants for a session: reminders before it starts
//! and the join link on their page. Both are per event, in minutes.

use chrono::{DateTime, Duration, Utc};

/// A reminder earlier than two weeks ahead is no reminder.
pub const REMINDER_MINUTES_MAX: u32 = 14 * 24 * 60;
/// More than this many reminders per session is noise.
pub const REMINDERS_MAX: usize = 5;
/// Links shown more than a day ahead get passed on to people without a seat.
pub const JOIN_LINKS_BEFORE_MAX: u32 = 24 * 60;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionTiming {
    /// Minutes before each session a reminder goes, largest first.
    pub reminder_minutes: Vec<u32>,
    /// Minutes before a session its join link appears on the participant page.
    pub join_links_before_minutes: u32,
}

impl Default for SessionTiming {
    /// A day and an hour ahead, the link an hour ahead: what organisers
    /// used to post in their WhatsApp groups.
    fn default() -> Self {
        SessionTiming {
            reminder_minutes: vec![1440, 60],
            join_links_before_minutes: 60,
        }
    }
}

/// "1440, 60" → [1440, 60]: whole minutes, separated by commas, largest
/// first, each once. Empty means no reminders.
pub fn parse_reminder_minutes(raw: &str) -> Option<Vec<u32>> {
    let mut minutes = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<u32>() {
            Ok(m) if (1..=REMINDER_MINUTES_MAX).contains(&m) => minutes.push(m),
            _ => return None,
        }
    }
    minutes.sort_unstable_by(|a, b| b.cmp(a));
    minutes.dedup();
    (minutes.len() <= REMINDERS_MAX).then_some(minutes)
}

pub fn format_reminder_minutes(minutes: &[u32]) -> String {
    minutes
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The reminders still to send for a session starting at `starts_at`:
/// (minutes before, when). One whose moment has passed is not sent late:
/// "starts in 24 hours" an hour before the start would mislead.
pub fn due_reminders(
    starts_at: DateTime<Utc>,
    minutes: &[u32],
    now: DateTime<Utc>,
) -> Vec<(u32, DateTime<Utc>)> {
    minutes
        .iter()
        .map(|&m| (m, starts_at - Duration::minutes(i64::from(m))))
        .filter(|(_, at)| *at > now)
        .collect()
}

/// Whether a participant sees a session's join link now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinLink {
    /// Shown from this moment on.
    NotYet(DateTime<Utc>),
    Shown,
    /// The session is over.
    Over,
}

/// From `before_minutes` ahead of the start until the end: early enough to
/// test one's microphone, late enough that a forwarded link is little use.
pub fn join_link(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    before_minutes: u32,
    now: DateTime<Utc>,
) -> JoinLink {
    let from = starts_at - Duration::minutes(i64::from(before_minutes));
    if now < from {
        JoinLink::NotYet(from)
    } else if now < ends_at {
        JoinLink::Shown
    } else {
        JoinLink::Over
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2020, 7, 27, h, m, 0).unwrap()
    }

    #[test]
    fn reminder_minutes_are_read_and_checked() {
        assert_eq!(parse_reminder_minutes("60, 1440"), Some(vec![1440, 60]));
        assert_eq!(parse_reminder_minutes("60,60,"), Some(vec![60]));
        assert_eq!(parse_reminder_minutes(" "), Some(vec![]));
        for bad in ["0", "-5", "satu jam", "1.5", "20161", "1,2,3,4,5,6"] {
            assert_eq!(parse_reminder_minutes(bad), None, "{bad}");
        }
        assert_eq!(format_reminder_minutes(&[1440, 60]), "1440,60");
        assert_eq!(
            parse_reminder_minutes(&format_reminder_minutes(
                &SessionTiming::default().reminder_minutes
            )),
            Some(SessionTiming::default().reminder_minutes)
        );
    }

    #[test]
    fn past_reminders_are_not_planned() {
        let start = at(9, 0);
        assert_eq!(
            due_reminders(start, &[1440, 60], at(7, 0)),
            [(60, at(8, 0))]
        );
        assert_eq!(due_reminders(start, &[60], at(8, 0)), []);
        assert_eq!(
            due_reminders(start, &[1440], start - Duration::days(2)),
            [(1440, start - Duration::days(1))]
        );
    }

    #[test]
    fn the_link_shows_from_its_time_until_the_end() {
        let (start, end) = (at(9, 0), at(10, 30));
        assert_eq!(
            join_link(start, end, 60, at(7, 59)),
            JoinLink::NotYet(at(8, 0))
        );
        assert_eq!(join_link(start, end, 60, at(8, 0)), JoinLink::Shown);
        assert_eq!(join_link(start, end, 0, at(10, 29)), JoinLink::Shown);
        assert_eq!(join_link(start, end, 60, at(10, 30)), JoinLink::Over);
    }
}
