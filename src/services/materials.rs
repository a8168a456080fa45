//! Session materials: the session's speakers and the event's organisers
//! put up files (each new upload of a material kept beside the earlier
//! ones) or links; participants read them as each material's visibility
//! and availability allow (domain::material::Terms); organisers hide or
//! remove them, audited, and see how often each was downloaded.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::models::{MaterialRow, MaterialVersionRow};
use crate::db::repo::{audit, events, materials as repo, sessions};
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::event::Event;
use crate::domain::material::{Availability, Checked, Reader, Refusal, Terms, Visibility};
use crate::domain::session::Session;
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::material_digests;

/// A file as stored: by its key, under the sender's name made safe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub key: String,
    pub name: String,
    /// Its extension, as its content showed.
    pub kind: String,
    pub size: u64,
}

#[derive(Clone, Debug)]
pub struct Version {
    pub number: i32,
    pub file: StoredFile,
    pub uploaded_at: DateTime<Utc>,
}

/// A material as pages show it.
#[derive(Clone, Debug)]
pub struct Material {
    pub id: String,
    pub session_id: String,
    pub title: String,
    pub visibility: Visibility,
    pub availability: Availability,
    pub link: Option<String>,
    pub hidden: bool,
    pub downloads: i64,
    /// When it was put up.
    pub added_at: DateTime<Utc>,
    /// The newest first; empty for a link.
    pub versions: Vec<Version>,
    pub terms: Terms,
}

impl Material {
    pub fn current(&self) -> Option<&Version> {
        self.versions.first()
    }
}

/// A session with its materials.
#[derive(Clone, Debug)]
pub struct SessionMaterials {
    pub session: Session,
    pub materials: Vec<Material>,
}

/// What an upload form asked for.
pub enum Addition {
    /// A new material: a file or a link.
    New(Checked, Option<StoredFile>),
    /// A newer file of an existing material of the session.
    Version(String, StoredFile),
}

fn assemble(
    rows: Vec<MaterialRow>,
    mut versions: Vec<MaterialVersionRow>,
    sessions: &[Session],
) -> Vec<Material> {
    rows.into_iter()
        .filter_map(|row| {
            let session = sessions.iter().find(|s| s.id == row.session_id)?;
            let visibility = Visibility::parse(&row.visibility).unwrap_or(Visibility::Organisers);
            let availability = Availability::parse(&row.availability).unwrap_or_default();
            let own: Vec<Version> = versions
                .extract_if(.., |v| v.material_id == row.id)
                .map(|v| Version {
                    number: v.version,
                    file: StoredFile {
                        key: v.file_key,
                        name: v.name,
                        kind: v.kind,
                        size: u64::try_from(v.size).unwrap_or(0),
                    },
                    uploaded_at: v.created_at.and_utc(),
                })
                .collect();
            Some(Material {
                terms: Terms {
                    visibility,
                    availability,
                    hidden: row.hidden,
                    session_start: session.plan.starts_at,
                    session_end: session.plan.ends_at,
                },
                id: row.id,
                session_id: row.session_id,
                title: row.title,
                visibility,
                availability,
                link: row.link,
                hidden: row.hidden,
                downloads: row.downloads,
                added_at: row.created_at.and_utc(),
                versions: own,
            })
        })
        .collect()
}

/// The event's sessions, each with its materials (all of them).
pub(crate) fn of_event(
    conn: &mut DbConnection,
    event_id: &str,
) -> diesel::QueryResult<Vec<SessionMaterials>> {
    let sessions = sessions::of_event(conn, event_id)?;
    let rows = repo::of_event(conn, event_id)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let versions = repo::versions_of(conn, &ids)?;
    let mut all = assemble(rows, versions, &sessions);
    Ok(sessions
        .into_iter()
        .map(|session| SessionMaterials {
            materials: all.extract_if(.., |m| m.session_id == session.id).collect(),
            session,
        })
        .collect())
}

