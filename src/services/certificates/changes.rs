//! After issuing: one certificate's page, revoking it with a reason (and
//! reissuing it under the type's next number), sending its e-mail again,
//! and issuing to one participant who became eligible after the batch.
//! Each runs in one transaction; the new certificate is rendered and
//! e-mailed by the same job as every other ([`super::Render`]).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{
    Holder, Issued, Progress, Render, candidates, issue_one, progress, read_settings, team,
};
use crate::db::Db;
use crate::db::DbConnection;
use crate::db::models::CertificateRow;
use crate::db::repo::{
    audit, certificates as repo, outbox, registrations, sessions as sessions_repo,
};
use crate::db::states::Stored;
use crate::domain::account::Account;
use crate::domain::certificate::Kind;
use crate::domain::certificate::revocation::check_reason;
use crate::domain::event::{Event, FieldError};
use crate::domain::session::total_jp;
use crate::error::Error;
use crate::integrations::storage::FileKey;
use crate::jobs;
use crate::services::mail;

/// One certificate, with the one it replaced and the one replacing it.
#[derive(Clone, Debug)]
pub struct Detail {
    pub issued: Issued,
    pub replaced: Option<CertificateRow>,
    pub replacement: Option<CertificateRow>,
}

/// The revoke form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeForm {
    pub reason: String,
    /// Ticked: a new certificate replaces the revoked one.
    pub reissue: Option<String>,
}

/// The event's certificate `id`; `NotFound` for another event's.
fn in_event(conn: &mut DbConnection, event: &Event, id: &str) -> Result<CertificateRow, Error> {
    repo::find(conn, id)?
        .filter(|row| row.event_id == event.id.to_string())
        .ok_or(Error::NotFound)
}

fn refused(field: &'static str, message: &'static str) -> Error {
    Error::Invalid(vec![FieldError::new(field, message)])
}

pub async fn detail(db: &Db, event: &Event, id: &str) -> Result<Detail, Error> {
    let (event, id) = (event.clone(), id.to_owned());
    db.run(move |conn| {
        let row = in_event(conn, &event, &id)?;
        let mail = match &row.mail_id {
            Some(mail_id) => {
                outbox::find(conn, mail_id)?.map(|m| (m.status.stored().to_owned(), m.last_error))
            }
            None => None,
        };
        let replaced = repo::replaced(conn, &row.id)?;
        let replacement = match &row.replaced_by {
            Some(new_id) => repo::find(conn, new_id)?,
            None => None,
        };
        Ok(Detail {
            issued: Issued {
                progress: progress(&row, mail),
                row,
            },
            replaced,
            replacement,
        })
    })
    .await
}

/// The holder of `row` as a certificate would print them now: their name
/// as registered today (a corrected typo is the usual reason to reissue)
/// and the JP their type counts.
fn holder_now(
    conn: &mut DbConnection,
    event: &Event,
    row: &CertificateRow,
) -> Result<Holder, Error> {
    let event_id = event.id.to_string();
    match (row.kind, &row.registration_id, &row.account_id) {
        (Kind::Participant, Some(registration), _) => {
            let registration = registrations::find(conn, registration)?.ok_or(Error::NotFound)?;
            let sessions = sessions_repo::of_event(conn, &event_id)?;
            Ok(Holder::participant(&registration, total_jp(&sessions)))
        }
        (Kind::Speaker | Kind::Committee, _, Some(account)) => {
            team::holder(conn, event, row.kind, account)?.ok_or(Error::NotFound)
        }
        _ => Err(Error::NotFound),
    }
}

/// Revokes the certificate with the reason given and, when asked, issues
/// its holder a new one: the type's next number (the revoked number is
/// never used again), a new verify code, `replaced_by` linking the old to
/// the new. The new one, or `None` when only revoked.
pub async fn revoke(
    db: &Db,
    actor: &Account,
    event: &Event,
    id: &str,
    (form, address): (&RevokeForm, Option<String>),
) -> Result<Option<CertificateRow>, Error> {
    let reason = check_reason(&form.reason).map_err(|e| Error::Invalid(vec![e]))?;
    let reissue = form.reissue.is_some();
    let (actor, event, id) = (actor.clone(), event.clone(), id.to_owned());
    db.transaction(move |conn| {
        let now = Utc::now();
        let event_id = event.id.to_string();
        let row = in_event(conn, &event, &id)?;
        if !repo::revoke(conn, &row.id, (now.naive_utc(), &reason))? {
            return Err(refused("reason", "certificate.error.revoked_already"));
        }
        audit::Entry::new("certificate.revoked")
            .by(&actor)
            .event(Some(&event_id))
            .subject(&row.number)
            .address(address.as_deref())
            .record(conn, now)?;
        if !reissue {
            return Ok(None);
        }
        let settings = read_settings(conn, &event)?;
        let holder = holder_now(conn, &event, &row)?;
        let new = issue_one(
            conn,
            (&event, &settings),
            row.kind,
            holder,
            Some(&actor),
            now,
        )?;
        repo::set_replaced_by(conn, &row.id, &new.id)?;
        audit::Entry::new("certificate.reissued")
            .by(&actor)
            .event(Some(&event_id))
            .subject(&new.number)
            .address(address.as_deref())
            .record(conn, now)?;
        Ok(Some(new))
    })
    .await
}

