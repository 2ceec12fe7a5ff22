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
use super::openapi::{Anyone, Forbidden, JsonInput, LoggedIn, RateLimited};
use super::tracks::require_watcher;
use crate::auth::{AdminSession, Session};
use crate::clock;
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::guard::ClientAddr;
use crate::state::AppState;
use crate::tracks::osmand;
use crate::tracks::vehicles::{AlarmView, Registration, VehicleView};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use cgt_shared::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, register))
        .routes(routes!(alarms))
        .routes(routes!(position))
}

/// A registered unit: the key it must send, shown once.
#[derive(Serialize, ToSchema)]
pub struct UnitKey {
    pub id: String,
    pub key: String,
}

#[derive(Serialize, ToSchema)]
pub struct Vehicles {
    pub vehicles: Vec<VehicleView>,
}

#[derive(Serialize, ToSchema)]
pub struct Alarms {
    pub alarms: Vec<AlarmView>,
}

/// Registers a vehicle's GPS unit (admin): the answer carries the key the unit must send.
#[utoipa::path(post, path = "/api/v1/vehicles", tag = "vehicles", request_body = Registration,
    responses((status = 201, body = UnitKey),
        (status = 409, description = "设备号已登记 (vehicle id already registered)", body = ErrorBody),
        LoggedIn, Forbidden, JsonInput))]
#[tracing::instrument(skip_all, fields(user = %session.username, vehicle = %registration.id))]
async fn register(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    JsonBody(registration): JsonBody<Registration>,
) -> Result<(StatusCode, Json<UnitKey>), ApiError> {
    if let Some(problem) = registration.problem() {
        return Err(ApiError::bad_request(problem));
    }
    let key = hex::encode(rand::random::<[u8; 16]>());
    let (id, unit_key) = (registration.id.clone(), key.clone());
    let stored = blocking(move || {
        Ok(state
            .storage()
            .register_vehicle(registration, unit_key, clock::now())?)
    })
    .await?;
    if !stored {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("设备号 {id} 已登记 (vehicle id already registered)"),
        ));
    }
    Ok((StatusCode::CREATED, Json(UnitKey { id, key })))
}

/// Vehicles with their last position (在线车辆), for watchers.
#[utoipa::path(get, path = "/api/v1/vehicles", tag = "vehicles",
    responses((status = 200, body = Vehicles), LoggedIn, Forbidden))]
#[tracing::instrument(skip_all, fields(user = %session.username))]
async fn list(State(state): State<AppState>, session: Session) -> Result<Json<Vehicles>, ApiError> {
    require_watcher(&session)?;
    let vehicles = blocking(move || Ok(state.storage().vehicles()?)).await?;
    Ok(Json(Vehicles { vehicles }))
}

/// The longest period one alarm query may cover: a month's report.
const MAX_ALARM_RANGE_MS: i64 = 31 * Timestamp::MS_PER_DAY;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AlarmQuery {
    /// Start, ms since the epoch.
    from: i64,
    /// End (after `from`, at most 31 days later), ms since the epoch.
    to: i64,
    /// Only this vehicle's alarms.
    vehicle: Option<String>,
}

/// Vehicle alarms (speeding, leaving the corridor, staying away from sites) with evidence.
#[utoipa::path(get, path = "/api/v1/vehicles/alarms", tag = "vehicles", params(AlarmQuery),
    responses((status = 200, body = Alarms), LoggedIn, Forbidden))]
#[tracing::instrument(skip_all, fields(user = %session.username))]
async fn alarms(
    State(state): State<AppState>,
    session: Session,
    QueryParams(query): QueryParams<AlarmQuery>,
) -> Result<Json<Alarms>, ApiError> {
    require_watcher(&session)?;
    let span = query.to.checked_sub(query.from);
    if span.is_none_or(|ms| ms <= 0 || ms > MAX_ALARM_RANGE_MS) {
        return Err(ApiError::bad_request(
            "时间范围无效,最长 31 天 (from must precede to, at most 31 days)",
        ));
    }
    let found = blocking(move || {
        Ok(state.storage().vehicle_alarms(
            Timestamp(query.from),
            Timestamp(query.to),
            query.vehicle.as_deref(),
        )?)
    })
    .await?;
    Ok(Json(Alarms { alarms: found }))
}

const UNKNOWN_VEHICLE: &str = "车载终端未登记或密钥错误 (unknown vehicle id or wrong key)";

/// The largest OsmAnd POST body: one position with its extras.
const OSMAND_BODY_BYTES: usize = 16 << 10;

/// A position over the OsmAnd protocol, as Traccar Client and trackers send it: parameters in
/// the query, a form body or Traccar Client's JSON body; query parameters win over those of
/// the body (the unit's configured URL carries `id` and `key`).
#[utoipa::path(method(get, post), path = "/api/v1/osmand", tag = "vehicles", security(()),
    params(("id" = String, Query, description = "the unit's registered id (or `deviceid`)"),
        ("key" = String, Query, description = "the key given at registration"),
        ("lat" = Option<f64>, Query, minimum = -90.0, maximum = 90.0),
        ("lon" = Option<f64>, Query, minimum = -180.0, maximum = 180.0),
        ("location" = Option<String>, Query, description = "`lat,lon` instead of lat and lon"),
        ("timestamp" = Option<String>, Query, description = "seconds or ms since the epoch, ISO 8601 with any offset, or `yyyy-MM-dd HH:mm:ss` (UTC)"),
        ("speed" = Option<f64>, Query, description = "knots"),
        ("heading" = Option<f64>, Query), ("altitude" = Option<f64>, Query),
        ("accuracy" = Option<f64>, Query), ("batt" = Option<f64>, Query)),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "The same parameters as a form, or Traccar Client's JSON (`location.coords`, `location.timestamp`, `battery.level`, `device_id`)"),
    responses((status = 200, description = "位置已接收 (position stored)"),
        (status = 401, description = UNKNOWN_VEHICLE, body = ErrorBody),
        Anyone, RateLimited))]
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
        move |storage| Ok(storage.vehicle_key_matches(&id, &key)?.then_some(id)),
        |id| format!("vehicle:{id}"),
    )
    .await
    .map_err(|e| match e.status {
        StatusCode::UNAUTHORIZED => ApiError::unauthorized(UNKNOWN_VEHICLE),
        _ => e,
    })?;
    let known = blocking(move || Ok(state.storage().record_vehicle_position(report, now)?)).await?;
    if known {
        Ok(StatusCode::OK)
    } else {
        Err(ApiError::unauthorized(UNKNOWN_VEHICLE))
    }
}
