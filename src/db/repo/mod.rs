//! Queries, one module per aggregate. Every function takes a connection so
//! that a service can combine several in one transaction.

pub mod action_plans;
pub mod attendance;
pub mod audit;
pub mod calendar_feeds;
pub mod certificates;
pub mod checkin_windows;
pub mod events;
pub mod failures;
pub mod follow_ups;
pub mod imports;
pub mod jobs;
pub mod materials;
pub mod outbox;
pub mod regions;
pub mod registrations;
pub mod secrets;
pub mod session_registrants;
pub mod sessions;
pub mod signed_certificates;
pub mod speaker_profiles;
pub mod tokens;
pub mod users;
pub mod zoom_webhooks;

use diesel::result::{DatabaseErrorKind, Error};

pub fn is_unique_violation(error: &Error) -> bool {
    matches!(
        error,
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}