/// How someone stands to a session of the event.
fn reader_of(
    conn: &mut DbConnection,
    account: Option<&Account>,
    event_id: &str,
    session_id: &str,
) -> Result<Reader, Error> {
    let Some(account) = account else {
        return Ok(Reader::Anonymous);
    };
    Ok(if account.may_manage(event_id) {
        Reader::Organiser
    } else if repo::speaks_at(conn, session_id, &account.id)? {
        Reader::Speaker
    } else if account.memberships.iter().any(|m| m.event_id == event_id)
        || repo::holds_seat(conn, event_id, &account.id)?
    {
        Reader::Participant
    } else {
        Reader::Stranger
    })
}

/// A session of the event and its materials, for its speakers and the
/// event's organisers; anyone else is refused.
pub async fn for_session(
    db: &Db,
    account: &Account,
    event: &Event,
    session_id: &str,
) -> Result<SessionMaterials, Error> {
    let (account, event_id, session_id) =
        (account.clone(), event.id.to_string(), session_id.to_owned());
    db.run(move |conn| {
        let found = kept_session(conn, &account, &event_id, &session_id)?;
        of_event(conn, &event_id)?
            .into_iter()
            .find(|s| s.session.id == found.id)
            .ok_or(Error::NotFound)
    })
    .await
}

/// The session, when it is the event's and the account speaks at it or
/// runs the event.
fn kept_session(
    conn: &mut DbConnection,
    account: &Account,
    event_id: &str,
    session_id: &str,
) -> Result<Session, Error> {
    let session = sessions::find(conn, session_id)?
        .filter(|s| s.event_id == event_id)
        .ok_or(Error::NotFound)?;
    if reader_of(conn, Some(account), event_id, session_id)?.keeps() {
        Ok(session)
    } else {
        Err(Error::Forbidden)
    }
}

/// Whether the account may put materials up for the session; checked
/// before an upload's body is read.
pub async fn may_add(
    db: &Db,
    account: &Account,
    event: &Event,
    session_id: &str,
) -> Result<(), Error> {
    let (account, event_id, session_id) =
        (account.clone(), event.id.to_string(), session_id.to_owned());
    db.run(move |conn| kept_session(conn, &account, &event_id, &session_id).map(drop))
        .await
}

/// Adds a material, or a newer file of one of the session's materials;
/// audited.
pub async fn add(
    db: &Db,
    account: &Account,
    event: &Event,
    session_id: &str,
    addition: Addition,
    origin: &Origin,
) -> Result<(), Error> {
    let (actor, event, session_id) = (account.clone(), event.clone(), session_id.to_owned());
    let event_id = event.id.to_string();
    let address = origin.address.clone();
    db.transaction(move |conn| {
        kept_session(conn, &actor, &event_id, &session_id)?;
        let now = Utc::now();
        let (material_id, file, action, title) = match addition {
            Addition::New(checked, file) => {
                let id = Uuid::now_v7().simple().to_string();
                repo::insert(
                    conn,
                    &MaterialRow {
                        id: id.clone(),
                        event_id: event_id.clone(),
                        session_id: session_id.clone(),
                        title: checked.title.clone(),
                        visibility: checked.visibility.as_str().to_owned(),
                        availability: checked.availability.as_str().to_owned(),
                        link: checked.link,
                        hidden: false,
                        downloads: 0,
                        created_by: actor.id.clone(),
                        created_at: now.naive_utc(),
                        updated_at: now.naive_utc(),
                    },
                )?;
                (id, file, "material.added", checked.title)
            }
            Addition::Version(id, file) => {
                let row = repo::find(conn, &id)?
                    .filter(|m| m.session_id == session_id && m.link.is_none())
                    .ok_or_else(|| Error::invalid("file", "material.error.unknown"))?;
                repo::touch(conn, &id, now.naive_utc())?;
                (id, Some(file), "material.updated", row.title)
            }
        };
        if let Some(file) = file {
            let version = repo::next_version(conn, &material_id)?;
            repo::insert_version(
                conn,
                &MaterialVersionRow {
                    material_id: material_id.clone(),
                    version,
                    file_key: file.key,
                    name: file.name,
                    kind: file.kind,
                    size: i64::try_from(file.size).unwrap_or(i64::MAX),
                    uploaded_by: actor.id.clone(),
                    created_at: now.naive_utc(),
                },
            )?;
        }
        audit::Entry::new(action)
            .by(&actor)
            .event(Some(&event_id))
            .subject(&title)
            .address(address.as_deref())
            .record(conn, now)?;
        material_digests::plan(conn, &event, now)?;
        Ok(())
    })
    .await
}

