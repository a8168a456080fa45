//! Failed attempts at a secret (a password, a check-in code), counted per
//! scope: a pair (an account and an address, a participant and a session)
//! and an address. The table keeps its first name, `sign_in_failures`; a
//! scope's prefix says what it counts. A password attempt is written here
//! before the password is checked (a reservation), so that attempts made at
//! once count against each other.

use chrono::{DateTime, Utc};
use diesel::dsl::{count_star, max, min};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::schema::sign_in_failures;
use crate::domain::throttle::{Allowance, Failures};

/// Keeps these scopes apart from every other advisory lock (the first key
/// of the two-key form).
const PG_SCOPE_LOCK_CLASS: i32 = 0x7369_676e; // "sign"

/// Serialises, until the transaction ends, every reservation in `scope`, so
/// that attempts made at once see each other's. Callers lock their scopes in
/// one order (pair, then address). SQLite's write transactions are serial
/// already (`BEGIN IMMEDIATE`).
fn lock(conn: &mut DbConnection, scope: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind::<Integer, _>(PG_SCOPE_LOCK_CLASS)
            .bind::<Text, _>(scope)
            .execute(pg)?;
    }
    Ok(())
}

/// Locks the two scopes (pair, then address) and says how long an attempt
/// in them must wait under `allowance`; `None`: it may be checked now.
pub fn wait(
    conn: &mut DbConnection,
    allowance: &Allowance,
    (pair, address): (&str, &str),
    now: DateTime<Utc>,
) -> QueryResult<Option<std::time::Duration>> {
    let ago = |window| now - chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
    lock(conn, pair)?;
    lock(conn, address)?;
    let pair = since(conn, pair, ago(allowance.pair_window))?;
    let address = since(conn, address, ago(allowance.address_window))?;
    Ok(allowance.wait(&pair, &address, now))
}

/// Records one failure (or reservation); its id, to take it back.
pub fn record(conn: &mut DbConnection, scope: &str, now: DateTime<Utc>) -> QueryResult<String> {
    let id = Uuid::now_v7().to_string();
    diesel::insert_into(sign_in_failures::table)
        .values((
            sign_in_failures::id.eq(&id),
            sign_in_failures::scope.eq(scope),
            sign_in_failures::at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(id)
}

fn since(conn: &mut DbConnection, scope: &str, since: DateTime<Utc>) -> QueryResult<Failures> {
    let (count, oldest, latest) = sign_in_failures::table
        .filter(sign_in_failures::scope.eq(scope))
        .filter(sign_in_failures::at.gt(since.naive_utc()))
        .select((
            count_star(),
            min(sign_in_failures::at),
            max(sign_in_failures::at),
        ))
        .first::<(
            i64,
            Option<chrono::NaiveDateTime>,
            Option<chrono::NaiveDateTime>,
        )>(conn)?;
    Ok(Failures {
        count,
        oldest: oldest.map(|at| at.and_utc()),
        latest: latest.map(|at| at.and_utc()),
    })
}

/// Takes back reservations whose passwords were never checked, or that
/// turned out right.
pub fn remove(conn: &mut DbConnection, ids: &[String]) -> QueryResult<()> {
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::id.eq_any(ids)))
        .execute(conn)
        .map(drop)
}

/// A successful sign-in clears its pair's count; old rows are pruned.
pub fn clear(conn: &mut DbConnection, scope: &str, older_than: DateTime<Utc>) -> QueryResult<()> {
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::scope.eq(scope)))
        .execute(conn)?;
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::at.lt(older_than.naive_utc())))
        .execute(conn)
        .map(drop)
}
