//! The sync protocol between devices and the server: message types and their binary encoding.
//!
//! Protocol version 1, over HTTP POST with `Authorization: Bearer <token>`:
//!
//! | endpoint                  | request body                     | response body    |
//! |---------------------------|----------------------------------|------------------|
//! | `/api/v1/sync/push?since=N` | frames of [`PushFrame`]        | [`PushResponse`] |
//! | `/api/v1/sync/pull`       | [`PullRequest`]                  | [`PullResponse`] |
//! | `/api/v1/sync/status`     | [`StatusRequest`]                | [`StatusResponse`] |
//!
//! A sync is one push (every document with unacknowledged changes, plus the device's feed cursor)
//! and, only if the feed lists documents the device lacks, one pull: two round trips however many
//! documents there are. A push whose connection dropped is resumed with one status request, which
//! tells which documents were stored before the drop. The server stores each push frame
//! durably before it acknowledges anything, and every request is idempotent.
//!
//! A push may carry the [`PENDING_HEADER`] header with what the device still holds to send
//! ([`PendingCounts`]); it is optional, so devices and servers without it interoperate.

mod codec;
mod pending;
pub mod photo;
pub mod reference;

pub use codec::{
    FrameReader, Limits, Message, MessageKind, WireError, decode, encode, encode_frames,
};
pub use pending::{PENDING_HEADER, PendingCounts, PendingError};

use crate::ids::DocId;
use crate::time::Timestamp;
use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

pub const PROTOCOL_VERSION: u8 = 1;
pub const PUSH_PATH: &str = "/api/v1/sync/push";
pub const PULL_PATH: &str = "/api/v1/sync/pull";
pub const STATUS_PATH: &str = "/api/v1/sync/status";
pub const CONTENT_TYPE: &str = "application/x-cgt-sync";

/// A change hash on the wire.
pub type Head = [u8; 32];

pub fn to_wire(heads: &[ChangeHash]) -> Vec<Head> {
    let mut out: Vec<Head> = heads.iter().map(|h| h.0).collect();
    out.sort_unstable();
    out
}

pub fn from_wire(heads: &[Head]) -> Vec<ChangeHash> {
    heads.iter().map(|h| ChangeHash(*h)).collect()
}

/// One frame of a push: documents whose changes the server should store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushFrame {
    pub docs: Vec<DocPush>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocPush {
    pub id: DocId,
    /// Heads the device knows the server has; `changes` holds everything after them.
    pub base: Vec<Head>,
    /// The device's heads. Empty when `base` is empty: then `changes` is the whole document and
    /// its heads are the device's heads.
    pub heads: Vec<Head>,
    /// Automerge changes (concatenated change chunks or a saved document).
    pub changes: Vec<u8>,
}

/// The server's answer to a push: one outcome per pushed document, in order, and the feed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub server_time: Timestamp,
    pub outcomes: Vec<DocOutcome>,
    /// Documents the device may read that changed since its cursor and that it lacks.
    pub feed: Vec<FeedEntry>,
    /// The cursor to send next time, once everything in `feed` has been pulled and stored.
    pub cursor: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocOutcome {
    /// Every change the device sent is durably stored.
    Stored,
    /// The server lacks changes the push built on; send the whole document again (empty base).
    MissingDeps,
    /// Nothing of this document was stored; `status` is HTTP-like (403 rights, 422 invalid).
    Refused { status: u16, reason: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedEntry {
    pub id: DocId,
    pub heads: Vec<Head>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    pub wants: Vec<Want>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Want {
    pub id: DocId,
    /// The device's heads for this document; empty if it has none.
    pub have: Vec<Head>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    /// One entry per wanted document the device may read; others are left out.
    pub docs: Vec<DocUpdate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocUpdate {
    pub id: DocId,
    /// The changes the device lacks (a saved document when it had nothing).
    pub changes: Vec<u8>,
    /// The server's heads after these changes.
    pub heads: Vec<Head>,
    /// When the server first stored the document.
    pub received_at: Timestamp,
}

/// "Which of these do you already have?" — asked after a push whose answer never arrived.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRequest {
    pub docs: Vec<FeedEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusResponse {
    /// Per asked document: whether the server has every one of those heads.
    pub stored: Vec<bool>,
}

impl Message for PushFrame {
    const KIND: MessageKind = MessageKind::PushFrame;
}
impl Message for PushResponse {
    const KIND: MessageKind = MessageKind::PushResponse;
}
impl Message for PullRequest {
    const KIND: MessageKind = MessageKind::PullRequest;
}
impl Message for PullResponse {
    const KIND: MessageKind = MessageKind::PullResponse;
}
impl Message for StatusRequest {
    const KIND: MessageKind = MessageKind::StatusRequest;
}
impl Message for StatusResponse {
    const KIND: MessageKind = MessageKind::StatusResponse;
}
