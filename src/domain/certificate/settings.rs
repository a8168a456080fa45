//! The organisers' certificate settings form: which types the event gives,
//! what a participant needs, the number patterns, the event's code and
//! what the signature block prints. Pictures come as separate uploads.

use chrono::NaiveDate;
use serde::Deserialize;

use super::eligibility::Requirement;
use super::number::Pattern;
use super::{FieldError, Kind, Signatory, check_event_code};

/// A printed line (a position, a name, a place) at most, in characters.
pub const LINE_MAX: usize = 200;

/// The form as typed; every field kept to show again with its message.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub participant_enabled: Option<String>,
    pub speaker_enabled: Option<String>,
    pub committee_enabled: Option<String>,
    pub requirement: String,
    pub participant_pattern: String,
    pub speaker_pattern: String,
    pub committee_pattern: String,
    pub event_code: String,
    pub signing_place: String,
    /// YYYY-MM-DD, or empty for the event's last day.
    pub signing_date: String,
    pub signatory1_position: String,
    pub signatory1_name: String,
    /// Rank, NIP: one line each.
    pub signatory1_lines: String,
    pub signatory2_position: String,
    pub signatory2_name: String,
    pub signatory2_lines: String,
}

/// A type's rules as checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeRules {
    pub kind: Kind,
    pub enabled: bool,
    pub pattern: String,
}

/// The form, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub types: Vec<TypeRules>,
    pub requirement: Requirement,
    pub event_code: String,
    pub signing_place: String,
    pub signing_date: Option<NaiveDate>,
    /// Without pictures: the caller keeps those already uploaded.
    pub signatories: Vec<Signatory>,
}

impl SettingsForm {
    pub fn enabled(&self, kind: Kind) -> bool {
        match kind {
            Kind::Participant => self.participant_enabled.is_some(),
            Kind::Speaker => self.speaker_enabled.is_some(),
            Kind::Committee => self.committee_enabled.is_some(),
        }
    }

    pub fn pattern(&self, kind: Kind) -> &str {
        match kind {
            Kind::Participant => &self.participant_pattern,
            Kind::Speaker => &self.speaker_pattern,
            Kind::Committee => &self.committee_pattern,
        }
    }

    pub fn check(&self, requirement: Option<Requirement>) -> Result<Checked, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut types: Vec<TypeRules> = Vec::new();
        for kind in Kind::ALL {
            let field = pattern_field(kind);
            match Pattern::parse(self.pattern(kind), field) {
                Ok(_) if types.iter().any(|t| t.pattern == self.pattern(kind).trim()) => {
                    errors.push(FieldError::new(field, "certificate.error.pattern_same"));
                }
                Ok(_) => types.push(TypeRules {
                    kind,
                    enabled: self.enabled(kind),
                    pattern: self.pattern(kind).trim().to_owned(),
                }),
                Err(e) => errors.push(e),
            }
        }
        let requirement = requirement
            .ok_or_else(|| FieldError::new("requirement", "certificate.error.requirement"));
        let code = check_event_code(&self.event_code, "event_code");
        let place = line(
            &self.signing_place,
            "signing_place",
            "certificate.error.place",
        );
        let date = match self.signing_date.trim() {
            "" => Ok(None),
            typed => NaiveDate::parse_from_str(typed, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| FieldError::new("signing_date", "certificate.error.date")),
        };
        let first = signatory(
            [
                &self.signatory1_position,
                &self.signatory1_name,
                &self.signatory1_lines,
            ],
            ["signatory1_position", "signatory1_name"],
        );
        let second = signatory(
            [
                &self.signatory2_position,
                &self.signatory2_name,
                &self.signatory2_lines,
            ],
            ["signatory2_position", "signatory2_name"],
        );
        let first = match first {
            Ok(None) => Err(vec![FieldError::new(
                "signatory1_name",
                "certificate.error.signatory_missing",
            )]),
            other => other,
        };
        let requirement = keep(requirement.map_err(|e| vec![e]), &mut errors);
        let event_code = keep(code.map_err(|e| vec![e]), &mut errors);
        let signing_place = keep(place.map_err(|e| vec![e]), &mut errors);
        let signing_date = keep(date.map_err(|e| vec![e]), &mut errors);
        let first = keep(first, &mut errors);
        let second = keep(second, &mut errors);
        match (
            requirement,
            event_code,
            signing_place,
            signing_date,
            first,
            second,
        ) {
            (
                Some(requirement),
                Some(event_code),
                Some(signing_place),
                Some(signing_date),
                Some(first),
                Some(second),
            ) if errors.is_empty() => Ok(Checked {
                types,
                requirement,
                event_code,
                signing_place,
                signing_date,
                signatories: first.into_iter().chain(second).collect(),
            }),
            _ => Err(errors),
        }
    }
}

