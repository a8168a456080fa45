//! The integration suite: the real server over HTTP, real databases.

mod helpers;
mod smtp;
mod zoom_server;

mod accounts;
mod authorisation;
mod cli;
mod events;
mod fixtures;
mod invitations;
mod jobs;
mod mail;
mod ops;
mod pages;
mod regions;
mod registrations;
mod security;
mod sessions;
mod zoom;
mod zoom_sync;
