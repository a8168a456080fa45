//! Certificate numbers, written from a pattern per type and event, e.g.
//! `{nomor:3}/BIMTEK-{kode}/{bulan}/{tahun}` → `001/BIMTEK-TPBIS/VII/2026`.
//!
//! Placeholders (named in Indonesian, as the numbers are):
//! - `{nomor}` or `{nomor:N}`: the running number of the type, padded
//!   with zeros to N digits (1 to 9); required, once;
//! - `{kode}`: the event's code; required, so that numbers of different
//!   events never meet;
//! - `{bulan}`: the month of signing in Roman numerals, I to XII;
//! - `{tahun}`: the year of signing, four digits.

use super::FieldError;

/// Characters a pattern may have: numbers must fit on one printed line.
pub const PATTERN_MAX: usize = 120;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Number { width: usize },
    Code,
    Month,
    Year,
}

/// A checked pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    parts: Vec<Part>,
}

/// What a number is written from.
#[derive(Clone, Copy, Debug)]
pub struct Values<'a> {
    /// The running number, from 1.
    pub sequence: u32,
    pub event_code: &'a str,
    /// 1 to 12.
    pub month: u32,
    pub year: i32,
}

impl Pattern {
    /// The pattern as typed, or `field`'s message naming what is wrong.
    pub fn parse(raw: &str, field: &'static str) -> Result<Pattern, FieldError> {
        let error = |message: &'static str| FieldError::new(field, message);
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(error("certificate.error.pattern_missing"));
        }
        if raw.chars().count() > PATTERN_MAX {
            return Err(error("certificate.error.pattern_long")
                .with_args(vec![("max", PATTERN_MAX.to_string())]));
        }
        let mut parts = Vec::new();
        let mut rest = raw;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err(error("certificate.error.pattern_brace"));
            }
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find(['{', '}'])
                .filter(|&i| after[i..].starts_with('}'))
                .ok_or_else(|| error("certificate.error.pattern_brace"))?;
            parts.push(placeholder(&after[..close]).ok_or_else(|| {
                error("certificate.error.pattern_unknown")
                    .with_args(vec![("name", format!("{{{}}}", &after[..close]))])
            })?);
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        let count = |f: fn(&Part) -> bool| parts.iter().filter(|p| f(p)).count();
        match count(|p| matches!(p, Part::Number { .. })) {
            0 => return Err(error("certificate.error.pattern_no_number")),
            1 => {}
            _ => return Err(error("certificate.error.pattern_twice")),
        }
        if count(|p| *p == Part::Code) == 0 {
            return Err(error("certificate.error.pattern_no_code"));
        }
        Ok(Pattern { parts })
    }

    /// The number of a certificate.
    pub fn format(&self, values: &Values<'_>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Number { width } => {
                    out.push_str(&format!("{:0width$}", values.sequence, width = *width))
                }
                Part::Code => out.push_str(values.event_code),
                Part::Month => out.push_str(roman(values.month)),
                Part::Year => out.push_str(&values.year.to_string()),
            }
        }
        out
    }
}

fn placeholder(name: &str) -> Option<Part> {
    match name {
        "nomor" => Some(Part::Number { width: 1 }),
        "kode" => Some(Part::Code),
        "bulan" => Some(Part::Month),
        "tahun" => Some(Part::Year),
        _ => match name.strip_prefix("nomor:")?.as_bytes() {
            // One digit, 1 to 9: "03" or "+3" is a typing slip, not a width.
            [digit @ b'1'..=b'9'] => Some(Part::Number {
                width: usize::from(digit - b'0'),
            }),
            _ => None,
        },
    }
}

/// A month, 1 to 12, in Roman numerals; "?" for anything else.
pub fn roman(month: u32) -> &'static str {
    const MONTHS: [&str; 12] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    month
        .checked_sub(1)
        .and_then(|i| MONTHS.get(i as usize))
        .copied()
        .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(sequence: u32) -> Values<'static> {
        Values {
            sequence,
            event_code: "TPBIS",
            month: 7,
            year: 2026,
        }
    }

    fn error(raw: &str) -> &'static str {
        Pattern::parse(raw, "pattern").unwrap_err().message
    }

    #[test]
    fn the_default_patterns_write_the_usual_numbers() {
        let pattern =
            Pattern::parse(super::super::Kind::Participant.default_pattern(), "p").unwrap();
        assert_eq!(pattern.format(&values(1)), "001/BIMTEK-TPBIS/VII/2026");
        assert_eq!(pattern.format(&values(1234)), "1234/BIMTEK-TPBIS/VII/2026");
        for kind in super::super::Kind::ALL {
            assert!(
                Pattern::parse(kind.default_pattern(), "p").is_ok(),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn the_number_without_a_width_is_not_padded() {
        let pattern = Pattern::parse("{kode}-{nomor}", "p").unwrap();
        assert_eq!(pattern.format(&values(7)), "TPBIS-7");
        let pattern = Pattern::parse("{nomor:5}.{kode}.{bulan}", "p").unwrap();
        assert_eq!(pattern.format(&values(42)), "00042.TPBIS.VII");
    }

    #[test]
    fn months_are_roman_numerals() {
        let all: Vec<&str> = (1..=12).map(roman).collect();
        assert_eq!(
            all,
            [
                "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"
            ]
        );
        assert_eq!(roman(0), "?");
        assert_eq!(roman(13), "?");
    }

    #[test]
    fn a_bad_pattern_says_what_is_wrong() {
        assert_eq!(error("  "), "certificate.error.pattern_missing");
        assert_eq!(
            error("{kode}/{tahun}"),
            "certificate.error.pattern_no_number"
        );
        assert_eq!(
            error("{nomor}/{tahun}"),
            "certificate.error.pattern_no_code"
        );
        assert_eq!(
            error("{nomor}/{kode}/{nomor:3}"),
            "certificate.error.pattern_twice"
        );
        assert_eq!(error("{nomor}/{kode"), "certificate.error.pattern_brace");
        assert_eq!(error("{nomor}/kode}"), "certificate.error.pattern_brace");
        assert_eq!(error("{nomor}/{{kode}"), "certificate.error.pattern_brace");
        assert_eq!(
            error(&format!("{{nomor}}{{kode}}{}", "x".repeat(120))),
            "certificate.error.pattern_long"
        );
        for unknown in [
            "{nomor:0}",
            "{nomor:10}",
            "{nomor:+3}",
            "{nomor:03}",
            "{Nomor}",
            "{year}",
            "{}",
        ] {
            let e =
                Pattern::parse(&format!("{unknown}/{{kode}}/{{nomor}}"), "pattern").unwrap_err();
            assert_eq!(e.message, "certificate.error.pattern_unknown", "{unknown}");
            assert_eq!(e.args, vec![("name", unknown.to_owned())]);
            assert_eq!(e.field, "pattern");
        }
    }
}
