//! Channels that enter cases without a person at the console: API keys (admin creates them)
//! and the sensor alarm endpoint (e.g. a manhole-cover tag reports the cover lifted).

use super::blocking;
use super::extract::JsonBody;
use crate::auth::{Session, token};
use crate::caseflow::create::{NewCase, create_case};
use crate::clock;
use crate::error::ApiError;
use crate::state::AppState;
use crate::storage::ApiKeyOwner;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use cgt_shared::caseflow::Source;
use cgt_shared::{ComponentId, Kind, Position, Role};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Clone, Debug, Deserialize)]
pub struct NewKey {
    pub name: String,
    /// `open311` or `sensor`.
    pub channel: String,
}

/// `POST /api/v1/admin/api-keys` (admin): the key is shown once.
pub async fn create_key(
    State(state): State<AppState>,
    session: Session,
    JsonBody(body): JsonBody<NewKey>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    session.require(Role::Admin)?;
    let channel = match body.channel.as_str() {
        "open311" => "open311",
        "sensor" => "sensor",
        _ => return Err(ApiError::bad_request("channel 须为 open311 或 sensor")),
    };
    let name = body.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::bad_request("name 须为 1…100 个字符"));
    }
    let (key, hash) = token::generate();
    let storage = state.storage().clone();
    let owner =
        blocking(move || Ok(storage.create_api_key(hash, name, channel, clock::now())?)).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "key": key, "name": owner.name, "channel": owner.channel, "user_id": owner.user }),
        ),
    ))
}

/// The owner of `key` if it is a live key of `channel`.
pub async fn key_owner(
    state: &AppState,
    key: &str,
    channel: &str,
) -> Result<ApiKeyOwner, ApiError> {
    let hash = token::parse(key.trim())
        .ok_or_else(|| ApiError::unauthorized("api_key 无效 (invalid api_key)"))?;
    let storage = state.storage().clone();
    blocking(move || Ok(storage.api_key(hash)?))
        .await?
        .filter(|o| o.channel == channel)
        .ok_or_else(|| ApiError::unauthorized("api_key 无效 (invalid api_key)"))
}

#[derive(Clone, Debug, Deserialize)]
pub struct Alarm {
    /// The 16-digit 部件标识码 of the tagged component.
    pub component_id: String,
    pub description: Option<String>,
}

/// `POST /api/v1/sensors/alarms` with `X-Api-Key`: an urgent 部件 case at the component.
pub async fn sensor_alarm(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(alarm): JsonBody<Alarm>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::unauthorized("缺少 X-Api-Key (missing X-Api-Key)"))?;
    let owner = key_owner(&state, key, "sensor").await?;
    let id: ComponentId = alarm.component_id.parse().map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("部件标识码无效: {e}"),
        )
    })?;
    let now = clock::now();
    blocking(move || {
        let (lon, lat, unit_grid) = state.storage().component(id.as_str())?.ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "部件不存在 (unknown component)",
            )
        })?;
        let description = alarm
            .description
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| format!("传感器报警: 部件 {}", id.as_str()));
        let new = NewCase {
            source: Source::Sensor,
            kind: Kind::Component,
            class: id.class(),
            subclass: id.subclass(),
            description,
            position: Position::new(lat, lon, 0.0),
            unit_grid: unit_grid.parse().ok(),
            component_id: Some(id),
            photos: Vec::new(),
            urgent: true,
            contact: None,
        };
        let row = create_case(&state, new, owner.user, owner.device, now)?;
        Ok((
            StatusCode::CREATED,
            Json(json!({ "case_id": row.id, "status": row.status })),
        ))
    })
    .await
}
