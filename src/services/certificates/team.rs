//! Speakers' and committee members' certificates. A speaker's counts the
//! JP of the sessions they gave, and its back page lists those sessions;
//! a committee member's, chosen by name among the event's organisers and
//! reviewers, counts the event's JP. Each type has its own numbering.

use std::collections::HashMap;

use chrono::Utc;

use super::{Holder, issue_one, read_settings};
use crate::db::models::CertificateRow;
use crate::db::repo::{audit, certificates as repo, sessions as sessions_repo, users};
use crate::db::states::Stored;
use crate::db::{Db, DbConnection};
use crate::domain::account::{Account, EventRole};
use crate::domain::certificate::Kind;
use crate::domain::event::{Event, FieldError};
use crate::domain::session::{Session, total_jp};
use crate::error::Error;

/// A speaker or committee member as the team page lists them.
#[derive(Clone, Debug)]
pub struct Member {
    pub account_id: String,
    pub name: String,
    pub email: String,
    pub jp: u32,
    /// The number of the certificate of the type they hold, if any.
    pub holds: Option<String>,
}

/// Who may receive a speaker's or a committee member's certificate.
#[derive(Clone, Debug, Default)]
pub struct Team {
    /// Every speaker of the event; those who gave no session count 0 JP
    /// and receive none.
    pub speakers: Vec<Member>,
    /// The organisers and reviewers.
    pub committee: Vec<Member>,
}

/// The sessions `account` gave.
fn given<'a>(sessions: &'a [Session], account: &'a str) -> impl Iterator<Item = &'a Session> {
    sessions
        .iter()
        .filter(move |s| s.plan.speaker_ids.iter().any(|id| id == account))
}

/// The sessions a certificate's back page lists: a speaker's own, else
/// all the event's.
pub(super) fn printed_sessions(sessions: Vec<Session>, row: &CertificateRow) -> Vec<Session> {
    match (row.kind, &row.account_id) {
        (Kind::Speaker, Some(account)) => given(&sessions, account).cloned().collect(),
        _ => sessions,
    }
}

fn team_of(conn: &mut DbConnection, event: &Event) -> Result<Team, Error> {
    let event_id = event.id.to_string();
    let sessions = sessions_repo::of_event(conn, &event_id)?;
    let held: HashMap<(Kind, String), String> = repo::of_event(conn, &event_id)?
        .into_iter()
        .map(|(row, _)| row)
        .filter(|row| row.kind != Kind::Participant && row.revoked_at.is_none())
        .filter_map(|row| Some(((row.kind, row.account_id?), row.number)))
        .collect();
    let mut team = Team::default();
    for (role, user) in users::members(conn, &event_id)? {
        let kind = if role == EventRole::Speaker.as_str() {
            Kind::Speaker
        } else {
            Kind::Committee
        };
        let list = match kind {
            Kind::Speaker => &mut team.speakers,
            _ => &mut team.committee,
        };
        // An organiser who also reviews is listed once.
        if list.iter().any(|m| m.account_id == user.id) {
            continue;
        }
        let jp = match kind {
            Kind::Speaker => total_jp(given(&sessions, &user.id)),
            _ => total_jp(&sessions),
        };
        list.push(Member {
            holds: held.get(&(kind, user.id.clone())).cloned(),
            account_id: user.id,
            name: user.name,
            email: user.email,
            jp,
        });
    }
    Ok(team)
}

/// The holder of a `kind` certificate for `account`: `None` when they
/// are not in the team as that (or, as a speaker, gave no session).
pub(super) fn holder(
    conn: &mut DbConnection,
    event: &Event,
    kind: Kind,
    account: &str,
) -> Result<Option<Holder>, Error> {
    let team = team_of(conn, event)?;
    let list = match kind {
        Kind::Speaker => &team.speakers,
        Kind::Committee => &team.committee,
        Kind::Participant => return Ok(None),
    };
    Ok(list
        .iter()
        .find(|m| m.account_id == account && m.jp > 0)
        .map(|m| Holder {
            registration_id: None,
            account_id: Some(m.account_id.clone()),
            name: m.name.clone(),
            detail: None,
            jp: m.jp,
        }))
}

pub async fn team(db: &Db, event: &Event) -> Result<Team, Error> {
    let event = event.clone();
    db.run(move |conn| team_of(conn, &event)).await
}

/// Issues `kind` certificates to `chosen` (account ids) who hold none,
/// in one transaction; how many were issued. Someone outside the team
/// is not found.
fn issue_to_members(
    conn: &mut DbConnection,
    (actor, event): (&Account, &Event),
    kind: Kind,
    chosen: &[String],
) -> Result<usize, Error> {
    let now = Utc::now();
    let settings = read_settings(conn, event)?;
    let team = team_of(conn, event)?;
    let list = match kind {
        Kind::Speaker => &team.speakers,
        _ => &team.committee,
    };
    let mut issued = 0;
    for account in chosen {
        let member = list
            .iter()
            .find(|m| &m.account_id == account)
            .ok_or(Error::NotFound)?;
        if member.holds.is_some() || member.jp == 0 {
            continue;
        }
        let holder = holder(conn, event, kind, account)?.ok_or(Error::NotFound)?;
        issue_one(conn, (event, &settings), kind, holder, Some(actor), now)?;
        issued += 1;
    }
    if issued > 0 {
        audit::Entry::new("certificate.issued")
            .by(actor)
            .event(Some(&event.id.to_string()))
            .subject(&format!("{} {}", kind.stored(), issued))
            .record(conn, now)?;
    }
    Ok(issued)
}

/// Every speaker who gave a session and holds no speaker's certificate.
pub async fn issue_speakers(db: &Db, actor: &Account, event: &Event) -> Result<usize, Error> {
    let (actor, event) = (actor.clone(), event.clone());
    db.transaction(move |conn| {
        let everyone: Vec<String> = team_of(conn, &event)?
            .speakers
            .into_iter()
            .map(|m| m.account_id)
            .collect();
        issue_to_members(conn, (&actor, &event), Kind::Speaker, &everyone)
    })
    .await
}

/// The committee members the organiser ticked.
pub async fn issue_committee(
    db: &Db,
    actor: &Account,
    event: &Event,
    chosen: Vec<String>,
) -> Result<usize, Error> {
    if chosen.is_empty() {
        return Err(Error::Invalid(vec![FieldError::new(
            "members",
            "certificate.error.none_chosen",
        )]));
    }
    let (actor, event) = (actor.clone(), event.clone());
    db.transaction(move |conn| issue_to_members(conn, (&actor, &event), Kind::Committee, &chosen))
        .await
}

/// The speakers' and committee certificates someone holds in force, the
/// latest first.
pub async fn of_member(db: &Db, account: &Account) -> Result<Vec<CertificateRow>, Error> {
    let user_id = account.id.clone();
    db.run(move |conn| Ok(repo::of_account(conn, &user_id)?))
        .await
}
