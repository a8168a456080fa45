//! maud views: functions from domain values to HTML.

pub mod errors;
pub mod events;
pub mod format;
pub mod layout;
