//! Use-cases. Each runs in one transaction and returns domain values.

pub mod accounts;
pub mod calendar_feeds;
pub mod events;
pub mod invitations;
pub mod mail;
pub mod passwords;
pub mod questions;
pub mod regions;
pub mod registrations;
pub mod roster;
pub mod session_mail;
pub mod sessions;
pub mod zoom_sync;
