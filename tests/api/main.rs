//! The integration suite: the real server over HTTP, real databases.

mod helpers;

mod cli;
mod fixtures;
mod jobs;
mod ops;
mod pages;
mod security;
