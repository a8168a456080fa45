//! An event's own questions on the registration form ("Apakah Anda sudah
//! pernah mengikuti bimtek ini?"), and how answers to them are checked.

use std::collections::HashMap;

use super::event::FieldError;
use super::text::Text;

/// At most this many per event: the form must stay short on a phone.
pub const MAX_PER_EVENT: usize = 10;
const MAX_CHOICES: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Choice(Vec<String>),
    YesNo,
}

impl Kind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Choice(_) => "choice",
            Kind::YesNo => "yes_no",
        }
    }

    /// From the stored name and the stored choices (one per line).
    pub fn parse(name: &str, choices: &str) -> Option<Kind> {
        match name {
            "text" => Some(Kind::Text),
            "yes_no" => Some(Kind::YesNo),
            "choice" => Some(Kind::Choice(lines(choices))),
            _ => None,
        }
    }

    pub fn choices_text(&self) -> String {
        match self {
            Kind::Choice(choices) => choices.join("\n"),
            _ => String::new(),
        }
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub kind: Kind,
    pub label: String,
    pub required: bool,
}

/// Yes/no answers are stored as these, whatever the language of the form.
pub const YES: &str = "ya";
pub const NO: &str = "tidak";

impl Question {
    /// The form field that carries the answer.
    pub fn field(&self) -> String {
        format!("q_{}", self.id)
    }

    /// The stored answer, or `None` for an optional question left empty.
    pub fn check(&self, raw: Option<&str>) -> Result<Option<String>, FieldError> {
        let raw = raw.map(str::trim).unwrap_or("");
        let fail = |message| Err(FieldError::new(self.field(), message));
        if raw.is_empty() {
            return if self.required {
                fail("question.error.required")
            } else {
                Ok(None)
            };
        }
        match &self.kind {
            Kind::Text => Text::ANSWER.check(self.field(), raw).map(Some),
            Kind::Choice(choices) if !choices.iter().any(|c| c == raw) => {
                fail("question.error.choose")
            }
            Kind::YesNo if raw != YES && raw != NO => fail("question.error.choose"),
            _ => Ok(Some(raw.to_owned())),
        }
    }
}

/// Every question's answer from submitted fields, or all the messages.
pub fn check_answers(
    questions: &[Question],
    fields: &HashMap<String, String>,
) -> Result<Vec<(String, String)>, Vec<FieldError>> {
    let mut answers = Vec::new();
    let mut errors = Vec::new();
    for question in questions {
        match question.check(fields.get(&question.field()).map(String::as_str)) {
            Ok(Some(answer)) => answers.push((question.id.clone(), answer)),
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// What an organiser typed to add a question.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub choices: String,
    #[serde(default)]
    pub required: Option<String>,
}

/// A new question from the organiser's form; `existing` counts the
/// event's questions so far.
pub fn check_question(
    form: &QuestionForm,
    existing: usize,
) -> Result<(Kind, String, bool), Vec<FieldError>> {
    let mut errors = Vec::new();
    let label = Text::TITLE.or_note(&mut errors, "label", &form.label);
    // A refused field has its message already, and no second one.
    if label.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("label", "question.error.label"));
    }
    let before = errors.len();
    let choices = Text::CHOICES.or_note(&mut errors, "choices", &form.choices);
    let choices_refused = errors.len() > before;
    let kind = Kind::parse(&form.kind, &choices);
    match &kind {
        None => errors.push(FieldError::new("kind", "question.error.kind")),
        Some(Kind::Choice(choices))
            if !(2..=MAX_CHOICES).contains(&choices.len()) && !choices_refused =>
        {
            errors.push(FieldError::new("choices", "question.error.choices"));
        }
        _ => {}
    }
    if existing >= MAX_PER_EVENT {
        errors.push(FieldError::new("label", "question.error.too_many"));
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok((kind, label, form.required.is_some())),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(kind: Kind, required: bool) -> Question {
        Question {
            id: "abc".into(),
            kind,
            label: "Pernah ikut?".into(),
            required,
        }
    }

    #[test]
    fn answers_are_checked_by_kind() {
        let choice = question(Kind::Choice(vec!["Sudah".into(), "Belum".into()]), true);
        assert_eq!(choice.check(Some(" Sudah ")), Ok(Some("Sudah".into())));
        assert_eq!(
            choice.check(Some("Mungkin")).unwrap_err().message,
            "question.error.choose"
        );
        assert_eq!(
            choice.check(None).unwrap_err().message,
            "question.error.required"
        );
        let yes_no = question(Kind::YesNo, false);
        assert_eq!(yes_no.check(Some(YES)), Ok(Some(YES.into())));
        assert_eq!(yes_no.check(Some("")), Ok(None));
        assert!(yes_no.check(Some("yes")).is_err());
        let text = question(Kind::Text, false);
        assert!(
            text.check(Some(&"a".repeat(Text::ANSWER.max_chars + 1)))
                .is_err()
        );
        assert_eq!(choice.field(), "q_abc");
    }

    #[test]
    fn all_messages_at_once() {
        let questions = [
            Question {
                id: "1".into(),
                ..question(Kind::Text, true)
            },
            Question {
                id: "2".into(),
                ..question(Kind::YesNo, true)
            },
        ];
        let fields = HashMap::from([("q_2".to_owned(), "ya".to_owned())]);
        let errors = check_answers(&questions, &fields).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "q_1");
    }

    #[test]
    fn organisers_questions_need_a_label_and_real_choices() {
        let form = QuestionForm {
            label: "Ukuran kaos".into(),
            kind: "choice".into(),
            choices: "S\n\nM\r\nL\n".into(),
            required: Some("on".into()),
        };
        let (kind, label, required) = check_question(&form, 0).unwrap();
        assert_eq!(kind, Kind::Choice(vec!["S".into(), "M".into(), "L".into()]));
        assert_eq!((label.as_str(), required), ("Ukuran kaos", true));
        let one = QuestionForm {
            choices: "S".into(),
            ..form.clone()
        };
        assert_eq!(check_question(&one, 0).unwrap_err()[0].field, "choices");
        assert!(check_question(&form, MAX_PER_EVENT).is_err());
        let nameless = QuestionForm {
            label: " ".into(),
            kind: "mystery".into(),
            ..form
        };
        let fields: Vec<_> = check_question(&nameless, 0)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["label", "kind"]);
    }
}
