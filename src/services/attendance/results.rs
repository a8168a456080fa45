//! Results, computed from the evidence and the organisers' decisions each
//! time they are shown, never stored: a late report or a new excuse changes
//! them everywhere at once. One trip to the database reads an event's
//! sessions, participants, rows, excuses and overrides in a few queries;
//! `domain::attendance` does the rest.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::db::models::{AttendeeRow, EvidenceRow};
use crate::db::repo::{attendance as repo, sessions as sessions_repo};
use crate::db::states::Stored;
use crate::db::{Db, DbConnection};
use crate::domain::attendance::{
    EventResult, Evidence, Interval, Match, Outcome, Override, SessionResult, Source, Status,
    Truth, Window, event_result, session_attendance,
};
use crate::domain::event::Event;
use crate::domain::region::Directory;
use crate::domain::session::Session;
use crate::error::Error;
use crate::export::spreadsheet::{self, Format, Table};
use crate::i18n::Lang;
use crate::i18n::attendance::{outcome_text, status_text};

/// A row that counted for a participant in a session, as shown beside the
/// figure it explains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    pub source: Source,
    pub joined_at: Option<DateTime<Utc>>,
    pub left_at: Option<DateTime<Utc>>,
    /// A total without times.
    pub minutes: Option<u32>,
    /// How the row is known to be the participant's.
    pub matched_by: Option<Match>,
}

/// One participant over the event: each session's result (in the order of
/// [`Sheet::sessions`]) with the rows behind it, and the event's result.
#[derive(Clone, Debug)]
pub struct Standing {
    pub attendee: AttendeeRow,
    pub sessions: Vec<SessionResult<usize>>,
    pub proofs: Vec<Vec<Proof>>,
    pub result: EventResult<usize>,
}

impl Standing {
    /// Where the minutes of session `index` came from, each source once.
    pub fn sources(&self, index: usize) -> Vec<Source> {
        Source::ALL
            .into_iter()
            .filter(|s| self.proofs[index].iter().any(|p| p.source == *s))
            .collect()
    }

    /// Below the event's minimum by the minutes (an override to "passed"
    /// takes them off the list).
    pub fn below_minimum(&self) -> bool {
        self.result.computed == Outcome::BelowMinimum && !self.result.passed()
    }
}

/// An event's results at one moment.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub sessions: Vec<Session>,
    /// The confirmed participants, by name.
    pub standings: Vec<Standing>,
    pub now: DateTime<Utc>,
}

/// How a session went, counted over its participants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub present: usize,
    pub late: usize,
    pub left_early: usize,
    pub absent: usize,
    pub excused: usize,
}

/// A regency's participants and how many of them passed so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionTally {
    pub province_code: String,
    pub regency_code: String,
    pub participants: usize,
    pub passed: usize,
    pub below_minimum: usize,
}

impl Sheet {
    /// Whether some session has not ended yet: results are "so far".
    pub fn running(&self) -> bool {
        self.sessions.iter().any(|s| s.plan.ends_at > self.now)
    }

    pub fn index_of(&self, session_id: &str) -> Option<usize> {
        self.sessions.iter().position(|s| s.id == session_id)
    }

    pub fn tally(&self, index: usize) -> Tally {
        let mut tally = Tally::default();
        for standing in &self.standings {
            match &standing.sessions[index].attendance.status {
                Status::Present { late, left_early } => {
                    tally.present += 1;
                    tally.late += usize::from(*late);
                    tally.left_early += usize::from(*left_early);
                }
                Status::Absent => tally.absent += 1,
                Status::Excused { .. } => tally.excused += 1,
            }
        }
        tally
    }

    /// Participants, passed and below the minimum per regency, by codes.
    pub fn by_region(&self) -> Vec<RegionTally> {
        let mut tallies: Vec<RegionTally> = Vec::new();
        let mut at: HashMap<(&str, &str), usize> = HashMap::new();
        for standing in &self.standings {
            let a = &standing.attendee;
            let key = (a.province_code.as_str(), a.regency_code.as_str());
            let i = *at.entry(key).or_insert_with(|| {
                tallies.push(RegionTally {
                    province_code: key.0.to_owned(),
                    regency_code: key.1.to_owned(),
                    participants: 0,
                    passed: 0,
                    below_minimum: 0,
                });
                tallies.len() - 1
            });
            let tally = &mut tallies[i];
            tally.participants += 1;
            let judged =
                standing.result.computed != Outcome::NotYet || standing.result.overridden.is_some();
            tally.passed += usize::from(judged && standing.result.passed());
            tally.below_minimum += usize::from(standing.below_minimum());
        }
        tallies.sort_by(|a, b| {
            (&a.province_code, &a.regency_code).cmp(&(&b.province_code, &b.regency_code))
        });
        tallies
    }
}

/// What results are computed from, as read in one trip.
struct Read {
    sessions: Vec<Session>,
    attendees: Vec<AttendeeRow>,
    rows: Vec<EvidenceRow>,
    uploaded: Vec<(String, Option<String>)>,
    instances: Vec<(String, repo::MeetingInstance)>,
    excuses: Vec<(String, String, String)>,
    overrides: Vec<(String, bool, String)>,
}

