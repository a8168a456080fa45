//! When plans are due, and what a later submission gets.

use chrono::{DateTime, Utc};

use super::State;

/// What happens to a plan submitted after the deadline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LateRule {
    /// Taken, and marked late.
    #[default]
    Accept,
    Refuse,
}

/// An event's rules for plans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlanRules {
    /// `None`: plans are taken at any time.
    pub due_at: Option<DateTime<Utc>>,
    pub late: LateRule,
}

/// How a submission stands against the deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Submission {
    OnTime,
    Late,
}

/// The deadline has passed and the event refuses late plans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused;

impl PlanRules {
    /// The deadline holds for a plan's first submission; a revision the
    /// organisers asked for may come back at any time, and is not late.
    pub fn submission(&self, from: State, now: DateTime<Utc>) -> Result<Submission, Refused> {
        let past = self.due_at.is_some_and(|due| now > due);
        match (from, past, self.late) {
            (State::RevisionAsked, ..) | (_, false, _) => Ok(Submission::OnTime),
            (_, true, LateRule::Accept) => Ok(Submission::Late),
            (_, true, LateRule::Refuse) => Err(Refused),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn a_late_plan_is_taken_or_refused_by_the_rule() {
        let due = Utc.with_ymd_and_hms(2026, 12, 20, 16, 59, 0).unwrap();
        let before = due - Duration::minutes(1);
        let after = due + Duration::minutes(1);
        let accept = PlanRules {
            due_at: Some(due),
            late: LateRule::Accept,
        };
        let refuse = PlanRules {
            late: LateRule::Refuse,
            ..accept
        };
        assert_eq!(
            accept.submission(State::Draft, before),
            Ok(Submission::OnTime)
        );
        assert_eq!(accept.submission(State::Draft, due), Ok(Submission::OnTime));
        assert_eq!(accept.submission(State::Draft, after), Ok(Submission::Late));
        assert_eq!(
            refuse.submission(State::Draft, before),
            Ok(Submission::OnTime)
        );
        assert_eq!(refuse.submission(State::Draft, after), Err(Refused));
        assert_eq!(
            refuse.submission(State::RevisionAsked, after),
            Ok(Submission::OnTime)
        );
        assert_eq!(
            PlanRules::default().submission(State::Draft, after),
            Ok(Submission::OnTime)
        );
    }
}
