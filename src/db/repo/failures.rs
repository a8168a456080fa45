//! Failed sign-ins, counted per account and per address.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::schema::sign_in_failures;

pub fn record(conn: &mut DbConnection, scope: &str, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::insert_into(sign_in_failures::table)
        .values((
            sign_in_failures::id.eq(Uuid::now_v7().to_string()),
            sign_in_failures::scope.eq(scope),
            sign_in_failures::at.eq(now.naive_utc()),
        ))
        .execute(conn)
        .map(drop)
}

pub fn count_since(conn: &mut DbConnection, scope: &str, since: DateTime<Utc>) -> QueryResult<i64> {
    sign_in_failures::table
        .filter(sign_in_failures::scope.eq(scope))
        .filter(sign_in_failures::at.gt(since.naive_utc()))
        .count()
        .get_result(conn)
}

/// A successful sign-in clears the account's count; old rows are pruned.
pub fn clear(conn: &mut DbConnection, scope: &str, older_than: DateTime<Utc>) -> QueryResult<()> {
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::scope.eq(scope)))
        .execute(conn)?;
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::at.lt(older_than.naive_utc())))
        .execute(conn)
        .map(drop)
}
