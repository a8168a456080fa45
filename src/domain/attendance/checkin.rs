//! Self check-in for sessions held by a pasted link or in a room: an
//! organiser opens a window for a while, showing a short code; a signed-in
//! participant types it on their phone during the window, once.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::event::FieldError;
use crate::domain::throttle::Allowance;

/// Digits in a code: six are typed on a phone in a few seconds, and with
/// the allowance below a guesser gets a handful of tries in a million.
pub const CODE_DIGITS: usize = 6;

/// How long a window stays open unless the organiser says otherwise: the
/// first quarter of an hour of a session.
pub const DEFAULT_MINUTES: u32 = 15;
pub const MIN_MINUTES: u32 = 1;
/// The longest session's length is twelve hours, but a window open for
/// more than four lets the code travel to people who are not there.
pub const MAX_MINUTES: u32 = 240;

/// Wrong codes are slowed as passwords are, per participant and session,
/// with a far larger allowance per address: a whole room on the venue's
/// Wi-Fi shares one address, and a few of them mistype.
pub const CHECK_IN: Allowance = Allowance {
    // No longer than any other allowance's: failures older than a day are pruned.
    pair_window: Duration::from_secs(24 * 3600),
    pair_free_failures: 5,
    pair_first_wait: Duration::from_secs(60),
    pair_longest_wait: Duration::from_secs(15 * 60),
    address_window: Duration::from_secs(15 * 60),
    address_failures: 100,
};

/// A session's check-in window as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    pub code: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

/// Where a session's check-in stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowState {
    /// Never opened.
    NotOpened,
    Open {
        closes_at: DateTime<Utc>,
    },
    Closed {
        closed_at: DateTime<Utc>,
    },
}

impl Window {
    pub fn state(window: Option<&Window>, now: DateTime<Utc>) -> WindowState {
        match window {
            None => WindowState::NotOpened,
            Some(w) if w.opens_at <= now && now < w.closes_at => WindowState::Open {
                closes_at: w.closes_at,
            },
            Some(w) => WindowState::Closed {
                closed_at: w.closes_at,
            },
        }
    }

    /// Whether `typed` (already through [`typed_code`]) is this window's
    /// code, compared in constant time: how much of a guess was right must
    /// not show in how long the answer takes.
    pub fn accepts(&self, typed: &str) -> bool {
        let (expected, typed) = (self.code.as_bytes(), typed.as_bytes());
        expected.len() == typed.len()
            && expected
                .iter()
                .zip(typed)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

/// A code as shown: two groups of three, easier to read from a screen.
pub fn shown_code(code: &str) -> String {
    let (first, second) = code.split_at(code.len() / 2);
    format!("{first} {second}")
}

/// A code as typed, read as its digits: the spaces and dashes of its
/// shown form are dropped. A code of another shape cannot be right, so it
/// gets a message instead of counting as a guess.
pub fn typed_code(raw: &str) -> Result<String, FieldError> {
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(FieldError::new("code", "checkin.error.code"))
    }
}

/// How long to open a window for, as typed into the organiser's form.
pub fn check_minutes(raw: &str) -> Result<u32, FieldError> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (MIN_MINUTES..=MAX_MINUTES).contains(m))
        .ok_or_else(|| {
            FieldError::new("minutes", "checkin.error.minutes").with_args(vec![
                ("min", MIN_MINUTES.to_string()),
                ("max", MAX_MINUTES.to_string()),
            ])
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::attendance::at;

    fn window() -> Window {
        Window {
            code: "048213".into(),
            opens_at: at(2, 0, 0),
            closes_at: at(2, 15, 0),
        }
    }

    #[test]
    fn a_window_is_open_from_its_opening_until_just_before_it_closes() {
        let w = window();
        assert_eq!(Window::state(None, at(2, 5, 0)), WindowState::NotOpened);
        assert_eq!(
            Window::state(Some(&w), at(2, 0, 0)),
            WindowState::Open {
                closes_at: at(2, 15, 0)
            }
        );
        assert_eq!(
            Window::state(Some(&w), at(2, 15, 0)),
            WindowState::Closed {
                closed_at: at(2, 15, 0)
            }
        );
    }

    #[test]
    fn a_code_is_read_as_its_six_digits_whatever_the_spacing() {
        assert_eq!(typed_code(" 048 213 ").as_deref(), Ok("048213"));
        assert_eq!(typed_code("048-213").as_deref(), Ok("048213"));
        for wrong in ["", "04821", "0482134", "04821a", "０４８２１３"] {
            assert_eq!(
                typed_code(wrong).map_err(|e| e.message),
                Err("checkin.error.code"),
                "{wrong}"
            );
        }
        assert!(window().accepts("048213"));
        assert!(!window().accepts("048214"));
        assert!(!window().accepts("04821"));
        assert_eq!(shown_code("048213"), "048 213");
    }

    #[test]
    fn a_window_lasts_between_a_minute_and_four_hours() {
        assert_eq!(check_minutes(" 15 "), Ok(15));
        assert_eq!(check_minutes("240"), Ok(240));
        for wrong in ["0", "241", "", "lima belas", "-5", "1.5"] {
            let error = check_minutes(wrong).unwrap_err();
            assert_eq!(error.field, "minutes");
            assert_eq!(error.args[1], ("max", "240".to_owned()));
        }
    }
}
