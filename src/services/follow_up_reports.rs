//! Follow-up reports: a participant whose plan was accepted reports, for
//! each follow-up date of the event, how each activity of the plan went,
//! with evidence files. A report opens on its date and stays open until
//! the event's next follow-up date ([`is_open`]). Until it is sent, every
//! save keeps what was typed; once sent it counts as reported, and it is
//! changed only by sending it again complete, so that what the organisers
//! read is never half a report.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::models::{
    ActionPlanRow, FollowUpEvidenceRow, FollowUpReportRow, FollowUpRow, RegistrationRow,
};
use crate::db::repo::{action_plans, audit, events, follow_ups as repo, registrations};
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::action_plan::follow_up::{
    Intent, Report, check_draft, check_submission, is_open,
};
use crate::domain::action_plan::review::Scope;
use crate::domain::action_plan::{Content, State};
use crate::domain::event::{Event, FieldError};
use crate::domain::registration::Status;
use crate::error::Error;
use crate::services::action_plans::Attachment;

/// A report's evidence file: by its id, in storage by its key.
#[derive(Clone, Debug)]
pub struct Evidence {
    pub id: String,
    pub file: Attachment,
}

impl Evidence {
    fn of(row: FollowUpEvidenceRow) -> Evidence {
        Evidence {
            id: row.id,
            file: Attachment {
                key: row.file_key,
                name: row.name,
                kind: row.kind,
            },
        }
    }
}

/// Most evidence files one report keeps: a photo or two per activity.
pub const MAX_EVIDENCE: usize = 20;

/// A report as pages show it, with what it reports on.
#[derive(Clone, Debug)]
pub struct ReportView {
    pub registration_id: String,
    pub follow_up_id: String,
    /// None: not started.
    pub report_id: Option<String>,
    pub due_at: DateTime<Utc>,
    /// The next follow-up's date, which closes this report; none: the last.
    pub open_until: Option<DateTime<Utc>>,
    pub open: bool,
    /// The accepted plan.
    pub plan: Content,
    pub report: Report,
    pub submitted_at: Option<DateTime<Utc>>,
    pub evidence: Vec<Evidence>,
}

/// What a save did.
#[derive(Debug)]
pub struct Saved {
    pub view: ReportView,
    /// What to fix; what was typed comes back in `view` all the same.
    pub errors: Vec<FieldError>,
    /// This save sent the report.
    pub sent: bool,
}

/// Everything a participant's report hangs on, when it is theirs: their
/// confirmed seat, its accepted plan, a follow-up of its event. Anything
/// else is not found, so that a guessed id tells nothing.
struct Context {
    registration: RegistrationRow,
    event: Event,
    plan: ActionPlanRow,
    follow_up: FollowUpRow,
    all: Vec<DateTime<Utc>>,
}

fn context(
    conn: &mut DbConnection,
    user_id: &str,
    registration_id: &str,
    follow_up_id: &str,
) -> Result<Context, Error> {
    let registration = registrations::find(conn, registration_id)?
        .filter(|r| r.user_id == user_id && r.status == Status::Confirmed)
        .ok_or(Error::NotFound)?;
    let plan = action_plans::find_by_registration(conn, registration_id)?
        .filter(|p| p.state == State::Accepted)
        .ok_or(Error::NotFound)?;
    let follow_up = repo::find(conn, follow_up_id)?
        .filter(|f| f.event_id == registration.event_id)
        .ok_or(Error::NotFound)?;
    assemble(conn, registration, plan, follow_up)
}

fn assemble(
    conn: &mut DbConnection,
    registration: RegistrationRow,
    plan: ActionPlanRow,
    follow_up: FollowUpRow,
) -> Result<Context, Error> {
    let event = events::find(conn, &registration.event_id)?.ok_or(Error::NotFound)?;
    let all = repo::of_event(conn, &registration.event_id)?
        .into_iter()
        .map(|f| f.due_at.and_utc())
        .collect();
    Ok(Context {
        registration,
        event,
        plan,
        follow_up,
        all,
    })
}

