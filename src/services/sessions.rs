//! An event's sessions: the agenda organisers plan, the public reads and
//! speakers follow. Each change is one transaction with its audit line, and
//! returns the session as it was and as it is: what must follow a change
//! (a Zoom meeting created, moved or removed; invitations updated) is to be
//! queued as a job inside that same transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::db::repo::{
    audit, events, materials as materials_repo, registrations, session_registrants,
    sessions as repo, users,
};
use crate::db::{Db, DbConnection};
use crate::domain::account::{Account, EventRole};
use crate::domain::event::{Event, FieldError};
use crate::domain::material::{Availability, Visibility};
use crate::domain::registrant::LinkStanding;
use crate::domain::registration::Status;
use crate::domain::session::{
    Plan, Session, SessionForm, Speaker, ZoomStatus, check_session_form, host_conflict, other_zone,
    total_jp,
};
use crate::error::Error;
use crate::i18n::{Lang, dates};
use crate::services::accounts::Origin;
use crate::services::attendance::reports;
use crate::services::profiles::{self, SpeakerProfile};
use crate::services::{material_digests, session_mail, zoom_sync};

/// What the event page shows of its sessions.
#[derive(Clone, Debug)]
pub struct Agenda {
    pub sessions: Vec<Session>,
    pub total_jp: u32,
    /// The profiles of the sessions' speakers, by account.
    pub profiles: HashMap<String, SpeakerProfile>,
    /// What participants may read of each session, by session id.
    pub materials: HashMap<String, Vec<AgendaMaterial>>,
}

/// A session's material as the agenda lists it: neither hidden nor for
/// organisers only. Who may open it is the download's to say.
#[derive(Clone, Debug)]
pub struct AgendaMaterial {
    pub id: String,
    pub title: String,
    /// For registered participants only, not public.
    pub registered_only: bool,
    /// When it opens, if not from the start.
    pub opens_at: Option<DateTime<Utc>>,
}

/// A session before and after an organiser changed it (a higher
/// `after.sequence`: what its calendar entry shows changed).
#[derive(Clone, Debug)]
pub struct Change {
    pub before: Session,
    pub after: Session,
}

/// An event's sessions, in order.
pub async fn of_event(db: &Db, event_id: &str) -> Result<Vec<Session>, Error> {
    let event_id = event_id.to_owned();
    db.run(move |conn| Ok(repo::of_event(conn, &event_id)?))
        .await
}

/// Per Zoom session of the event, who has their personal link and who
/// does not (and why).
pub async fn link_standings(
    db: &Db,
    event: &Event,
) -> Result<HashMap<String, LinkStanding>, Error> {
    let event_id = event.id.to_string();
    db.run(move |conn| Ok(session_registrants::standings(conn, &event_id)?))
        .await
}

/// The event's Zoom sessions a job is working on now.
pub async fn zoom_at_work(db: &Db, event: &Event) -> Result<HashSet<String>, Error> {
    let event_id = event.id.to_string();
    db.run(move |conn| Ok(zoom_sync::at_work(conn, &event_id, Utc::now())?))
        .await
}

/// The public agenda: the event's sessions and their JP.
pub(crate) fn read_agenda(conn: &mut DbConnection, event_id: &str) -> Result<Agenda, Error> {
    let sessions = repo::of_event(conn, event_id)?;
    let mut speakers: Vec<(String, String)> = Vec::new();
    for speaker in sessions.iter().flat_map(|s| &s.speakers) {
        if !speakers.iter().any(|(id, _)| *id == speaker.id) {
            speakers.push((speaker.id.clone(), speaker.name.clone()));
        }
    }
    let mut materials: HashMap<String, Vec<AgendaMaterial>> = HashMap::new();
    for row in materials_repo::of_event(conn, event_id)? {
        let (Some(visibility), Some(availability)) = (
            Visibility::parse(&row.visibility),
            Availability::parse(&row.availability),
        ) else {
            continue;
        };
        let Some(session) = sessions.iter().find(|s| s.id == row.session_id) else {
            continue;
        };
        if row.hidden || visibility == Visibility::Organisers {
            continue;
        }
        materials
            .entry(row.session_id)
            .or_default()
            .push(AgendaMaterial {
                id: row.id,
                title: row.title,
                registered_only: visibility == Visibility::Registered,
                opens_at: availability.from(session.plan.starts_at, session.plan.ends_at),
            });
    }
    Ok(Agenda {
        total_jp: total_jp(&sessions),
        profiles: profiles::of_users(conn, &speakers)?,
        materials,
        sessions,
    })
}

/// The zone of a viewer who registered from `province`, when it keeps
/// another time than the event (from the region list held in memory).
pub(crate) async fn own_zone(
    db: &Db,
    event: &Event,
    province: Option<String>,
) -> Result<Option<Tz>, Error> {
    Ok(match province {
        Some(code) => crate::services::regions::directory(db)
            .await?
            .find(&code)
            .and_then(|region| other_zone(event.time_zone, region.time_zone, event.starts_at)),
        None => None,
    })
}

