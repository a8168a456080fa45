//! Registrants: each participant is registered for each session's meeting
//! and gets a personal join link, which is how Zoom's participant report
//! tells who attended.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ZoomError;
use super::{Zoom, text_or_empty};

/// Zoom takes at most 30 registrants per batch request.
pub const BATCH_LIMIT: usize = 30;

/// The largest page Zoom gives when listing.
const PAGE_SIZE: &str = "300";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRegistrant {
    pub email: String,
    /// The full name, as the participant wrote it.
    pub name: String,
}

/// A registrant and their personal link. Zoom compares e-mail addresses
/// without regard to case and may send back another case than was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registrant {
    pub registrant_id: String,
    pub email: String,
    pub join_url: String,
}

/// A registrant as adding one answers (`id` there is the meeting's) and as
/// a batch lists them.
#[derive(Deserialize)]
struct Added {
    #[serde(default, deserialize_with = "text_or_empty")]
    registrant_id: String,
    #[serde(default, deserialize_with = "text_or_empty")]
    email: String,
    #[serde(default, deserialize_with = "text_or_empty")]
    join_url: String,
}

/// A registrant as listing answers: `id` is the registrant's.
#[derive(Deserialize)]
struct Listed {
    #[serde(default, deserialize_with = "text_or_empty")]
    id: String,
    #[serde(default, deserialize_with = "text_or_empty")]
    email: String,
    #[serde(default, deserialize_with = "text_or_empty")]
    join_url: String,
}

impl From<Added> for Registrant {
    fn from(added: Added) -> Registrant {
        Registrant {
            registrant_id: added.registrant_id,
            email: added.email,
            join_url: added.join_url,
        }
    }
}

impl From<Listed> for Registrant {
    fn from(listed: Listed) -> Registrant {
        Registrant {
            registrant_id: listed.id,
            email: listed.email,
            join_url: listed.join_url,
        }
    }
}

/// Which registrant to cancel: Zoom wants both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrantRef {
    pub registrant_id: String,
    pub email: String,
}

impl Zoom {
    /// Adding an address that is already registered gives back the same
    /// registrant and link, so adding again after a crash is harmless
    /// (though Zoom allows only 3 such requests per registrant per day).
    pub async fn add_registrant(
        &self,
        meeting_id: i64,
        registrant: &NewRegistrant,
    ) -> Result<Registrant, ZoomError> {
        let url = self.url(&["meetings", &meeting_id.to_string(), "registrants"]);
        let mut body = registrant.body();
        body["auto_approve"] = true.into();
        let added: Added = self.send_for_json(Method::POST, url, Some(&body)).await?;
        Ok(Registrant {
            // The answer has no e-mail: it is the one that was sent.
            email: registrant.email.clone(),
            ..added.into()
        })
    }

    /// Registers many at once, [`BATCH_LIMIT`] per request, without e-mail
    /// from Zoom. Zoom answers 200 or 201 (sources differ); both do.
    pub async fn add_registrants(
        &self,
        meeting_id: i64,
        registrants: &[NewRegistrant],
    ) -> Result<Vec<Registrant>, ZoomError> {
        #[derive(Deserialize)]
        struct Batch {
            #[serde(default)]
            registrants: Vec<Added>,
        }
        let url = self.url(&["meetings", &meeting_id.to_string(), "batch_registrants"]);
        let mut added = Vec::with_capacity(registrants.len());
        for chunk in registrants.chunks(BATCH_LIMIT) {
            let body = json!({
                "auto_approve": true,
                "registrants_confirmation_email": false,
                "registrants": chunk.iter().map(NewRegistrant::body).collect::<Vec<_>>(),
            });
            let batch: Batch = self
                .send_for_json(Method::POST, url.clone(), Some(&body))
                .await?;
            added.extend(batch.registrants.into_iter().map(Registrant::from));
        }
        Ok(added)
    }

