//! Rows as stored. Repositories turn them into domain values.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{events, jobs};
use crate::domain::job::JobStatus;
use crate::domain::outbox::OutboxStatus;
use crate::domain::registration::Status;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub organiser_office: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: String,
    pub published: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub seat_quota: Option<i32>,
    pub moderated: bool,
    pub registration_opens_at: Option<NaiveDateTime>,
    pub registration_closes_at: Option<NaiveDateTime>,
    pub contact: String,
    pub reminder_minutes: String,
    pub join_links_before_minutes: i32,
    pub late_after_minutes: i32,
    pub left_early_minutes: i32,
    pub session_percent: i32,
    pub event_percent: i32,
    pub plan_due_at: Option<NaiveDateTime>,
    pub plan_late_accepted: bool,
}

/// A job as the worker that claimed it reads it: running, so without its
/// status.
#[derive(Queryable, QueryableByName, Selectable, Debug, Clone)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub dedup_key: Option<String>,
    pub run_at: NaiveDateTime,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub locked_by: Option<String>,
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    /// The first failure of the run of failures the job is in, if any.
    pub failing_since: Option<NaiveDateTime>,
}

#[derive(Insertable, Debug)]
#[diesel(table_name = jobs)]
pub struct NewJobRow<'a> {
    pub id: String,
    pub kind: &'a str,
    pub payload: &'a str,
    pub dedup_key: Option<&'a str>,
    #[diesel(serialize_as = String)]
    pub status: JobStatus,
    pub run_at: NaiveDateTime,
    pub attempts: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub is_admin: bool,
    pub is_organiser: bool,
    pub lang: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub session_generation: i32,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::outbox)]
pub struct OutboxRow {
    pub id: String,
    pub event_id: Option<String>,
    pub template: String,
    pub recipient: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub body_text: String,
    pub attachments: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: OutboxStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::audit_log)]
pub struct AuditRow {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub actor_email: Option<String>,
    pub action: String,
    pub event_id: Option<String>,
    pub subject: Option<String>,
    pub address: Option<String>,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::registrations)]
pub struct RegistrationRow {
    pub id: String,
    pub event_id: String,
    pub user_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: Status,
    pub full_name: String,
    pub email: String,
    pub whatsapp: String,
    pub nip: Option<String>,
    pub institution: String,
    pub position: String,
    pub province_code: String,
    pub regency_code: String,
    pub library_type: String,
    pub gender: String,
    pub disability: Option<String>,
    pub consent_at: NaiveDateTime,
    pub address_confirmed_at: Option<NaiveDateTime>,
    pub queued_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub confirmation_hash: Option<String>,
    pub added_by: Option<String>,
    pub search_text: String,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
#[diesel(table_name = super::schema::event_questions)]
pub struct QuestionRow {
    pub id: String,
    pub event_id: String,
    pub position: i32,
    pub kind: String,
    pub label: String,
    pub choices: String,
    pub required: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::registration_answers)]
pub struct AnswerRow {
    pub registration_id: String,
    pub question_id: String,
    pub answer: String,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::imports)]
pub struct ImportRow {
    pub id: String,
    pub event_id: String,
    pub created_by: String,
    pub filename: String,
    pub rows: String,
    pub created_at: NaiveDateTime,
    pub imported_at: Option<NaiveDateTime>,
    /// The session a Zoom participant report is for; `None`: a
    /// participant list, for the whole event.
    pub session_id: Option<String>,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::sessions)]
pub struct SessionRow {
    pub id: String,
    pub event_id: String,
    pub title: String,
    pub description: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub jp_override: Option<i32>,
    pub mandatory: bool,
    pub delivery: String,
    pub join_link: Option<String>,
    pub location: Option<String>,
    pub zoom_host: Option<String>,
    pub speakers_are_alternative_hosts: bool,
    pub zoom_meeting_id: Option<i64>,
    pub zoom_join_url: Option<String>,
    pub zoom_start_url: Option<String>,
    pub zoom_status: String,
    pub zoom_error: Option<String>,
    pub sequence: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A participant's registration for one Zoom session's meeting.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::session_registrants)]
pub struct SessionRegistrantRow {
    pub session_id: String,
    pub registration_id: String,
    pub status: String,
    pub zoom_registrant_id: Option<String>,
    pub join_url: Option<String>,
    pub error: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A Zoom webhook delivery as received, before and after its job read it.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::zoom_webhooks)]
pub struct ZoomWebhookRow {
    pub id: String,
    pub dedup_key: String,
    pub event: String,
    pub event_ts: i64,
    pub body: String,
    pub received_at: NaiveDateTime,
    pub processed_at: Option<NaiveDateTime>,
}

/// A row of attendance evidence: one join, one total, or one check-in.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::attendance_rows)]
pub struct AttendanceRow {
    pub id: String,
    pub session_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub source: crate::domain::attendance::Source,
    pub dedup_key: String,
    pub meeting_uuid: Option<String>,
    pub import_id: Option<String>,
    pub identity: String,
    pub display_name: String,
    pub email: Option<String>,
    pub registrant_id: Option<String>,
    pub joined_at: Option<NaiveDateTime>,
    pub left_at: Option<NaiveDateTime>,
    pub minutes: Option<i32>,
    pub registration_id: Option<String>,
    /// A [`crate::domain::attendance::Match`] as stored; the repository reads it.
    pub matched_by: Option<String>,
    pub created_at: NaiveDateTime,
}

