//! The action plan (RTL, *Rencana Tindak Lanjut*): what a participant
//! plans for their own library after the bimtek, in the programme's words.
//! A draft keeps whatever was typed; a submission must be complete.

pub mod deadline;
pub mod diff;
pub mod filter;
pub mod follow_up;
pub mod review;
pub mod state;

pub use deadline::{LateRule, PlanRules, Refused, Submission};
pub use filter::Filter;
pub use state::{NotAllowed, State};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::event::FieldError;
use super::text::Text;

/// The three strategies of the TPBIS programme a plan serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Better information services through books, computers and the internet.
    Information,
    /// Activities the community needs: the library as a learning centre.
    Community,
    /// Advocacy and building partnerships.
    Advocacy,
}

impl Strategy {
    pub const ALL: [Strategy; 3] = [
        Strategy::Information,
        Strategy::Community,
        Strategy::Advocacy,
    ];
}

/// One planned activity: a row of the plan's table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Activity {
    pub what: String,
    /// `YYYY-MM`, as a month field sends it.
    pub month: String,
    pub responsible: String,
    /// Resources or budget.
    pub resources: String,
    pub partner: String,
}

impl Activity {
    fn is_blank(&self) -> bool {
        [
            &self.what,
            &self.month,
            &self.responsible,
            &self.resources,
            &self.partner,
        ]
        .iter()
        .all(|text| text.trim().is_empty())
    }
}

/// A plan's content: what a version keeps and what two versions compare.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Content {
    pub title: String,
    /// The library's current situation.
    pub situation: String,
    pub objectives: String,
    /// *Sasaran*: who the plan is for.
    pub target_group: String,
    pub strategies: Vec<Strategy>,
    pub activities: Vec<Activity>,
    /// Indicators of success.
    pub indicators: String,
}

/// A form holds at most this many activity rows; adding more is refused.
pub const MAX_ACTIVITIES: usize = 30;

/// What the participant asked for with the button they pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    Save,
    Submit,
    AddRow,
    RemoveRow(usize),
}

/// The form as sent: its fields in order, the activity rows named
/// `activity-{row}-{column}`, the button pressed among them. Without a
/// button (Enter in a field of a browser that sends none): a save.
pub fn read_form(fields: &[(String, String)]) -> (Content, Intent) {
    let mut content = Content::default();
    let mut rows: BTreeMap<usize, Activity> = BTreeMap::new();
    let mut intent = Intent::Save;
    for (name, value) in fields {
        let value = value.clone();
        match name.as_str() {
            "title" => content.title = value,
            "situation" => content.situation = value,
            "objectives" => content.objectives = value,
            "target_group" => content.target_group = value,
            "indicators" => content.indicators = value,
            "strategy" => {
                if let Some(strategy) = filter::strategy_of(&value)
                    && !content.strategies.contains(&strategy)
                {
                    content.strategies.push(strategy);
                }
            }
            "action" if value == "submit" => intent = Intent::Submit,
            "add_row" => intent = Intent::AddRow,
            "remove_row" => {
                if let Ok(row) = value.parse() {
                    intent = Intent::RemoveRow(row);
                }
            }
            other => {
                if let Some((row, column)) = activity_field(other) {
                    let row = rows.entry(row).or_default();
                    match column {
                        "what" => row.what = value,
                        "month" => row.month = value,
                        "responsible" => row.responsible = value,
                        "resources" => row.resources = value,
                        "partner" => row.partner = value,
                        _ => {}
                    }
                }
            }
        }
    }
    content.strategies.sort();
    content.activities = rows.into_values().collect();
    (content, intent)
}

/// The stored word of a strategy, also its form value.
pub fn strategy_name(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Information => "information",
        Strategy::Community => "community",
        Strategy::Advocacy => "advocacy",
    }
}

/// `activity-3-month` → (3, "month"), for rows within the limit.
fn activity_field(name: &str) -> Option<(usize, &str)> {
    let rest = name.strip_prefix("activity-")?;
    let (row, column) = rest.split_once('-')?;
    let row: usize = row.parse().ok()?;
    (row < MAX_ACTIVITIES).then_some((row, column))
}

/// The form field of an activity's column, as views name it.
pub fn activity_field_name(row: usize, column: &str) -> String {
    format!("activity-{row}-{column}")
}

