//! For operators and their monitoring: whether the database answers, and
//! how much work the jobs table holds.

use diesel::connection::SimpleConnection;

use crate::db::repo::jobs;
use crate::db::states::Stored;
use crate::db::{Db, DbError};
use crate::domain::job::JobStatus;

pub async fn database_answers(db: &Db) -> Result<(), DbError> {
    db.run(|conn| -> Result<(), DbError> { Ok(conn.batch_execute("SELECT 1")?) })
        .await
}

/// Jobs in each state, every state named (as the jobs table names it,
/// which operators may query too) and counted, none left out.
pub async fn jobs_by_status(db: &Db) -> Result<Vec<(&'static str, i64)>, DbError> {
    let counts = db
        .run(|conn| -> Result<_, DbError> { Ok(jobs::count_by_status(conn)?) })
        .await?;
    Ok(JobStatus::ALL
        .into_iter()
        .map(|status| {
            let n = counts.iter().find(|(s, _)| *s == status);
            (status.stored(), n.map_or(0, |(_, n)| *n))
        })
        .collect())
}
