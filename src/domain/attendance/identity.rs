//! Who a row of evidence is about, without guessing: Zoom's registrant id
//! (the one bimtek registered for the participant), then the exact e-mail.
//! Anything else (a guest's name, a phone number, another Zoom account) is
//! left for an organiser to assign from the review queue.

use std::collections::HashMap;

use super::Match;

/// What a source says of the person behind a row; any part may be missing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Seen<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub registrant_id: Option<&'a str>,
    /// Zoom's user id of a signed-in person (not the per-join `user_id`,
    /// which changes on every reconnection).
    pub zoom_user_id: Option<&'a str>,
}

fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

impl Seen<'_> {
    /// The key all of a person's rows in one session share, so that one
    /// decision from the review queue covers their reconnections and
    /// devices: the first of registrant id, e-mail, Zoom user id and name
    /// that is there (Zoom's report merging rule). The prefix keeps a name
    /// from ever equalling an e-mail.
    pub fn identity(&self) -> String {
        if let Some(id) = present(self.registrant_id) {
            format!("registrant:{id}")
        } else if let Some(email) = present(self.email) {
            format!("email:{}", email.to_lowercase())
        } else if let Some(id) = present(self.zoom_user_id) {
            format!("zoom:{id}")
        } else {
            format!("name:{}", self.name.trim())
        }
    }
}

/// The key that identifies someone for certain, when a row has one: the
/// registrant id when it is there (an id bimtek does not know belongs to
/// someone else, so its e-mail is not tried), else the e-mail, compared
/// whatever its case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key<'a> {
    Registrant(&'a str),
    Email(String),
}

impl Key<'_> {
    /// How a row matched by this key is known to be someone's.
    pub fn how(&self) -> Match {
        match self {
            Key::Registrant(_) => Match::RegistrantId,
            Key::Email(_) => Match::Email,
        }
    }
}

impl<'a> Seen<'a> {
    /// The key the row may be matched by; `None` sends it to the review
    /// queue (or an organiser's earlier answer).
    pub fn key(&self) -> Option<Key<'a>> {
        match present(self.registrant_id) {
            Some(registrant) => Some(Key::Registrant(registrant)),
            None => present(self.email).map(|email| Key::Email(email.to_lowercase())),
        }
    }
}

/// Of two identities given to the same join (a "left" notification may
/// lack the e-mail its "joined" one had), the one with the stronger key.
pub fn stronger_identity(a: String, b: String) -> String {
    let rank = |identity: &str| {
        ["registrant:", "email:", "zoom:", "name:"]
            .iter()
            .position(|prefix| identity.starts_with(prefix))
    };
    if rank(&b) < rank(&a) { b } else { a }
}

/// The participants of a session a row may count for, by the two keys that
/// identify someone for certain.
#[derive(Clone, Debug, Default)]
pub struct Roster {
    by_registrant: HashMap<String, String>,
    by_email: HashMap<String, String>,
}

impl Roster {
    /// From each participant's registration id, e-mail and (if Zoom has
    /// them) registrant id.
    pub fn new<'a>(people: impl IntoIterator<Item = (&'a str, &'a str, Option<&'a str>)>) -> Self {
        let mut roster = Roster::default();
        for (registration, email, registrant) in people {
            if let Some(registrant) = present(registrant) {
                roster
                    .by_registrant
                    .insert(registrant.to_owned(), registration.to_owned());
            }
            roster
                .by_email
                .insert(email.trim().to_lowercase(), registration.to_owned());
        }
        roster
    }

    /// The registration a row is about, and how that is known; `None`
    /// sends it to the review queue.
    pub fn find(&self, seen: &Seen<'_>) -> Option<(&str, Match)> {
        let key = seen.key()?;
        let found = match &key {
            Key::Registrant(registrant) => self.by_registrant.get(*registrant),
            Key::Email(email) => self.by_email.get(email),
        };
        found.map(|r| (r.as_str(), key.how()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster() -> Roster {
        Roster::new([
            ("reg-budi", "Budi@Perpus.go.id", Some("zr-1")),
            ("reg-sari", "sari@example.id", None),
        ])
    }

    #[test]
    fn a_known_registrant_id_decides() {
        let seen = Seen {
            name: "Someone Else",
            email: Some("sari@example.id"),
            registrant_id: Some("zr-1"),
            ..Seen::default()
        };
        assert_eq!(
            roster().find(&seen),
            Some(("reg-budi", Match::RegistrantId))
        );
    }

    #[test]
    fn an_unknown_registrant_id_is_not_matched_by_its_email() {
        let seen = Seen {
            name: "Sari",
            email: Some("sari@example.id"),
            registrant_id: Some("zr-other"),
            ..Seen::default()
        };
        assert_eq!(roster().find(&seen), None);
    }

    #[test]
    fn the_email_matches_exactly_whatever_its_case() {
        let seen = Seen {
            name: "B",
            email: Some(" budi@perpus.GO.id "),
            ..Seen::default()
        };
        assert_eq!(roster().find(&seen), Some(("reg-budi", Match::Email)));
        let near = Seen {
            name: "Budi",
            email: Some("budi@perpus.go.id.evil"),
            ..Seen::default()
        };
        assert_eq!(roster().find(&near), None);
    }

    #[test]
    fn a_name_alone_never_matches_and_keys_its_own_identity() {
        let seen = Seen {
            name: " Budi Santoso ",
            email: Some(""),
            registrant_id: Some(" "),
            zoom_user_id: None,
        };
        assert_eq!(roster().find(&seen), None);
        assert_eq!(seen.identity(), "name:Budi Santoso");
    }

    #[test]
    fn a_later_sighting_strengthens_an_identity_but_never_weakens_it() {
        let name = "name:Budi".to_owned();
        let email = "email:b@x.id".to_owned();
        assert_eq!(stronger_identity(name.clone(), email.clone()), email);
        assert_eq!(stronger_identity(email.clone(), name), email);
    }

    #[test]
    fn the_identity_takes_the_strongest_key_present() {
        let with_all = Seen {
            name: "n",
            email: Some("A@B.id"),
            registrant_id: Some("r"),
            zoom_user_id: Some("z"),
        };
        assert_eq!(with_all.identity(), "registrant:r");
        let email = Seen {
            registrant_id: None,
            ..with_all
        };
        assert_eq!(email.identity(), "email:a@b.id");
        let zoom = Seen {
            email: None,
            ..email
        };
        assert_eq!(zoom.identity(), "zoom:z");
    }
}