    /// Cancels registrations: their links stop working.
    pub async fn cancel_registrants(
        &self,
        meeting_id: i64,
        registrants: &[RegistrantRef],
    ) -> Result<(), ZoomError> {
        let url = self.url(&["meetings", &meeting_id.to_string(), "registrants", "status"]);
        let body = json!({
            "action": "cancel",
            "registrants": registrants
                .iter()
                .map(|r| json!({ "id": r.registrant_id, "email": r.email }))
                .collect::<Vec<_>>(),
        });
        self.send(Method::PUT, url, Some(&body)).await.map(drop)
    }

    /// Every approved registrant, page by page: how a job that crashed
    /// after registering someone finds their link again.
    pub async fn list_registrants(&self, meeting_id: i64) -> Result<Vec<Registrant>, ZoomError> {
        #[derive(Deserialize)]
        struct Page {
            #[serde(default)]
            registrants: Vec<Listed>,
            #[serde(default, deserialize_with = "text_or_empty")]
            next_page_token: String,
        }
        let mut all = Vec::new();
        let mut next_page_token = String::new();
        loop {
            let mut url = self.url(&["meetings", &meeting_id.to_string(), "registrants"]);
            url.query_pairs_mut().append_pair("page_size", PAGE_SIZE);
            if !next_page_token.is_empty() {
                url.query_pairs_mut()
                    .append_pair("next_page_token", &next_page_token);
            }
            let page: Page = self.send_for_json(Method::GET, url, None).await?;
            all.extend(page.registrants.into_iter().map(Registrant::from));
            // The last page has an empty token.
            if page.next_page_token.is_empty() {
                return Ok(all);
            }
            next_page_token = page.next_page_token;
        }
    }
}

impl NewRegistrant {
    fn body(&self) -> Value {
        let (first_name, last_name) = split_name(&self.name);
        let mut body = json!({ "email": self.email, "first_name": first_name });
        if !last_name.is_empty() {
            body["last_name"] = last_name.into();
        }
        body
    }
}

/// Zoom wants a first and a last name and shows them joined by a space.
/// Many Indonesians have one name only ("Sukarno"): it becomes the first
/// name and the last stays empty. Otherwise the first word is the first
/// name ("Bu Siti" is how Siti Aminah is addressed) and the rest the last,
/// so Zoom shows the name exactly as written. Zoom requires a first name:
/// an empty name becomes "-".
pub fn split_name(full: &str) -> (String, String) {
    let mut words = full.split_whitespace();
    let first = words.next().unwrap_or("-").to_owned();
    let rest = words.collect::<Vec<_>>().join(" ");
    (first, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_at_the_first_space() {
        let split = split_name;
        assert_eq!(split("Sukarno"), ("Sukarno".into(), "".into()));
        assert_eq!(split("  Siti   Aminah "), ("Siti".into(), "Aminah".into()));
        assert_eq!(
            split("Muhammad Rizky Pratama, S.Kom."),
            ("Muhammad".into(), "Rizky Pratama, S.Kom.".into())
        );
        assert_eq!(split(""), ("-".into(), "".into()));
    }

    #[test]
    fn a_single_name_sends_no_last_name() {
        let body = NewRegistrant {
            email: "sukarno@example.id".into(),
            name: "Sukarno".into(),
        }
        .body();
        assert_eq!(
            body,
            json!({ "email": "sukarno@example.id", "first_name": "Sukarno" })
        );
    }

    #[test]
    fn listed_and_added_registrants_read_alike() {
        let listed: Listed = serde_json::from_value(json!({
            "id": "abc", "email": "a@example.id", "join_url": "https://zoom.us/w/1?tk=x",
            "first_name": "A", "status": "approved"
        }))
        .unwrap();
        let added: Added = serde_json::from_value(json!({
            "registrant_id": "abc", "email": "a@example.id", "join_url": "https://zoom.us/w/1?tk=x",
            "id": 85012345678_i64, "participant_pin_code": null
        }))
        .unwrap();
        assert_eq!(Registrant::from(listed), Registrant::from(added));
    }
}
