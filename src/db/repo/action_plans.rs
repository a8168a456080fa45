//! Action plans and their submitted versions.

use diesel::prelude::*;

use diesel::dsl::auto_type;
use diesel::sql_types::Bool;

use crate::db::models::{ActionPlanReviewRow, ActionPlanRow, ActionPlanVersionRow};
use crate::db::schema::{
    action_plan_reviews, action_plan_versions, action_plans, registrations, users,
};
use crate::db::states::Stored;
use crate::db::{DbConnection, MultiBackend as DbBackend};
use crate::domain::action_plan::filter::strategy_pattern;
use crate::domain::action_plan::review::Scope;
use crate::domain::action_plan::{Filter, State, Strategy};
use crate::domain::registration::Status;
/// `Scope::admits` as SQL, for any query over action_plans: everything,
/// or the plans assigned to the reviewer and those assigned to nobody.
#[auto_type]
fn admitted(all: bool, reviewer: String) -> _ {
    all.into_sql::<Bool>()
        .or(action_plans::reviewer_id.is_null())
        .or(action_plans::reviewer_id.eq(reviewer))
}

/// The plans `scope` admits: the one filter every reading of plans by
/// organisers and reviewers goes through.
pub fn in_scope(scope: &Scope) -> admitted {
    match scope {
        Scope::All => admitted(true, String::new()),
        Scope::Reviewer(id) => admitted(false, id.clone()),
    }
}

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

/// A plan of the event that `scope` admits; another event's plan, or one
/// outside the scope, is not found.
pub fn find_in_event(
    conn: &mut DbConnection,
    (event_id, scope): (&str, &Scope),
    id: &str,
) -> QueryResult<Option<ActionPlanRow>> {
    action_plans::table
        .find(id)
        .filter(action_plans::event_id.eq(event_id))
        .filter(in_scope(scope))
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

/// Where each plan of the event stands, by registration.
pub fn states_of_event(
    conn: &mut DbConnection,
    event_id: &str,
) -> QueryResult<Vec<(String, State)>> {
    let rows: Vec<(String, String)> = action_plans::table
        .filter(action_plans::event_id.eq(event_id))
        .select((action_plans::registration_id, action_plans::state))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, state)| Some((id, State::from_stored(&state)?)))
        .collect())
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

/// One version of a plan.
pub fn version(
    conn: &mut DbConnection,
    plan_id: &str,
    number: i32,
) -> QueryResult<Option<ActionPlanVersionRow>> {
    action_plan_versions::table
        .find((plan_id, number))
        .select(ActionPlanVersionRow::as_select())
        .first(conn)
        .optional()
}

/// Assigns the plan to one reviewer, or to none (any of the event's).
pub fn assign(conn: &mut DbConnection, plan_id: &str, reviewer: Option<&str>) -> QueryResult<()> {
    diesel::update(action_plans::table.find(plan_id))
        .set(action_plans::reviewer_id.eq(reviewer))
        .execute(conn)
        .map(drop)
}

/// Moves the plan from `from` to `to` if it still stands there at
/// `version`; false when someone else moved it first (the row stays
/// locked until the transaction ends, so a second decision waits and then
/// finds it moved).
pub fn decide(
    conn: &mut DbConnection,
    (plan_id, version): (&str, i32),
    (from, to): (State, State),
    at: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        action_plans::table
            .find(plan_id)
            .filter(action_plans::state.eq(from.stored()))
            .filter(action_plans::version.eq(version)),
    )
    .set((
        action_plans::state.eq(to.stored()),
        action_plans::updated_at.eq(at),
    ))
    .execute(conn)
    .map(|changed| changed == 1)
}