impl Content {
    /// Adds or removes a row; a save or a submission changes nothing here.
    pub fn apply(&mut self, intent: Intent) -> Result<(), FieldError> {
        match intent {
            Intent::AddRow if self.activities.len() >= MAX_ACTIVITIES => {
                Err(FieldError::new("activities", "plan.error.too_many_rows")
                    .with_args(vec![("max", MAX_ACTIVITIES.to_string())]))
            }
            Intent::AddRow => {
                self.activities.push(Activity::default());
                Ok(())
            }
            Intent::RemoveRow(row) if row < self.activities.len() => {
                self.activities.remove(row);
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// The content cleaned as far as it can be (tabs, line ends, spaces at
/// the ends), and what stops it being submitted as it is: the format of
/// what was typed (too long, control characters, a month that is not one).
/// A draft is kept as this returns it, whatever the messages.
pub fn check_draft(content: &Content) -> (Content, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut text = |kind: Text, field: String, raw: &str| kind.or_note(&mut errors, field, raw);
    let title = text(Text::TITLE, "title".into(), &content.title);
    let situation = text(Text::PARAGRAPHS, "situation".into(), &content.situation);
    let objectives = text(Text::PARAGRAPHS, "objectives".into(), &content.objectives);
    let target_group = text(
        Text::PARAGRAPHS,
        "target_group".into(),
        &content.target_group,
    );
    let mut activities = Vec::with_capacity(content.activities.len());
    for (row, activity) in content.activities.iter().enumerate() {
        let field = |column| activity_field_name(row, column);
        activities.push(Activity {
            what: text(Text::ANSWER, field("what"), &activity.what),
            month: activity.month.trim().to_owned(),
            responsible: text(Text::LINE, field("responsible"), &activity.responsible),
            resources: text(Text::ANSWER, field("resources"), &activity.resources),
            partner: text(Text::LINE, field("partner"), &activity.partner),
        });
    }
    let indicators = text(Text::PARAGRAPHS, "indicators".into(), &content.indicators);
    for (row, activity) in activities.iter().enumerate() {
        if !activity.month.is_empty() && parse_month(&activity.month).is_none() {
            errors.push(FieldError::new(
                activity_field_name(row, "month"),
                "plan.error.month",
            ));
        }
    }
    let cleaned = Content {
        title,
        situation,
        objectives,
        target_group,
        strategies: content.strategies.clone(),
        activities,
        indicators,
    };
    (cleaned, errors)
}

/// The plan as it would be submitted (rows left blank dropped), or every
/// field to fix: the draft's messages, then what is missing.
pub fn check_submission(content: &Content) -> Result<Content, Vec<FieldError>> {
    let (mut cleaned, mut errors) = check_draft(content);
    let mut kept = 0;
    let mut numbered = Vec::new();
    for (row, activity) in cleaned.activities.iter().enumerate() {
        if activity.is_blank() {
            continue;
        }
        numbered.push((row, kept));
        kept += 1;
    }
    let required = [
        ("title", &cleaned.title),
        ("situation", &cleaned.situation),
        ("objectives", &cleaned.objectives),
        ("target_group", &cleaned.target_group),
    ];
    let mut missing = Vec::new();
    for (field, value) in required {
        if value.is_empty() {
            missing.push(FieldError::new(field, "plan.error.required"));
        }
    }
    if cleaned.strategies.is_empty() {
        missing.push(FieldError::new("strategy", "plan.error.strategy"));
    }
    if numbered.is_empty() {
        missing.push(FieldError::new("activities", "plan.error.activities"));
    }
    for &(row, _) in &numbered {
        let activity = &cleaned.activities[row];
        for (column, value) in [
            ("what", &activity.what),
            ("month", &activity.month),
            ("responsible", &activity.responsible),
        ] {
            if value.is_empty() {
                missing.push(FieldError::new(
                    activity_field_name(row, column),
                    "plan.error.required",
                ));
            }
        }
    }
    if cleaned.indicators.is_empty() {
        missing.push(FieldError::new("indicators", "plan.error.required"));
    }
    errors.extend(missing);
    if !errors.is_empty() {
        return Err(errors);
    }
    cleaned.activities.retain(|activity| !activity.is_blank());
    Ok(cleaned)
}

/// `2026-09` → (2026, 9).
pub fn parse_month(raw: &str) -> Option<(i32, u32)> {
    let (year, month) = raw.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    ((1..=12).contains(&month) && year >= 2000).then_some((year, month))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A form's fields as sent.
    pub(in crate::domain::action_plan) fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn complete() -> Vec<(String, String)> {
        fields(&[
            ("title", "Pojok baca digital desa"),
            ("situation", "Dua komputer, tanpa internet."),
            ("objectives", "Warga belajar memakai internet."),
            ("target_group", "Ibu-ibu PKK dan pelajar"),
            ("strategy", "community"),
            ("strategy", "information"),
            ("activity-0-what", "Pelatihan literasi digital"),
            ("activity-0-month", "2026-09"),
            ("activity-0-responsible", "Kepala perpustakaan"),
            ("activity-0-resources", "Rp 2.000.000, dana desa"),
            ("activity-0-partner", "Karang taruna"),
            ("activity-1-what", ""),
            ("activity-1-month", ""),
            ("indicators", "30 warga ikut pelatihan."),
        ])
    }

    #[test]
    fn the_form_reads_rows_in_order_and_the_button_pressed() {
        let mut sent = complete();
        sent.push(("remove_row".into(), "0".into()));
        sent.push(("strategy".into(), "nothing".into()));
        let (content, intent) = read_form(&sent);
        assert_eq!(intent, Intent::RemoveRow(0));
        assert_eq!(
            content.strategies,
            [Strategy::Information, Strategy::Community]
        );
        assert_eq!(content.activities.len(), 2);
        assert_eq!(content.activities[0].partner, "Karang taruna");
        assert_eq!(read_form(&fields(&[("add_row", "1")])).1, Intent::AddRow);
        assert_eq!(
            read_form(&fields(&[("action", "submit")])).1,
            Intent::Submit
        );
        assert_eq!(read_form(&fields(&[("title", "x")])).1, Intent::Save);
        // A row past the limit is not a row.
        assert!(
            read_form(&fields(&[("activity-30-what", "x")]))
                .0
                .activities
                .is_empty()
        );
    }

    #[test]
    fn rows_are_added_and_removed_keeping_the_others() {
        let (mut content, _) = read_form(&complete());
        content.apply(Intent::RemoveRow(0)).unwrap();
        assert_eq!(content.activities, [Activity::default()]);
        content.apply(Intent::AddRow).unwrap();
        assert_eq!(content.activities.len(), 2);
        content.apply(Intent::RemoveRow(7)).unwrap();
        assert_eq!(content.activities.len(), 2);
        content.activities = vec![Activity::default(); MAX_ACTIVITIES];
        assert_eq!(
            content.apply(Intent::AddRow).unwrap_err().message,
            "plan.error.too_many_rows"
        );
    }

    #[test]
    fn a_draft_keeps_what_was_typed_and_names_what_is_malformed() {
        let mut sent = complete();
        sent.push(("activity-1-month".into(), "Juli".into()));
        let (content, _) = read_form(&sent);
        let (kept, errors) = check_draft(&content);
        assert_eq!(kept.activities[1].month, "Juli");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["activity-1-month"]);
        // Missing fields are not a draft's business.
        assert!(check_draft(&Content::default()).1.is_empty());
    }

    #[test]
    fn a_submission_needs_every_part_and_drops_blank_rows() {
        let submitted = check_submission(&read_form(&complete()).0).unwrap();
        assert_eq!(submitted.activities.len(), 1);
        let errors = check_submission(&Content {
            activities: vec![Activity {
                what: "Lomba bercerita".into(),
                ..Activity::default()
            }],
            ..Content::default()
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            fields,
            [
                "title",
                "situation",
                "objectives",
                "target_group",
                "strategy",
                "activity-0-month",
                "activity-0-responsible",
                "indicators"
            ]
        );
        let none = check_submission(&Content::default()).unwrap_err();
        assert!(none.iter().any(|e| e.field == "activities"));
    }

    #[test]
    fn months_are_year_and_month() {
        assert_eq!(parse_month("2026-09"), Some((2026, 9)));
        for bad in ["2026-13", "2026-9", "Juli 2026", "", "26-09"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_content_round_trips_as_json() {
        let content = check_submission(&read_form(&complete()).0).unwrap();
        let json = serde_json::to_string(&content).unwrap();
        assert!(json.contains("\"community\""));
        assert_eq!(serde_json::from_str::<Content>(&json).unwrap(), content);
    }
}