fn read(conn: &mut DbConnection, event_id: &str, only: Option<&str>) -> Result<Read, Error> {
    Ok(Read {
        sessions: sessions_repo::of_event(conn, event_id)?,
        attendees: repo::attendees(conn, event_id, only)?,
        rows: repo::matched(conn, event_id, only)?,
        uploaded: repo::reported_by_upload(conn, event_id)?,
        instances: repo::instances_of_event(conn, event_id)?,
        excuses: repo::excuses(conn, event_id, only)?,
        overrides: repo::overrides(conn, event_id, only)?,
    })
}

/// What one participant's rows in one session add up to.
#[derive(Default)]
struct Bucket {
    intervals: Vec<Interval>,
    minutes: Option<u32>,
    checked_in: Option<DateTime<Utc>>,
    proofs: Vec<Proof>,
    excuse: Option<String>,
}

fn compute(read: Read, event: &Event, now: DateTime<Utc>) -> Sheet {
    let Read {
        sessions,
        attendees,
        rows,
        uploaded,
        instances,
        excuses,
        overrides,
    } = read;
    let count = sessions.len();
    let session_at: HashMap<&str, usize> = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let attendee_at: HashMap<&str, usize> = attendees
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let truths: Vec<Truth> = sessions
        .iter()
        .map(|session| {
            Truth::new(
                // An upload names the run it covers, or none (the whole
                // session); a report read through the API marks its
                // instance read.
                uploaded
                    .iter()
                    .filter(|(s, _)| *s == session.id)
                    .map(|(_, run)| (Source::Csv, run.as_deref())),
                instances
                    .iter()
                    .filter(|(s, i)| *s == session.id && i.report_read_at.is_some())
                    .map(|(_, i)| i.meeting_uuid.as_str()),
            )
        })
        .collect();
    // A join still open lasts until its meeting ended, when that is known.
    let ended: HashMap<(&str, &str), DateTime<Utc>> = instances
        .iter()
        .filter_map(|(s, i)| Some(((s.as_str(), i.meeting_uuid.as_str()), i.ended_at?)))
        .collect();
    let mut buckets: Vec<Bucket> = Vec::new();
    buckets.resize_with(attendees.len() * count, Bucket::default);
    for row in &rows {
        let (Some(&s), Some(&a)) = (
            session_at.get(row.session_id.as_str()),
            row.registration_id
                .as_deref()
                .and_then(|id| attendee_at.get(id)),
        ) else {
            continue;
        };
        if !truths[s].counts(row.source, row.meeting_uuid.as_deref()) {
            continue;
        }
        let bucket = &mut buckets[a * count + s];
        let joined_at = row.joined_at.map(|t| t.and_utc());
        let left_at = row.left_at.map(|t| t.and_utc());
        let minutes = row.minutes.and_then(|m| u32::try_from(m).ok());
        if row.source == Source::CheckIn {
            if let Some(at) = joined_at {
                bucket.checked_in = Some(bucket.checked_in.map_or(at, |t| t.min(at)));
            }
        } else if let Some(m) = minutes.filter(|_| joined_at.is_none()) {
            bucket.minutes = Some(bucket.minutes.unwrap_or(0).saturating_add(m));
        } else {
            let open_until = row
                .meeting_uuid
                .as_deref()
                .and_then(|m| ended.get(&(row.session_id.as_str(), m)).copied())
                .unwrap_or(now);
            bucket
                .intervals
                .extend(Interval::of_join(joined_at, left_at, open_until));
        }
        bucket.proofs.push(Proof {
            source: row.source,
            joined_at,
            left_at,
            minutes,
            matched_by: row.matched_by.as_deref().and_then(Match::from_stored),
        });
    }
    for (session_id, registration_id, reason) in excuses {
        if let (Some(&s), Some(&a)) = (
            session_at.get(session_id.as_str()),
            attendee_at.get(registration_id.as_str()),
        ) {
            buckets[a * count + s].excuse = Some(reason);
        }
    }
    let mut decided: HashMap<String, Override> = overrides
        .into_iter()
        .map(|(id, passed, reason)| (id, Override { passed, reason }))
        .collect();
    let windows: Vec<Window> = sessions
        .iter()
        .map(|s| Window {
            starts_at: s.plan.starts_at,
            ends_at: s.plan.ends_at,
        })
        .collect();
    let mut buckets = buckets.into_iter();
    let standings = attendees
        .into_iter()
        .map(|attendee| {
            let mut results = Vec::with_capacity(count);
            let mut proofs = Vec::with_capacity(count);
            for (s, session) in sessions.iter().enumerate() {
                let mut bucket = buckets.next().unwrap_or_default();
                bucket.proofs.sort_by_key(|p| p.joined_at);
                let evidence = Evidence {
                    intervals: &bucket.intervals,
                    minutes: bucket.minutes,
                    checked_in: bucket.checked_in,
                };
                results.push(SessionResult {
                    session: s,
                    mandatory: session.plan.mandatory,
                    attendance: session_attendance(
                        windows[s],
                        evidence,
                        bucket.excuse.as_deref(),
                        &event.rules,
                    ),
                });
                proofs.push(bucket.proofs);
            }
            let result = event_result(&results, now, &event.rules, decided.remove(&attendee.id));
            Standing {
                attendee,
                sessions: results,
                proofs,
                result,
            }
        })
        .collect();
    Sheet {
        sessions,
        standings,
        now,
    }
}

