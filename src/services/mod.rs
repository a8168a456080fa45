//! Use-cases. Each runs in one transaction and returns domain values.
//!
//! The web layer reaches the database only through here: it holds the
//! handle ([`Db`]) to give to services, and reads the rows some services
//! return as they are stored (re-exported below), but runs no query.

pub use crate::db::Db;
pub use crate::db::models::{
    AttendeeRow, AuditRow, CertificateRow, OutboxRow, RegistrationRow, UserRow,
};

pub mod accounts;
pub mod action_plans;
pub mod attendance;
pub mod calendar_feeds;
pub mod certificate_signing;
pub mod certificates;
pub mod events;
pub mod follow_up_overview;
pub mod follow_up_reports;
pub mod follow_ups;
pub mod invitations;
pub mod mail;
pub mod material_digests;
pub mod materials;
pub mod ops;
pub mod passwords;
pub mod plan_overview;
pub mod plan_reviews;
pub mod profiles;
pub mod questions;
pub mod regions;
pub mod registrations;
pub mod roster;
pub mod session_mail;
pub mod sessions;
pub mod zoom_sync;
