//! Who receives a participant's certificate: what the event requires
//! (the attendance result, an accepted action plan, both or neither)
//! against where the participant stands; when not eligible, every reason,
//! as data that pages word.

use crate::domain::action_plan::State as PlanState;

/// What a participant needs for a certificate, chosen per event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// The event's attendance minimum.
    Attendance,
    /// An accepted action plan (RTL).
    Plan,
    Both,
    /// A confirmed seat is enough.
    None,
}

impl Requirement {
    pub const ALL: [Requirement; 4] = [
        Requirement::Both,
        Requirement::Attendance,
        Requirement::Plan,
        Requirement::None,
    ];

    fn attendance(self) -> bool {
        matches!(self, Requirement::Attendance | Requirement::Both)
    }

    fn plan(self) -> bool {
        matches!(self, Requirement::Plan | Requirement::Both)
    }
}

/// A participant's attendance result over the event, as far as a
/// certificate cares (`domain::attendance::EventResult`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attendance {
    pub passed: bool,
    /// Rounded down; `None` when no mandatory session counted yet.
    pub percent: Option<u32>,
    pub required_percent: u32,
    /// An organiser decided the result.
    pub overridden: bool,
}

/// Why a participant receives no certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// "kehadiran 62 %, minimal 80 %".
    AttendanceBelow { percent: u32, required: u32 },
    /// No mandatory session has been held (or every one was excused).
    AttendanceNotYet,
    /// An organiser decided the attendance is not enough.
    AttendanceRefused,
    /// No action plan written.
    PlanMissing,
    /// A plan not accepted (yet): draft, submitted or sent back.
    PlanNotAccepted(PlanState),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Eligibility {
    Eligible,
    NotEligible(Vec<Reason>),
}

impl Eligibility {
    pub fn is_eligible(&self) -> bool {
        *self == Eligibility::Eligible
    }
}

/// Whether a participant with a confirmed seat receives a certificate.
pub fn eligibility(
    requirement: Requirement,
    attendance: &Attendance,
    plan: Option<PlanState>,
) -> Eligibility {
    let mut reasons = Vec::new();
    if requirement.attendance() && !attendance.passed {
        reasons.push(match attendance.percent {
            _ if attendance.overridden => Reason::AttendanceRefused,
            None => Reason::AttendanceNotYet,
            Some(percent) => Reason::AttendanceBelow {
                percent,
                required: attendance.required_percent,
            },
        });
    }
    if requirement.plan() {
        match plan {
            Some(PlanState::Accepted) => {}
            Some(state) => reasons.push(Reason::PlanNotAccepted(state)),
            None => reasons.push(Reason::PlanMissing),
        }
    }
    if reasons.is_empty() {
        Eligibility::Eligible
    } else {
        Eligibility::NotEligible(reasons)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSED: Attendance = Attendance {
        passed: true,
        percent: Some(92),
        required_percent: 80,
        overridden: false,
    };
    const BELOW: Attendance = Attendance {
        passed: false,
        percent: Some(62),
        required_percent: 80,
        overridden: false,
    };

    #[test]
    fn both_needs_the_minimum_and_an_accepted_plan() {
        let accepted = Some(PlanState::Accepted);
        assert!(eligibility(Requirement::Both, &PASSED, accepted).is_eligible());
        assert_eq!(
            eligibility(Requirement::Both, &BELOW, Some(PlanState::Submitted)),
            Eligibility::NotEligible(vec![
                Reason::AttendanceBelow {
                    percent: 62,
                    required: 80
                },
                Reason::PlanNotAccepted(PlanState::Submitted),
            ])
        );
        assert_eq!(
            eligibility(Requirement::Both, &PASSED, None),
            Eligibility::NotEligible(vec![Reason::PlanMissing])
        );
    }

    #[test]
    fn each_requirement_looks_only_at_its_own_part() {
        assert!(eligibility(Requirement::Attendance, &PASSED, None).is_eligible());
        assert!(!eligibility(Requirement::Attendance, &BELOW, None).is_eligible());
        assert!(eligibility(Requirement::Plan, &BELOW, Some(PlanState::Accepted)).is_eligible());
        assert_eq!(
            eligibility(Requirement::Plan, &PASSED, Some(PlanState::Draft)),
            Eligibility::NotEligible(vec![Reason::PlanNotAccepted(PlanState::Draft)])
        );
        assert!(eligibility(Requirement::None, &BELOW, None).is_eligible());
    }

    #[test]
    fn an_organisers_decision_and_no_result_yet_are_told_apart() {
        let refused = Attendance {
            overridden: true,
            ..BELOW
        };
        assert_eq!(
            eligibility(Requirement::Attendance, &refused, None),
            Eligibility::NotEligible(vec![Reason::AttendanceRefused])
        );
        let granted = Attendance {
            passed: true,
            overridden: true,
            ..BELOW
        };
        assert!(eligibility(Requirement::Attendance, &granted, None).is_eligible());
        let none_yet = Attendance {
            passed: false,
            percent: None,
            required_percent: 80,
            overridden: false,
        };
        assert_eq!(
            eligibility(Requirement::Attendance, &none_yet, None),
            Eligibility::NotEligible(vec![Reason::AttendanceNotYet])
        );
    }
}