pub fn insert_review(conn: &mut DbConnection, row: &ActionPlanReviewRow) -> QueryResult<()> {
    diesel::insert_into(action_plan_reviews::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

/// A plan's decisions with their reviewer's name, the first first.
pub fn reviews(
    conn: &mut DbConnection,
    plan_id: &str,
) -> QueryResult<Vec<(ActionPlanReviewRow, String)>> {
    action_plan_reviews::table
        .inner_join(users::table)
        .filter(action_plan_reviews::plan_id.eq(plan_id))
        .order(action_plan_reviews::version.asc())
        .select((ActionPlanReviewRow::as_select(), users::name))
        .load(conn)
}

type Joined = diesel::dsl::InnerJoin<action_plans::table, registrations::table>;

/// A condition on the event's plans joined to their registrations; boxed
/// as a condition, not as a query, so that the counts may group by it.
type Condition<'a> = Box<
    dyn BoxableExpression<
            diesel::dsl::InnerJoinQuerySource<action_plans::table, registrations::table>,
            DbBackend,
            SqlType = diesel::sql_types::Bool,
        > + 'a,
>;

/// The event's plans the scope admits and the filter keeps.
fn kept<'a>((event_id, scope): (&'a str, &Scope), filter: &'a Filter) -> Condition<'a> {
    // Never NULL: a plan without a reviewer is admitted by `IS NULL`.
    let admitted = in_scope(scope).assume_not_null();
    let mut kept: Condition<'a> = Box::new(action_plans::event_id.eq(event_id).and(admitted));
    if let Some(text) = &filter.text {
        let pattern = format!(
            "%{}%",
            super::registrations::escape_like(&text.to_lowercase())
        );
        kept = Box::new(kept.and(registrations::search_text.like(pattern).escape('\\')));
    }
    if let Some(state) = filter.state {
        kept = Box::new(kept.and(action_plans::state.eq(state.stored())));
    }
    if filter.late {
        kept = Box::new(kept.and(action_plans::late.eq(true)));
    }
    if let Some(strategy) = filter.strategy {
        kept = Box::new(kept.and(action_plans::content.like(strategy_pattern(strategy))));
    }
    if let Some(code) = &filter.province_code {
        kept = Box::new(kept.and(registrations::province_code.eq(code)));
        if let Some(code) = &filter.regency_code {
            kept = Box::new(kept.and(registrations::regency_code.eq(code)));
        }
    }
    kept
}

fn joined() -> Joined {
    action_plans::table.inner_join(registrations::table)
}

pub fn count(
    conn: &mut DbConnection,
    in_event: (&str, &Scope),
    filter: &Filter,
) -> QueryResult<i64> {
    joined()
        .filter(kept(in_event, filter))
        .count()
        .get_result(conn)
}

/// How many of the plans the filter keeps are in each state.
pub fn counts_by_state(
    conn: &mut DbConnection,
    in_event: (&str, &Scope),
    filter: &Filter,
) -> QueryResult<Vec<(State, i64)>> {
    let counts: Vec<(String, i64)> = joined()
        .filter(kept(in_event, filter))
        .group_by(action_plans::state)
        .select((action_plans::state, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(State::ALL
        .into_iter()
        .map(|state| {
            let n = counts.iter().find(|(s, _)| s == state.stored());
            (state, n.map_or(0, |(_, n)| *n))
        })
        .collect())
}

/// How many of them came late.
pub fn count_late(
    conn: &mut DbConnection,
    in_event: (&str, &Scope),
    filter: &Filter,
) -> QueryResult<i64> {
    let late = Filter {
        late: true,
        ..filter.clone()
    };
    count(conn, in_event, &late)
}

/// How many of them serve each strategy (a plan may serve several).
pub fn counts_by_strategy(
    conn: &mut DbConnection,
    in_event: (&str, &Scope),
    filter: &Filter,
) -> QueryResult<Vec<(Strategy, i64)>> {
    Strategy::ALL
        .into_iter()
        .map(|strategy| {
            let serving = Filter {
                strategy: Some(strategy),
                ..filter.clone()
            };
            Ok((strategy, count(conn, in_event, &serving)?))
        })
        .collect()
}

/// How many of them come from each province, by code.
pub fn counts_by_province(
    conn: &mut DbConnection,
    in_event: (&str, &Scope),
    filter: &Filter,
) -> QueryResult<Vec<(String, i64)>> {
    joined()
        .filter(kept(in_event, filter))
        .group_by(registrations::province_code)
        .select((registrations::province_code, diesel::dsl::count_star()))
        .order(registrations::province_code.asc())
        .load(conn)
}

/// How many of them come from each regency of one province, by code.
pub fn counts_by_regency(
    conn: &mut DbConnection,
    in_event: (&str, &Scope),
    filter: &Filter,
    province_code: &str,
) -> QueryResult<Vec<(String, i64)>> {
    joined()
        .filter(kept(in_event, filter))
        .filter(registrations::province_code.eq(province_code))
        .group_by(registrations::regency_code)
        .select((registrations::regency_code, diesel::dsl::count_star()))
        .order(registrations::regency_code.asc())
        .load(conn)
}

/// Participants with a seat in the event who have not saved a plan yet.
pub fn count_seats_without_plan(conn: &mut DbConnection, event_id: &str) -> QueryResult<i64> {
    registrations::table
        .left_join(action_plans::table)
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::status.eq(Status::Confirmed.stored()))
        .filter(action_plans::id.is_null())
        .count()
        .get_result(conn)
}

/// A plan as the organisers' overview lists it: with its participant's
/// name, institution, province and regency.
pub type Listed = (ActionPlanRow, String, String, String, String);

/// The plans the filter keeps, by participant's name, `limit` of them from
/// `offset`.
pub fn page(
    conn: &mut DbConnection,
    in_event: (&str, &Scope),
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Listed>> {
    joined()
        .filter(kept(in_event, filter))
        .order((registrations::full_name.asc(), action_plans::id.asc()))
        .offset(offset)
        .limit(limit)
        .select((
            ActionPlanRow::as_select(),
            registrations::full_name,
            registrations::institution,
            registrations::province_code,
            registrations::regency_code,
        ))
        .load(conn)
}
