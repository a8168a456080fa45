//! Reviewing a submitted plan: who may read and decide on which plan, and
//! what a decision holds (a comment per section, a general one).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::account::{Account, EventRole};
use crate::domain::event::FieldError;
use crate::domain::text::Text;

/// The parts of a plan a reviewer comments on, in the plan's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Title,
    Situation,
    Objectives,
    TargetGroup,
    Strategies,
    Activities,
    Indicators,
    Attachment,
}

impl Section {
    pub const ALL: [Section; 8] = [
        Section::Title,
        Section::Situation,
        Section::Objectives,
        Section::TargetGroup,
        Section::Strategies,
        Section::Activities,
        Section::Indicators,
        Section::Attachment,
    ];

    /// Its word in forms and stored comments.
    pub fn name(self) -> &'static str {
        match self {
            Section::Title => "title",
            Section::Situation => "situation",
            Section::Objectives => "objectives",
            Section::TargetGroup => "target_group",
            Section::Strategies => "strategies",
            Section::Activities => "activities",
            Section::Indicators => "indicators",
            Section::Attachment => "attachment",
        }
    }

    /// The review form's field for its comment.
    pub fn field(self) -> String {
        format!("comment-{}", self.name())
    }
}

/// What a reviewer decided on a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    RevisionAsked,
    Accepted,
}

impl Decision {
    pub const ALL: [Decision; 2] = [Decision::RevisionAsked, Decision::Accepted];
}

/// A reviewer's comments: by section, and on the plan as a whole.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Comments {
    pub sections: BTreeMap<Section, String>,
    pub general: String,
}

impl Comments {
    pub fn on(&self, section: Section) -> Option<&str> {
        self.sections.get(&section).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.general.is_empty() && self.sections.is_empty()
    }
}

/// The review form as sent: its comments, and the button pressed
/// (`decision` = `revision` or `accept`; none: nothing decided).
pub fn read_form(fields: &[(String, String)]) -> (Option<Decision>, Comments) {
    let mut comments = Comments::default();
    let mut decision = None;
    for (name, value) in fields {
        match name.as_str() {
            "general" => comments.general = value.clone(),
            "decision" if value == "revision" => decision = Some(Decision::RevisionAsked),
            "decision" if value == "accept" => decision = Some(Decision::Accepted),
            other => {
                if let Some(section) = Section::ALL.into_iter().find(|s| s.field() == other) {
                    comments.sections.insert(section, value.clone());
                }
            }
        }
    }
    (decision, comments)
}

/// The comments cleaned (empty ones dropped), or what to fix: a text too
/// long, or a revision asked without saying what to revise.
pub fn check(decision: Option<Decision>, comments: &Comments) -> Result<Comments, Vec<FieldError>> {
    let mut errors = Vec::new();
    let general = Text::PARAGRAPHS.or_note(&mut errors, "general", &comments.general);
    let mut sections = BTreeMap::new();
    for (section, raw) in &comments.sections {
        let text = Text::PARAGRAPHS.or_note(&mut errors, section.field(), raw);
        if !text.is_empty() {
            sections.insert(*section, text);
        }
    }
    let cleaned = Comments { sections, general };
    match decision {
        None => errors.push(FieldError::new("decision", "plan_review.error.decision")),
        Some(Decision::RevisionAsked) if cleaned.is_empty() => {
            errors.push(FieldError::new("general", "plan_review.error.comment"));
        }
        Some(_) => {}
    }
    if errors.is_empty() {
        Ok(cleaned)
    } else {
        Err(errors)
    }
}

/// Which of an event's plans someone may read and decide on: all of them
/// (its organisers, administrators), or as a reviewer those assigned to
/// them and those assigned to nobody.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Reviewer(String),
}

impl Scope {
    /// `None`: none of the event's plans.
    pub fn of(account: &Account, event_id: &str) -> Option<Scope> {
        if account.may_manage(event_id) {
            Some(Scope::All)
        } else if account.has_role(event_id, EventRole::Reviewer) {
            Some(Scope::Reviewer(account.id.clone()))
        } else {
            None
        }
    }

    /// Whether a plan assigned to `reviewer` (`None`: to nobody) is in it.
    pub fn admits(&self, reviewer: Option<&str>) -> bool {
        match self {
            Scope::All => true,
            Scope::Reviewer(id) => reviewer.is_none_or(|r| r == id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::fields;
    use super::*;
    use crate::domain::account::Membership;

    #[test]
    fn the_form_reads_comments_by_section_and_the_button() {
        let (decision, comments) = read_form(&fields(&[
            ("comment-situation", "  Sebutkan jumlah pengunjung. "),
            ("comment-attachment", ""),
            ("comment-nothing", "x"),
            ("general", "Bagus."),
            ("decision", "revision"),
        ]));
        assert_eq!(decision, Some(Decision::RevisionAsked));
        let cleaned = check(decision, &comments).unwrap();
        assert_eq!(
            cleaned.on(Section::Situation),
            Some("Sebutkan jumlah pengunjung.")
        );
        assert_eq!(cleaned.on(Section::Attachment), None);
        assert_eq!(cleaned.general, "Bagus.");
        assert_eq!(
            read_form(&fields(&[("decision", "accept")])).0,
            Some(Decision::Accepted)
        );
    }

    #[test]
    fn a_revision_needs_a_comment_and_acceptance_none() {
        let blank = read_form(&fields(&[("comment-title", " "), ("general", "")])).1;
        let errors = check(Some(Decision::RevisionAsked), &blank).unwrap_err();
        assert_eq!(errors[0].message, "plan_review.error.comment");
        assert_eq!(
            check(Some(Decision::Accepted), &blank),
            Ok(Comments::default())
        );
        assert_eq!(
            check(None, &blank).unwrap_err()[0].message,
            "plan_review.error.decision"
        );
        let long = Comments {
            general: "x".repeat(5_001),
            ..Comments::default()
        };
        assert_eq!(
            check(Some(Decision::Accepted), &long).unwrap_err()[0].field,
            "general"
        );
    }

    #[test]
    fn reviewers_see_their_own_and_unassigned_plans_of_their_event() {
        let mut account = Account::with_roles(vec![Membership {
            event_id: "e1".into(),
            role: EventRole::Reviewer,
        }]);
        let scope = Scope::of(&account, "e1").unwrap();
        assert_eq!(scope, Scope::Reviewer("u".into()));
        assert!(scope.admits(None) && scope.admits(Some("u")) && !scope.admits(Some("s")));
        assert_eq!(Scope::of(&account, "e2"), None);
        account.memberships[0].role = EventRole::Speaker;
        assert_eq!(Scope::of(&account, "e1"), None);
        account.memberships[0].role = EventRole::Organiser;
        assert!(Scope::of(&account, "e1").unwrap().admits(Some("s")));
    }
}