/// Every material of the event, by session, for its organisers.
pub async fn of_event_for_organisers(
    db: &Db,
    event: &Event,
) -> Result<Vec<SessionMaterials>, Error> {
    let event_id = event.id.to_string();
    db.run(move |conn| Ok(of_event(conn, &event_id)?)).await
}

/// A material as one reader may see it listed.
#[derive(Clone, Debug)]
pub struct Listed {
    pub material: Material,
    /// `None`: readable now; else when it opens.
    pub opens_at: Option<DateTime<Utc>>,
}

/// What of the event's materials a reader may see, by session: those they
/// may read now, and those that open later. `signed_out_misses`: some are
/// for registered participants only, and the reader is not one.
pub struct Readable {
    pub sessions: Vec<(Session, Vec<Listed>)>,
    pub for_participants_only: bool,
}

pub async fn readable(
    db: &Db,
    account: Option<&Account>,
    event: &Event,
) -> Result<Readable, Error> {
    let (account, event_id) = (account.cloned(), event.id.to_string());
    db.run(move |conn| {
        let now = Utc::now();
        let mut for_participants_only = false;
        let mut out = Vec::new();
        for SessionMaterials { session, materials } in of_event(conn, &event_id)? {
            let reader = reader_of(conn, account.as_ref(), &event_id, &session.id)?;
            let mut listed = Vec::new();
            for material in materials {
                match material.terms.may_read(reader, now) {
                    Ok(()) => listed.push(Listed {
                        material,
                        opens_at: None,
                    }),
                    Err(Refusal::NotYet(at)) => listed.push(Listed {
                        material,
                        opens_at: Some(at),
                    }),
                    Err(Refusal::SignIn | Refusal::NotRegistered) => for_participants_only = true,
                    Err(Refusal::Unknown) => {}
                }
            }
            out.push((session, listed));
        }
        Ok(Readable {
            sessions: out,
            for_participants_only,
        })
    })
    .await
}

/// What a download answers with.
pub enum Fetched {
    File {
        file: StoredFile,
        /// Anyone may read it: it may be kept by caches.
        public: bool,
    },
    Link(String),
    /// Not open yet to this reader: it opens then (in the event's zone).
    NotYet(DateTime<Utc>, Box<Event>),
}

/// A material (its current file, or an earlier `version` for its speakers
/// and organisers) for a reader, counted as a download when `count`.
pub async fn fetch(
    db: &Db,
    account: Option<&Account>,
    material_id: &str,
    version: Option<i32>,
    count: bool,
) -> Result<Fetched, Error> {
    let (account, material_id) = (account.cloned(), material_id.to_owned());
    db.run(move |conn| {
        let row = repo::find(conn, &material_id)?.ok_or(Error::NotFound)?;
        let event = events::find(conn, &row.event_id)?.ok_or(Error::NotFound)?;
        let reader = reader_of(conn, account.as_ref(), &row.event_id, &row.session_id)?;
        let session = sessions::find(conn, &row.session_id)?.ok_or(Error::NotFound)?;
        let versions = repo::versions_of(conn, std::slice::from_ref(&row.id))?;
        let material = assemble(vec![row], versions, std::slice::from_ref(&session))
            .pop()
            .ok_or(Error::NotFound)?;
        match material.terms.may_read(reader, Utc::now()) {
            Ok(()) => {}
            Err(Refusal::Unknown) => return Err(Error::NotFound),
            Err(Refusal::SignIn) => {
                let back = format!("/materials/{}", material.id);
                let query = serde_urlencoded::to_string([("next", back)]).unwrap_or_default();
                return Err(Error::SignInRequired(format!("/my/sign-in?{query}")));
            }
            Err(Refusal::NotRegistered) => return Err(Error::Forbidden),
            Err(Refusal::NotYet(at)) => return Ok(Fetched::NotYet(at, Box::new(event))),
        }
        let chosen = match version {
            None => material.current(),
            // Earlier files are for those who keep the material.
            Some(number) if reader.keeps() => material.versions.iter().find(|v| v.number == number),
            Some(_) => None,
        };
        let fetched = match (&material.link, chosen) {
            (Some(link), _) if version.is_none() => Fetched::Link(link.clone()),
            (_, Some(chosen)) => Fetched::File {
                file: chosen.file.clone(),
                public: material.visibility == Visibility::Public && !material.hidden,
            },
            _ => return Err(Error::NotFound),
        };
        if count && !reader.keeps() {
            repo::count_downloads(conn, std::slice::from_ref(&material.id))?;
        }
        Ok(fetched)
    })
    .await
}

