//! The integration suite: the real server over HTTP, real databases.

mod support;

mod accounts;
mod action_plans;
mod attendance;
mod attendance_import;
mod authorisation;
mod certificate_batch;
mod certificate_changes;
mod certificate_issuing;
mod certificate_signing;
mod certificates;
mod checkin;
mod cli;
mod event_page;
mod events;
mod follow_ups;
mod invitations;
mod jobs;
mod mail;
mod materials;
mod ops;
mod pages;
mod plan_overview;
mod plan_reviews;
mod regions;
mod registrations;
mod security;
mod sessions;
mod storage;
mod uploads;
mod usability;
mod webhooks;
mod zoom;
mod zoom_reports;
mod zoom_sync;
