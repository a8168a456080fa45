//! Reviewing action plans: organisers give a plan to one of the event's
//! reviewers (or to any); a reviewer or organiser accepts a submitted
//! version or asks for a revision, which tells the participant by e-mail;
//! and anyone who may read a plan compares two of its versions.

use chrono::{DateTime, Utc};

use crate::db::models::{ActionPlanReviewRow, ActionPlanRow, ActionPlanVersionRow};
use crate::db::repo::{action_plans as repo, audit, registrations, users};
use crate::db::{Db, DbConnection};
use crate::domain::account::{Account, EventRole};
use crate::domain::action_plan::Content;
use crate::domain::action_plan::diff::{Changes, File, changes};
use crate::domain::action_plan::review::{self, Comments, Decision, Scope, Section};
use crate::domain::event::Event;
use crate::email::Template;
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::action_plans::{self, Mail};

/// A reviewer of the event, as the organisers' choice lists them.
#[derive(Clone, Debug)]
pub struct Reviewer {
    pub id: String,
    pub name: String,
}

pub async fn reviewers(db: &Db, event: &Event) -> Result<Vec<Reviewer>, Error> {
    let event_id = event.id.to_string();
    db.run(move |conn| reviewers_of(conn, &event_id)).await
}

fn reviewers_of(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Reviewer>, Error> {
    Ok(users::members(conn, event_id)?
        .into_iter()
        .filter(|(role, _)| role == EventRole::Reviewer.as_str())
        .map(|(_, user)| Reviewer {
            id: user.id,
            name: user.name,
        })
        .collect())
}

/// Gives the plan to one of the event's reviewers, or (`None`) to any.
pub async fn assign(
    db: &Db,
    actor: &Account,
    event: &Event,
    plan_id: &str,
    reviewer: Option<String>,
) -> Result<(), Error> {
    let event_id = event.id.to_string();
    if !actor.may_manage(&event_id) {
        return Err(Error::Forbidden);
    }
    let (actor, id) = (actor.clone(), plan_id.to_owned());
    db.transaction(move |conn| {
        let row =
            repo::find_in_event(conn, (&event_id, &Scope::All), &id)?.ok_or(Error::NotFound)?;
        let chosen = match &reviewer {
            None => None,
            Some(reviewer) => Some(
                reviewers_of(conn, &event_id)?
                    .into_iter()
                    .find(|r| &r.id == reviewer)
                    .ok_or_else(|| Error::invalid("reviewer", "plan_review.error.reviewer"))?,
            ),
        };
        repo::assign(conn, &row.id, reviewer.as_deref())?;
        let subject = match &chosen {
            Some(reviewer) => format!("{}: {}", row.id, reviewer.name),
            None => row.id.clone(),
        };
        audit::Entry::new("plan.assigned")
            .by(&actor)
            .event(Some(&event_id))
            .subject(&subject)
            .record(conn, Utc::now())?;
        Ok(())
    })
    .await
}

/// How a decision went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decided {
    Done(Decision),
    /// The version is no longer waiting for a decision: not submitted,
    /// decided by someone else first, or followed by a newer version.
    NotWaiting,
}

