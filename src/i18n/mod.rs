//! Bahasa Indonesia first, English second. Texts live in
//! `templates/locales/<code>.toml` (nested tables become dotted keys) and are
//! compiled in; a test keeps both catalogues and the code in step.

pub mod attendance;
pub mod certificates;
pub mod dates;
mod states;

pub use states::Labelled;

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Id, Lang::En];
    pub const COOKIE: &'static str = "lang";

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// The language's name in itself, for the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Id => "Bahasa Indonesia",
            Lang::En => "English",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            // "in" is the withdrawn ISO 639 code some old Android phones still send.
            "id" | "in" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The reader's choice (the cookie) first, then the browser's
    /// Accept-Language by weight, then Indonesian.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        cookie
            .and_then(Lang::from_code)
            .or_else(|| accept_language.and_then(best_accepted))
            .unwrap_or(Lang::Id)
    }

    pub fn t(self, key: &str) -> &'static str {
        let catalogues = &*CATALOGUES;
        catalogues[self as usize]
            .get(key)
            .or_else(|| catalogues[Lang::Id as usize].get(key))
            .map(String::as_str)
            .unwrap_or_else(|| {
                tracing::warn!(key, "missing text");
                "…"
            })
    }

    /// A text the catalogue may not have (a code recorded by an older
    /// version): none rather than a warning.
    pub fn find(self, key: &str) -> Option<&'static str> {
        let catalogues = &*CATALOGUES;
        catalogues[self as usize]
            .get(key)
            .or_else(|| catalogues[Lang::Id as usize].get(key))
            .map(String::as_str)
    }

    /// A text with named placeholders: `{name}` in the catalogue.
    pub fn tf(self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        fill(self.t(key), args)
    }
}

/// Fills `{name}` placeholders in one pass over the template: what a value
/// brings is never read as a placeholder (a name typed as "{event}" stays
/// so), and a text is not copied again for each of its placeholders.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(template.len() + 32 * args.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = args.iter().find(|(n, _)| *n == name)?;
            Some((close, value))
        });
        let Some((close, value)) = value else {
            out.push('{');
            rest = after;
            continue;
        };
        let start = out.len();
        write!(out, "{value}").expect("writing to a String");
        rest = &after[close + 1..];
        // A name ending in a title ("Rina, S.Sos.") already ends the
        // sentence its placeholder closes.
        if out[start..].ends_with('.') {
            rest = rest.strip_prefix('.').unwrap_or(rest);
        }
    }
    out.push_str(rest);
    out
}

fn best_accepted(header: &str) -> Option<Lang> {
    header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let lang = Lang::from_code(parts.next()?)?;
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (weight > 0.0).then_some((lang, weight))
        })
        // max_by keeps the last of equals; reversing keeps the first listed.
        .rev()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(lang, _)| lang)
}

type Catalogue = HashMap<String, String>;

static CATALOGUES: LazyLock<[Catalogue; 2]> = LazyLock::new(|| {
    [
        parse_catalogue(include_str!("../../templates/locales/id.toml")),
        parse_catalogue(include_str!("../../templates/locales/en.toml")),
    ]
});

