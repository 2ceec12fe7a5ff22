//! Instants as milliseconds since the Unix epoch (UTC).
//!
//! One integer is all the wire, the documents and SQLite need; clocks are injected by callers so
//! that this crate stays pure.

use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

/// Milliseconds since the Unix epoch (UTC).
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default, ToSchema,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const MS_PER_DAY: i64 = 86_400_000;

    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn plus_millis(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}
