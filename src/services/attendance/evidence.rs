//! Recording what a source saw, in the caller's transaction. Every source
//! goes through [`record`], so a row is matched the same way whoever
//! brought it: by registrant id, then exact e-mail, then an organiser's
//! earlier answer for the same identity; otherwise it waits for review. A
//! check-in and an organiser's entry need none of that: the participant
//! signed in, the organiser named them.

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::models::AttendanceRow;
use crate::db::repo::attendance as repo;
use crate::domain::attendance::{Match, Seen, Source, stronger_identity};

/// One sighting of a person in a session, as its source reports it.
#[derive(Clone, Debug)]
pub struct Observed<'a> {
    pub source: Source,
    /// The same join seen again (a redelivery, the other end of a join, a
    /// report read twice) carries the same key and updates its row.
    pub dedup_key: String,
    pub meeting_uuid: Option<&'a str>,
    pub import_id: Option<&'a str>,
    pub seen: Seen<'a>,
    pub joined_at: Option<DateTime<Utc>>,
    pub left_at: Option<DateTime<Utc>>,
    /// A total without times (a "unique users" export).
    pub minutes: Option<u32>,
    /// The registration the sighting is known to be of, with no need to
    /// match it, and how that is known: a signed-in participant checking
    /// in ([`Match::CheckIn`]), an organiser's entry ([`Match::Manual`]).
    pub registration: Option<(&'a str, Match)>,
}

fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Stores each sighting in `session_id`: a new join gets its row, a known
/// one gains what it lacked (the first value seen of each field stays, so
/// deliveries in any order give the same row); then the row is matched.
pub fn record(
    conn: &mut DbConnection,
    session_id: &str,
    observed: &[Observed<'_>],
    now: DateTime<Utc>,
) -> QueryResult<()> {
    for sighting in observed {
        let seen = &sighting.seen;
        let existing = repo::find_by_key(conn, &sighting.dedup_key)?;
        let known = existing.is_some();
        let mut row = existing.unwrap_or_else(|| AttendanceRow {
            id: Uuid::now_v7().simple().to_string(),
            session_id: session_id.to_owned(),
            source: sighting.source,
            dedup_key: sighting.dedup_key.clone(),
            meeting_uuid: sighting.meeting_uuid.map(str::to_owned),
            import_id: sighting.import_id.map(str::to_owned),
            identity: seen.identity(),
            display_name: String::new(),
            email: None,
            registrant_id: None,
            joined_at: None,
            left_at: None,
            minutes: None,
            registration_id: None,
            matched_by: None,
            created_at: now.naive_utc(),
        });
        if row.display_name.is_empty() {
            row.display_name = seen.name.trim().to_owned();
        }
        row.email = row.email.or_else(|| text(seen.email));
        row.registrant_id = row.registrant_id.or_else(|| text(seen.registrant_id));
        row.joined_at = row
            .joined_at
            .or(sighting.joined_at.map(|at| at.naive_utc()));
        row.left_at = row.left_at.or(sighting.left_at.map(|at| at.naive_utc()));
        row.minutes = row.minutes.or(sighting
            .minutes
            .map(|m| i32::try_from(m).unwrap_or(i32::MAX)));
        let merged = Seen {
            name: &row.display_name,
            email: row.email.as_deref(),
            registrant_id: row.registrant_id.as_deref(),
            zoom_user_id: seen.zoom_user_id,
        };
        row.identity = stronger_identity(row.identity.clone(), merged.identity());
        let matched = match sighting.registration {
            Some((known, how)) => Some((known.to_owned(), how)),
            None => identified(conn, session_id, &merged, &row.identity)?,
        };
        row.matched_by = matched.as_ref().map(|(_, how)| String::from(*how));
        row.registration_id = matched.map(|(registration, _)| registration);
        if known {
            repo::update(conn, &row)?;
        } else {
            repo::insert(conn, &row)?;
        }
    }
    Ok(())
}

/// Who a row is about: the participant its key names (looked up alone, by
/// an index), else an organiser's earlier answer for its identity.
fn identified(
    conn: &mut DbConnection,
    session_id: &str,
    seen: &Seen<'_>,
    identity: &str,
) -> QueryResult<Option<(String, Match)>> {
    if let Some(key) = seen.key()
        && let Some(registration) = repo::identify(conn, session_id, &key)?
    {
        return Ok(Some((registration, key.how())));
    }
    Ok(repo::assignment(conn, session_id, identity)?
        .flatten()
        .map(|registration| (registration, Match::Organiser)))
}
