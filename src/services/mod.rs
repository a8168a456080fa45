//! Use-cases. Each runs in one transaction and returns domain values.

pub mod events;
