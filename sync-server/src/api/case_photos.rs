//! Console additions to the case loop: a photo a console user attaches to a step of a case
//! (`POST /api/v1/cases/{id}/photos`, the JPEG as the body; the answer names it for the
//! action's `photos`), and the department list a dispatcher picks from.

use super::blocking;
use super::cases::require_readable;
use super::extract::PathParam;
use super::openapi::{Binary, LoggedIn, NotFound};
use super::photos::PhotoFailure;
use crate::auth::Session;
use crate::clock;
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::photos::PhotoHash;
use crate::photos::Uploader;
use crate::state::AppState;
use crate::storage::Department;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use cgt_shared::DocId;
use serde::Serialize;
use utoipa::ToSchema;

/// A stored photo's name, for the `photos` of an action.
#[derive(Serialize, ToSchema)]
pub struct PhotoName {
    pub sha256: PhotoHash,
}

/// Stores a JPEG under the caller's intake device, for a caller who may read the case; photos
/// a device takes arrive by sync instead.
#[utoipa::path(post, path = "/api/v1/cases/{id}/photos", tag = "cases",
    params(("id" = DocId, Path, description = "案件 id")),
    request_body(content = Binary, content_type = "image/jpeg"),
    responses((status = 200, body = PhotoName),
        (status = 415, description = "不是 JPEG (not a JPEG)", body = ErrorBody),
        (status = 422, description = "照片无效 (not decodable, or dimensions over the limit)", body = ErrorBody),
        LoggedIn, NotFound))]
#[tracing::instrument(skip_all, fields(user = %session.username, case = %id, bytes = body.len()))]
pub async fn attach(
    State(state): State<AppState>,
    session: Session,
    PathParam(id): PathParam<DocId>,
    body: Bytes,
) -> Result<Json<PhotoName>, PhotoFailure> {
    let now = clock::now();
    let hash = blocking(move || {
        let storage = state.storage();
        require_readable(storage, &session, id)?;
        let who = Uploader {
            user: session.user,
            device: storage.intake_device(session.user, now)?,
        };
        Ok(state.photos().put(storage, &body, who))
    })
    .await??;
    Ok(Json(PhotoName { sha256: hash }))
}

/// The departments a dispatcher picks from (any signed-in user).
#[utoipa::path(get, path = "/api/v1/departments", tag = "cases",
    responses((status = 200, body = Vec<Department>), LoggedIn))]
pub async fn departments(
    State(state): State<AppState>,
    _session: Session,
) -> Result<Json<Vec<Department>>, ApiError> {
    blocking(move || Ok(Json(state.storage().departments()?))).await
}
