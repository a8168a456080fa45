use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::models::UserRow;
use crate::db::schema::{event_members, users};
use crate::domain::account::{Account, EventRole, Membership};

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: Option<&'a str>,
    pub is_admin: bool,
    pub is_organiser: bool,
    pub lang: &'a str,
}

pub fn insert(
    conn: &mut DbConnection,
    new: &NewUser<'_>,
    now: DateTime<Utc>,
) -> QueryResult<UserRow> {
    let row = UserRow {
        id: Uuid::now_v7().to_string(),
        email: new.email.to_owned(),
        name: new.name.trim().to_owned(),
        password_hash: new.password_hash.map(str::to_owned),
        is_admin: new.is_admin,
        is_organiser: new.is_organiser,
        lang: new.lang.to_owned(),
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
        session_generation: 0,
    };
    diesel::insert_into(users::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// The user with this address, created without a password (and without
/// roles) when there is none: the invited, participants.
pub fn find_or_create(
    conn: &mut DbConnection,
    email: &str,
    name: &str,
    lang: &str,
    now: DateTime<Utc>,
) -> QueryResult<UserRow> {
    if let Some(user) = find_by_email(conn, email)? {
        return Ok(user);
    }
    let new = NewUser {
        email,
        name,
        password_hash: None,
        is_admin: false,
        is_organiser: false,
        lang,
    };
    insert(conn, &new, now)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// The language someone reads their e-mail in; Indonesian when unknown.
pub fn lang_of(conn: &mut DbConnection, id: &str) -> QueryResult<crate::i18n::Lang> {
    Ok(find(conn, id)?
        .and_then(|u| crate::i18n::Lang::from_code(&u.lang))
        .unwrap_or(crate::i18n::Lang::Id))
}

/// The account with its roles, as authorisation needs it.
pub fn account(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Account>> {
    let Some(row) = find(conn, id)? else {
        return Ok(None);
    };
    let memberships = event_members::table
        .filter(event_members::user_id.eq(id))
        .select((event_members::event_id, event_members::role))
        .load::<(String, String)>(conn)?
        .into_iter()
        .filter_map(|(event_id, role)| {
            EventRole::parse(&role).map(|role| Membership { event_id, role })
        })
        .collect();
    Ok(Some(Account {
        has_password: row.password_hash.is_some(),
        id: row.id,
        email: row.email,
        name: row.name,
        is_admin: row.is_admin,
        is_organiser: row.is_organiser,
        lang: row.lang,
        session_generation: row.session_generation,
        memberships,
    }))
}

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<UserRow>> {
    users::table
        .order(users::email.asc())
        .select(UserRow::as_select())
        .load(conn)
}

pub fn set_password(
    conn: &mut DbConnection,
    id: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)
        .map(drop)
}

/// The name someone is shown by, with its titles.
pub fn rename(
    conn: &mut DbConnection,
    id: &str,
    name: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::name.eq(name), users::updated_at.eq(now.naive_utc())))
        .execute(conn)
        .map(drop)
}

/// Ends every session of the account: their cookies carry the old value.
pub fn end_sessions(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::session_generation.eq(users::session_generation + 1))
        .execute(conn)
        .map(drop)
}

pub fn grant(
    conn: &mut DbConnection,
    id: &str,
    admin: bool,
    organiser: bool,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let row = find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
    diesel::update(users::table.find(id))
        .set((
            users::is_admin.eq(row.is_admin || admin),
            users::is_organiser.eq(row.is_organiser || organiser),
            users::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)
        .map(drop)
}

/// Adds a role in an event; `false` when the person already had it.
pub fn add_membership(
    conn: &mut DbConnection,
    event_id: &str,
    user_id: &str,
    role: EventRole,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let exists = event_members::table
        .find((event_id, user_id, role.as_str()))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(event_members::table)
        .values((
            event_members::event_id.eq(event_id),
            event_members::user_id.eq(user_id),
            event_members::role.eq(role.as_str()),
            event_members::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The people in an event's team, by role then name.
pub fn members(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<(String, UserRow)>> {
    event_members::table
        .inner_join(users::table)
        .filter(event_members::event_id.eq(event_id))
        .order((event_members::role.asc(), users::name.asc()))
        .select((event_members::role, UserRow::as_select()))
        .load(conn)
}

/// The first organiser of an event: the Reply-To of its e-mails.
pub fn first_organiser_email(
    conn: &mut DbConnection,
    event_id: &str,
) -> QueryResult<Option<String>> {
    event_members::table
        .inner_join(users::table)
        .filter(event_members::event_id.eq(event_id))
        .filter(event_members::role.eq(EventRole::Organiser.as_str()))
        .order(event_members::created_at.asc())
        .select(users::email)
        .first(conn)
        .optional()
}
