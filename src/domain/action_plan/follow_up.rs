//! Following plans up, months after the bimtek: on each follow-up date of
//! the event, a participant whose plan was accepted reports, activity by
//! activity of the accepted version, how far it came.
//!
//! A report opens on its date and stays open until the event's next
//! follow-up date (the last one stays open): until then it can be saved
//! and sent again, so a late photo still finds its place, and each
//! follow-up asks about the months since the one before.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::domain::event::FieldError;
use crate::domain::text::Text;
use crate::domain::time::local_to_utc;

/// The hour of the follow-up date, in the event's zone, at which its
/// e-mails go out: the start of an office day.
pub const SEND_HOUR: u32 = 8;

/// Days after a follow-up date at which those who have not sent their
/// report yet are reminded, once: a working week and a weekend to do it.
pub const REMINDER_AFTER_DAYS: u64 = 7;

/// How far a planned activity came.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    Done,
    InProgress,
    NotStarted,
}

impl Progress {
    pub const ALL: [Progress; 3] = [Progress::Done, Progress::InProgress, Progress::NotStarted];

    /// Its stored word, also its form value.
    pub fn name(self) -> &'static str {
        match self {
            Progress::Done => "done",
            Progress::InProgress => "in_progress",
            Progress::NotStarted => "not_started",
        }
    }

    fn named(name: &str) -> Option<Progress> {
        Progress::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// What a participant says of one activity of their plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityReport {
    pub progress: Option<Progress>,
    /// `YYYY-MM-DD`, as a date field sends it; kept as typed otherwise.
    pub realised_on: String,
    /// *Kendala*: what stood in the way.
    pub obstacles: String,
    pub solution: String,
}

/// A report: one entry per activity of the accepted plan, in its order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Report {
    pub activities: Vec<ActivityReport>,
}

/// What the participant asked for with the button they pressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    Save,
    Submit,
    /// Takes an evidence file off the report, by its id.
    RemoveEvidence(String),
}

/// The form field of an activity's column, as views name it.
pub fn field_name(row: usize, column: &str) -> String {
    format!("report-{row}-{column}")
}

/// The form as sent, for a plan of `rows` activities; fields of other rows
/// are not read. Without a button: a save.
pub fn read_form(fields: &[(String, String)], rows: usize) -> (Report, Intent) {
    let mut report = Report {
        activities: vec![ActivityReport::default(); rows],
    };
    let mut intent = Intent::Save;
    for (name, value) in fields {
        match name.as_str() {
            "action" if value == "submit" => intent = Intent::Submit,
            "remove_evidence" => intent = Intent::RemoveEvidence(value.clone()),
            other => {
                let Some((row, column)) = other
                    .strip_prefix("report-")
                    .and_then(|rest| rest.split_once('-'))
                    .and_then(|(row, column)| Some((row.parse::<usize>().ok()?, column)))
                else {
                    continue;
                };
                let Some(activity) = report.activities.get_mut(row) else {
                    continue;
                };
                match column {
                    "progress" => activity.progress = Progress::named(value),
                    "realised_on" => activity.realised_on = value.clone(),
                    "obstacles" => activity.obstacles = value.clone(),
                    "solution" => activity.solution = value.clone(),
                    _ => {}
                }
            }
        }
    }
    (report, intent)
}

/// The report cleaned as far as it can be, and what stops it being sent
/// as it is: its format (too long, a date that is not one). A save keeps
/// it as this returns it, whatever the messages.
pub fn check_draft(report: &Report) -> (Report, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut activities = Vec::with_capacity(report.activities.len());
    for (row, activity) in report.activities.iter().enumerate() {
        let realised_on = activity.realised_on.trim().to_owned();
        if !realised_on.is_empty() && parse_date(&realised_on).is_none() {
            errors.push(FieldError::new(
                field_name(row, "realised_on"),
                "follow_up.error.date",
            ));
        }
        let mut text =
            |raw: &str, column| Text::PARAGRAPHS.or_note(&mut errors, field_name(row, column), raw);
        let obstacles = text(&activity.obstacles, "obstacles");
        let solution = text(&activity.solution, "solution");
        activities.push(ActivityReport {
            progress: activity.progress,
            realised_on,
            obstacles,
            solution,
        });
    }
    (Report { activities }, errors)
}