/// Sends the certificate's e-mail again, with its PDF, to its holder: a
/// copy of the last one, which the certificate's delivery then follows.
pub async fn resend(
    db: &Db,
    actor: &Account,
    event: &Event,
    id: &str,
    address: Option<String>,
) -> Result<(), Error> {
    let (actor, event, id) = (actor.clone(), event.clone(), id.to_owned());
    db.transaction(move |conn| {
        let now = Utc::now();
        let row = in_event(conn, &event, &id)?;
        if row.revoked_at.is_some() {
            return Err(refused("certificate", "certificate.error.resend_revoked"));
        }
        if row.mail_id.is_none() {
            return Err(refused("certificate", "certificate.error.resend_not_yet"));
        }
        send_again(conn, &row, (&actor, address.as_deref()), now)?;
        audit::Entry::new("certificate.resent")
            .by(&actor)
            .event(Some(&event.id.to_string()))
            .subject(&row.number)
            .address(address.as_deref())
            .record(conn, now)?;
        Ok(())
    })
    .await
}

/// Queues a copy of the certificate's last e-mail, which its delivery then
/// follows. Nothing for a certificate whose e-mail was never queued.
fn send_again(
    conn: &mut DbConnection,
    row: &CertificateRow,
    by: (&Account, Option<&str>),
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let Some(mail_id) = &row.mail_id else {
        return Ok(());
    };
    // A certificate's e-mail refers to its PDF in storage by key: no
    // inline file to move first.
    let copy = mail::queue_copy(conn, (mail_id, None), by, now)?;
    // The last e-mail may have left before the certificate was signed:
    // the copy carries the signed file.
    let keys = [&row.unsigned_key, &row.signed_key].map(|k| k.as_deref().and_then(FileKey::parse));
    if let [Some(unsigned), Some(signed)] = keys {
        mail::attach_instead(conn, &copy, (&unsigned, &signed))?;
    }
    repo::set_mail(conn, &row.id, &copy)?;
    Ok(())
}

/// Tries every failed certificate of the event in force again: one that
/// could not be rendered is rendered anew (after the organisers mended
/// what stopped it: a picture, a character the fonts lack), one whose
/// e-mail the mail server refused is sent again. How many were retried.
pub async fn retry_failed(
    db: &Db,
    actor: &Account,
    event: &Event,
    address: Option<String>,
) -> Result<usize, Error> {
    let (actor, event) = (actor.clone(), event.clone());
    db.transaction(move |conn| {
        let now = Utc::now();
        let event_id = event.id.to_string();
        let mut retried = 0;
        for (row, mail) in repo::of_event(conn, &event_id)? {
            if !matches!(progress(&row, mail), Progress::Failed(_)) {
                continue;
            }
            if row.render_error.is_some() {
                repo::set_render_error(conn, &row.id, None)?;
                jobs::enqueue_or_rerun(
                    conn,
                    &Render {
                        certificate_id: row.id.clone(),
                    },
                    now,
                )?;
            } else {
                send_again(conn, &row, (&actor, address.as_deref()), now)?;
            }
            retried += 1;
        }
        if retried > 0 {
            audit::Entry::new("certificate.retried")
                .by(&actor)
                .event(Some(&event_id))
                .subject(&retried.to_string())
                .address(address.as_deref())
                .record(conn, now)?;
        }
        Ok(retried)
    })
    .await
}

/// Issues a participant's certificate to one participant, eligible now
/// and holding none: one who became eligible after the batch.
pub async fn issue_to(
    db: &Db,
    actor: &Account,
    event: &Event,
    registration_id: &str,
) -> Result<CertificateRow, Error> {
    let (actor, event, registration_id) =
        (actor.clone(), event.clone(), registration_id.to_owned());
    db.transaction(move |conn| {
        let now = Utc::now();
        let settings = read_settings(conn, &event)?;
        let (candidates, sessions) = candidates(conn, &event, &settings, now)?;
        let candidate = candidates
            .iter()
            .find(|c| c.registration_id == registration_id)
            .ok_or(Error::NotFound)?;
        if candidate.holds.is_some() {
            return Err(refused("certificate", "certificate.error.holds"));
        }
        if !candidate.eligibility.is_eligible() {
            return Err(refused("certificate", "certificate.error.not_eligible"));
        }
        let registration = registrations::find(conn, &registration_id)?.ok_or(Error::NotFound)?;
        let holder = Holder::participant(&registration, total_jp(&sessions));
        let row = issue_one(
            conn,
            (&event, &settings),
            Kind::Participant,
            holder,
            Some(&actor),
            now,
        )?;
        audit::Entry::new("certificate.issued")
            .by(&actor)
            .event(Some(&event.id.to_string()))
            .subject(&row.number)
            .record(conn, now)?;
        Ok(row)
    })
    .await
}
