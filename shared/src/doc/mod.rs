//! The Automerge document of a case, one per case, and who may write which part of it.
//!
//! Layout (every part has exactly one writer):
//! ```text
//! ROOT
//! ├─ report    map   written by the reporting device only (see `report_part`)
//! ├─ commands  map   device id → list of commands, each list written by that device only
//! └─ workflow  list  append-only workflow events, written by the server only
//! ```
//! Nothing is ever deleted: photos are marked `removed`, a withdrawal is a command answered by
//! a workflow event, and the status is derived from the events by a pure function.

pub mod authz;
pub mod chunks;
pub mod commands;
pub mod report_part;
mod values;
pub mod workflow;

use crate::ids::DeviceId;
use crate::report::Report;
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ROOT};
use thiserror::Error;

pub const REPORT: &str = "report";
pub const COMMANDS: &str = "commands";
pub const WORKFLOW: &str = "workflow";
/// Version of this layout, stored as `report.v`.
pub const SCHEMA_VERSION: i64 = 1;

/// The Automerge actor of a device: its id. Attribution never trusts this (the server attributes
/// changes by the authenticated connection); it only keeps each device's sequence numbers apart.
pub fn device_actor(device: DeviceId) -> ActorId {
    ActorId::from(device.as_bytes().as_slice())
}

/// A new case document for a report made on `device`: the report part and the empty
/// `commands` map, committed as one change by the device's actor.
pub fn new_report_doc(report: &Report) -> Result<AutoCommit, DocError> {
    let mut doc = AutoCommit::new().with_actor(device_actor(report.device));
    doc.put_object(ROOT, COMMANDS, ObjType::Map)?;
    report_part::write_report(&mut doc, report)?;
    doc.commit();
    Ok(doc)
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum DocError {
    #[error("文档缺少字段 {0}")]
    Missing(String),
    #[error("文档字段 {field} 类型错误,应为 {expected}")]
    WrongType {
        field: String,
        expected: &'static str,
    },
    #[error("文档字段 {field} 的值无效: {reason}")]
    BadValue { field: String, reason: String },
    #[error("文档版本 {0} 不受支持")]
    UnsupportedVersion(i64),
    #[error("automerge: {0}")]
    Automerge(String),
}

impl From<automerge::AutomergeError> for DocError {
    fn from(e: automerge::AutomergeError) -> Self {
        DocError::Automerge(e.to_string())
    }
}
