//! Speakers' profiles: kept by the speaker, or by an organiser of an event
//! they speak at (audited), shown on the agenda with the photo served as
//! a small JPEG.

use std::collections::HashMap;

use chrono::Utc;
use chrono_tz::Tz;

use crate::db::models::SpeakerProfileRow;
use crate::db::repo::{audit, speaker_profiles as repo, users};
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::event::Event;
use crate::domain::photo;
use crate::domain::speaker::{Profile, ProfileForm, ZONES, ZoneChoice};
use crate::error::Error;
use crate::integrations::storage::{FileKey, Storage};
use crate::services::accounts::Origin;

/// A photo as kept: its key in storage and its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Photo {
    pub key: String,
    pub width: u32,
    pub height: u32,
}

/// A speaker's profile as pages show it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpeakerProfile {
    pub user_id: String,
    pub name: String,
    pub institution: String,
    pub position: String,
    pub bio: String,
    pub photo: Option<Photo>,
    /// The zone they read their own sessions in; `None`: each event's.
    pub time_zone: Option<Tz>,
}

impl SpeakerProfile {
    /// Where its photo is served: by content, so that it may be cached
    /// for long and a new photo is a new address.
    pub fn photo_path(&self) -> Option<String> {
        self.photo
            .as_ref()
            .map(|p| format!("/speakers/{}/photo/{}", self.user_id, p.key))
    }

    /// What the form starts from.
    pub fn form(&self) -> ProfileForm {
        ProfileForm {
            name: self.name.clone(),
            institution: self.institution.clone(),
            position: self.position.clone(),
            bio: self.bio.clone(),
            time_zone: Some(
                self.time_zone
                    .map(|z| z.name().to_owned())
                    .unwrap_or_default(),
            ),
            remove_photo: false,
        }
    }
}

fn assemble(user_id: &str, name: String, row: Option<SpeakerProfileRow>) -> SpeakerProfile {
    let Some(row) = row else {
        return SpeakerProfile {
            user_id: user_id.to_owned(),
            name,
            ..SpeakerProfile::default()
        };
    };
    let photo = match (row.photo_key, row.photo_width, row.photo_height) {
        (Some(key), Some(width), Some(height)) => Some(Photo {
            key,
            width: u32::try_from(width).unwrap_or(0),
            height: u32::try_from(height).unwrap_or(0),
        }),
        _ => None,
    };
    SpeakerProfile {
        user_id: row.user_id,
        name,
        institution: row.institution,
        position: row.position,
        bio: row.bio,
        photo,
        time_zone: row
            .time_zone
            .and_then(|name| ZONES.into_iter().find(|z| z.name() == name)),
    }
}

fn read(conn: &mut DbConnection, user_id: &str) -> Result<SpeakerProfile, Error> {
    let user = users::find(conn, user_id)?.ok_or(Error::NotFound)?;
    Ok(assemble(user_id, user.name, repo::find(conn, user_id)?))
}

/// The profiles of these people, by account; for the agenda.
pub(crate) fn of_users(
    conn: &mut DbConnection,
    people: &[(String, String)],
) -> Result<HashMap<String, SpeakerProfile>, Error> {
    let ids: Vec<String> = people.iter().map(|(id, _)| id.clone()).collect();
    let mut rows = repo::of_users(conn, &ids)?;
    Ok(people
        .iter()
        .map(|(id, name)| {
            let row = rows
                .iter()
                .position(|r| &r.user_id == id)
                .map(|i| rows.swap_remove(i));
            (id.clone(), assemble(id, name.clone(), row))
        })
        .collect())
}

/// Whose profile a form changes.
#[derive(Clone, Copy)]
pub enum Whose<'a> {
    /// The signed-in speaker's own.
    Own,
    /// A speaker's, by an organiser of an event they speak at.
    InEvent(&'a Event, &'a str),
}

/// The signed-in account's own profile.
pub async fn own(db: &Db, account: &Account) -> Result<SpeakerProfile, Error> {
    let user_id = account.id.clone();
    db.run(move |conn| read(conn, &user_id)).await
}

/// The profile of someone who speaks in the event, for its organisers;
/// anyone else's is not there.
pub async fn in_event(
    db: &Db,
    actor: &Account,
    event: &Event,
    user_id: &str,
) -> Result<SpeakerProfile, Error> {
    let (actor, event_id, user_id) = (actor.clone(), event.id.to_string(), user_id.to_owned());
    db.run(move |conn| {
        kept_in_event(conn, &actor, &event_id, &user_id)?;
        read(conn, &user_id)
    })
    .await
}