/// Hides a material from participants, or shows it again; audited.
pub async fn set_hidden(
    db: &Db,
    account: &Account,
    event: &Event,
    material_id: &str,
    hidden: bool,
    origin: &Origin,
) -> Result<(), Error> {
    let shown_in = event.clone();
    change(
        db,
        account,
        event,
        material_id,
        origin,
        move |conn, row, now| {
            repo::set_hidden(conn, &row.id, hidden, now.naive_utc())?;
            if !hidden {
                material_digests::plan(conn, &shown_in, now)?;
            }
            Ok(if hidden {
                "material.hidden"
            } else {
                "material.shown"
            })
        },
    )
    .await
}

/// Removes a material and its versions; audited.
pub async fn remove(
    db: &Db,
    account: &Account,
    event: &Event,
    material_id: &str,
    origin: &Origin,
) -> Result<(), Error> {
    change(db, account, event, material_id, origin, |conn, row, _| {
        repo::delete(conn, &row.id)?;
        Ok("material.removed")
    })
    .await
}

/// An organiser's change to one of the event's materials, and its audit
/// line (the action `apply` names).
async fn change(
    db: &Db,
    account: &Account,
    event: &Event,
    material_id: &str,
    origin: &Origin,
    apply: impl FnOnce(&mut DbConnection, &MaterialRow, DateTime<Utc>) -> Result<&'static str, Error>
    + Send
    + 'static,
) -> Result<(), Error> {
    let (actor, event_id, material_id) = (
        account.clone(),
        event.id.to_string(),
        material_id.to_owned(),
    );
    let address = origin.address.clone();
    db.transaction(move |conn| {
        if !actor.may_manage(&event_id) {
            return Err(Error::Forbidden);
        }
        let row = repo::find(conn, &material_id)?
            .filter(|m| m.event_id == event_id)
            .ok_or(Error::NotFound)?;
        let now = Utc::now();
        let action = apply(conn, &row, now)?;
        audit::Entry::new(action)
            .by(&actor)
            .event(Some(&event_id))
            .subject(&row.title)
            .address(address.as_deref())
            .record(conn, now)?;
        Ok(())
    })
    .await
}

/// One file of the event's ZIP: its session's title and the file.
pub struct ZipEntry {
    pub session: String,
    pub file: StoredFile,
}

/// The current files of every material the reader may read now, by
/// session, each counted as downloaded; the links are left out.
pub async fn zip_entries(
    db: &Db,
    account: Option<&Account>,
    event: &Event,
) -> Result<Vec<ZipEntry>, Error> {
    let readable = readable(db, account, event).await?;
    let mut ids = Vec::new();
    let mut entries = Vec::new();
    for (session, listed) in readable.sessions {
        for item in listed.into_iter().filter(|l| l.opens_at.is_none()) {
            if let Some(version) = item.material.current() {
                ids.push(item.material.id.clone());
                entries.push(ZipEntry {
                    session: session.plan.title.clone(),
                    file: version.file.clone(),
                });
            }
        }
    }
    let keeps = account.is_some_and(|a| a.may_manage(&event.id.to_string()));
    if !keeps && !ids.is_empty() {
        db.run(move |conn| Ok::<_, Error>(repo::count_downloads(conn, &ids)?))
            .await?;
    }
    Ok(entries)
}
