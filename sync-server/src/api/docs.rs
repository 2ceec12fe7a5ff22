//! One case document as JSON, for admins and for users who may read it.

use super::blocking;
use super::extract::PathParam;
use super::openapi::{LoggedIn, NotFound};
use crate::auth::Session;
use crate::error::ApiError;
use crate::photos::{PhotoArrival, arrivals};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use cgt_shared::caseflow::event::{CaseStatus, WorkflowEvent, derive_status};
use cgt_shared::doc::report_part::read_report;
use cgt_shared::doc::workflow::read_events;
use cgt_shared::{DeviceId, DocId, Report, Role, Timestamp, UserId};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DocView {
    pub id: DocId,
    pub owner_user: UserId,
    pub owner_device: DeviceId,
    pub received_at: Timestamp,
    pub seq: u64,
    /// Hex change hashes, sorted.
    pub heads: Vec<String>,
    /// The report part, or `null` if it cannot be read.
    pub report: Option<Report>,
    /// The report's photos and whether each has reached the server.
    pub photos: Vec<PhotoArrival>,
    pub events: Vec<WorkflowEvent>,
    pub status: CaseStatus,
}

/// A case document as JSON: the admin reads any, others those granted to them.
#[utoipa::path(get, path = "/api/v1/docs/{id}", tag = "admin",
    params(("id" = DocId, Path, description = "文档 id")),
    responses((status = 200, body = DocView), LoggedIn, NotFound))]
pub async fn view(
    State(state): State<AppState>,
    session: Session,
    PathParam(id): PathParam<DocId>,
) -> Result<Json<DocView>, ApiError> {
    let storage = state.store();
    let admin = session.has(Role::Admin);
    blocking(move || {
        let row = storage
            .doc(id, session.user)?
            .filter(|row| admin || row.doc.readable)
            .ok_or_else(|| ApiError::not_found("文档不存在 (no such document)"))?;
        let doc = automerge::AutoCommit::load(&row.doc.bytes)
            .map_err(|e| ApiError::internal(format!("stored document {id} does not load: {e}")))?;
        let report = read_report(&doc, id).ok();
        let events = read_events(&doc).unwrap_or_default();
        let photos = arrivals(storage.as_ref(), report.as_ref().map_or(&[], |r| &r.photos))?;
        Ok(Json(DocView {
            id,
            owner_user: row.doc.owner.user,
            owner_device: row.doc.owner.device,
            received_at: row.doc.received_at,
            seq: row.seq,
            heads: row.doc.heads.iter().map(hex::encode).collect(),
            report,
            photos,
            status: derive_status(&events),
            events,
        }))
    })
    .await
}