/// The report as it is sent, or every field to fix: each activity needs
/// how far it came, and a done one the date it was done.
pub fn check_submission(report: &Report) -> Result<Report, Vec<FieldError>> {
    let (cleaned, mut errors) = check_draft(report);
    for (row, activity) in cleaned.activities.iter().enumerate() {
        match activity.progress {
            None => errors.push(FieldError::new(
                field_name(row, "progress"),
                "follow_up.error.progress",
            )),
            Some(Progress::Done) if activity.realised_on.is_empty() => errors.push(
                FieldError::new(field_name(row, "realised_on"), "follow_up.error.done_date"),
            ),
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(cleaned)
    } else {
        Err(errors)
    }
}

/// `2027-03-15` → that date.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

/// The instant a follow-up date typed in the event's zone stands for
/// ([`SEND_HOUR`] that day), or its field's message: a date, after the
/// event has ended.
pub fn due_at(
    zone: Tz,
    raw: &str,
    event_ends_at: DateTime<Utc>,
) -> Result<DateTime<Utc>, FieldError> {
    let date = parse_date(raw).ok_or_else(|| FieldError::new("date", "follow_up.error.date"))?;
    let at = local_to_utc(
        zone,
        date.and_time(NaiveTime::MIN) + chrono::Duration::hours(SEND_HOUR.into()),
    )
    .ok_or_else(|| FieldError::new("date", "follow_up.error.date"))?;
    if at <= event_ends_at {
        return Err(FieldError::new("date", "follow_up.error.before_end"));
    }
    Ok(at)
}

/// When those who have not reported for the follow-up due at `due` are
/// reminded.
pub fn reminder_at(due: DateTime<Utc>) -> DateTime<Utc> {
    due + Days::new(REMINDER_AFTER_DAYS)
}

/// Whether the report of the follow-up due at `due` may be written at
/// `now`, the event's follow-ups being due at `all`: from its date until
/// the next one's.
pub fn is_open(all: &[DateTime<Utc>], due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let next = all.iter().filter(|at| **at > due).min();
    due <= now && next.is_none_or(|next| now < *next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::action_plan::tests::fields;

    fn at(raw: &str) -> DateTime<Utc> {
        raw.parse().unwrap()
    }

    #[test]
    fn the_form_reads_the_plans_rows_only_and_the_button() {
        let (report, intent) = read_form(
            &fields(&[
                ("report-0-progress", "done"),
                ("report-0-realised_on", "2027-03-01"),
                ("report-1-progress", "perhaps"),
                ("report-1-obstacles", "Dana desa terlambat"),
                ("report-2-progress", "done"),
                ("action", "submit"),
            ]),
            2,
        );
        assert_eq!(intent, Intent::Submit);
        assert_eq!(report.activities.len(), 2);
        assert_eq!(report.activities[0].progress, Some(Progress::Done));
        assert_eq!(report.activities[1].progress, None);
        assert_eq!(report.activities[1].obstacles, "Dana desa terlambat");
        let removal = read_form(&fields(&[("remove_evidence", "abc")]), 1).1;
        assert_eq!(removal, Intent::RemoveEvidence("abc".into()));
        assert_eq!(read_form(&[], 1).1, Intent::Save);
    }

    #[test]
    fn a_draft_keeps_a_bad_date_and_a_submission_needs_progress_and_done_dates() {
        let report = Report {
            activities: vec![
                ActivityReport {
                    progress: Some(Progress::Done),
                    realised_on: "Maret".into(),
                    ..ActivityReport::default()
                },
                ActivityReport::default(),
                ActivityReport {
                    progress: Some(Progress::Done),
                    ..ActivityReport::default()
                },
                ActivityReport {
                    progress: Some(Progress::NotStarted),
                    obstacles: "Belum ada dana".into(),
                    ..ActivityReport::default()
                },
            ],
        };
        let (kept, errors) = check_draft(&report);
        assert_eq!(kept.activities[0].realised_on, "Maret");
        let names: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(names, ["report-0-realised_on"]);
        let errors = check_submission(&report).unwrap_err();
        let names: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            names,
            [
                "report-0-realised_on",
                "report-1-progress",
                "report-2-realised_on"
            ]
        );
        let complete = Report {
            activities: vec![report.activities[3].clone()],
        };
        assert_eq!(check_submission(&complete).unwrap(), complete);
    }

    #[test]
    fn a_date_is_eight_in_the_morning_in_the_events_zone_after_its_end() {
        let end = at("2026-12-10T10:00:00Z");
        assert_eq!(
            due_at(Tz::Asia__Makassar, "2027-03-10", end).unwrap(),
            at("2027-03-10T00:00:00Z")
        );
        assert_eq!(
            due_at(Tz::Asia__Jakarta, "10-03-2027", end)
                .unwrap_err()
                .message,
            "follow_up.error.date"
        );
        assert_eq!(
            due_at(Tz::Asia__Jakarta, "2026-12-10", end)
                .unwrap_err()
                .message,
            "follow_up.error.before_end"
        );
        assert_eq!(
            reminder_at(at("2027-03-10T00:00:00Z")),
            at("2027-03-17T00:00:00Z")
        );
    }

    #[test]
    fn a_report_is_open_from_its_date_until_the_next() {
        let (march, june) = (at("2027-03-10T01:00:00Z"), at("2027-06-10T01:00:00Z"));
        let all = [june, march];
        assert!(!is_open(&all, march, at("2027-03-09T00:00:00Z")));
        assert!(is_open(&all, march, at("2027-03-10T01:00:00Z")));
        assert!(!is_open(&all, march, june));
        assert!(is_open(&all, june, at("2030-01-01T00:00:00Z")));
    }
}