/// The sessions of one confirmed seat, as the participant's page shows them.
#[derive(Clone, Debug)]
pub struct Seat {
    pub registration_id: String,
    /// Each session with the participant's personal join link, if made.
    pub sessions: Vec<(Session, Option<String>)>,
    /// Their province's zone, when it keeps another time than the event.
    pub own_zone: Option<Tz>,
}

/// The sessions of each confirmed seat of a participant.
pub async fn of_participant(db: &Db, account: &Account) -> Result<Vec<Seat>, Error> {
    let user_id = account.id.clone();
    let found = db
        .run(move |conn| -> Result<_, Error> {
            let mut found = Vec::new();
            for (registration, event) in registrations::of_user(conn, &user_id)? {
                if registration.status != Status::Confirmed {
                    continue;
                }
                let mut personal = repo::personal_join_urls(conn, &registration.id)?;
                let sessions = repo::of_event(conn, &event.id.to_string())?
                    .into_iter()
                    .map(|session| {
                        let link = personal.remove(&session.id);
                        (session, link)
                    })
                    .collect();
                found.push((registration, event, sessions));
            }
            Ok(found)
        })
        .await?;
    let regions = crate::services::regions::directory(db).await?;
    Ok(found
        .into_iter()
        .map(|(registration, event, sessions)| Seat {
            own_zone: regions
                .find(&registration.province_code)
                .and_then(|r| other_zone(event.time_zone, r.time_zone, event.starts_at)),
            registration_id: registration.id,
            sessions,
        })
        .collect())
}

/// The province someone registered from for this event.
pub(crate) fn registered_province(
    conn: &mut DbConnection,
    event_id: &str,
    user_id: &str,
) -> Result<Option<String>, Error> {
    Ok(registrations::of_user(conn, user_id)?
        .into_iter()
        .find(|(r, _)| r.event_id == event_id && r.status.is_active())
        .map(|(registration, _)| registration.province_code))
}

/// Who may be named a session's speaker: the event's speakers.
pub async fn speakers_of(db: &Db, event_id: &str) -> Result<Vec<Speaker>, Error> {
    let event_id = event_id.to_owned();
    db.run(move |conn| speakers(conn, &event_id)).await
}

