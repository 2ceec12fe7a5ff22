//! Authentication: password hashes, bearer tokens, device registration, session checks and
//! the axum extractors handlers use to get the caller.

pub mod account;
pub mod device_choice;
mod extract;
pub mod password;
pub mod session_check;
pub mod token;
pub mod user_rules;

pub use extract::{AdminSession, DeviceSession, Session};
