//! Registrations: from a submitted form to a seat, the waiting list or an
//! organiser's decision. Seat decisions for one event happen one at a time
//! under its lock, so a rush gives exactly as many seats as there are. Each
//! change of state writes the participant's e-mail in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::models::{AnswerRow, RegistrationRow};
use crate::db::repo::{audit, events, registrations as repo, sessions, users};
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::event::{Event, FieldError, Window};
use crate::domain::question::{Question, check_answers};
use crate::domain::registration::{
    Checked, Decision, Form, Status, check_form, decide, on_address_confirmed, promote_after_cancel,
};
use crate::email::Template;
use crate::error::Error;
use crate::i18n::Lang;
use crate::secret;
use crate::services::accounts::{self, Origin};
use crate::services::{invitations, mail, questions, regions, session_mail, zoom_sync};

/// How long the address confirmation link works.
pub const CONFIRMATION_DAYS: i64 = 7;

/// What a registration attempt came to. The participant sees the same page
/// either way; only their mailbox learns which.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registered {
    /// A new registration, waiting for the participant to confirm their address.
    New { id: String },
    /// This address registered already: it was sent a sign-in link (or its
    /// confirmation link again) instead of an error telling a stranger.
    AlreadyRegistered { id: String },
}

fn today_in_indonesia() -> chrono::NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Tz::Asia__Jakarta)
        .date_naive()
}

/// Checks the form and the event's own questions, reporting every message
/// at once.
fn check_all(
    fields: &HashMap<String, String>,
    questions: &[Question],
) -> Result<(Checked, Vec<(String, String)>), Error> {
    let form = check_form(&Form::from_fields(fields), today_in_indonesia());
    let answers = check_answers(questions, fields);
    match (form, answers) {
        (Ok(form), Ok(answers)) => Ok((form, answers)),
        (form, answers) => Err(Error::Invalid(
            form.err()
                .into_iter()
                .chain(answers.err())
                .flatten()
                .collect(),
        )),
    }
}

