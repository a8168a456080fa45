//! bimtek: online technical guidance events, end to end.

pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod email;
pub mod error;
pub mod export;
pub mod i18n;
pub mod integrations;
pub mod jobs;
pub mod pdf;
pub mod secret;
pub mod services;
pub mod telemetry;
pub mod web;