/// Accepts `version` of the plan or asks for its revision, with the
/// reviewer's comments (checked: field messages), and tells the
/// participant. The plan must still stand submitted at that version when
/// the transaction changes it.
pub async fn decide(
    db: &Db,
    actor: &Account,
    (event, scope): (&Event, &Scope),
    (plan_id, version): (&str, i32),
    sent: (Option<Decision>, Comments),
    origin: &Origin,
) -> Result<Decided, Error> {
    let comments = review::check(sent.0, &sent.1).map_err(Error::Invalid)?;
    let decision = sent.0.expect("checked above");
    let (actor, event, scope, id, origin) = (
        actor.clone(),
        event.clone(),
        scope.clone(),
        plan_id.to_owned(),
        origin.clone(),
    );
    db.transaction(move |conn| {
        let event_id = event.id.to_string();
        let row = repo::find_in_event(conn, (&event_id, &scope), &id)?.ok_or(Error::NotFound)?;
        let to = match decision {
            Decision::RevisionAsked => row.state.ask_revision(),
            Decision::Accepted => row.state.accept(),
        };
        let Ok(to) = to else {
            return Ok(Decided::NotWaiting);
        };
        let now = Utc::now();
        if row.version != version
            || !repo::decide(conn, (&row.id, version), (row.state, to), now.naive_utc())?
        {
            return Ok(Decided::NotWaiting);
        }
        repo::insert_review(
            conn,
            &ActionPlanReviewRow {
                plan_id: row.id.clone(),
                version,
                decision,
                comments: serde_json::to_string(&comments).expect("plain data serialises"),
                reviewer_id: actor.id.clone(),
                created_at: now.naive_utc(),
            },
        )?;
        let action = match decision {
            Decision::RevisionAsked => "plan.revision_asked",
            Decision::Accepted => "plan.accepted",
        };
        audit::Entry::new(action)
            .by(&actor)
            .event(Some(&event_id))
            .subject(&format!("{} v{version}", row.id))
            .record(conn, now)?;
        tell(conn, &event, (&row, decision, &comments), &origin, now)?;
        Ok(Decided::Done(decision))
    })
    .await
}

/// The e-mail telling the participant what was decided, with the
/// comments, in the outbox of the decision's transaction.
fn tell(
    conn: &mut DbConnection,
    event: &Event,
    (row, decision, comments): (&ActionPlanRow, Decision, &Comments),
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let registration = registrations::find(conn, &row.registration_id)?.ok_or(Error::NotFound)?;
    let title = serde_json::from_str::<Content>(&row.content)
        .map(|c| c.title)
        .unwrap_or_default();
    let about = Mail {
        template: match decision {
            Decision::RevisionAsked => Template::PlanRevisionAsked,
            Decision::Accepted => Template::PlanAccepted,
        },
        event,
        registration: &registration,
        title: &title,
        version: row.version,
    };
    action_plans::tell(conn, about, origin, now, |lang| {
        let mut lines = Vec::new();
        for section in Section::ALL {
            if let Some(comment) = comments.on(section) {
                lines.push(format!("{}:\n{comment}", lang.label(section)));
            }
        }
        if !comments.general.is_empty() {
            lines.push(format!(
                "{}:\n{}",
                lang.t("plan_review.general"),
                comments.general
            ));
        }
        vec![("comments", lines.join("\n\n"))]
    })
}

/// Two versions compared: which, and what changed from the first to the
/// second.
#[derive(Clone, Debug)]
pub struct Compared {
    pub from: i32,
    pub to: i32,
    pub changes: Changes,
}

fn content_of(version: &ActionPlanVersionRow) -> Content {
    serde_json::from_str(&version.content).unwrap_or_else(|error| {
        tracing::warn!(plan = %version.plan_id, %error, "unreadable version content, compared empty");
        Content::default()
    })
}

fn file_of(version: &ActionPlanVersionRow) -> Option<File<'_>> {
    Some(File {
        key: version.attachment_key.as_deref()?,
        name: version.attachment_name.as_deref()?,
    })
}

/// What changed between two versions of a plan `scope` admits; without
/// a choice, between the last two. `None` when it has fewer than two.
pub async fn compare(
    db: &Db,
    (event, scope): (&Event, &Scope),
    plan_id: &str,
    chosen: Option<(i32, i32)>,
) -> Result<Option<Compared>, Error> {
    let (event_id, scope, id) = (event.id.to_string(), scope.clone(), plan_id.to_owned());
    db.run(move |conn| {
        let row = repo::find_in_event(conn, (&event_id, &scope), &id)?.ok_or(Error::NotFound)?;
        if row.version < 2 {
            return Ok(None);
        }
        let (from, to) = chosen.unwrap_or((row.version - 1, row.version));
        let before = repo::version(conn, &row.id, from)?.ok_or(Error::NotFound)?;
        let after = repo::version(conn, &row.id, to)?.ok_or(Error::NotFound)?;
        let changes = changes(
            (&content_of(&before), file_of(&before)),
            (&content_of(&after), file_of(&after)),
        );
        Ok(Some(Compared { from, to, changes }))
    })
    .await
}
