//! Use-cases. Each runs in one transaction and returns domain values.

pub mod accounts;
pub mod events;
pub mod mail;
pub mod passwords;
pub mod regions;
pub mod registrations;
