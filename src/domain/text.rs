//! What may be kept of text that someone typed or pasted, one rule for
//! every field: a length limit, and no control characters, which would
//! reach e-mails (a line break in a subject starts a new header line),
//! exports and terminals (ESC). Tabs, which a paste from a spreadsheet
//! brings, become spaces; the line breaks of a multi-line field are kept
//! as `\n`. Anything else invisible and controlling is refused, so the
//! person sees which field and can fix it.

use std::borrow::Cow;

use super::event::FieldError;

/// A filter as typed in a list's address: trimmed, or `None` when blank.
pub fn given(raw: &str) -> Option<String> {
    Some(raw.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The kind of field: how long it may be and whether it has lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub max_chars: usize,
    pub lines: bool,
}

impl Text {
    /// A person's name.
    pub const NAME: Text = Text::line(120);
    /// An institution, a position, a short answer: one line.
    pub const LINE: Text = Text::line(200);
    /// A free answer to an organiser's question.
    pub const ANSWER: Text = Text::line(500);
    /// An event's or a session's title, a question: what a heading holds.
    pub const TITLE: Text = Text::line(200);
    /// A web address (a Teams link runs to some hundreds of characters).
    pub const ADDRESS: Text = Text::line(2_000);
    /// An event's or a session's description: paragraphs.
    pub const PARAGRAPHS: Text = Text::lines(5_000);
    /// A question's choices, one per line.
    pub const CHOICES: Text = Text::lines(2_000);

    pub const fn line(max_chars: usize) -> Text {
        Text {
            max_chars,
            lines: false,
        }
    }

    pub const fn lines(max_chars: usize) -> Text {
        Text {
            max_chars,
            lines: true,
        }
    }

    /// For a form that names every wrong field at once: the cleaned text,
    /// or what was typed (trimmed) with the field's message added to
    /// `errors`. What was typed stands in so that no second message about
    /// the same field ("write a title") follows.
    pub fn or_note(
        self,
        errors: &mut Vec<FieldError>,
        field: impl Into<Cow<'static, str>>,
        raw: &str,
    ) -> String {
        self.check(field, raw).unwrap_or_else(|error| {
            errors.push(error);
            raw.trim().to_owned()
        })
    }

    /// Trimmed and cleaned, or the field's message (`text.error.*`).
    pub fn check(
        self,
        field: impl Into<Cow<'static, str>>,
        raw: &str,
    ) -> Result<String, FieldError> {
        let mut kept = String::with_capacity(raw.len());
        for c in raw.chars() {
            match c {
                '\t' => kept.push(' '),
                // Browsers send a textarea's line breaks as CR LF.
                '\r' if self.lines => {}
                '\n' | '\u{2028}' | '\u{2029}' if self.lines => kept.push('\n'),
                '\u{2028}' | '\u{2029}' => {
                    return Err(FieldError::new(field, "text.error.control"));
                }
                c if c.is_control() => {
                    return Err(FieldError::new(field, "text.error.control"));
                }
                c => kept.push(c),
            }
        }
        let kept = kept.trim();
        let count = kept.chars().count();
        if count > self.max_chars {
            return Err(
                FieldError::new(field, "text.error.too_long").with_args(vec![
                    ("max", self.max_chars.to_string()),
                    ("count", count.to_string()),
                ]),
            );
        }
        Ok(kept.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<String, FieldError>) -> &'static str {
        result.unwrap_err().message
    }

    #[test]
    fn pasted_tabs_become_spaces_and_the_ends_are_trimmed() {
        assert_eq!(
            Text::NAME.check("full_name", " Siti\tAminah ").unwrap(),
            "Siti Aminah"
        );
    }

    #[test]
    fn control_characters_are_refused_and_line_breaks_only_where_lines_are() {
        for bad in [
            "Siti\0",
            "Siti\u{1b}[31m",
            "Siti\r\nBcc: x",
            "Siti\n",
            "a\u{85}b",
            "a\u{2028}b",
        ] {
            assert_eq!(
                message(Text::NAME.check("full_name", bad)),
                "text.error.control",
                "{bad:?}"
            );
        }
        let paragraph = Text::lines(100);
        assert_eq!(paragraph.check("d", "satu\r\ndua").unwrap(), "satu\ndua");
        assert_eq!(
            message(paragraph.check("d", "satu\0")),
            "text.error.control"
        );
    }

    #[test]
    fn a_refused_field_keeps_what_was_typed_beside_its_message() {
        let mut errors = Vec::new();
        assert_eq!(
            Text::NAME.or_note(&mut errors, "name", " Siti\tA "),
            "Siti A"
        );
        assert!(errors.is_empty());
        assert_eq!(
            Text::NAME.or_note(&mut errors, "name", " Siti\0 "),
            "Siti\0"
        );
        assert_eq!(errors, [FieldError::new("name", "text.error.control")]);
    }

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        assert!(Text::line(3).check("f", "ééé").is_ok());
        let error = Text::line(3).check("f", "abcd").unwrap_err();
        assert_eq!(error.message, "text.error.too_long");
        assert_eq!(
            error.args,
            vec![("max", "3".to_owned()), ("count", "4".to_owned())]
        );
    }
}