fn parse_catalogue(text: &str) -> Catalogue {
    let table: toml::Table =
        toml::from_str(text).expect("locale catalogues are valid TOML (tested)");
    let mut out = Catalogue::new();
    flatten("", &table, &mut out);
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalogue) {
    for (key, value) in table {
        let key = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&key, inner, out),
            toml::Value::String(text) => {
                out.insert(key, text.clone());
            }
            other => panic!("locale key {key} must be text, found {}", other.type_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let [id, en] = &*CATALOGUES;
        let id: BTreeSet<_> = id.keys().collect();
        let en: BTreeSet<_> = en.keys().collect();
        assert_eq!(
            id.difference(&en).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "only in id.toml"
        );
        assert_eq!(
            en.difference(&id).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "only in en.toml"
        );
    }

    /// Every literal key the code passes to `t` or `tf` exists.
    #[test]
    fn every_key_used_in_the_code_exists() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut stack = vec![src];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for marker in [".t(\"", ".tf(\""] {
                    for (at, _) in text.match_indices(marker) {
                        let rest = &text[at + marker.len()..];
                        let key = &rest[..rest.find('"').unwrap()];
                        if !CATALOGUES[0].contains_key(key) {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing texts: {missing:#?}");
    }

    /// Keys the code builds at run time, which the scan above cannot see.
    #[test]
    fn keys_built_at_run_time_exist() {
        let mut keys: Vec<String> = Vec::new();
        for role in ["organiser", "speaker", "admin", "member", "participant"] {
            keys.push(format!("role.{role}"));
        }
        for prefix in [
            "400", "403", "404", "405", "413", "422", "429", "503", "4xx", "5xx", "link", "csrf",
        ] {
            keys.push(format!("error.{prefix}.title"));
            keys.push(format!("error.{prefix}.body"));
        }
        for message in [
            "account.error.email",
            "account.error.name",
            "account.error.password_short",
            "account.error.password_long",
            "account.error.password_is_email",
            "account.error.sign_in_failed",
            "manage.error.role",
            "registration.error.nip_format",
            "registration.error.nip_birth_date",
            "registration.error.nip_appointment",
            "registration.error.nip_gender",
            "registration.error.full_name",
            "registration.error.whatsapp",
            "registration.error.required",
            "registration.error.province",
            "registration.error.regency",
            "registration.error.choose",
            "registration.error.consent",
            "event.error.slug",
            "event.error.slug_taken",
            "event.error.title",
            "event.error.office",
            "event.error.ends_before_start",
            "event.error.time_zone",
            "event.error.start",
            "event.error.end",
            "event.error.opens",
            "event.error.closes",
            "event.error.quota",
            "event.error.closes_before_opens",
            "registration.closed",
            "registration.error.already",
            "question.error.required",
            "question.error.choose",
            "text.error.too_long",
            "text.error.control",
            "question.error.label",
            "question.error.kind",
            "question.error.choices",
            "question.error.too_many",
            "checkin.error.code",
            "checkin.error.wrong_code",
            "checkin.error.minutes",
            "checkin.error.zoom",
            "event.error.plan_due",
            "event.form.plan_late_accept",
            "event.form.plan_late_refuse",
            "plan.error.required",
            "plan.error.strategy",
            "plan.error.activities",
            "plan.error.month",
            "plan.error.too_many_rows",
            "plan.error.late_refused",
            "audit.action.plan.submitted",
            "audit.action.follow_up.added",
            "audit.action.follow_up.removed",
            "audit.action.follow_up.reported",
            "follow_up.error.date",
            "follow_up.error.before_end",
            "follow_up.error.taken",
            "follow_up.error.has_reports",
            "follow_up.error.progress",
            "follow_up.error.done_date",
            "follow_up.error.closed",
            "follow_up.error.too_many_files",
            "follow_up.progress.done",
            "follow_up.progress.in_progress",
            "follow_up.progress.not_started",
            "certificate.error.code_missing",
            "certificate.error.code",
            "certificate.error.code_taken",
            "certificate.error.pattern_missing",
            "certificate.error.pattern_long",
            "certificate.error.pattern_brace",
            "certificate.error.pattern_unknown",
            "certificate.error.pattern_no_number",
            "certificate.error.pattern_twice",
            "certificate.error.pattern_no_code",
            "certificate.error.pattern_same",
            "certificate.error.requirement",
            "certificate.error.place",
            "certificate.error.date",
            "certificate.error.position",
            "certificate.error.name",
            "certificate.error.signatory_missing",
            "certificate.error.settings_first",
            "certificate.error.signatory_first",
            "certificate.error.disabled",
            "certificate.error.number_taken",
            "certificate.error.too_long",
            "audit.action.certificate.settings_saved",
            "audit.action.certificate.picture_saved",
            "audit.action.certificate.issued",
            "audit.action.certificate.revoked",
            "audit.action.certificate.reissued",
            "audit.action.certificate.resent",
            "certificate.error.reason_missing",
            "certificate.error.reason_long",
            "certificate.error.revoked_already",
            "certificate.error.resend_revoked",
            "certificate.error.resend_not_yet",
            "certificate.error.holds",
            "certificate.error.not_eligible",
            "certificate.error.none_chosen",
            "profile.error.name",
            "profile.error.time_zone",
            "profile.error.photo_unreadable",
            "profile.error.photo_dimensions",
            "audit.action.speaker.profile_updated",
        ] {
            keys.push(message.to_owned());
        }
        use crate::domain::registration::{GENDERS, LIBRARY_TYPES, Status};
        for library in LIBRARY_TYPES {
            keys.push(format!("registration.library.{library}"));
        }
        for gender in GENDERS {
            keys.push(format!("registration.gender_{gender}"));
        }
        for decision in ["approve", "reject", "promote"] {
            keys.push(format!("roster.decision.{decision}"));
        }
        for kind in ["text", "choice", "yes_no"] {
            keys.push(format!("questions.kind.{kind}"));
        }
        for error in ["none", "kind", "too_large", "unreadable"] {
            keys.push(format!("upload.error.{error}"));
        }
        for error in [
            "unreadable",
            "empty",
            "too_many_rows",
            "too_many_columns",
            "extra_cells",
            "too_large",
            "duplicate_in_file",
            "done",
        ] {
            keys.push(format!("import.error.{error}"));
        }
        keys.push("roster.error.decision".into());
        use crate::domain::session::Delivery;
        for kind in Delivery::KINDS {
            keys.push(format!("session.delivery.{kind}"));
            keys.push(format!("session.held.{kind}"));
        }
        for error in [
            "title",
            "date",
            "start",
            "end",
            "end_before_start",
            "too_long",
            "jp",
            "delivery",
            "zoom_host",
            "link",
            "location",
            "speaker",
            "host_conflict",
        ] {
            keys.push(format!("session.error.{error}"));
        }
        for error in [
            "daily_limit",
            "rate_limited",
            "unavailable",
            "credentials",
            "host_not_found",
            "invalid_token",
            "validation",
            "meeting_access",
            "meeting_not_found",
            "not_host",
            "capacity",
            "hosting_not_allowed",
            "missing_scope",
            "rejected",
            "no_registration",
            "meeting_gone",
        ] {
            keys.push(format!("zoom.error.{error}"));
        }
        for outcome in [
            Status::Confirmed,
            Status::Waitlisted,
            Status::AwaitingApproval,
        ] {
            keys.push(format!("registration.outcome.{}", outcome.name()));
        }
        let missing: Vec<_> = keys
            .iter()
            .filter(|k| !CATALOGUES[0].contains_key(k.as_str()))
            .collect();
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn negotiation_prefers_cookie_then_weights_then_indonesian() {
        assert_eq!(Lang::negotiate(Some("en"), Some("id")), Lang::En);
        assert_eq!(
            Lang::negotiate(Some("fr"), Some("en-GB,en;q=0.9")),
            Lang::En
        );
        assert_eq!(
            Lang::negotiate(None, Some("fr, en;q=0.5, id;q=0.8")),
            Lang::Id
        );
        assert_eq!(
            Lang::negotiate(None, Some("en-US,en;q=0.9,id;q=0.9")),
            Lang::En
        );
        assert_eq!(Lang::negotiate(None, Some("in-ID")), Lang::Id);
        assert_eq!(Lang::negotiate(None, Some("en;q=0")), Lang::Id);
        assert_eq!(Lang::negotiate(None, Some("de")), Lang::Id);
        assert_eq!(Lang::negotiate(None, None), Lang::Id);
    }

    #[test]
    fn placeholders_are_named() {
        assert_eq!(
            fill("{a} dan {b}, {a}", &[("a", &1), ("b", &"dua")]),
            "1 dan dua, 1"
        );
        assert_eq!(
            fill("Halo, {name}. {name}?", &[("name", &"Rina, S.Sos.")]),
            "Halo, Rina, S.Sos. Rina, S.Sos.?"
        );
    }

    #[test]
    fn values_are_not_read_as_placeholders() {
        assert_eq!(
            fill(
                "{name} mendaftar ke {event}.",
                &[("name", &"{event}"), ("event", &"Bimtek")]
            ),
            "{event} mendaftar ke Bimtek."
        );
        assert_eq!(fill("{a} {unknown} {", &[("a", &"x")]), "x {unknown} {");
    }
}
