//! Attendance results in words, for pages and exports alike.

use chrono::{DateTime, Utc};

use super::Lang;
use crate::domain::attendance::{EventResult, Outcome, SessionAttendance, Status};

/// A session's result in words, saying "not started" or "in progress"
/// rather than "absent" before the session is over.
pub fn status_text(lang: Lang, attendance: &SessionAttendance, now: DateTime<Utc>) -> String {
    match &attendance.status {
        Status::Excused { reason } => lang.tf("attendance.status.excused", &[("reason", reason)]),
        Status::Present { late, left_early } => {
            let mut text = lang.t("attendance.status.present").to_owned();
            if *late {
                text.push_str(lang.t("attendance.status.late"));
            }
            if *left_early {
                text.push_str(lang.t("attendance.status.left_early"));
            }
            text
        }
        Status::Absent if now < attendance.window.starts_at => {
            lang.t("attendance.status.not_started").to_owned()
        }
        Status::Absent if now < attendance.window.ends_at => {
            lang.t("attendance.status.running").to_owned()
        }
        Status::Absent => lang.t("attendance.status.absent").to_owned(),
    }
}

/// A participant's event result in words, an organiser's decision said
/// to be one.
pub fn outcome_text<K>(lang: Lang, result: &EventResult<K>) -> String {
    let computed = match result.computed {
        Outcome::Passed => lang.t("attendance.outcome.passed"),
        Outcome::BelowMinimum => lang.t("attendance.outcome.below"),
        Outcome::NotYet => lang.t("attendance.outcome.not_yet"),
    };
    match &result.overridden {
        Some(decision) => lang.tf(
            "attendance.outcome.overridden",
            &[(
                "outcome",
                &lang.t(if decision.passed {
                    "attendance.outcome.passed"
                } else {
                    "attendance.outcome.failed"
                }),
            )],
        ),
        None => computed.to_owned(),
    }
}
