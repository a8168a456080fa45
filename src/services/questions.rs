//! An event's own questions on its registration form.

use chrono::Utc;
use uuid::Uuid;

use diesel::QueryResult;

use crate::db::models::QuestionRow;
use crate::db::repo::{audit, registrations as repo};
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::question::{Kind, Question, QuestionForm, check_question};
use crate::error::Error;

fn into_question(row: QuestionRow) -> Option<Question> {
    Some(Question {
        kind: Kind::parse(&row.kind, &row.choices)?,
        id: row.id,
        label: row.label,
        required: row.required,
    })
}

/// The event's questions, in the order the form shows them.
pub async fn of_event(db: &Db, event_id: &str) -> Result<Vec<Question>, Error> {
    let event_id = event_id.to_owned();
    db.run(move |conn| Ok(read(conn, &event_id)?)).await
}

pub(crate) fn read(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<Question>> {
    Ok(repo::questions(conn, event_id)?
        .into_iter()
        .filter_map(into_question)
        .collect())
}

pub async fn add(
    db: &Db,
    event_id: &str,
    form: QuestionForm,
    actor: &Account,
) -> Result<(), Error> {
    let (event_id, actor) = (event_id.to_owned(), actor.clone());
    db.transaction(move |conn| {
        let existing = repo::questions(conn, &event_id)?;
        let (kind, label, required) =
            check_question(&form, existing.len()).map_err(Error::Invalid)?;
        let now = Utc::now();
        let position = existing.iter().map(|q| q.position).max().unwrap_or(0) + 1;
        repo::insert_question(
            conn,
            &QuestionRow {
                id: Uuid::now_v7().simple().to_string(),
                event_id: event_id.clone(),
                position,
                kind: kind.as_str().to_owned(),
                choices: kind.choices_text(),
                label: label.clone(),
                required,
                created_at: now.naive_utc(),
            },
        )?;
        audit_question(conn, &actor, "question.add", &event_id, &label, now)
    })
    .await
}

/// Removes a question and the answers given to it.
pub async fn remove(
    db: &Db,
    event_id: &str,
    question_id: &str,
    actor: &Account,
) -> Result<(), Error> {
    let (event_id, id, actor) = (event_id.to_owned(), question_id.to_owned(), actor.clone());
    db.transaction(move |conn| {
        if repo::delete_question(conn, &event_id, &id)? == 0 {
            return Err(Error::NotFound);
        }
        audit_question(conn, &actor, "question.remove", &event_id, &id, Utc::now())
    })
    .await
}

fn audit_question(
    conn: &mut crate::db::DbConnection,
    actor: &Account,
    action: &str,
    event_id: &str,
    subject: &str,
    now: chrono::DateTime<Utc>,
) -> Result<(), Error> {
    audit::Entry::new(action)
        .by(actor)
        .event(Some(event_id))
        .subject(subject)
        .record(conn, now)?;
    Ok(())
}