/// What a result needs of a row of evidence: whose it is, where it came
/// from and the times or total it holds.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = super::schema::attendance_rows)]
pub struct EvidenceRow {
    pub session_id: String,
    pub registration_id: Option<String>,
    #[diesel(deserialize_as = String)]
    pub source: crate::domain::attendance::Source,
    pub meeting_uuid: Option<String>,
    pub joined_at: Option<NaiveDateTime>,
    pub left_at: Option<NaiveDateTime>,
    pub minutes: Option<i32>,
    pub matched_by: Option<String>,
}

/// A confirmed participant as attendance pages and lists name them.
#[derive(Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = super::schema::registrations)]
pub struct AttendeeRow {
    pub id: String,
    pub user_id: String,
    pub full_name: String,
    pub email: String,
    pub institution: String,
    pub province_code: String,
    pub regency_code: String,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::action_plans)]
pub struct ActionPlanRow {
    pub id: String,
    pub registration_id: String,
    pub event_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: crate::domain::action_plan::State,
    pub content: String,
    pub attachment_key: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment_kind: Option<String>,
    pub version: i32,
    pub late: bool,
    pub reviewer_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
}

/// A submitted version of a plan, never changed once written.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::action_plan_versions)]
pub struct ActionPlanVersionRow {
    pub plan_id: String,
    pub version: i32,
    pub content: String,
    pub attachment_key: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment_kind: Option<String>,
    pub late: bool,
    pub submitted_by: String,
    pub submitted_at: NaiveDateTime,
}

/// A follow-up date of an event's action plans.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::plan_follow_ups)]
pub struct FollowUpRow {
    pub id: String,
    pub event_id: String,
    pub due_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// A participant's report for one follow-up.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::follow_up_reports)]
pub struct FollowUpReportRow {
    pub id: String,
    pub follow_up_id: String,
    pub plan_id: String,
    pub content: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
}

/// An evidence file of a follow-up report.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::follow_up_evidence)]
pub struct FollowUpEvidenceRow {
    pub id: String,
    pub report_id: String,
    pub file_key: String,
    pub name: String,
    pub kind: String,
    pub created_at: NaiveDateTime,
}

/// A reviewer's decision on one version of a plan.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::action_plan_reviews)]
pub struct ActionPlanReviewRow {
    pub plan_id: String,
    pub version: i32,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub decision: crate::domain::action_plan::review::Decision,
    /// domain::action_plan::review::Comments as JSON.
    pub comments: String,
    pub reviewer_id: String,
    pub created_at: NaiveDateTime,
}

/// A certificate type of an event, with its counter.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::certificate_types)]
pub struct CertificateTypeRow {
    pub event_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: crate::domain::certificate::Kind,
    pub enabled: bool,
    pub number_pattern: String,
    /// The number the next certificate of the type takes.
    pub next_number: i32,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub requirement: crate::domain::certificate::eligibility::Requirement,
    pub updated_at: NaiveDateTime,
}

/// What an event's certificates print besides their holder.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::certificate_settings)]
pub struct CertificateSettingsRow {
    pub event_id: String,
    pub event_code: String,
    pub signing_place: String,
    /// YYYY-MM-DD; `None`: the event's last day.
    pub signing_date: Option<String>,
    /// JSON: `Vec<domain::certificate::Signatory>`.
    pub signatories: String,
    pub logo_key: Option<String>,
    pub background_key: Option<String>,
    pub updated_at: NaiveDateTime,
}

/// A certificate issued.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::certificates)]
pub struct CertificateRow {
    pub id: String,
    pub event_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: crate::domain::certificate::Kind,
    pub registration_id: Option<String>,
    pub account_id: Option<String>,
    pub holder_name: String,
    pub holder_detail: Option<String>,
    pub jp: i32,
    pub sequence: i32,
    pub number: String,
    pub code: String,
    pub issued_at: NaiveDateTime,
    pub issued_by: Option<String>,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoke_reason: Option<String>,
    pub replaced_by: Option<String>,
    pub unsigned_key: Option<String>,
    pub unsigned_sha256: Option<String>,
    pub unsigned_len: Option<i64>,
    pub signed_key: Option<String>,
    pub signed_at: Option<NaiveDateTime>,
    pub signer: Option<String>,
    pub mail_id: Option<String>,
    pub render_error: Option<String>,
}

/// A material of a session: a file (its versions apart) or a link.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::materials)]
pub struct MaterialRow {
    pub id: String,
    pub event_id: String,
    pub session_id: String,
    pub title: String,
    pub visibility: String,
    pub availability: String,
    pub link: Option<String>,
    pub hidden: bool,
    pub downloads: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One uploaded file of a material; the highest version is the current.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = super::schema::material_versions)]
pub struct MaterialVersionRow {
    pub material_id: String,
    pub version: i32,
    pub file_key: String,
    pub name: String,
    pub kind: String,
    pub size: i64,
    pub uploaded_by: String,
    pub created_at: NaiveDateTime,
}

/// A speaker's profile beside their account; the name is the account's.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = super::schema::speaker_profiles)]
#[diesel(treat_none_as_null = true)]
pub struct SpeakerProfileRow {
    pub user_id: String,
    pub institution: String,
    pub position: String,
    pub bio: String,
    pub photo_key: Option<String>,
    pub photo_width: Option<i32>,
    pub photo_height: Option<i32>,
    pub time_zone: Option<String>,
    pub updated_by: String,
    pub updated_at: NaiveDateTime,
}
