//! maud views: functions from domain values to HTML.

pub mod accounts;
pub mod action_plans;
pub mod admin;
pub mod attendance;
pub mod attendance_import;
pub mod by_region;
pub mod certificate_changes;
pub mod certificate_signing;
pub mod certificate_team;
pub mod certificates;
pub mod checkin;
pub mod errors;
pub mod events;
pub mod follow_up_reports;
pub mod follow_ups;
pub mod format;
pub mod forms;
pub mod layout;
pub mod materials;
pub mod plan_overview;
pub mod plan_reviews;
pub mod profiles;
pub mod public;
pub mod registration;
pub mod roster;
pub mod sessions;
