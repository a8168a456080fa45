//! Talking to the outside world. Only job runners call these.

pub mod mail;
pub mod storage;
pub mod zoom;
