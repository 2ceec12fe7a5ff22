//! Console additions to the case loop: a photo a console user attaches to a step of a case
//! (`POST /api/v1/cases/{id}/photos`, the JPEG as the body; the answer names it for the
//! action's `photos`), and the department list a dispatcher picks from.

use super::blocking;
use super::cases::require_readable;
use super::extract::PathParam;
use super::photos::PhotoFailure;
use crate::auth::Session;
use crate::clock;
use crate::error::ApiError;
use crate::photos::Uploader;
use crate::state::AppState;
use crate::storage::Department;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use cgt_shared::DocId;
use serde_json::{Value, json};

/// `POST /api/v1/cases/{id}/photos`: stores the photo under the caller's intake device, for a
/// caller who may read the case; photos a device takes arrive by sync instead.
#[tracing::instrument(skip_all, fields(user = %session.username, case = %id, bytes = body.len()))]
pub async fn attach(
    State(state): State<AppState>,
    session: Session,
    PathParam(id): PathParam<DocId>,
    body: Bytes,
) -> Result<Json<Value>, PhotoFailure> {
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
    Ok(Json(json!({ "sha256": hash.as_str() })))
}

/// `GET /api/v1/departments` (any signed-in user).
pub async fn departments(
    State(state): State<AppState>,
    _session: Session,
) -> Result<Json<Vec<Department>>, ApiError> {
    blocking(move || Ok(Json(state.storage().departments()?))).await
}
