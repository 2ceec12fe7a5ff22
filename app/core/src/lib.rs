//! 城管通 (Chengguantong) client library: the inspector's reports in a local SQLite store,
//! usable with no signal, and the sync client that sends them to the server.
//!
//! Entry point: [`Client`]. Reports are written as Automerge case documents
//! (`cgt_shared::doc`); a report created or edited is durable before the call returns, and
//! nothing counts as sent until the server has acknowledged storing it. The library knows
//! nothing of Tauri: a thin shell wraps it, and tests drive it directly.

mod auth;
mod client;
mod clock;
mod error;
mod form;
mod http;
mod model;
mod pending;
mod photos;
pub mod position;
mod reference;
mod reports;
mod store;
mod sync;
mod tasks;
#[cfg(test)]
mod testing;
mod track;
mod view;

pub use auth::LOGIN_PATH;
pub use client::Client;
pub use clock::{Clock, SystemClock};
pub use error::ClientError;
pub use form::{CategoryChoice, ReportDraft};
pub use model::{LastSync, NewReport, PendingItem, ReportView, Session, SyncReport, SyncState};
pub use photos::{PendingPhoto, PhotoState, SyncProgress};
pub use reference::{ComponentView, ReferenceState, ReferenceUpdate, UnitGridView, WorkGridView};
pub use sync::Backoff;
pub use tasks::{TaskKind, TaskView};
pub use track::{PatrolSummary, Recorded, RecordingReport, Shift, TrackSettings};