/// The codes exist and the regency lies in the province (the lists on the
/// form can be tampered with).
async fn check_regions(db: &Db, checked: &Checked) -> Result<(), Error> {
    let regions = regions::directory(db).await?;
    let mut errors = Vec::new();
    if !regions.is_province(&checked.province_code) {
        errors.push(FieldError::new(
            "province_code",
            "registration.error.province",
        ));
    }
    if !regions.is_within(&checked.regency_code, &checked.province_code) {
        errors.push(FieldError::new(
            "regency_code",
            "registration.error.regency",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Who put a registration in: the participant through the form, or an
/// organiser (by hand or by import), who vouches for the address.
#[derive(Clone, Copy)]
enum AddedBy<'a> {
    /// With the digest of the secret in their address confirmation link.
    Participant {
        confirmation: &'a str,
    },
    Organiser(&'a Account),
}

fn insert(
    conn: &mut DbConnection,
    event_id: &str,
    checked: Checked,
    answers: &[(String, String)],
    lang: Lang,
    added_by: AddedBy<'_>,
    now: DateTime<Utc>,
) -> Result<RegistrationRow, Error> {
    let user = users::find_or_create(conn, &checked.email, &checked.full_name, lang.code(), now)?;
    let row = RegistrationRow {
        id: Uuid::now_v7().to_string(),
        event_id: event_id.to_owned(),
        user_id: user.id,
        status: Status::Unconfirmed,
        search_text: checked.search_text(),
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
        confirmation_hash: match added_by {
            AddedBy::Participant { confirmation } => Some(confirmation.to_owned()),
            AddedBy::Organiser(_) => None,
        },
        added_by: match added_by {
            AddedBy::Participant { .. } => None,
            AddedBy::Organiser(account) => Some(account.id.clone()),
        },
    };
    repo::insert(conn, &row)?;
    let answers: Vec<AnswerRow> = answers
        .iter()
        .map(|(question_id, answer)| AnswerRow {
            registration_id: row.id.clone(),
            question_id: question_id.clone(),
            answer: answer.clone(),
        })
        .collect();
    repo::insert_answers(conn, &answers)?;
    Ok(row)
}

/// A participant's registration through the public form. Everything that
/// needs no lock (reading the questions, checking, rendering the e-mail) is
/// done before the transaction, which only writes.
pub async fn register(
    db: &Db,
    event: &Event,
    fields: HashMap<String, String>,
    origin: &Origin,
) -> Result<Registered, Error> {
    let now = Utc::now();
    if event.registration(now) != Window::Open {
        return Err(Error::invalid("email", "registration.closed"));
    }
    let event_id = event.id.to_string();
    let (questions, reply_to) = {
        let event_id = event_id.clone();
        db.run(move |conn| -> Result<_, Error> {
            Ok((
                questions::read(conn, &event_id)?,
                users::first_organiser_email(conn, &event_id)?,
            ))
        })
        .await?
    };
    let (checked, answers) = check_all(&fields, &questions)?;
    check_regions(db, &checked).await?;
    let secret = secret::new_secret();
    let confirmation = confirmation_mail(
        event,
        (&checked.full_name, &checked.email),
        &secret,
        origin,
        reply_to,
        now,
    );
    let (event, origin) = (event.clone(), origin.clone());
    db.transaction(move |conn| {
        if let Some(existing) = repo::find_by_email(conn, &event_id, &checked.email)? {
            let user = users::find(conn, &existing.user_id)?.ok_or(Error::NotFound)?;
            if existing.status == Status::Unconfirmed {
                send_confirmation(conn, &event, &existing, &origin, now)?;
            } else {
                accounts::send_sign_in_link(conn, &user, origin.lang, &origin)?;
            }
            return Ok(Registered::AlreadyRegistered { id: existing.id });
        }
        let digest = secret::digest(&secret);
        let added_by = AddedBy::Participant {
            confirmation: &digest,
        };
        let to = checked.email.clone();
        let row = insert(
            conn,
            &event_id,
            checked,
            &answers,
            origin.lang,
            added_by,
            now,
        )?;
        // The same address registered by a stranger for event after event:
        // each registration stays, its link waits for a later request.
        if mail::may_send_unsolicited(conn, &to, Template::ConfirmAddress, now)? {
            mail::store(conn, confirmation, now)?;
        }
        Ok(Registered::New { id: row.id })
    })
    .await
}

/// The e-mail with the link that confirms `to`'s address (name, address).
fn confirmation_mail(
    event: &Event,
    (name, to): (&str, &str),
    secret: &str,
    origin: &Origin,
    reply_to: Option<String>,
    now: DateTime<Utc>,
) -> mail::Prepared {
    let link = origin.link(&format!("/registrations/confirm/{secret}"));
    let when =
        crate::i18n::dates::span(origin.lang, event.starts_at, event.ends_at, event.time_zone);
    let event_id = event.id.to_string();
    mail::prepare(
        mail::Outgoing {
            template: Template::ConfirmAddress,
            lang: origin.lang,
            to,
            event_id: Some(&event_id),
            args: &[
                ("name", &name),
                ("event", &event.title),
                ("when", &when),
                ("link", &link),
                ("days", &CONFIRMATION_DAYS),
            ],
            attachments: Vec::new(),
        },
        reply_to,
        now,
    )
}

/// A fresh confirmation link (the previous one stops working) by e-mail,
/// within the address's hourly allowance (registering again is what a
/// stranger would repeat to flood it).
fn send_confirmation(
    conn: &mut DbConnection,
    event: &Event,
    registration: &RegistrationRow,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    if !mail::may_send_unsolicited(conn, &registration.email, Template::ConfirmAddress, now)? {
        return Ok(());
    }
    let secret = secret::new_secret();
    repo::set_confirmation(conn, &registration.id, Some(&secret::digest(&secret)), now)?;
    let reply_to = users::first_organiser_email(conn, &registration.event_id)?;
    let mail = confirmation_mail(
        event,
        (&registration.full_name, &registration.email),
        &secret,
        origin,
        reply_to,
        now,
    );
    mail::store(conn, mail, now)?;
    Ok(())
}

/// The e-mail for a registration's new state; a confirmed seat carries the
/// event's calendar invitation.
fn tell(
    conn: &mut DbConnection,
    event: &Event,
    registration: &RegistrationRow,
    status: Status,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let template = match status {
        Status::Confirmed => Template::RegistrationConfirmed,
        Status::Waitlisted => Template::RegistrationWaitlisted,
        Status::AwaitingApproval => Template::RegistrationAwaitingApproval,
        Status::Rejected => Template::RegistrationRejected,
        Status::Cancelled => Template::RegistrationCancelled,
        Status::Unconfirmed => return Ok(()),
    };
    let lang = users::lang_of(conn, &registration.user_id)?;
    let link = match status {
        Status::Rejected => origin.link("/"),
        Status::Cancelled => origin.link(&format!("/events/{}", event.slug)),
        _ => origin.link("/my"),
    };
    // With an agenda, each session brings its own invitation: the event's
    // would only repeat them as one long block in the calendar.
    let has_sessions = !sessions::of_event(conn, &event.id.to_string())?.is_empty();
    // `registration` is the row before the change: a seat that was
    // confirmed had its sessions' invitations, which now leave its calendar.
    let had_seat = registration.status == Status::Confirmed;
    let attachments = match status {
        Status::Confirmed if !has_sessions => vec![invitations::event_invitation(
            conn,
            event,
            registration,
            &origin.base_url,
            now,
        )?],
        Status::Confirmed => Vec::new(),
        _ if had_seat => {
            invitations::seat_withdrawals(conn, event, registration, &origin.base_url, now)?
        }
        _ => Vec::new(),
    };
    let when = crate::i18n::dates::span(lang, event.starts_at, event.ends_at, event.time_zone);
    mail::enqueue(
        conn,
        mail::Outgoing {
            template,
            lang,
            to: &registration.email,
            event_id: Some(&registration.event_id),
            args: &[
                ("name", &registration.full_name),
                ("event", &event.title),
                ("when", &when),
                ("link", &link),
                ("contact", &event.contact_or_office()),
            ],
            attachments,
        },
        now,
    )?;
    if status == Status::Confirmed {
        session_mail::on_confirmed(conn, event, registration, now)?;
    }
    Ok(())
}

fn event_of(conn: &mut DbConnection, registration: &RegistrationRow) -> Result<Event, Error> {
    events::find(conn, &registration.event_id)?.ok_or(Error::NotFound)
}

/// Moves a registration and tells its participant.
fn change(
    conn: &mut DbConnection,
    event: &Event,
    registration: &RegistrationRow,
    status: Status,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    repo::set_status(conn, &registration.id, status, now)?;
    zoom_sync::registration_changed(
        conn,
        &registration.event_id,
        &registration.id,
        (registration.status, status),
        now,
    )?;
    tell(conn, event, registration, status, origin, now)
}

/// A seat came free: the first in line gets it, and is told.
fn promote_first(
    conn: &mut DbConnection,
    event: &Event,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Option<String>, Error> {
    let (seats, _) = repo::seats(conn, &event.id.to_string())?;
    let Some(next) = repo::first_waiting(conn, &event.id.to_string())? else {
        return Ok(None);
    };
    if !promote_after_cancel(seats, true) {
        return Ok(None);
    }
    let next = repo::find(conn, &next)?.ok_or(Error::NotFound)?;
    change(conn, event, &next, Status::Confirmed, origin, now)?;
    Ok(Some(next.id))
}

/// What following a confirmation link came to.
pub struct AddressConfirmed {
    pub status: Status,
    pub event_slug: String,
    pub event_title: String,
    /// The participant, signed in by the link they followed.
    pub account: Account,
}

/// The participant followed the link in their e-mail: a seat, the waiting
/// list, or an organiser's decision. The link works once.
pub async fn confirm_address(
    db: &Db,
    secret: &str,
    origin: &Origin,
) -> Result<AddressConfirmed, Error> {
    let (hash, origin) = (secret::digest(secret), origin.clone());
    db.transaction(move |conn| {
        let now = Utc::now();
        let registration = repo::find_by_confirmation(conn, &hash)?.ok_or(Error::InvalidLink)?;
        let expired =
            registration.updated_at.and_utc() + chrono::Duration::days(CONFIRMATION_DAYS) < now;
        if expired || registration.status != Status::Unconfirmed {
            return Err(Error::InvalidLink);
        }
        let event = event_of(conn, &registration)?;
        repo::lock_event(conn, &registration.event_id)?;
        let (seats, moderated) = repo::seats(conn, &registration.event_id)?;
        let status = on_address_confirmed(moderated, seats);
        repo::mark_address_confirmed(conn, &registration.id, now)?;
        repo::set_confirmation(conn, &registration.id, None, now)?;
        change(conn, &event, &registration, status, &origin, now)?;
        let account = users::account(conn, &registration.user_id)?.ok_or(Error::NotFound)?;
        Ok(AddressConfirmed {
            status,
            event_slug: event.slug,
            event_title: event.title,
            account,
        })
    })
    .await
}

/// The event a confirmation link is for, to name it on the link's page;
/// none when the link is no longer good (confirming then says so).
pub async fn awaiting_confirmation(db: &Db, secret: &str) -> Result<Option<Event>, Error> {
    let hash = secret::digest(secret);
    db.run(move |conn| -> Result<_, Error> {
        match repo::find_by_confirmation(conn, &hash)? {
            Some(registration) => Ok(Some(event_of(conn, &registration)?)),
            None => Ok(None),
        }
    })
    .await
}

/// A participant cancels their own registration; a seat it frees goes to
/// the first in line. Returns the registration promoted, if any.
pub async fn cancel(
    db: &Db,
    registration_id: &str,
    participant: &Account,
    origin: &Origin,
) -> Result<Option<String>, Error> {
    let (id, user_id, origin) = (
        registration_id.to_owned(),
        participant.id.clone(),
        origin.clone(),
    );
    db.transaction(move |conn| {
        let registration = repo::find(conn, &id)?
            .filter(|r| r.user_id == user_id)
            .ok_or(Error::NotFound)?;
        if !registration.status.is_active() {
            return Ok(None);
        }
        let event = event_of(conn, &registration)?;
        repo::lock_event(conn, &registration.event_id)?;
        let now = Utc::now();
        change(conn, &event, &registration, Status::Cancelled, &origin, now)?;
        if registration.status == Status::Confirmed {
            promote_first(conn, &event, &origin, now)
        } else {
            Ok(None)
        }
    })
    .await
}

fn record(
    conn: &mut DbConnection,
    actor: &Account,
    action: &str,
    registration: &RegistrationRow,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    audit::Entry::new(action)
        .by(actor)
        .event(Some(&registration.event_id))
        .subject(&registration.email)
        .address(origin.address.as_deref())
        .record(conn, now)?;
    Ok(())
}

/// What a bulk decision did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Decided {
    pub changed: usize,
    /// Registrations the decision does not apply to in their state.
    pub skipped: usize,
}

/// An organiser's decision on many registrations, in one transaction: each
/// participant is told, and a seat freed by a rejection goes to the first
/// in line.
pub async fn decide_many(
    db: &Db,
    event: &Event,
    ids: Vec<String>,
    decision: Decision,
    actor: &Account,
    origin: &Origin,
) -> Result<Decided, Error> {
    let (event, actor, origin) = (event.clone(), actor.clone(), origin.clone());
    db.transaction(move |conn| {
        let event_id = event.id.to_string();
        repo::lock_event(conn, &event_id)?;
        let now = Utc::now();
        let mut decided = Decided::default();
        for id in ids {
            let Some(registration) = repo::find(conn, &id)?.filter(|r| r.event_id == event_id)
            else {
                decided.skipped += 1;
                continue;
            };
            let current = registration.status;
            let (seats, _) = repo::seats(conn, &event_id)?;
            let Some(next) = decide(current, decision, seats) else {
                decided.skipped += 1;
                continue;
            };
            change(conn, &event, &registration, next, &origin, now)?;
            let action = format!("registration.{}", decision.as_str());
            record(conn, &actor, &action, &registration, &origin, now)?;
            if current == Status::Confirmed {
                promote_first(conn, &event, &origin, now)?;
            }
            decided.changed += 1;
        }
        Ok(decided)
    })
    .await
}

/// Puts checked registrations in on an organiser's word: the address
/// counts as confirmed, and each takes a seat while there is one, else the
/// waiting list. Returns the ids; a duplicate address is `Err(index)`.
fn add_checked(
    conn: &mut DbConnection,
    event: &Event,
    rows: Vec<(Checked, Vec<(String, String)>)>,
    actor: &Account,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Vec<Result<String, usize>>, Error> {
    let event_id = event.id.to_string();
    repo::lock_event(conn, &event_id)?;
    let mut added = Vec::new();
    for (index, (checked, answers)) in rows.into_iter().enumerate() {
        if repo::find_by_email(conn, &event_id, &checked.email)?.is_some() {
            added.push(Err(index));
            continue;
        }
        let row = insert(
            conn,
            &event_id,
            checked,
            &answers,
            origin.lang,
            AddedBy::Organiser(actor),
            now,
        )?;
        let (seats, _) = repo::seats(conn, &event_id)?;
        let status = on_address_confirmed(false, seats);
        repo::mark_address_confirmed(conn, &row.id, now)?;
        change(conn, event, &row, status, origin, now)?;
        record(conn, actor, "registration.add", &row, origin, now)?;
        added.push(Ok(row.id));
    }
    Ok(added)
}

/// An organiser adds one participant by hand.
pub async fn add_by_hand(
    db: &Db,
    event: &Event,
    fields: HashMap<String, String>,
    actor: &Account,
    origin: &Origin,
) -> Result<String, Error> {
    let questions = questions::of_event(db, &event.id.to_string()).await?;
    let checked = check_all(&fields, &questions)?;
    let (event, actor, origin) = (event.clone(), actor.clone(), origin.clone());
    check_regions(db, &checked.0).await?;
    db.transaction(move |conn| {
        let mut added = add_checked(conn, &event, vec![checked], &actor, &origin, Utc::now())?;
        match added.pop() {
            Some(Ok(id)) => Ok(id),
            _ => Err(Error::invalid("email", "registration.error.already")),
        }
    })
    .await
}

/// Spreadsheet imports share the checks and the seat rules of adding by hand.
pub(crate) fn add_imported(
    conn: &mut DbConnection,
    event: &Event,
    rows: Vec<(Checked, Vec<(String, String)>)>,
    actor: &Account,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Vec<Result<String, usize>>, Error> {
    add_checked(conn, event, rows, actor, origin, now)
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

/// A participant's registrations with their events, newest event first.
pub async fn of_account(
    db: &Db,
    account: &Account,
) -> Result<Vec<(RegistrationRow, Event)>, Error> {
    let user_id = account.id.clone();
    db.run(move |conn| Ok(repo::of_user(conn, &user_id)?)).await
}

/// One registration of this participant (for cancelling or its invitation).
pub async fn own(
    db: &Db,
    account: &Account,
    registration_id: &str,
) -> Result<(RegistrationRow, Event), Error> {
    let (user_id, id) = (account.id.clone(), registration_id.to_owned());
    db.run(move |conn| {
        let registration = repo::find(conn, &id)?
            .filter(|r| r.user_id == user_id)
            .ok_or(Error::NotFound)?;
        let event = event_of(conn, &registration)?;
        Ok((registration, event))
    })
    .await
}