/// A report of one of the event's follow-ups, for its organisers, with
/// its participant's registration; another event's is not found.
pub async fn in_event(
    db: &Db,
    event: &Event,
    follow_up_id: &str,
    report_id: &str,
) -> Result<(RegistrationRow, ReportView), Error> {
    let (event_id, follow_up_id, report_id) = (
        event.id.to_string(),
        follow_up_id.to_owned(),
        report_id.to_owned(),
    );
    db.run(move |conn| {
        let follow_up = repo::find(conn, &follow_up_id)?
            .filter(|f| f.event_id == event_id)
            .ok_or(Error::NotFound)?;
        let report = repo::report_in(conn, &follow_up_id, &report_id)?.ok_or(Error::NotFound)?;
        let plan = action_plans::find_in_event(conn, (&event_id, &Scope::All), &report.plan_id)?
            .ok_or(Error::NotFound)?;
        let registration =
            registrations::find(conn, &plan.registration_id)?.ok_or(Error::NotFound)?;
        let cx = assemble(conn, registration, plan, follow_up)?;
        let view = view(conn, &cx, Some(&report), Utc::now())?;
        Ok((cx.registration, view))
    })
    .await
}

fn content_of<T: serde::de::DeserializeOwned + Default>(json: &str, what: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|error| {
        tracing::warn!(%error, what, "unreadable content, shown empty");
        T::default()
    })
}

fn view(
    conn: &mut DbConnection,
    cx: &Context,
    row: Option<&FollowUpReportRow>,
    now: DateTime<Utc>,
) -> Result<ReportView, Error> {
    let due = cx.follow_up.due_at.and_utc();
    let plan: Content = content_of(&cx.plan.content, "plan");
    let mut report: Report = row.map_or_else(Report::default, |r| content_of(&r.content, "report"));
    // One entry per activity of the plan, whatever was stored.
    report
        .activities
        .resize(plan.activities.len(), Default::default());
    let evidence = match row {
        Some(row) => repo::evidence_of(conn, &row.id)?
            .into_iter()
            .map(Evidence::of)
            .collect(),
        None => Vec::new(),
    };
    Ok(ReportView {
        registration_id: cx.registration.id.clone(),
        follow_up_id: cx.follow_up.id.clone(),
        report_id: row.map(|r| r.id.clone()),
        due_at: due,
        open_until: cx.all.iter().filter(|at| **at > due).min().copied(),
        open: is_open(&cx.all, due, now),
        plan,
        report,
        submitted_at: row.and_then(|r| r.submitted_at).map(|at| at.and_utc()),
        evidence,
    })
}

/// The participant's report for a follow-up, and its event.
pub async fn own(
    db: &Db,
    account: &Account,
    registration_id: &str,
    follow_up_id: &str,
) -> Result<(Event, ReportView), Error> {
    let (user_id, id, follow_up_id) = (
        account.id.clone(),
        registration_id.to_owned(),
        follow_up_id.to_owned(),
    );
    db.run(move |conn| {
        let cx = context(conn, &user_id, &id, &follow_up_id)?;
        let row = repo::report_of(conn, &follow_up_id, &cx.plan.id)?;
        let view = view(conn, &cx, row.as_ref(), Utc::now())?;
        Ok((cx.event, view))
    })
    .await
}

