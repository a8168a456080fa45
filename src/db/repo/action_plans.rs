//! Action plans and their submitted versions.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::{ActionPlanRow, ActionPlanVersionRow};
use crate::db::schema::{action_plan_versions, action_plans, registrations};
use crate::db::states::Stored;
use crate::domain::action_plan::State;

pub fn find_by_registration(
    conn: &mut DbConnection,
    registration_id: &str,
) -> QueryResult<Option<ActionPlanRow>> {
    action_plans::table
        .filter(action_plans::registration_id.eq(registration_id))
        .select(ActionPlanRow::as_select())
        .first(conn)
        .optional()
}

/// A plan of the event; another event's plan is not found.
pub fn find_in_event(
    conn: &mut DbConnection,
    event_id: &str,
    id: &str,
) -> QueryResult<Option<ActionPlanRow>> {
    action_plans::table
        .find(id)
        .filter(action_plans::event_id.eq(event_id))
        .select(ActionPlanRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &ActionPlanRow) -> QueryResult<()> {
    diesel::insert_into(action_plans::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

/// Writes what a save or a submission changes.
pub fn update(conn: &mut DbConnection, row: &ActionPlanRow) -> QueryResult<()> {
    diesel::update(action_plans::table.find(&row.id))
        .set((
            action_plans::state.eq(row.state.stored()),
            action_plans::content.eq(&row.content),
            action_plans::attachment_key.eq(&row.attachment_key),
            action_plans::attachment_name.eq(&row.attachment_name),
            action_plans::attachment_kind.eq(&row.attachment_kind),
            action_plans::version.eq(row.version),
            action_plans::late.eq(row.late),
            action_plans::updated_at.eq(row.updated_at),
            action_plans::submitted_at.eq(row.submitted_at),
        ))
        .execute(conn)
        .map(drop)
}

pub fn insert_version(conn: &mut DbConnection, row: &ActionPlanVersionRow) -> QueryResult<()> {
    diesel::insert_into(action_plan_versions::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// A plan's versions, the first first.
pub fn versions(conn: &mut DbConnection, plan_id: &str) -> QueryResult<Vec<ActionPlanVersionRow>> {
    action_plan_versions::table
        .filter(action_plan_versions::plan_id.eq(plan_id))
        .order(action_plan_versions::version.asc())
        .select(ActionPlanVersionRow::as_select())
        .load(conn)
}

/// The event's plans with their participant's name and institution, by name.
pub fn of_event(
    conn: &mut DbConnection,
    event_id: &str,
) -> QueryResult<Vec<(ActionPlanRow, String, String)>> {
    action_plans::table
        .inner_join(registrations::table)
        .filter(action_plans::event_id.eq(event_id))
        .order(registrations::full_name.asc())
        .select((
            ActionPlanRow::as_select(),
            registrations::full_name,
            registrations::institution,
        ))
        .load(conn)
}

/// Where each plan of a person stands, by registration.
pub fn states_of_user(
    conn: &mut DbConnection,
    user_id: &str,
) -> QueryResult<Vec<(String, State, bool)>> {
    let rows: Vec<(String, String, bool)> = action_plans::table
        .inner_join(registrations::table)
        .filter(registrations::user_id.eq(user_id))
        .select((
            action_plans::registration_id,
            action_plans::state,
            action_plans::late,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, state, late)| Some((id, State::from_stored(&state)?, late)))
        .collect())
}
