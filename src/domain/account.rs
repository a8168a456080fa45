//! People who sign in, their roles, and the rules around passwords, links
//! and guessing.

use std::time::Duration;

use super::throttle::Allowance;

/// A role within one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventRole {
    Organiser,
    Speaker,
    /// Reads the event's action plans and decides on them.
    Reviewer,
}

impl EventRole {
    pub const ALL: [EventRole; 3] = [
        EventRole::Organiser,
        EventRole::Speaker,
        EventRole::Reviewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventRole::Organiser => "organiser",
            EventRole::Speaker => "speaker",
            EventRole::Reviewer => "reviewer",
        }
    }

    pub fn parse(s: &str) -> Option<EventRole> {
        match s {
            "organiser" => Some(EventRole::Organiser),
            "speaker" => Some(EventRole::Speaker),
            "reviewer" => Some(EventRole::Reviewer),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub event_id: String,
    pub role: EventRole,
}

/// Someone signed in, with what they may do.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub name: String,
    pub has_password: bool,
    pub is_admin: bool,
    /// May create events (granted by an administrator).
    pub is_organiser: bool,
    pub lang: String,
    /// Sessions started before it was last raised have ended.
    pub session_generation: i32,
    pub memberships: Vec<Membership>,
}

impl Account {
    pub fn has_role(&self, event_id: &str, role: EventRole) -> bool {
        self.memberships
            .iter()
            .any(|m| m.event_id == event_id && m.role == role)
    }

    /// Organisers of an event run it; administrators may step in anywhere.
    pub fn may_manage(&self, event_id: &str) -> bool {
        self.is_admin || self.has_role(event_id, EventRole::Organiser)
    }

    /// Staff sign in with a password and see the organiser pages.
    pub fn is_staff(&self) -> bool {
        self.is_admin || self.is_organiser || !self.memberships.is_empty()
    }
}

#[cfg(test)]
impl Account {
    /// Someone signed in with a password and these roles only, for the
    /// rules' tests.
    pub(crate) fn with_roles(memberships: Vec<Membership>) -> Account {
        Account {
            id: "u".into(),
            email: "a@b.id".into(),
            name: "A".into(),
            has_password: true,
            is_admin: false,
            is_organiser: false,
            lang: "id".into(),
            session_generation: 0,
            memberships,
        }
    }
}

/// What a single-use link is for, and how long it lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Creates the first administrator; printed by `bimtek serve`.
    Setup,
    /// Sets the password of someone invited.
    Invitation,
    PasswordReset,
    /// A participant's sign-in link.
    SignIn,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Setup => "setup",
            TokenPurpose::Invitation => "invitation",
            TokenPurpose::PasswordReset => "password_reset",
            TokenPurpose::SignIn => "sign_in",
        }
    }

    pub fn lifetime(self) -> Duration {
        const MINUTE: u64 = 60;
        Duration::from_secs(match self {
            TokenPurpose::Setup => 24 * 60 * MINUTE,
            TokenPurpose::Invitation => 7 * 24 * 60 * MINUTE,
            TokenPurpose::PasswordReset => 60 * MINUTE,
            TokenPurpose::SignIn => 30 * MINUTE,
        })
    }
}

/// Lower-cases and checks an address: one `@`, something on both sides, a
/// dot in the domain, no spaces. Deliverability is the mail server's call.
pub fn normalise_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && local.len() <= 64
        && domain.len() >= 3
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>(),;:\"[]\\".contains(c));
    valid.then_some(email)
}

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;

/// Length over composition rules (NIST SP 800-63B): at least ten
/// characters, and not the address itself. Returns a catalogue key.
pub fn check_password(password: &str, email: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        return Err("account.error.password_short");
    }
    if length > PASSWORD_MAX {
        return Err("account.error.password_long");
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Err("account.error.password_is_email");
    }
    Ok(())
}

/// How guessing a password is slowed. Failures count per pair of account
/// and client address: the first few in a day cost nothing, and after them
/// each attempt waits twice as long as the one before, from a minute up to a
/// quarter of an hour. A stranger guessing from elsewhere so slows only
/// themselves, never the owner at their own address. One address is also cut
/// off after many failures in a short window, whatever the accounts, which
/// stops one password being tried on every account. The answer is the same
/// for addresses with and without an account.
pub const SIGN_IN: Allowance = Allowance {
    pair_window: Duration::from_secs(24 * 3600),
    pair_free_failures: 5,
    pair_first_wait: Duration::from_secs(60),
    pair_longest_wait: Duration::from_secs(15 * 60),
    address_window: Duration::from_secs(15 * 60),
    address_failures: 20,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_lower_cased_and_checked() {
        assert_eq!(
            normalise_email("  Panitia@Perpus.Bengkulu.go.id "),
            Some("panitia@perpus.bengkulu.go.id".into())
        );
        for bad in [
            "",
            "panitia",
            "@perpus.go.id",
            "panitia@",
            "panitia@go",
            "a b@perpus.go.id",
            "a@b@c.id",
            "a@.id",
            "<a@b.id>",
        ] {
            assert_eq!(normalise_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn passwords_need_length_not_tricks() {
        assert_eq!(check_password("perpustakaan", "a@b.id"), Ok(()));
        assert_eq!(
            check_password("pendek", "a@b.id"),
            Err("account.error.password_short")
        );
        assert_eq!(
            check_password(&"x".repeat(129), "a@b.id"),
            Err("account.error.password_long")
        );
        assert_eq!(
            check_password("Panitia@Perpus.id", "panitia@perpus.id"),
            Err("account.error.password_is_email")
        );
        // Ten characters, not ten bytes.
        assert_eq!(check_password("perpustakåå", "a@b.id"), Ok(()));
    }

    #[test]
    fn links_live_as_long_as_promised() {
        assert_eq!(
            TokenPurpose::SignIn.lifetime(),
            Duration::from_secs(30 * 60)
        );
        assert_eq!(
            TokenPurpose::PasswordReset.lifetime(),
            Duration::from_secs(60 * 60)
        );
    }

    #[test]
    fn who_may_manage_an_event() {
        let mut account = Account::with_roles(vec![Membership {
            event_id: "e1".into(),
            role: EventRole::Speaker,
        }]);
        assert!(!account.may_manage("e1"));
        assert!(account.is_staff());
        account.memberships.push(Membership {
            event_id: "e2".into(),
            role: EventRole::Organiser,
        });
        assert!(account.may_manage("e2") && !account.may_manage("e1"));
        account.is_admin = true;
        assert!(account.may_manage("e1"));
    }
}
