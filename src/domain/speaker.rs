//! A speaker's profile: their name with its titles (the account's), their
//! institution, position and a short biography, as the agenda shows them;
//! and the zone a speaker reads their own sessions' times in.

use chrono_tz::Tz;

use super::event::FieldError;
use super::text::Text;

/// A biography: a few sentences, not a curriculum vitae.
pub const BIO: Text = Text::lines(800);

/// The zones a speaker may read their sessions in: Indonesia's three.
pub const ZONES: [Tz; 3] = [Tz::Asia__Jakarta, Tz::Asia__Makassar, Tz::Asia__Jayapura];

/// The zone of a speaker's own page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoneChoice {
    /// Not on the form (an organiser's): as it was.
    Unchanged,
    /// Each session in its event's zone.
    EachEvent,
    Fixed(Tz),
}

/// The profile as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileForm {
    pub name: String,
    pub institution: String,
    pub position: String,
    pub bio: String,
    /// `None`: the form has no zone (an organiser's).
    pub time_zone: Option<String>,
    pub remove_photo: bool,
}

/// A profile form that passed its checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub institution: String,
    pub position: String,
    pub bio: String,
    pub time_zone: ZoneChoice,
    pub remove_photo: bool,
}

impl ProfileForm {
    /// The form's fields as sent; `with_zone`: the form offers the zone.
    pub fn from_pairs(fields: &[(String, String)], with_zone: bool) -> ProfileForm {
        let value = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        ProfileForm {
            name: value("name"),
            institution: value("institution"),
            position: value("position"),
            bio: value("bio"),
            time_zone: with_zone.then(|| value("time_zone")),
            remove_photo: fields.iter().any(|(n, _)| n == "remove_photo"),
        }
    }

    /// Every wrong field named at once.
    pub fn check(&self) -> Result<Profile, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = Text::NAME.or_note(&mut errors, "name", &self.name);
        if name.is_empty() {
            errors.push(FieldError::new("name", "profile.error.name"));
        }
        let institution = Text::LINE.or_note(&mut errors, "institution", &self.institution);
        let position = Text::LINE.or_note(&mut errors, "position", &self.position);
        let bio = BIO.or_note(&mut errors, "bio", &self.bio);
        let time_zone = match self.time_zone.as_deref().map(str::trim) {
            None => ZoneChoice::Unchanged,
            Some("") => ZoneChoice::EachEvent,
            Some(name) => match ZONES.iter().find(|z| z.name() == name) {
                Some(zone) => ZoneChoice::Fixed(*zone),
                None => {
                    errors.push(FieldError::new("time_zone", "profile.error.time_zone"));
                    ZoneChoice::Unchanged
                }
            },
        };
        if errors.is_empty() {
            Ok(Profile {
                name,
                institution,
                position,
                bio,
                time_zone,
                remove_photo: self.remove_photo,
            })
        } else {
            Err(errors)
        }
    }
}

/// The zone a speaker reads a session in: theirs when they chose one,
/// else the event's.
pub fn shown_zone(own: Option<Tz>, event: Tz) -> Tz {
    own.unwrap_or(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)], with_zone: bool) -> ProfileForm {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ProfileForm::from_pairs(&pairs, with_zone)
    }

    #[test]
    fn a_profile_is_checked_field_by_field() {
        let long = "x".repeat(801);
        let errors = form(
            &[("name", " "), ("bio", &long), ("time_zone", "Europe/Paris")],
            true,
        )
        .check()
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["name", "bio", "time_zone"]);
    }

    #[test]
    fn the_zone_is_one_of_indonesias_or_each_events() {
        let zone = |sent: &str, with_zone| {
            form(&[("name", "Dr. Ahmad"), ("time_zone", sent)], with_zone)
                .check()
                .unwrap()
                .time_zone
        };
        assert_eq!(
            zone("Asia/Makassar", true),
            ZoneChoice::Fixed(Tz::Asia__Makassar)
        );
        assert_eq!(zone("", true), ZoneChoice::EachEvent);
        assert_eq!(zone("Asia/Makassar", false), ZoneChoice::Unchanged);
        assert_eq!(shown_zone(None, Tz::Asia__Jayapura), Tz::Asia__Jayapura);
    }
}
