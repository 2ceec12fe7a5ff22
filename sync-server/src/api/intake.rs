//! Channels that enter cases without a person at the console: API keys (admin creates them)
//! and the sensor alarm endpoint (e.g. a manhole-cover tag reports the cover lifted).

use super::blocking;
use super::extract::JsonBody;
use super::key_gate::look_up_key;
use super::openapi::{Anyone, Forbidden, JsonInput, LoggedIn, RateLimited};
use crate::auth::{AdminSession, token};
use crate::caseflow::create::{NewCase, create_case};
use crate::clock;
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::guard::ClientAddr;
use crate::state::AppState;
use crate::storage::ApiKeyOwner;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use cgt_shared::caseflow::Source;
use cgt_shared::caseflow::event::CaseStatus;
use cgt_shared::text::has_control;
use cgt_shared::{ComponentId, Kind, Position};
use cgt_shared::{DocId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct NewKey {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    /// `open311` or `sensor`.
    #[schema(pattern = "^(open311|sensor)$")]
    pub channel: String,
}

/// A new API key: shown once, never again.
#[derive(Serialize, ToSchema)]
pub struct CreatedKey {
    pub key: String,
    pub name: String,
    pub channel: String,
    /// The key's own user, who appears as the reporter of its cases.
    pub user_id: UserId,
}

/// A case a sensor alarm opened.
#[derive(Serialize, ToSchema)]
pub struct AlarmCase {
    pub case_id: DocId,
    pub status: CaseStatus,
}

/// An API key for Open311 clients or sensors (admin); the key is shown once.
#[utoipa::path(post, path = "/api/v1/admin/api-keys", tag = "admin", request_body = NewKey,
    responses((status = 201, body = CreatedKey), LoggedIn, Forbidden, JsonInput))]
pub async fn create_key(
    State(state): State<AppState>,
    _admin: AdminSession,
    JsonBody(body): JsonBody<NewKey>,
) -> Result<(StatusCode, Json<CreatedKey>), ApiError> {
    let channel = match body.channel.as_str() {
        "open311" => "open311",
        "sensor" => "sensor",
        _ => return Err(ApiError::bad_request("channel 须为 open311 或 sensor")),
    };
    let name = body.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 || has_control(&name) {
        return Err(ApiError::bad_request("name 须为 1…100 个字符,不含控制字符"));
    }
    let (key, hash) = token::generate();
    let storage = state.store();
    let owner =
        blocking(move || Ok(storage.create_api_key(hash, name, channel, clock::now())?)).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedKey {
            key,
            name: owner.name,
            channel: owner.channel,
            user_id: owner.user,
        }),
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

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct SensorAlarm {
    /// The 16-digit 部件标识码 of the tagged component.
    #[schema(pattern = "^[0-9]{16}$")]
    pub component_id: String,
    pub description: Option<String>,
}

/// An urgent 部件 case at the tagged component, from a sensor with an `X-Api-Key`.
#[utoipa::path(post, path = "/api/v1/sensors/alarms", tag = "intake", security(("api_key" = [])),
    request_body = SensorAlarm,
    responses((status = 201, body = AlarmCase),
        (status = 401, description = "缺少或无效的 X-Api-Key (missing or unknown key)", body = ErrorBody),
        (status = 422, description = "部件标识码无效或部件不存在 (bad or unknown component)", body = ErrorBody),
        Anyone, RateLimited))]
pub async fn sensor_alarm(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<AlarmCase>), ApiError> {
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::unauthorized("缺少 X-Api-Key (missing X-Api-Key)"))?;
    let owner = key_owner(&state, client, key, "sensor").await?;
    let body = axum::body::to_bytes(body, ALARM_BODY_BYTES)
        .await
        .map_err(|_| ApiError::too_large(ALARM_BODY_BYTES))?;
    let alarm: SensorAlarm = serde_json::from_slice(&body).map_err(|e| {
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
            Json(AlarmCase {
                case_id: row.id,
                status: row.status,
            }),
        ))
    })
    .await
}
