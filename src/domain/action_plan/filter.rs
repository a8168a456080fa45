//! Which of an event's plans an organiser looks at: the overview's
//! filters, which its counts, its pages and its exports share.

use super::{State, Strategy, strategy_name};

/// Empty: every plan of the event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Matched anywhere in the participant's name, e-mail or institution.
    pub text: Option<String>,
    pub state: Option<State>,
    /// Only the plans that came after the deadline.
    pub late: bool,
    pub strategy: Option<Strategy>,
    pub province_code: Option<String>,
    /// Only within `province_code`.
    pub regency_code: Option<String>,
}

/// A state's word in an address (`?state=revision_asked`).
pub fn state_name(state: State) -> &'static str {
    match state {
        State::Draft => "draft",
        State::Submitted => "submitted",
        State::RevisionAsked => "revision_asked",
        State::Accepted => "accepted",
    }
}

/// The strategy a form or an address names by its word, if any.
pub fn strategy_of(name: &str) -> Option<Strategy> {
    Strategy::ALL
        .into_iter()
        .find(|s| strategy_name(*s) == name)
}

/// The `LIKE` pattern a plan's stored content (JSON, as `Content`
/// serialises) matches when the plan serves `strategy`. Exact, not a
/// guess: serde writes the fields in their order and escapes every quote
/// inside a text, so an unescaped `"community"` between the list's key and
/// the next field's can only be an item of the list. Strategies are kept
/// there and nowhere else, so counting them needs no column of its own.
pub fn strategy_pattern(strategy: Strategy) -> String {
    format!(
        "%\"strategies\":[%\"{}\"%],\"activities\":%",
        strategy_name(strategy)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::action_plan::{Activity, Content};

    /// SQL's `LIKE` with `%` as its only wildcard, as the patterns use it.
    fn like(text: &str, pattern: &str) -> bool {
        let parts: Vec<&str> = pattern.split('%').collect();
        let mut rest = text;
        for (i, part) in parts.iter().enumerate() {
            if i == 0 {
                let Some(after) = rest.strip_prefix(part) else {
                    return false;
                };
                rest = after;
            } else if i == parts.len() - 1 {
                return rest.ends_with(part);
            } else {
                let Some(at) = rest.find(part) else {
                    return false;
                };
                rest = &rest[at + part.len()..];
            }
        }
        rest.is_empty()
    }

    #[test]
    fn a_strategy_matches_the_list_and_never_a_text_that_names_it() {
        let content = Content {
            title: "\"community\"".into(),
            situation: "\"strategies\":[\"advocacy\"],\"activities\":".into(),
            strategies: vec![Strategy::Information],
            activities: vec![Activity {
                what: "community".into(),
                partner: "\"advocacy\"".into(),
                ..Activity::default()
            }],
            ..Content::default()
        };
        let json = serde_json::to_string(&content).unwrap();
        assert!(like(&json, &strategy_pattern(Strategy::Information)));
        assert!(!like(&json, &strategy_pattern(Strategy::Community)));
        assert!(!like(&json, &strategy_pattern(Strategy::Advocacy)));
        let none = serde_json::to_string(&Content::default()).unwrap();
        for strategy in Strategy::ALL {
            assert!(!like(&none, &strategy_pattern(strategy)), "{strategy:?}");
        }
    }
}
