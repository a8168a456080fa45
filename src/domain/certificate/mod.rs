//! Certificates (e-sertifikat): which types an event gives, who is
//! eligible, how numbers are written and what the signatories' blocks
//! hold. Issuing, rendering and delivery live in `services::certificates`.

pub mod eligibility;
pub mod number;
pub mod revocation;
pub mod settings;
pub mod signing;

use serde::{Deserialize, Serialize};

use super::event::FieldError;

/// Who a certificate is for: each type has its own numbering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Participant,
    Speaker,
    Committee,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Participant, Kind::Speaker, Kind::Committee];

    /// The pattern a type starts with, {kode} being the event's code.
    pub fn default_pattern(self) -> &'static str {
        match self {
            Kind::Participant => "{nomor:3}/BIMTEK-{kode}/{bulan}/{tahun}",
            Kind::Speaker => "{nomor:3}/NS-{kode}/{bulan}/{tahun}",
            Kind::Committee => "{nomor:3}/PAN-{kode}/{bulan}/{tahun}",
        }
    }
}

/// One signatory's block, as the settings keep it (JSON). Pictures are
/// storage keys.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    /// "Kepala Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".
    pub position: String,
    /// With titles, as printed.
    pub name: String,
    /// Rank, NIP: one printed line each.
    #[serde(default)]
    pub lines: Vec<String>,
    #[serde(default)]
    pub signature_key: Option<String>,
    #[serde(default)]
    pub stamp_key: Option<String>,
}

/// Signatories a certificate prints at most.
pub const MAX_SIGNATORIES: usize = 2;

/// The event's code as typed, or `field`'s message: 1 to 30 capital
/// letters, digits, dashes and dots, for it is printed in numbers.
pub fn check_event_code(raw: &str, field: &'static str) -> Result<String, FieldError> {
    let code = raw.trim();
    if code.is_empty() {
        return Err(FieldError::new(field, "certificate.error.code_missing"));
    }
    let fits = code.chars().count() <= 30
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if fits {
        Ok(code.to_owned())
    } else {
        Err(FieldError::new(field, "certificate.error.code"))
    }
}

/// An event's code until its organisers choose one: its slug in capitals,
/// cut to 30 characters.
pub fn default_event_code(slug: &str) -> String {
    let code: String = slug
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '-'
            }
        })
        .take(30)
        .collect();
    let code = code.trim_matches('-');
    if code.is_empty() {
        "BIMTEK".to_owned()
    } else {
        code.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_code_is_the_slug_in_capitals() {
        assert_eq!(
            default_event_code("tpbis-bengkulu-2026"),
            "TPBIS-BENGKULU-2026"
        );
        assert_eq!(default_event_code("---"), "BIMTEK");
        assert_eq!(default_event_code(&"a".repeat(40)).len(), 30);
        assert!(check_event_code(&default_event_code("tpbis_2026"), "code").is_ok());
    }

    #[test]
    fn a_code_is_capitals_digits_dashes_and_dots() {
        assert_eq!(
            check_event_code(" DPK-BKL.3 ", "code").unwrap(),
            "DPK-BKL.3"
        );
        for bad in ["dpk", "DPK/BKL", "DPK BKL", &"A".repeat(31)] {
            assert_eq!(
                check_event_code(bad, "code").unwrap_err().message,
                "certificate.error.code",
                "{bad}"
            );
        }
        assert_eq!(
            check_event_code("  ", "code").unwrap_err().message,
            "certificate.error.code_missing"
        );
    }
}
