//! Pure rules of the domain: no IO, no actix, no diesel.

pub mod account;
pub mod action_plan;
pub mod attendance;
pub mod certificate;
pub mod event;
pub mod job;
pub mod material;
pub mod outbox;
pub mod photo;
pub mod question;
pub mod region;
pub mod registrant;
pub mod registration;
pub mod session;
pub mod speaker;
pub mod text;
pub mod throttle;
pub mod time;
pub mod timing;
