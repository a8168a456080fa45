//! Follow-up dates of an event's action plans, the participants' reports
//! for them and the reports' evidence files.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::{
    ActionPlanRow, FollowUpEvidenceRow, FollowUpReportRow, FollowUpRow, RegistrationRow,
};
use crate::db::schema::{
    action_plans, follow_up_evidence, follow_up_reports, plan_follow_ups, registrations,
};
use crate::db::states::Stored;
use crate::domain::action_plan::State;
use crate::domain::registration::Status;

/// The event's follow-up dates, the first first.
pub fn of_event(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<FollowUpRow>> {
    plan_follow_ups::table
        .filter(plan_follow_ups::event_id.eq(event_id))
        .order(plan_follow_ups::due_at.asc())
        .select(FollowUpRow::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<FollowUpRow>> {
    plan_follow_ups::table
        .find(id)
        .select(FollowUpRow::as_select())
        .first(conn)
        .optional()
}

/// Whether the event has a follow-up due then already.
pub fn exists_at(
    conn: &mut DbConnection,
    event_id: &str,
    due_at: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        plan_follow_ups::table
            .filter(plan_follow_ups::event_id.eq(event_id))
            .filter(plan_follow_ups::due_at.eq(due_at)),
    ))
    .get_result(conn)
}

pub fn insert(conn: &mut DbConnection, row: &FollowUpRow) -> QueryResult<()> {
    diesel::insert_into(plan_follow_ups::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::delete(plan_follow_ups::table.find(id))
        .execute(conn)
        .map(drop)
}

/// How many reports were sent per follow-up of the event.
pub fn sent_counts(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<(String, i64)>> {
    follow_up_reports::table
        .inner_join(plan_follow_ups::table)
        .filter(plan_follow_ups::event_id.eq(event_id))
        .filter(follow_up_reports::submitted_at.is_not_null())
        .group_by(follow_up_reports::follow_up_id)
        .select((follow_up_reports::follow_up_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Whether anyone has started a report for the follow-up.
pub fn has_reports(conn: &mut DbConnection, follow_up_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        follow_up_reports::table.filter(follow_up_reports::follow_up_id.eq(follow_up_id)),
    ))
    .get_result(conn)
}

/// The event's accepted plans whose participant still holds a seat, with
/// the registration, by name: those a follow-up asks.
pub fn accepted_plans(
    conn: &mut DbConnection,
    event_id: &str,
) -> QueryResult<Vec<(ActionPlanRow, RegistrationRow)>> {
    action_plans::table
        .inner_join(registrations::table)
        .filter(action_plans::event_id.eq(event_id))
        .filter(action_plans::state.eq(State::Accepted.stored()))
        .filter(registrations::status.eq(Status::Confirmed.stored()))
        .order(registrations::full_name.asc())
        .select((ActionPlanRow::as_select(), RegistrationRow::as_select()))
        .load(conn)
}

/// The follow-up's reports.
pub fn reports_of(
    conn: &mut DbConnection,
    follow_up_id: &str,
) -> QueryResult<Vec<FollowUpReportRow>> {
    follow_up_reports::table
        .filter(follow_up_reports::follow_up_id.eq(follow_up_id))
        .select(FollowUpReportRow::as_select())
        .load(conn)
}

pub fn report_of(
    conn: &mut DbConnection,
    follow_up_id: &str,
    plan_id: &str,
) -> QueryResult<Option<FollowUpReportRow>> {
    follow_up_reports::table
        .filter(follow_up_reports::follow_up_id.eq(follow_up_id))
        .filter(follow_up_reports::plan_id.eq(plan_id))
        .select(FollowUpReportRow::as_select())
        .first(conn)
        .optional()
}

/// A report of the follow-up; another follow-up's is not found.
pub fn report_in(
    conn: &mut DbConnection,
    follow_up_id: &str,
    id: &str,
) -> QueryResult<Option<FollowUpReportRow>> {
    follow_up_reports::table
        .find(id)
        .filter(follow_up_reports::follow_up_id.eq(follow_up_id))
        .select(FollowUpReportRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_report(conn: &mut DbConnection, row: &FollowUpReportRow) -> QueryResult<()> {
    diesel::insert_into(follow_up_reports::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

pub fn update_report(conn: &mut DbConnection, row: &FollowUpReportRow) -> QueryResult<()> {
    diesel::update(follow_up_reports::table.find(&row.id))
        .set((
            follow_up_reports::content.eq(&row.content),
            follow_up_reports::updated_at.eq(row.updated_at),
            follow_up_reports::submitted_at.eq(row.submitted_at),
        ))
        .execute(conn)
        .map(drop)
}

/// A report's evidence files, in the order they came.
pub fn evidence_of(
    conn: &mut DbConnection,
    report_id: &str,
) -> QueryResult<Vec<FollowUpEvidenceRow>> {
    follow_up_evidence::table
        .filter(follow_up_evidence::report_id.eq(report_id))
        .order((
            follow_up_evidence::created_at.asc(),
            follow_up_evidence::id.asc(),
        ))
        .select(FollowUpEvidenceRow::as_select())
        .load(conn)
}

pub fn insert_evidence(conn: &mut DbConnection, row: &FollowUpEvidenceRow) -> QueryResult<()> {
    diesel::insert_into(follow_up_evidence::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

/// Removes a file of the report; another report's is left alone.
pub fn delete_evidence(conn: &mut DbConnection, report_id: &str, id: &str) -> QueryResult<()> {
    diesel::delete(
        follow_up_evidence::table
            .find(id)
            .filter(follow_up_evidence::report_id.eq(report_id)),
    )
    .execute(conn)
    .map(drop)
}

/// The follow-ups due by `now` of each accepted plan of a person: the
/// plan's registration, the follow-up and whether its report was sent;
/// the first first.
pub fn due_of_user(
    conn: &mut DbConnection,
    user_id: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<Vec<(String, FollowUpRow, bool)>> {
    let plans: Vec<(String, String, String)> = action_plans::table
        .inner_join(registrations::table)
        .filter(registrations::user_id.eq(user_id))
        .filter(registrations::status.eq(Status::Confirmed.stored()))
        .filter(action_plans::state.eq(State::Accepted.stored()))
        .select((
            action_plans::registration_id,
            action_plans::id,
            action_plans::event_id,
        ))
        .load(conn)?;
    let mut due = Vec::new();
    for (registration_id, plan_id, event_id) in plans {
        let sent: Vec<String> = follow_up_reports::table
            .filter(follow_up_reports::plan_id.eq(&plan_id))
            .filter(follow_up_reports::submitted_at.is_not_null())
            .select(follow_up_reports::follow_up_id)
            .load(conn)?;
        for follow_up in of_event(conn, &event_id)? {
            if follow_up.due_at <= now {
                let reported = sent.contains(&follow_up.id);
                due.push((registration_id.clone(), follow_up, reported));
            }
        }
    }
    Ok(due)
}
