//! Action plans (RTL): the participant with a seat in an event writes,
//! saves and submits theirs; the event's organisers read them. Every
//! submission is kept as a version that is never changed.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::models::{ActionPlanRow, ActionPlanVersionRow, RegistrationRow};
use crate::db::repo::{action_plans as repo, audit, events, registrations, users};
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::action_plan::review::{Comments, Decision, Scope};
use crate::domain::action_plan::{
    Content, Intent, State, Submission, check_draft, check_submission,
};
use crate::domain::event::{Event, FieldError};
use crate::domain::registration::Status;
use crate::email::Template;
use crate::error::Error;
use crate::integrations::storage::{FileKey, FileStream, Storage};
use crate::services::accounts::Origin;
use crate::services::mail;

/// A file attached to a plan, in storage by its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub key: String,
    /// Safe to show (web::upload::safe_name).
    pub name: String,
    /// Its extension, as its content showed.
    pub kind: String,
}

/// A plan as pages show it.
#[derive(Clone, Debug)]
pub struct Plan {
    /// `None`: never saved.
    pub id: Option<String>,
    pub registration_id: String,
    /// A plan never saved is a draft.
    pub state: State,
    pub content: Content,
    pub attachment: Option<Attachment>,
    /// The last version submitted; 0: none.
    pub version: i32,
    pub late: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    /// The decision on the last version decided, if any.
    pub review: Option<Review>,
    /// The reviewer it is assigned to; `None`: any of the event's.
    pub reviewer_id: Option<String>,
}

/// A reviewer's decision on a version.
#[derive(Clone, Debug)]
pub struct Review {
    pub version: i32,
    pub decision: Decision,
    pub comments: Comments,
    pub reviewer: String,
    pub at: DateTime<Utc>,
}

/// A plan's decisions, the first first.
pub(crate) fn reviews(conn: &mut DbConnection, plan_id: &str) -> Result<Vec<Review>, Error> {
    Ok(repo::reviews(conn, plan_id)?
        .into_iter()
        .map(|(row, reviewer)| Review {
            version: row.version,
            decision: row.decision,
            comments: serde_json::from_str(&row.comments).unwrap_or_else(|error| {
                tracing::warn!(plan = %row.plan_id, %error, "unreadable review comments, shown empty");
                Comments::default()
            }),
            reviewer,
            at: row.created_at.and_utc(),
        })
        .collect())
}

impl Plan {
    fn empty(registration_id: &str) -> Plan {
        Plan {
            id: None,
            registration_id: registration_id.to_owned(),
            state: State::Draft,
            content: Content::default(),
            attachment: None,
            version: 0,
            late: false,
            submitted_at: None,
            review: None,
            reviewer_id: None,
        }
    }

    pub(crate) fn of(row: ActionPlanRow) -> Plan {
        let content = serde_json::from_str(&row.content).unwrap_or_else(|error| {
            tracing::warn!(plan = %row.id, %error, "unreadable plan content, shown empty");
            Content::default()
        });
        let attachment = match (row.attachment_key, row.attachment_name, row.attachment_kind) {
            (Some(key), Some(name), Some(kind)) => Some(Attachment { key, name, kind }),
            _ => None,
        };
        Plan {
            id: Some(row.id),
            registration_id: row.registration_id,
            state: row.state,
            content,
            attachment,
            version: row.version,
            late: row.late,
            submitted_at: row.submitted_at.map(|at| at.and_utc()),
            review: None,
            reviewer_id: row.reviewer_id,
        }
    }

    /// With its last decision, as the participant's and the reviewers'
    /// pages show it.
    fn reviewed(row: ActionPlanRow, conn: &mut DbConnection) -> Result<Plan, Error> {
        let review = reviews(conn, &row.id)?.pop();
        Ok(Plan {
            review,
            ..Plan::of(row)
        })
    }
}

/// What a save did.
#[derive(Debug)]
pub struct Saved {
    pub plan: Plan,
    /// What to fix: kept as typed all the same.
    pub errors: Vec<FieldError>,
    /// Set when this save submitted the plan.
    pub submitted: Option<Submission>,
}

/// The registration, when it is `user_id`'s with a seat; anything else is
/// not found, so that a guessed id tells nothing.
fn seat(
    conn: &mut DbConnection,
    user_id: &str,
    registration_id: &str,
) -> Result<(RegistrationRow, Event), Error> {
    let registration = registrations::find(conn, registration_id)?
        .filter(|r| r.user_id == user_id && r.status == Status::Confirmed)
        .ok_or(Error::NotFound)?;
    let event = events::find(conn, &registration.event_id)?.ok_or(Error::NotFound)?;
    Ok((registration, event))
}

fn json(content: &Content) -> String {
    serde_json::to_string(content).expect("plain data serialises")
}

