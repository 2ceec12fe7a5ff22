//! Administration (系统管理员 only): counts, devices, revoking one, and refused pushes.

use super::blocking;
use super::extract::{PathParam, QueryParams};
use crate::auth::Session;
use crate::clock;
use crate::error::ApiError;
use crate::state::AppState;
use crate::storage::{DeviceRecord, RefusalRecord, Stats};
use axum::Json;
use axum::extract::State;
use cgt_shared::{DeviceId, Role};
use serde::Deserialize;

const DEFAULT_REFUSALS: u32 = 100;
const MAX_REFUSALS: u32 = 1000;

/// How many documents, users, devices and refusals the server holds.
pub async fn stats(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Stats>, ApiError> {
    session.require(Role::Admin)?;
    let storage = state.storage().clone();
    blocking(move || Ok(Json(storage.stats()?))).await
}

pub async fn devices(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<DeviceRecord>>, ApiError> {
    session.require(Role::Admin)?;
    let storage = state.storage().clone();
    blocking(move || Ok(Json(storage.devices()?))).await
}

#[tracing::instrument(skip(state, session), fields(admin = %session.username))]
pub async fn revoke_device(
    State(state): State<AppState>,
    session: Session,
    PathParam(id): PathParam<DeviceId>,
) -> Result<Json<DeviceRecord>, ApiError> {
    session.require(Role::Admin)?;
    let storage = state.storage().clone();
    let device = blocking(move || Ok(storage.revoke_device(id, clock::now())?))
        .await?
        .ok_or_else(|| ApiError::not_found("设备不存在 (no such device)"))?;
    tracing::info!(device = %id, "device revoked");
    Ok(Json(device))
}

#[derive(Clone, Debug, Deserialize)]
pub struct RefusalQuery {
    pub limit: Option<u32>,
}

pub async fn refusals(
    State(state): State<AppState>,
    session: Session,
    QueryParams(query): QueryParams<RefusalQuery>,
) -> Result<Json<Vec<RefusalRecord>>, ApiError> {
    session.require(Role::Admin)?;
    let limit = query.limit.unwrap_or(DEFAULT_REFUSALS);
    if !(1..=MAX_REFUSALS).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit 必须在 1…{MAX_REFUSALS} 之间 (limit out of range)"
        )));
    }
    let storage = state.storage().clone();
    blocking(move || Ok(Json(storage.refusals(limit)?))).await
}
