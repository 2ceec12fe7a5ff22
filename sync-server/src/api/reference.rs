//! `GET /api/v1/reference?since=<version>`: the reference data a field device keeps offline
//! (category table, departments, its work grids with their unit grids and components), or what
//! changed of it after the version it holds. Answered as gzip-compressed JSON.

use super::blocking;
use super::extract::QueryParams;
use crate::auth::DeviceSession;
use crate::error::ApiError;
use crate::reference::ReferenceAnswer;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::routing::{MethodRouter, get};
use serde::Deserialize;
use tower_http::compression::CompressionLayer;

pub const PATH: &str = "/api/v1/reference";

#[derive(Clone, Debug, Deserialize)]
pub struct ReferenceQuery {
    /// The reference version the device holds; 0 (or absent) for none.
    #[serde(default)]
    pub since: u64,
}

/// The route, compressed: a work grid's components are mostly repeated keys and digits.
pub fn route() -> MethodRouter<AppState> {
    get(reference).layer(CompressionLayer::new())
}

#[tracing::instrument(skip_all, fields(user = %device.session.username, since = query.since))]
async fn reference(
    State(state): State<AppState>,
    device: DeviceSession,
    QueryParams(query): QueryParams<ReferenceQuery>,
) -> Result<Json<ReferenceAnswer>, ApiError> {
    let storage = state.storage().clone();
    let user = device.session.user;
    let answer = blocking(move || Ok(storage.reference_answer(user, query.since)?)).await?;
    tracing::debug!(
        version = answer.version,
        full = answer.full,
        rows = answer.rows(),
        "reference answer"
    );
    Ok(Json(answer))
}