/// Saves what the participant sent (an evidence file added or removed
/// included) and sends it when asked and complete, while the report is
/// open; `errors` brings what was already refused (the file). Closed, it
/// changes nothing and says so.
pub async fn save(
    db: &Db,
    account: &Account,
    (registration_id, follow_up_id): (&str, &str),
    (sent, intent): (Report, Intent),
    file: Option<Attachment>,
    mut errors: Vec<FieldError>,
) -> Result<(Event, Saved), Error> {
    let (actor, id, follow_up_id) = (
        account.clone(),
        registration_id.to_owned(),
        follow_up_id.to_owned(),
    );
    db.transaction(move |conn| {
        let cx = context(conn, &actor.id, &id, &follow_up_id)?;
        let now = Utc::now();
        let existing = repo::report_of(conn, &follow_up_id, &cx.plan.id)?;
        if !is_open(&cx.all, cx.follow_up.due_at.and_utc(), now) {
            let view = view(conn, &cx, existing.as_ref(), now)?;
            errors.push(FieldError::new("report", "follow_up.error.closed"));
            let saved = Saved {
                view,
                errors,
                sent: false,
            };
            return Ok((cx.event, saved));
        }
        let stored = existing.is_some();
        let mut row = existing.unwrap_or_else(|| FollowUpReportRow {
            id: Uuid::now_v7().simple().to_string(),
            follow_up_id: follow_up_id.clone(),
            plan_id: cx.plan.id.clone(),
            content: String::new(),
            created_at: now.naive_utc(),
            updated_at: now.naive_utc(),
            submitted_at: None,
        });
        let (draft, draft_errors) = check_draft(&sent);
        errors.extend(draft_errors);
        let already_sent = row.submitted_at.is_some();
        let mut sending = None;
        if (intent == Intent::Submit || already_sent) && errors.is_empty() {
            match check_submission(&sent) {
                Ok(complete) => sending = Some(complete),
                Err(missing) => errors.extend(missing),
            }
        }
        match (&sending, already_sent) {
            (Some(complete), _) => {
                row.content = json(complete);
                row.submitted_at = Some(now.naive_utc());
            }
            // A sent report keeps what was sent until it is sent again.
            (None, true) => {}
            (None, false) => row.content = json(&draft),
        }
        row.updated_at = now.naive_utc();
        if stored {
            repo::update_report(conn, &row)?;
        } else {
            repo::insert_report(conn, &row)?;
        }
        if let Intent::RemoveEvidence(evidence_id) = &intent {
            repo::delete_evidence(conn, &row.id, evidence_id)?;
        }
        if let Some(file) = file {
            if repo::evidence_of(conn, &row.id)?.len() >= MAX_EVIDENCE {
                errors.push(
                    FieldError::new("evidence", "follow_up.error.too_many_files")
                        .with_args(vec![("max", MAX_EVIDENCE.to_string())]),
                );
            } else {
                repo::insert_evidence(
                    conn,
                    &FollowUpEvidenceRow {
                        id: Uuid::now_v7().simple().to_string(),
                        report_id: row.id.clone(),
                        file_key: file.key,
                        name: file.name,
                        kind: file.kind,
                        created_at: now.naive_utc(),
                    },
                )?;
            }
        }
        if sending.is_some() {
            let event_id = cx.event.id.to_string();
            audit::Entry::new("follow_up.reported")
                .by(&actor)
                .event(Some(&event_id))
                .subject(&row.id)
                .record(conn, now)?;
        }
        let mut view = view(conn, &cx, Some(&row), now)?;
        // The page shows what was typed, stored or not.
        view.report = draft;
        let saved = Saved {
            view,
            errors,
            sent: sending.is_some(),
        };
        Ok((cx.event, saved))
    })
    .await
}

fn json(report: &Report) -> String {
    serde_json::to_string(report).expect("plain data serialises")
}

/// A follow-up of a participant's plan as their pages list it.
#[derive(Clone, Debug)]
pub struct Due {
    pub follow_up_id: String,
    pub due_at: DateTime<Utc>,
    pub reported: bool,
}

/// The follow-ups already due of each of the person's accepted plans, by
/// registration, the first first.
pub async fn of_account(db: &Db, account: &Account) -> Result<HashMap<String, Vec<Due>>, Error> {
    let user_id = account.id.clone();
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        let mut due: HashMap<String, Vec<Due>> = HashMap::new();
        for (registration_id, follow_up, reported) in repo::due_of_user(conn, &user_id, now)? {
            due.entry(registration_id).or_default().push(Due {
                follow_up_id: follow_up.id,
                due_at: follow_up.due_at.and_utc(),
                reported,
            });
        }
        Ok(due)
    })
    .await
}