/// The participant's plan for their seat, and its event.
pub async fn own(
    db: &Db,
    account: &Account,
    registration_id: &str,
) -> Result<(Event, Plan), Error> {
    let (user_id, id) = (account.id.clone(), registration_id.to_owned());
    db.run(move |conn| {
        let (_, event) = seat(conn, &user_id, &id)?;
        let plan = match repo::find_by_registration(conn, &id)? {
            Some(row) => Plan::reviewed(row, conn)?,
            None => Plan::empty(&id),
        };
        Ok((event, plan))
    })
    .await
}

/// Saves what the participant sent, whatever is wrong with it (a row
/// added or removed, a new attachment), and submits it when asked and
/// complete, within the event's deadline or its late rule. `errors`
/// brings what was already refused (the attached file). A plan that is
/// not theirs to change is left as it is, and comes back with `None`.
pub async fn save(
    db: &Db,
    account: &Account,
    registration_id: &str,
    sent: (Content, Intent),
    attachment: Option<Attachment>,
    mut errors: Vec<FieldError>,
    origin: &Origin,
) -> Result<(Event, Option<Saved>), Error> {
    let (actor, id, origin) = (account.clone(), registration_id.to_owned(), origin.clone());
    let (mut content, intent) = sent;
    db.transaction(move |conn| {
        let (registration, event) = seat(conn, &actor.id, &id)?;
        let now = Utc::now();
        let existing = repo::find_by_registration(conn, &id)?;
        let stored = existing.is_some();
        let mut row = existing.unwrap_or_else(|| ActionPlanRow {
            id: Uuid::now_v7().simple().to_string(),
            registration_id: id.clone(),
            event_id: registration.event_id.clone(),
            state: State::Draft,
            content: String::new(),
            attachment_key: None,
            attachment_name: None,
            attachment_kind: None,
            version: 0,
            late: false,
            reviewer_id: None,
            created_at: now.naive_utc(),
            updated_at: now.naive_utc(),
            submitted_at: None,
        });
        if !row.state.editable() {
            return Ok((event, None));
        }
        if let Err(error) = content.apply(intent) {
            errors.push(error);
        }
        let (draft, draft_errors) = check_draft(&content);
        errors.extend(draft_errors);
        row.content = json(&draft);
        row.updated_at = now.naive_utc();
        if let Some(file) = attachment {
            row.attachment_key = Some(file.key);
            row.attachment_name = Some(file.name);
            row.attachment_kind = Some(file.kind);
        }
        let mut submitted = None;
        if intent == Intent::Submit && errors.is_empty() {
            match check_submission(&content) {
                Err(missing) => errors.extend(missing),
                Ok(complete) => match event.plans.submission(row.state, now) {
                    Err(_) => errors.push(FieldError::new("plan", "plan.error.late_refused")),
                    Ok(timing) => {
                        row.state = row.state.submit().map_err(|_| Error::NotFound)?;
                        row.content = json(&complete);
                        row.version += 1;
                        row.late |= timing == Submission::Late;
                        row.submitted_at = Some(now.naive_utc());
                        submitted = Some(timing);
                    }
                },
            }
        }
        if stored {
            repo::update(conn, &row)?;
        } else {
            repo::insert(conn, &row)?;
        }
        if let Some(timing) = submitted {
            repo::insert_version(
                conn,
                &ActionPlanVersionRow {
                    plan_id: row.id.clone(),
                    version: row.version,
                    content: row.content.clone(),
                    attachment_key: row.attachment_key.clone(),
                    attachment_name: row.attachment_name.clone(),
                    attachment_kind: row.attachment_kind.clone(),
                    late: timing == Submission::Late,
                    submitted_by: actor.id.clone(),
                    submitted_at: now.naive_utc(),
                },
            )?;
            let event_id = event.id.to_string();
            audit::Entry::new("plan.submitted")
                .by(&actor)
                .event(Some(&event_id))
                .subject(&row.id)
                .record(conn, now)?;
            let title = serde_json::from_str::<Content>(&row.content)
                .map(|c| c.title)
                .unwrap_or_default();
            tell_submitted(
                conn,
                (&event, &registration),
                (&title, row.version, timing),
                &origin,
                now,
            )?;
        }
        let saved = Saved {
            plan: Plan::reviewed(row, conn)?,
            errors,
            submitted,
        };
        Ok((event, Some(saved)))
    })
    .await
}

/// The e-mail telling a participant their plan arrived, in the outbox of
/// the submission's transaction.
fn tell_submitted(
    conn: &mut DbConnection,
    (event, registration): (&Event, &RegistrationRow),
    (title, version, timing): (&str, i32, Submission),
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let about = Mail {
        template: Template::PlanSubmitted,
        event,
        registration,
        title,
        version,
    };
    tell(conn, about, origin, now, |lang| {
        let when = crate::i18n::dates::date(lang, &now.with_timezone(&event.time_zone));
        let late = match timing {
            Submission::Late => lang.t("plan.late_mail"),
            Submission::OnTime => "",
        };
        vec![("when", when), ("late", late.to_owned())]
    })
}