fn kept_in_event(
    conn: &mut DbConnection,
    actor: &Account,
    event_id: &str,
    user_id: &str,
) -> Result<(), Error> {
    if !actor.may_manage(event_id) {
        return Err(Error::Forbidden);
    }
    if repo::speaks_in(conn, event_id, user_id)? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// Saves a checked profile and, when one was sent, a new photo (made
/// small first, refused with the photo field's message when it cannot
/// be). An organiser's change is audited.
pub async fn save(
    (db, storage): (&Db, &Storage),
    actor: &Account,
    whose: Whose<'_>,
    profile: Profile,
    sent_photo: Option<bytes::Bytes>,
    origin: &Origin,
) -> Result<(), Error> {
    let photo = match sent_photo {
        Some(bytes) => Some(store_photo(storage, bytes).await?),
        None => None,
    };
    let actor = actor.clone();
    let (event_id, user_id) = match whose {
        Whose::Own => (None, actor.id.clone()),
        Whose::InEvent(event, user_id) => (Some(event.id.to_string()), user_id.to_owned()),
    };
    let address = origin.address.clone();
    db.transaction(move |conn| {
        if let Some(event_id) = &event_id {
            kept_in_event(conn, &actor, event_id, &user_id)?;
        }
        let before = repo::find(conn, &user_id)?;
        let now = Utc::now();
        users::rename(conn, &user_id, &profile.name, now)?;
        let kept_photo = before
            .as_ref()
            .and_then(|b| Some((b.photo_key.clone()?, b.photo_width?, b.photo_height?)));
        let photo = match (photo, profile.remove_photo) {
            (Some(new), _) => Some((new.key, new.width as i32, new.height as i32)),
            (None, true) => None,
            (None, false) => kept_photo,
        };
        let time_zone = match profile.time_zone {
            ZoneChoice::Unchanged => before.as_ref().and_then(|b| b.time_zone.clone()),
            ZoneChoice::EachEvent => None,
            ZoneChoice::Fixed(zone) => Some(zone.name().to_owned()),
        };
        repo::save(
            conn,
            &SpeakerProfileRow {
                user_id: user_id.clone(),
                institution: profile.institution,
                position: profile.position,
                bio: profile.bio,
                photo_key: photo.as_ref().map(|p| p.0.clone()),
                photo_width: photo.as_ref().map(|p| p.1),
                photo_height: photo.as_ref().map(|p| p.2),
                time_zone,
                updated_by: actor.id.clone(),
                updated_at: now.naive_utc(),
            },
        )?;
        if let Some(event_id) = &event_id {
            let subject = users::find(conn, &user_id)?
                .map(|u| u.email)
                .unwrap_or_else(|| user_id.clone());
            audit::Entry::new("speaker.profile_updated")
                .by(&actor)
                .event(Some(event_id))
                .subject(&subject)
                .address(address.as_deref())
                .record(conn, now)?;
        }
        Ok(())
    })
    .await
}

/// The photo made small, then stored. Stored before the profile names it:
/// a file nobody refers to is harmless, a key to no file is not.
async fn store_photo(storage: &Storage, bytes: bytes::Bytes) -> Result<Photo, Error> {
    let shrunk = tokio::task::spawn_blocking(move || photo::shrink(&bytes))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|error| Error::Invalid(vec![error]))?;
    let key = storage
        .put(bytes::Bytes::from(shrunk.jpeg))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Photo {
        key: key.to_string(),
        width: shrunk.width,
        height: shrunk.height,
    })
}

/// The JPEG of someone's photo, when `key` is their photo now.
pub async fn photo(
    (db, storage): (&Db, &Storage),
    user_id: &str,
    key: &str,
) -> Result<Vec<u8>, Error> {
    let (user_id, asked) = (user_id.to_owned(), key.to_owned());
    let kept = db
        .run(move |conn| -> Result<_, Error> {
            Ok(repo::find(conn, &user_id)?.and_then(|row| row.photo_key))
        })
        .await?;
    let key = kept
        .filter(|kept| *kept == asked)
        .and_then(|kept| FileKey::parse(&kept))
        .ok_or(Error::NotFound)?;
    storage
        .read(&key)
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}
