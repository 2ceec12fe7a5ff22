//! The vehicle endpoints: an admin registers a GPS unit (`POST /api/v1/vehicles`, answered
//! with the key the unit must send); watchers list vehicles and alarms with their evidence;
//! units post positions over the OsmAnd protocol (`GET` or `POST /api/v1/osmand?id=…&key=…`).
//!
//! Unit authentication: the admin-registered `id` plus the `key` returned at registration,
//! both in the query string (OsmAnd clients let the server URL carry extra parameters). An
//! unknown id and a wrong key answer the same 401.

use super::blocking;
use super::extract::{JsonBody, QueryParams};
use super::tracks::require_watcher;
use crate::auth::Session;
use crate::clock;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tracks::osmand;
use crate::tracks::vehicles::{self, Registration};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use cgt_shared::{Role, Timestamp};
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
    session: Session,
    JsonBody(registration): JsonBody<Registration>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    session.require(Role::Admin)?;
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
    if query.to <= query.from {
        return Err(ApiError::bad_request("时间范围无效 (from must precede to)"));
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

#[tracing::instrument(skip_all, fields(vehicle = params.get("id").map(String::as_str).unwrap_or("")))]
async fn position(
    State(state): State<AppState>,
    QueryParams(params): QueryParams<HashMap<String, String>>,
) -> Result<StatusCode, ApiError> {
    let now = clock::now();
    let report = osmand::read(&params, now).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let known = blocking(move || {
        Ok(state
            .storage()
            .write(move |c| vehicles::ingest(c, &report, now))?)
    })
    .await?;
    if known {
        Ok(StatusCode::OK)
    } else {
        Err(ApiError::unauthorized(
            "车载终端未登记或密钥错误 (unknown vehicle id or wrong key)",
        ))
    }
}
