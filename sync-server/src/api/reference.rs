//! `GET /api/v1/reference?since=<version>`: the reference data a field device keeps offline
//! (category table, departments, its work grids with their unit grids and components), or what
//! changed of it after the version it holds. Answered as gzip-compressed JSON. The device's
//! `cgt-pending` header, if any, is recorded as its latest report of what it holds to send.

use super::blocking;
use super::extract::{QueryParams, pending_counts};
use super::openapi::LoggedIn;
use crate::auth::DeviceSession;
use crate::clock;
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use cgt_shared::wire::reference::{PATH, ReferenceAnswer};
use serde::Deserialize;
use tower_http::compression::CompressionLayer;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferenceQuery {
    /// The reference version the device holds; 0 (or absent) for none.
    #[serde(default)]
    pub since: u64,
}

/// The route, compressed: a work grid's components are mostly repeated keys and digits.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(reference))
        .layer(CompressionLayer::new())
}

/// The reference data this field device keeps offline, or what changed after `since`.
#[utoipa::path(get, path = PATH, tag = "sync", params(ReferenceQuery,
        ("cgt-pending" = Option<String>, Header, description = "what the device holds to send")),
    responses((status = 200, body = ReferenceAnswer),
        (status = 403, description = "不是现场设备 (not a field device)", body = ErrorBody),
        LoggedIn))]
#[tracing::instrument(skip_all, fields(user = %device.session.username, since = query.since))]
async fn reference(
    State(state): State<AppState>,
    device: DeviceSession,
    QueryParams(query): QueryParams<ReferenceQuery>,
    headers: HeaderMap,
) -> Result<Json<ReferenceAnswer>, ApiError> {
    // A device updates its reference data at the end of every sync: what it still holds to
    // send then is what the sync left.
    let pending = pending_counts(&headers)?;
    let storage = state.store();
    let (user, id) = (device.session.user, device.device);
    let answer = blocking(move || {
        if let Some(counts) = pending {
            storage.record_pending(id, counts, clock::now())?;
        }
        Ok(storage.reference_answer(user, query.since)?)
    })
    .await?;
    tracing::debug!(
        version = answer.version,
        full = answer.full,
        rows = answer.rows(),
        "reference answer"
    );
    Ok(Json(answer))
}
