//! Pure domain model of 城管通 (Chengguantong).
//!
//! Everything here is deterministic and free of I/O: the case report and its validation, the
//! codes of GB/T 30428.2 (categories, unit grids, component ids), roles and what they may sync,
//! the Automerge document schema of a case, the authorization of incoming changes, the sync
//! wire types and their binary encoding, sync planning, patrol tracks and the vehicle rules. The server and the client library
//! both build on this crate; it depends on no crate of ours.

pub mod caseflow;
pub mod category;
pub mod china_time;
pub mod codes;
pub mod doc;
pub mod evaluation;
pub mod gcj02;
pub mod geo;
pub mod geometry;
pub mod gpx;
pub mod grid_index;
pub mod ids;
pub mod plan;
pub mod report;
pub mod role;
pub mod text;
pub mod time;
pub mod track;
pub mod typescript;
pub mod vehicle;
pub mod wire;
pub mod xml;

pub use category::{CategoryTable, Kind};
pub use codes::{ComponentId, CountyCode, GridCode};
pub use geo::Position;
pub use ids::{DeviceId, DocId, UserId};
pub use report::{Report, ReportError};
pub use role::{Role, SyncRights};
pub use time::Timestamp;