/// A message to a plan's participant about one version of it.
pub(crate) struct Mail<'a> {
    pub template: Template,
    pub event: &'a Event,
    pub registration: &'a RegistrationRow,
    pub title: &'a str,
    pub version: i32,
}

/// Writes the message to the outbox in the caller's transaction, in the
/// participant's language: the values every plan message has (name,
/// event, title, version, link to the plan, contact) and the template's
/// own, which `own` gives in that language.
pub(crate) fn tell(
    conn: &mut DbConnection,
    about: Mail<'_>,
    origin: &Origin,
    now: DateTime<Utc>,
    own: impl FnOnce(crate::i18n::Lang) -> Vec<(&'static str, String)>,
) -> Result<(), Error> {
    let Mail {
        template,
        event,
        registration,
        title,
        version,
    } = about;
    let lang = users::lang_of(conn, &registration.user_id)?;
    let link = origin.link(&format!("/my/registrations/{}/plan", registration.id));
    let contact = event.contact_or_office();
    let own = own(lang);
    let mut args: Vec<(&str, &dyn std::fmt::Display)> = vec![
        ("name", &registration.full_name),
        ("event", &event.title),
        ("title", &title),
        ("version", &version),
        ("link", &link),
        ("contact", &contact),
    ];
    args.extend(
        own.iter()
            .map(|(name, value)| (*name, value as &dyn std::fmt::Display)),
    );
    let event_id = event.id.to_string();
    mail::enqueue(
        conn,
        mail::Outgoing {
            template,
            lang,
            to: &registration.email,
            event_id: Some(&event_id),
            args: &args,
            attachments: Vec::new(),
        },
        now,
    )?;
    Ok(())
}

/// Where each of the person's plans stands, by registration: its state
/// and whether it came late.
pub async fn of_account(
    db: &Db,
    account: &Account,
) -> Result<HashMap<String, (State, bool)>, Error> {
    let user_id = account.id.clone();
    db.run(move |conn| {
        Ok(repo::states_of_user(conn, &user_id)?
            .into_iter()
            .map(|(registration, state, late)| (registration, (state, late)))
            .collect())
    })
    .await
}

/// A plan in an organiser's list.
#[derive(Clone, Debug)]
pub struct Listed {
    pub plan: Plan,
    pub participant: String,
    pub institution: String,
    pub province_code: String,
    pub regency_code: String,
}

impl Listed {
    /// A row of the overview's query.
    pub fn of(
        (row, participant, institution, province_code, regency_code): repo::Listed,
    ) -> Listed {
        Listed {
            plan: Plan::of(row),
            participant,
            institution,
            province_code,
            regency_code,
        }
    }
}

/// A version as a plan's history lists it, with the decision on it.
#[derive(Clone, Debug)]
pub struct Version {
    pub number: i32,
    pub submitted_at: DateTime<Utc>,
    pub late: bool,
    pub review: Option<Review>,
}

/// One plan of the event that `scope` admits, with its versions.
pub async fn in_event(
    db: &Db,
    (event, scope): (&Event, &Scope),
    plan_id: &str,
) -> Result<(Listed, Vec<Version>), Error> {
    let (event_id, scope, id) = (event.id.to_string(), scope.clone(), plan_id.to_owned());
    db.run(move |conn| {
        let row = repo::find_in_event(conn, (&event_id, &scope), &id)?.ok_or(Error::NotFound)?;
        let registration =
            registrations::find(conn, &row.registration_id)?.ok_or(Error::NotFound)?;
        let mut reviews = reviews(conn, &row.id)?;
        let versions = repo::versions(conn, &row.id)?
            .into_iter()
            .map(|v| Version {
                number: v.version,
                submitted_at: v.submitted_at.and_utc(),
                late: v.late,
                review: reviews
                    .iter()
                    .position(|r| r.version == v.version)
                    .map(|at| reviews.remove(at)),
            })
            .collect::<Vec<_>>();
        let last = versions.iter().rev().find_map(|v| v.review.clone());
        let listed = Listed {
            plan: Plan {
                review: last,
                ..Plan::of(row)
            },
            participant: registration.full_name,
            institution: registration.institution,
            province_code: registration.province_code,
            regency_code: registration.regency_code,
        };
        Ok((listed, versions))
    })
    .await
}

/// Keeps an uploaded file in storage, for a save to attach.
pub async fn store_attachment(
    storage: &Storage,
    bytes: bytes::Bytes,
    name: String,
    kind: &str,
) -> Result<Attachment, Error> {
    let key = storage
        .put(bytes)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Attachment {
        key: key.to_string(),
        name,
        kind: kind.to_owned(),
    })
}

/// The attached file's bytes, as storage gives them.
pub async fn attachment_bytes(
    storage: &Storage,
    attachment: &Attachment,
) -> Result<FileStream, Error> {
    let key = FileKey::parse(&attachment.key).ok_or(Error::NotFound)?;
    storage
        .get(&key)
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}