fn speakers(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Speaker>, Error> {
    Ok(users::members(conn, event_id)?
        .into_iter()
        .filter(|(role, _)| role == EventRole::Speaker.as_str())
        .map(|(_, user)| Speaker {
            id: user.id,
            name: user.name,
            email: user.email,
        })
        .collect())
}

/// One session of this event.
pub async fn find(db: &Db, event: &Event, id: &str) -> Result<Session, Error> {
    let (event_id, id) = (event.id.to_string(), id.to_owned());
    db.run(move |conn| in_event(conn, &event_id, &id)).await
}

pub(crate) fn in_event(
    conn: &mut DbConnection,
    event_id: &str,
    id: &str,
) -> Result<Session, Error> {
    repo::find(conn, id)?
        .filter(|s| s.event_id == event_id)
        .ok_or(Error::NotFound)
}

/// The sessions someone speaks at, across events, with their events.
pub async fn of_speaker(db: &Db, account: &Account) -> Result<Vec<(Session, Event)>, Error> {
    let user_id = account.id.clone();
    db.run(move |conn| {
        let mut out = Vec::new();
        for session in repo::of_speaker(conn, &user_id)? {
            if let Some(event) = events::find(conn, &session.event_id)? {
                out.push((session, event));
            }
        }
        Ok(out)
    })
    .await
}

pub(crate) fn may_manage(actor: &Account, event: &Event) -> Result<(), Error> {
    if actor.may_manage(&event.id.to_string()) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// Checks the form against the event's speakers and, for a Zoom session,
/// its host's other sessions. The host stays locked until the transaction
/// ends, so a session booked at the same moment waits and then sees this one.
fn checked_plan(
    conn: &mut DbConnection,
    event: &Event,
    form: &SessionForm,
    except: Option<&str>,
    lang: Lang,
) -> Result<Plan, Error> {
    let speakers = speakers(conn, &event.id.to_string())?;
    let plan = check_session_form(form, event.time_zone, &speakers).map_err(Error::Invalid)?;
    if let Some(host) = plan.delivery.zoom_host() {
        repo::lock_host(conn, host)?;
        let others = repo::on_host_starting_before(conn, host, plan.ends_at, except)?;
        if let Some(other) = host_conflict(&plan, &others) {
            return Err(Error::Invalid(vec![conflict(conn, other, lang)?]));
        }
    }
    Ok(plan)
}

/// Names the other session: its title, its event and its time there.
fn conflict(conn: &mut DbConnection, other: &Session, lang: Lang) -> Result<FieldError, Error> {
    let event = events::find(conn, &other.event_id)?.ok_or(Error::NotFound)?;
    let when = dates::span(
        lang,
        other.plan.starts_at,
        other.plan.ends_at,
        event.time_zone,
    );
    Ok(
        FieldError::new("start_time", "session.error.host_conflict").with_args(vec![
            ("session", other.plan.title.clone()),
            ("event", event.title),
            ("when", when.to_string()),
        ]),
    )
}

fn record(
    conn: &mut DbConnection,
    actor: &Account,
    action: &str,
    session: &Session,
    origin: &Origin,
) -> Result<(), Error> {
    audit::Entry::new(action)
        .by(actor)
        .event(Some(&session.event_id))
        .subject(&session.plan.title)
        .address(origin.address.as_deref())
        .record(conn, Utc::now())?;
    Ok(())
}

pub async fn create(
    db: &Db,
    actor: &Account,
    event: &Event,
    form: SessionForm,
    origin: &Origin,
) -> Result<Session, Error> {
    may_manage(actor, event)?;
    let (actor, event, origin) = (actor.clone(), event.clone(), origin.clone());
    db.transaction(move |conn| {
        let plan = checked_plan(conn, &event, &form, None, origin.lang)?;
        let now = Utc::now();
        let session = repo::insert(conn, &event.id.to_string(), &plan, now)?;
        if session.plan.delivery.zoom_host().is_some() {
            zoom_sync::session_changed(conn, &session.id, now)?;
        }
        record(conn, &actor, "session.created", &session, &origin)?;
        session_mail::queue_invitations(conn, &session, Utc::now())?;
        Ok(session)
    })
    .await
}

/// Changes a session; a change its calendar entry shows raises its
/// invitation sequence and sends the entry again.
pub async fn update(
    db: &Db,
    actor: &Account,
    event: &Event,
    id: &str,
    form: SessionForm,
    origin: &Origin,
) -> Result<Change, Error> {
    may_manage(actor, event)?;
    let (actor, event, origin, id) = (actor.clone(), event.clone(), origin.clone(), id.to_owned());
    db.transaction(move |conn| {
        let before = in_event(conn, &event.id.to_string(), &id)?;
        let plan = checked_plan(conn, &event, &form, Some(&id), origin.lang)?;
        let sequence = before.sequence + u32::from(plan.shown_differently_from(&before.plan));
        let status = before.zoom.status.after_planning(&plan.delivery);
        let now = Utc::now();
        repo::update(conn, &id, &plan, status, sequence, now)?;
        let after = repo::find(conn, &id)?.ok_or(Error::NotFound)?;
        // Also when it left Zoom before its meeting was made: a meeting
        // being created right now is then deleted by the run that follows.
        if before.zoom.status != ZoomStatus::None || after.zoom.status != ZoomStatus::None {
            zoom_sync::session_changed(conn, &id, now)?;
        }
        // A session without its meeting yet has its report planned when
        // the meeting is made.
        if after.zoom.meeting_id.is_some() && after.plan.ends_at != before.plan.ends_at {
            reports::plan(conn, &id, after.plan.ends_at, now)?;
        }
        // Its materials may open earlier: their digest too.
        if after.plan.starts_at != before.plan.starts_at
            || after.plan.ends_at != before.plan.ends_at
        {
            material_digests::plan(conn, &event, now)?;
        }
        record(conn, &actor, "session.updated", &after, &origin)?;
        if after.sequence > before.sequence {
            session_mail::queue_invitations(conn, &after, Utc::now())?;
        }
        Ok(Change { before, after })
    })
    .await
}

/// Removes a session and returns it as it was.
pub async fn delete(
    db: &Db,
    actor: &Account,
    event: &Event,
    id: &str,
    origin: &Origin,
) -> Result<Session, Error> {
    may_manage(actor, event)?;
    let (actor, event, origin, id) = (actor.clone(), event.clone(), origin.clone(), id.to_owned());
    db.transaction(move |conn| {
        let session = in_event(conn, &event.id.to_string(), &id)?;
        repo::delete(conn, &id)?;
        zoom_sync::session_deleted(conn, &session, Utc::now())?;
        record(conn, &actor, "session.deleted", &session, &origin)?;
        session_mail::queue_cancellations(conn, &session, Utc::now())?;
        Ok(session)
    })
    .await
}

/// Tries a session's Zoom meeting (and the participants Zoom refused)
/// again, after the organiser fixed what Zoom complained about.
pub async fn retry_zoom(
    db: &Db,
    actor: &Account,
    event: &Event,
    id: &str,
    origin: &Origin,
) -> Result<Session, Error> {
    may_manage(actor, event)?;
    let (actor, event, origin, id) = (actor.clone(), event.clone(), origin.clone(), id.to_owned());
    db.transaction(move |conn| {
        let session = in_event(conn, &event.id.to_string(), &id)?;
        if session.zoom.status == ZoomStatus::None {
            return Err(Error::NotFound);
        }
        zoom_sync::retry(conn, &session, Utc::now())?;
        record(conn, &actor, "session.zoom_retried", &session, &origin)?;
        Ok(session)
    })
    .await
}
