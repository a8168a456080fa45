//! E-mail texts: `templates/email/<lang>.toml`, one table per template with
//! a subject and a text. Each template may use only the placeholders the
//! code gives it; [`validate`] runs at start-up, so a typo in a text stops
//! the program before anyone is sent a message with a hole in it.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::i18n::{Lang, fill};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Template {
    Invitation,
    RoleGranted,
    PasswordReset,
    SignIn,
    ConfirmAddress,
    RegistrationConfirmed,
    RegistrationWaitlisted,
    RegistrationAwaitingApproval,
    RegistrationRejected,
    RegistrationCancelled,
    SessionInvitation,
    SessionCancelled,
    SessionReminder,
    PlanSubmitted,
    FollowUpDue,
    FollowUpReminder,
    PlanRevisionAsked,
    PlanAccepted,
    CertificateIssued,
    MaterialsAvailable,
}

impl Template {
    pub const ALL: [Template; 20] = [
        Template::Invitation,
        Template::RoleGranted,
        Template::PasswordReset,
        Template::SignIn,
        Template::ConfirmAddress,
        Template::RegistrationConfirmed,
        Template::RegistrationWaitlisted,
        Template::RegistrationAwaitingApproval,
        Template::RegistrationRejected,
        Template::RegistrationCancelled,
        Template::SessionInvitation,
        Template::SessionCancelled,
        Template::SessionReminder,
        Template::PlanSubmitted,
        Template::FollowUpDue,
        Template::FollowUpReminder,
        Template::PlanRevisionAsked,
        Template::PlanAccepted,
        Template::CertificateIssued,
        Template::MaterialsAvailable,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Template::Invitation => "invitation",
            Template::RoleGranted => "role_granted",
            Template::PasswordReset => "password_reset",
            Template::SignIn => "sign_in",
            Template::ConfirmAddress => "confirm_address",
            Template::RegistrationConfirmed => "registration_confirmed",
            Template::RegistrationWaitlisted => "registration_waitlisted",
            Template::RegistrationAwaitingApproval => "registration_awaiting_approval",
            Template::RegistrationRejected => "registration_rejected",
            Template::RegistrationCancelled => "registration_cancelled",
            Template::SessionInvitation => "session_invitation",
            Template::SessionCancelled => "session_cancelled",
            Template::SessionReminder => "session_reminder",
            Template::PlanSubmitted => "plan_submitted",
            Template::FollowUpDue => "follow_up_due",
            Template::FollowUpReminder => "follow_up_reminder",
            Template::PlanRevisionAsked => "plan_revision_asked",
            Template::PlanAccepted => "plan_accepted",
            Template::CertificateIssued => "certificate_issued",
            Template::MaterialsAvailable => "materials_available",
        }
    }

    pub fn placeholders(self) -> &'static [&'static str] {
        match self {
            Template::Invitation => &["name", "inviter", "role", "link", "days"],
            Template::RoleGranted => &["name", "inviter", "role", "link"],
            Template::PasswordReset | Template::SignIn => &["name", "link", "minutes"],
            Template::ConfirmAddress => &["name", "event", "when", "link", "days"],
            Template::RegistrationConfirmed
            | Template::RegistrationWaitlisted
            | Template::RegistrationAwaitingApproval
            | Template::RegistrationRejected
            | Template::RegistrationCancelled => &["name", "event", "when", "link", "contact"],
            Template::SessionInvitation | Template::SessionReminder => &[
                "name", "event", "session", "when", "join", "page", "contact",
            ],
            Template::SessionCancelled => &["name", "event", "session", "when", "page", "contact"],
            Template::PlanSubmitted => &[
                "name", "event", "title", "version", "when", "late", "link", "contact",
            ],
            Template::FollowUpDue | Template::FollowUpReminder => {
                &["name", "event", "title", "when", "link", "contact"]
            }
            Template::PlanRevisionAsked | Template::PlanAccepted => &[
                "name", "event", "title", "version", "comments", "link", "contact",
            ],
            Template::CertificateIssued => {
                &["name", "event", "number", "jp", "link", "verify", "contact"]
            }
            Template::MaterialsAvailable => &["name", "event", "materials", "link", "contact"],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
}

struct Text {
    subject: String,
    text: String,
}

type Catalogue = HashMap<(Lang, &'static str), Text>;

fn sources() -> [(Lang, &'static str); 2] {
    [
        (Lang::Id, include_str!("../templates/email/id.toml")),
        (Lang::En, include_str!("../templates/email/en.toml")),
    ]
}

fn parse(sources: &[(Lang, &str)]) -> Result<Catalogue, String> {
    let mut catalogue = Catalogue::new();
    for (lang, source) in sources {
        let file = format!("templates/email/{}.toml", lang.code());
        let table: toml::Table =
            toml::from_str(source).map_err(|e| format!("{file}: {}", e.message()))?;
        for template in Template::ALL {
            let entry = table
                .get(template.key())
                .and_then(toml::Value::as_table)
                .ok_or_else(|| format!("{file}: [{}] is missing", template.key()))?;
            let field = |name: &str| {
                entry
                    .get(name)
                    .and_then(toml::Value::as_str)
                    .map(|s| s.trim().to_owned())
                    .ok_or_else(|| format!("{file}: [{}] has no {name}", template.key()))
            };
            let text = Text {
                subject: field("subject")?,
                text: field("text")?,
            };
            for used in placeholders_in(&text.subject).chain(placeholders_in(&text.text)) {
                if !template.placeholders().contains(&used) {
                    return Err(format!(
                        "{file}: [{}] uses {{{used}}}, which it is not given (it may use {})",
                        template.key(),
                        template.placeholders().join(", ")
                    ));
                }
            }
            catalogue.insert((*lang, template.key()), text);
        }
    }
    Ok(catalogue)
}

fn placeholders_in(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|rest| {
        let name = &rest[..rest.find('}')?];
        (!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
            .then_some(name)
    })
}

static CATALOGUE: LazyLock<Result<Catalogue, String>> = LazyLock::new(|| parse(&sources()));

/// Checks every text once; called at start-up.
pub fn validate() -> Result<(), String> {
    CATALOGUE.as_ref().map(drop).map_err(Clone::clone)
}

/// The texts of `template` in `lang` with its placeholders filled.
pub fn render(template: Template, lang: Lang, args: &[(&str, &dyn std::fmt::Display)]) -> Rendered {
    debug_assert!(
        args.iter()
            .all(|(name, _)| template.placeholders().contains(name))
    );
    let catalogue = CATALOGUE.as_ref().expect("validated at start-up");
    let text = &catalogue[&(lang, template.key())];
    Rendered {
        subject: fill(&text.subject, args),
        text: fill(&text.text, args) + "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_texts_are_valid() {
        assert_eq!(validate(), Ok(()));
    }

    #[test]
    fn an_unknown_placeholder_is_an_error_naming_it() {
        let id = sources()[0].1.replace("{minutes} menit", "{menit} menit");
        let error = parse(&[(Lang::Id, &id)]).err().unwrap();
        assert!(
            error.contains("{menit}") && error.contains("templates/email/id.toml"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_template_is_an_error() {
        let error = parse(&[(Lang::En, "[invitation]\nsubject = \"x\"\ntext = \"y\"\n")])
            .err()
            .unwrap();
        assert!(error.contains("[role_granted] is missing"), "{error}");
    }

    #[test]
    fn rendering_fills_every_placeholder() {
        let mail = render(
            Template::SignIn,
            Lang::Id,
            &[
                ("name", &"Siti Aminah, S.IPI"),
                ("link", &"https://bimtek.example/x"),
                ("minutes", &30),
            ],
        );
        assert_eq!(mail.subject, "Tautan masuk bimtek");
        assert!(
            mail.text.starts_with("Yth. Siti Aminah, S.IPI,"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("https://bimtek.example/x") && mail.text.contains("30 menit"));
        assert!(!mail.text.contains('{'));
    }
}