/// The event's results at `now`, inside a caller's transaction.
pub(crate) fn sheet(
    conn: &mut DbConnection,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<Sheet, Error> {
    let read = read(conn, &event.id.to_string(), None)?;
    Ok(compute(read, event, now))
}

/// The event's results now, for every confirmed participant.
pub async fn of_event(db: &Db, event: &Event) -> Result<Sheet, Error> {
    let event = event.clone();
    db.run(move |conn| sheet(conn, &event, Utc::now())).await
}

/// One participant's results now: the event's sessions and their standing;
/// `NotFound` unless they hold a confirmed seat.
pub async fn of_registration(
    db: &Db,
    event: &Event,
    registration_id: &str,
) -> Result<(Vec<Session>, Standing), Error> {
    let (event, id) = (event.clone(), registration_id.to_owned());
    db.run(move |conn| one(conn, &event, &id, Utc::now())).await
}

fn one(
    conn: &mut DbConnection,
    event: &Event,
    registration_id: &str,
    now: DateTime<Utc>,
) -> Result<(Vec<Session>, Standing), Error> {
    let read = read(conn, &event.id.to_string(), Some(registration_id))?;
    let mut sheet = compute(read, event, now);
    let standing = sheet.standings.pop().ok_or(Error::NotFound)?;
    Ok((sheet.sessions, standing))
}

/// A participant's own results, per confirmed seat (by registration id),
/// in events where a session has been held: what their page explains.
pub async fn of_participant(
    db: &Db,
    account: &crate::domain::account::Account,
) -> Result<HashMap<String, (Vec<Session>, Standing)>, Error> {
    let user_id = account.id.clone();
    db.run(move |conn| {
        let now = Utc::now();
        let mut found = HashMap::new();
        for (registration, event) in crate::db::repo::registrations::of_user(conn, &user_id)? {
            if registration.status != crate::domain::registration::Status::Confirmed
                || event.starts_at > now
            {
                continue;
            }
            let (sessions, standing) = one(conn, &event, &registration.id, now)?;
            if sessions.iter().any(|s| s.plan.ends_at <= now) {
                found.insert(registration.id, (sessions, standing));
            }
        }
        Ok(found)
    })
    .await
}

/// The event's results as a spreadsheet (CSV or XLSX): per participant
/// who they are and where from, each session's minutes and status, then
/// the mandatory minutes, the percentage and the result with an
/// organiser's reason. Cells that look like formulas are made text by the
/// writer.
pub async fn export(db: &Db, event: &Event, format: Format, lang: Lang) -> Result<Vec<u8>, Error> {
    let sheet = of_event(db, event).await?;
    let regions = crate::services::regions::directory(db).await?;
    let table = export_table(&sheet, &regions, lang);
    tokio::task::spawn_blocking(move || spreadsheet::write(&table, format))
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}

fn export_table(sheet: &Sheet, regions: &Directory, lang: Lang) -> Table {
    let t = |key: &str| lang.t(key).to_owned();
    let mut header = vec![
        t("registration.full_name"),
        t("registration.email"),
        t("registration.institution"),
        t("registration.province"),
        t("registration.regency"),
    ];
    for session in &sheet.sessions {
        let title = &session.plan.title;
        header.push(lang.tf("attendance.export.minutes", &[("session", title)]));
        header.push(lang.tf("attendance.export.status", &[("session", title)]));
    }
    header.extend([
        t("attendance.export.attended"),
        t("attendance.export.scheduled"),
        t("attendance.export.percent"),
        t("attendance.result_column"),
        t("attendance.export.reason"),
    ]);
    let region = |code: &str| {
        regions
            .find(code)
            .map_or(code, |r| r.name.as_str())
            .to_owned()
    };
    let rows = sheet
        .standings
        .iter()
        .map(|standing| {
            let a = &standing.attendee;
            let mut cells = vec![
                a.full_name.clone(),
                a.email.clone(),
                a.institution.clone(),
                region(&a.province_code),
                region(&a.regency_code),
            ];
            for result in &standing.sessions {
                cells.push(result.attendance.attended_minutes.to_string());
                cells.push(status_text(lang, &result.attendance, sheet.now));
            }
            let result = &standing.result;
            cells.extend([
                result.attended_minutes.to_string(),
                result.scheduled_minutes.to_string(),
                result.percent.map(|p| p.to_string()).unwrap_or_default(),
                outcome_text(lang, result),
                result
                    .overridden
                    .as_ref()
                    .map(|o| o.reason.clone())
                    .unwrap_or_default(),
            ]);
            cells
        })
        .collect();
    Table { header, rows }
}
