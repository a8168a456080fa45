//! Attendance: evidence coming in from each source (Zoom's webhooks and
//! reports, the uploaded CSV, self check-in), the organisers' decisions,
//! and the results computed from both by `domain::attendance`.

pub mod checkin;
pub mod decisions;
pub mod evidence;
pub mod import;
pub mod reports;
pub mod results;
pub mod review;
pub mod webhooks;
