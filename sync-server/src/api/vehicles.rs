//! The vehicle endpoints: an admin registers a GPS unit (`POST /api/v1/vehicles`, answered
//! with the key the unit must send); watchers list vehicles and alarms with their evidence;
//! units post positions over the OsmAnd protocol (`GET` or `POST /api/v1/osmand?id=…&key=…`).
//!
//! Unit authentication: the admin-registered `id` plus the `key` returned at registration,
//! both in the query string (OsmAnd clients let the server URL carry extra parameters). An
//! unknown id and a wrong key answer the same 401.

use super::blocking;
use super::extract::{JsonBody, QueryParams};
use super::key_gate::look_up_key;
use super::tracks::require_watcher;
use crate::auth::{AdminSession, Session};
use crate::clock;
use crate::error::ApiError;
use crate::guard::ClientAddr;
use crate::state::AppState;
use crate::tracks::osmand;
use crate::tracks::vehicles::{self, Registration};
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::{Json, Router};
use cgt_shared::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/vehicles", get(list).post(register))
        .route("/api/v1/vehicles/alarms", get(alarms))
        .route("/api/v1/osmand", get(position).post(position))
}

#[tracing::instrument(skip_all, fields(user = %session.username, vehicle = %registration.id))]
async fn register(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    JsonBody(registration): JsonBody<Registration>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if let Some(problem) = registration.problem() {
        return Err(ApiError::bad_request(problem));
    }
    let key = hex::encode(rand::random::<[u8; 16]>());
    let (id, unit_key) = (registration.id.clone(), key.clone());
    let stored = blocking(move || {
        Ok(state
            .storage()
            .write(move |c| vehicles::register(c, &registration, &unit_key, clock::now()))?)
    })
    .await?;
    if !stored {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("设备号 {id} 已登记 (vehicle id already registered)"),
        ));
    }
    Ok((StatusCode::CREATED, Json(json!({ "id": id, "key": key }))))
}

#[tracing::instrument(skip_all, fields(user = %session.username))]
async fn list(State(state): State<AppState>, session: Session) -> Result<Json<Value>, ApiError> {
    require_watcher(&session)?;
    let list = blocking(move || Ok(state.storage().read(vehicles::list)?)).await?;
    Ok(Json(json!({ "vehicles": list })))
}

/// The longest period one alarm query may cover: a month's report.
const MAX_ALARM_RANGE_MS: i64 = 31 * Timestamp::MS_PER_DAY;

#[derive(Debug, Deserialize)]
struct AlarmQuery {
    from: i64,
    to: i64,
    vehicle: Option<String>,
}

#[tracing::instrument(skip_all, fields(user = %session.username))]
async fn alarms(
    State(state): State<AppState>,
    session: Session,
    QueryParams(query): QueryParams<AlarmQuery>,
) -> Result<Json<Value>, ApiError> {
    require_watcher(&session)?;
    let span = query.to.checked_sub(query.from);
    if span.is_none_or(|ms| ms <= 0 || ms > MAX_ALARM_RANGE_MS) {
        return Err(ApiError::bad_request(
            "时间范围无效,最长 31 天 (from must precede to, at most 31 days)",
        ));
    }
    let found = blocking(move || {
        Ok(state.storage().read(|c| {
            vehicles::alarms(
                c,
                Timestamp(query.from),
                Timestamp(query.to),
                query.vehicle.as_deref(),
            )
        })?)
    })
    .await?;
    Ok(Json(json!({ "alarms": found })))
}

const UNKNOWN_VEHICLE: &str = "车载终端未登记或密钥错误 (unknown vehicle id or wrong key)";

/// The largest OsmAnd POST body: one position with its extras.
const OSMAND_BODY_BYTES: usize = 16 << 10;

/// `GET|POST /api/v1/osmand`: a position in any form [`osmand`] reads. Query parameters win
/// over those of the body (the unit's configured URL carries `id` and `key`).
#[tracing::instrument(skip_all, fields(vehicle))]
async fn position(
    State(state): State<AppState>,
    client: ClientAddr,
    QueryParams(mut params): QueryParams<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let body = axum::body::to_bytes(body, OSMAND_BODY_BYTES)
        .await
        .map_err(|_| ApiError::too_large(OSMAND_BODY_BYTES))?;
    if !body.is_empty() {
        let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let from_body = osmand::body_params(content_type, &body)
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        for (name, value) in from_body {
            params.entry(name).or_insert(value);
        }
    }
    let now = clock::now();
    let report = osmand::read(&params, now).map_err(|e| ApiError::bad_request(e.to_string()))?;
    tracing::Span::current().record("vehicle", report.id.as_str());
    let (id, key) = (report.id.clone(), report.key.clone());
    look_up_key(
        &state,
        client,
        move |storage| storage.read(|c| Ok(vehicles::key_matches(c, &id, &key)?.then_some(id))),
        |id| format!("vehicle:{id}"),
    )
    .await
    .map_err(|e| match e.status {
        StatusCode::UNAUTHORIZED => ApiError::unauthorized(UNKNOWN_VEHICLE),
        _ => e,
    })?;
    let known = blocking(move || {
        Ok(state
            .storage()
            .write(move |c| vehicles::ingest(c, &report, now))?)
    })
    .await?;
    if known {
        Ok(StatusCode::OK)
    } else {
        Err(ApiError::unauthorized(UNKNOWN_VEHICLE))
    }
}
