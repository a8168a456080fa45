//! Thin handlers: extract, call one service, render.

pub mod ops;
pub mod public;
