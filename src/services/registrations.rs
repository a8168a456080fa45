//! Registrations: from a submitted form to a seat, the waiting list or an
//! organiser's decision. Seat decisions for one event happen one at a time
//! under its lock, so a rush gives exactly as many seats as there are.

use chrono::Utc;
use uuid::Uuid;

use crate::db::Db;
use crate::db::models::RegistrationRow;
use crate::db::repo::{regions, registrations as repo, users};
use crate::domain::event::FieldError;
use crate::domain::region::RegionLevel;
use crate::domain::registration::{
    Form, Status, check_form, on_address_confirmed, promote_after_cancel,
};
use crate::error::Error;
use crate::i18n::Lang;

/// What a registration attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registered {
    /// A new registration, waiting for the participant to confirm their address.
    New { id: String },
    /// This address registered already: the caller sends a sign-in link
    /// instead of an error that would tell a stranger who registered.
    AlreadyRegistered { id: String },
}

pub async fn register(
    db: &Db,
    event_id: &str,
    form: Form,
    lang: Lang,
) -> Result<Registered, Error> {
    let today = Utc::now()
        .with_timezone(&chrono_tz::Tz::Asia__Jakarta)
        .date_naive();
    let checked = check_form(&form, today).map_err(Error::Invalid)?;
    let event_id = event_id.to_owned();
    db.transaction(move |conn| {
        let province = regions::find(conn, &checked.province_code)?;
        let regency = regions::find(conn, &checked.regency_code)?;
        let mut errors = Vec::new();
        if province
            .as_ref()
            .is_none_or(|p| p.level != RegionLevel::Province)
        {
            errors.push(FieldError {
                field: "province_code",
                message: "registration.error.province",
            });
        }
        if regency
            .as_ref()
            .is_none_or(|r| r.province_code.as_deref() != Some(checked.province_code.as_str()))
        {
            errors.push(FieldError {
                field: "regency_code",
                message: "registration.error.regency",
            });
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        if let Some(existing) = repo::find_by_email(conn, &event_id, &checked.email)? {
            return Ok(Registered::AlreadyRegistered { id: existing.id });
        }
        let now = Utc::now();
        let user =
            users::find_or_create(conn, &checked.email, &checked.full_name, lang.code(), now)?;
        let row = RegistrationRow {
            id: Uuid::now_v7().to_string(),
            event_id: event_id.clone(),
            user_id: user.id,
            status: Status::Unconfirmed.as_str().to_owned(),
            full_name: checked.full_name,
            email: checked.email,
            whatsapp: checked.whatsapp,
            nip: checked.nip,
            institution: checked.institution,
            position: checked.position,
            province_code: checked.province_code,
            regency_code: checked.regency_code,
            library_type: checked.library_type,
            gender: checked.gender,
            disability: checked.disability,
            consent_at: now.naive_utc(),
            address_confirmed_at: None,
            queued_at: None,
            created_at: now.naive_utc(),
            updated_at: now.naive_utc(),
        };
        repo::insert(conn, &row)?;
        Ok(Registered::New { id: row.id })
    })
    .await
}

/// The participant confirmed their address: a seat, the waiting list, or
/// an organiser's decision. Confirming twice changes nothing.
pub async fn confirm_address(db: &Db, registration_id: &str) -> Result<Status, Error> {
    let id = registration_id.to_owned();
    db.transaction(move |conn| {
        let registration = repo::find(conn, &id)?.ok_or(Error::NotFound)?;
        let current = Status::parse(&registration.status).ok_or(Error::NotFound)?;
        if current != Status::Unconfirmed {
            return Ok(current);
        }
        repo::lock_event(conn, &registration.event_id)?;
        let (seats, moderated) = repo::seats(conn, &registration.event_id)?;
        let status = on_address_confirmed(moderated, seats);
        let now = Utc::now();
        repo::mark_address_confirmed(conn, &id, now)?;
        repo::set_status(conn, &id, status, now)?;
        Ok(status)
    })
    .await
}

/// Cancels a registration; a seat it frees goes to the first in line.
/// Returns the registration promoted, if any.
pub async fn cancel(db: &Db, registration_id: &str) -> Result<Option<String>, Error> {
    let id = registration_id.to_owned();
    db.transaction(move |conn| {
        let registration = repo::find(conn, &id)?.ok_or(Error::NotFound)?;
        if Status::parse(&registration.status).is_none_or(|s| !s.is_active()) {
            return Ok(None);
        }
        repo::lock_event(conn, &registration.event_id)?;
        let now = Utc::now();
        repo::set_status(conn, &id, Status::Cancelled, now)?;
        let (seats, _) = repo::seats(conn, &registration.event_id)?;
        let first = repo::first_waiting(conn, &registration.event_id)?;
        match first {
            Some(next) if promote_after_cancel(seats, true) => {
                repo::set_status(conn, &next, Status::Confirmed, now)?;
                Ok(Some(next))
            }
            _ => Ok(None),
        }
    })
    .await
}

/// Sets an event's seats and whether organisers approve each registration.
pub async fn set_seats(
    db: &Db,
    event_id: &str,
    quota: Option<u32>,
    moderated: bool,
) -> Result<(), Error> {
    let event_id = event_id.to_owned();
    let quota = quota.map(|q| i32::try_from(q).unwrap_or(i32::MAX));
    db.transaction(move |conn| Ok(repo::set_seats(conn, &event_id, quota, moderated)?))
        .await
}

/// An event's registrations with one status, in line order.
pub async fn with_status(db: &Db, event_id: &str, status: Status) -> Result<Vec<String>, Error> {
    let event_id = event_id.to_owned();
    db.run(move |conn| Ok(repo::ids_with_status(conn, &event_id, status)?))
        .await
}