/// The value, or its messages added to `errors`.
fn keep<T>(result: Result<T, Vec<FieldError>>, errors: &mut Vec<FieldError>) -> Option<T> {
    result.map_err(|e| errors.extend(e)).ok()
}

/// The form field of a type's pattern.
pub fn pattern_field(kind: Kind) -> &'static str {
    match kind {
        Kind::Participant => "participant_pattern",
        Kind::Speaker => "speaker_pattern",
        Kind::Committee => "committee_pattern",
    }
}

fn line(raw: &str, field: &'static str, missing: &'static str) -> Result<String, FieldError> {
    let text = raw.trim();
    if text.is_empty() {
        Err(FieldError::new(field, missing))
    } else if text.chars().count() > LINE_MAX {
        Err(FieldError::new(field, "certificate.error.too_long")
            .with_args(vec![("max", LINE_MAX.to_string())]))
    } else {
        Ok(text.to_owned())
    }
}

/// A signatory's block: nothing typed is none; something typed needs a
/// position and a name.
fn signatory(
    [position, name, lines]: [&String; 3],
    [position_field, name_field]: [&'static str; 2],
) -> Result<Option<Signatory>, Vec<FieldError>> {
    if [position, name, lines].iter().all(|t| t.trim().is_empty()) {
        return Ok(None);
    }
    let position = line(position, position_field, "certificate.error.position");
    let name = line(name, name_field, "certificate.error.name");
    match (position, name) {
        (Ok(position), Ok(name)) => Ok(Some(Signatory {
            position,
            name,
            lines: lines
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .take(3)
                .map(str::to_owned)
                .collect(),
            signature_key: None,
            stamp_key: None,
        })),
        (position, name) => Err([position.err(), name.err()].into_iter().flatten().collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SettingsForm {
        SettingsForm {
            participant_enabled: Some("1".into()),
            requirement: "both".into(),
            participant_pattern: Kind::Participant.default_pattern().into(),
            speaker_pattern: Kind::Speaker.default_pattern().into(),
            committee_pattern: Kind::Committee.default_pattern().into(),
            event_code: "TPBIS".into(),
            signing_place: "Bengkulu".into(),
            signatory1_position: "Kepala Dinas".into(),
            signatory1_name: "Drs. H. Meri Sasdi, M.Pd.".into(),
            signatory1_lines: "Pembina Utama Muda (IV/c)\r\n\r\nNIP 19680512 199303 1 004\n".into(),
            ..SettingsForm::default()
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_ref(), e.message))
            .collect()
    }

    #[test]
    fn a_complete_form_is_taken_with_one_signatory() {
        let checked = form().check(Some(Requirement::Both)).unwrap();
        assert_eq!(checked.types.len(), 3);
        assert!(checked.types[0].enabled && !checked.types[1].enabled);
        assert_eq!(checked.signing_date, None);
        assert_eq!(checked.signatories.len(), 1);
        assert_eq!(
            checked.signatories[0].lines,
            ["Pembina Utama Muda (IV/c)", "NIP 19680512 199303 1 004"]
        );
    }

    #[test]
    fn every_mistake_is_named_on_its_field() {
        let typed = SettingsForm {
            participant_pattern: "{nomor}".into(),
            speaker_pattern: Kind::Participant.default_pattern().into(),
            committee_pattern: Kind::Participant.default_pattern().into(),
            participant_enabled: None,
            event_code: "tpbis".into(),
            signing_place: " ".into(),
            signing_date: "29/07/2026".into(),
            signatory1_name: String::new(),
            signatory2_name: "Dr. Adin Bondar".into(),
            ..form()
        };
        let errors = typed.check(None).unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                ("participant_pattern", "certificate.error.pattern_no_code"),
                ("committee_pattern", "certificate.error.pattern_same"),
                ("requirement", "certificate.error.requirement"),
                ("event_code", "certificate.error.code"),
                ("signing_place", "certificate.error.place"),
                ("signing_date", "certificate.error.date"),
                ("signatory1_name", "certificate.error.name"),
                ("signatory2_position", "certificate.error.position"),
            ]
        );
    }

    #[test]
    fn the_first_signatory_is_required() {
        let typed = SettingsForm {
            signatory1_position: String::new(),
            signatory1_name: String::new(),
            signatory1_lines: String::new(),
            ..form()
        };
        assert_eq!(
            fields(&typed.check(Some(Requirement::None)).unwrap_err()),
            [("signatory1_name", "certificate.error.signatory_missing")]
        );
    }
}
