//! Channels that enter cases without a person at the console: API keys (admin creates them)
//! and the sensor alarm endpoint (e.g. a manhole-cover tag reports the cover lifted).

use super::blocking;
use super::extract::JsonBody;
use super::key_gate::look_up_key;
use crate::auth::{AdminSession, token};
use crate::caseflow::create::{NewCase, create_case};
use crate::clock;
use crate::error::ApiError;
use crate::guard::ClientAddr;
use crate::state::AppState;
use crate::storage::ApiKeyOwner;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use cgt_shared::caseflow::Source;
use cgt_shared::{ComponentId, Kind, Position};
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
    AdminSession(_): AdminSession,
    JsonBody(body): JsonBody<NewKey>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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

/// The owner of `key` if it is a live key of `channel`, behind the key rate limits.
pub async fn key_owner(
    state: &AppState,
    client: ClientAddr,
    key: &str,
    channel: &'static str,
) -> Result<ApiKeyOwner, ApiError> {
    let hash = token::parse(key.trim());
    look_up_key(
        state,
        client,
        move |storage| match hash {
            Some(hash) => Ok(storage.api_key(hash)?.filter(|o| o.channel == channel)),
            None => Ok(None),
        },
        |owner| format!("api-key:{}", owner.user),
    )
    .await
}

/// The largest alarm body: a component id and a description.
const ALARM_BODY_BYTES: usize = 16 << 10;

#[derive(Clone, Debug, Deserialize)]
pub struct Alarm {
    /// The 16-digit 部件标识码 of the tagged component.
    pub component_id: String,
    pub description: Option<String>,
}

/// `POST /api/v1/sensors/alarms` with `X-Api-Key`: an urgent 部件 case at the component.
pub async fn sensor_alarm(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::unauthorized("缺少 X-Api-Key (missing X-Api-Key)"))?;
    let owner = key_owner(&state, client, key, "sensor").await?;
    let body = axum::body::to_bytes(body, ALARM_BODY_BYTES)
        .await
        .map_err(|_| ApiError::too_large(ALARM_BODY_BYTES))?;
    let alarm: Alarm = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("请求数据字段无效 ({e})"),
        )
    })?;
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
            open311: None,
        };
        let row = create_case(&state, new, owner.user, owner.device, now)?;
        Ok((
            StatusCode::CREATED,
            Json(json!({ "case_id": row.id, "status": row.status })),
        ))
    })
    .await
}
