//! Guards against floods: growing delays after wrong logins (per account and per address),
//! a bounded pool for password hashing, and rate limits for the endpoints that authenticate
//! with a key instead of a session. The wrong-password records live in the store too
//! ([`shared`]), so every server instance counts the same failures; the rest lives in this
//! process, bounded in size, and each instance limits what reaches it.
//!
//! Split: [`backoff`] is the pure policy of growing delays, [`bucket`] the pure token bucket,
//! [`keyed`] a bounded map of either by key, [`login`] and [`keys`] put them together for the
//! handlers, [`client`] finds the caller's address.

pub mod backoff;
pub mod bucket;
pub mod client;
pub mod keyed;
pub mod keys;
pub mod login;
pub mod shared;

pub use client::ClientAddr;
pub use keys::KeyGuard;
pub use login::LoginGuard;
