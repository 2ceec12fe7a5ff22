//! Administration (系统管理员 only): counts, devices (with what each reported it holds to send,
//! and a warning colour for one that is silent or has had items waiting long), revoking one,
//! and refused pushes.

use super::blocking;
use super::extract::{PathParam, QueryParams};
use super::openapi::{Forbidden, LoggedIn, NotFound};
use crate::auth::AdminSession;
use crate::clock;
use crate::error::ApiError;
use crate::state::AppState;
use crate::storage::{DeviceRecord, RefusalRecord, SecurityEvent, Stats};
use axum::Json;
use axum::extract::State;
use cgt_shared::caseflow::limits::Warning;
use cgt_shared::{DeviceId, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const DEFAULT_REFUSALS: u32 = 100;
const MAX_REFUSALS: u32 = 1000;
/// A device not heard from for longer than this is shown red.
const SILENT_MS: i64 = 24 * 3_600_000;
/// A device whose reports have had something pending for longer than this is shown yellow:
/// a device in reach syncs every few minutes, so such items are stuck.
const PENDING_MS: i64 = 2 * 3_600_000;

/// How many documents, users, devices and refusals the server holds.
#[utoipa::path(get, path = "/api/v1/stats", tag = "admin",
    responses((status = 200, body = Stats), LoggedIn, Forbidden))]
pub async fn stats(
    State(state): State<AppState>,
    _admin: AdminSession,
) -> Result<Json<Stats>, ApiError> {
    let storage = state.store();
    blocking(move || Ok(Json(storage.stats()?))).await
}

/// A device as the console lists it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeviceItem {
    #[serde(flatten)]
    pub device: DeviceRecord,
    pub warning: Option<Warning>,
    pub warning_label: Option<&'static str>,
}

/// Red when an active device has not synced (or, never having synced, registered) for over
/// [`SILENT_MS`]; yellow when it has reported items pending for over [`PENDING_MS`].
fn device_warning(device: &DeviceRecord, now: Timestamp) -> Option<(Warning, &'static str)> {
    if device.revoked_at.is_some() {
        return None;
    }
    let heard = device.last_sync_at.unwrap_or(device.registered_at);
    if now.millis() - heard.millis() > SILENT_MS {
        return Some((Warning::Red, "超过 24 小时未同步"));
    }
    let since = device.pending.as_ref()?.pending_since?;
    (now.millis() - since.millis() > PENDING_MS).then_some((Warning::Yellow, "待传超过 2 小时"))
}

/// Every registered device with its warning colour.
#[utoipa::path(get, path = "/api/v1/devices", tag = "admin",
    responses((status = 200, body = Vec<DeviceItem>), LoggedIn, Forbidden))]
pub async fn devices(
    State(state): State<AppState>,
    _admin: AdminSession,
) -> Result<Json<Vec<DeviceItem>>, ApiError> {
    let storage = state.store();
    let now = clock::now();
    blocking(move || {
        let items = storage
            .devices()?
            .into_iter()
            .map(|device| {
                let warning = device_warning(&device, now);
                DeviceItem {
                    device,
                    warning: warning.map(|w| w.0),
                    warning_label: warning.map(|w| w.1),
                }
            })
            .collect();
        Ok(Json(items))
    })
    .await
}

/// Revokes a device: its token stops working and it may no longer sync.
#[utoipa::path(post, path = "/api/v1/devices/{id}/revoke", tag = "admin",
    params(("id" = DeviceId, Path, description = "设备 id")),
    responses((status = 200, body = DeviceRecord), LoggedIn, Forbidden, NotFound))]
#[tracing::instrument(skip(state, session), fields(admin = %session.username))]
pub async fn revoke_device(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    PathParam(id): PathParam<DeviceId>,
) -> Result<Json<DeviceRecord>, ApiError> {
    let storage = state.store();
    let device = blocking(move || Ok(storage.revoke_device(id, clock::now())?))
        .await?
        .ok_or_else(|| ApiError::not_found("设备不存在 (no such device)"))?;
    tracing::info!(device = %id, "device revoked");
    Ok(Json(device))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RefusalQuery {
    /// How many rows, newest first (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

impl RefusalQuery {
    /// How many rows to answer: the default, or a limit within range.
    fn limit(&self) -> Result<u32, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_REFUSALS);
        if (1..=MAX_REFUSALS).contains(&limit) {
            Ok(limit)
        } else {
            Err(ApiError::bad_request(format!(
                "limit 必须在 1…{MAX_REFUSALS} 之间 (limit out of range)"
            )))
        }
    }
}

/// Refused pushes (changes a device was not allowed to make), newest first.
#[utoipa::path(get, path = "/api/v1/refusals", tag = "admin", params(RefusalQuery),
    responses((status = 200, body = Vec<RefusalRecord>), LoggedIn, Forbidden))]
pub async fn refusals(
    State(state): State<AppState>,
    _admin: AdminSession,
    QueryParams(query): QueryParams<RefusalQuery>,
) -> Result<Json<Vec<RefusalRecord>>, ApiError> {
    let limit = query.limit()?;
    let storage = state.store();
    blocking(move || Ok(Json(storage.refusals(limit)?))).await
}

/// Security events (logins locked after wrong passwords), newest first.
#[utoipa::path(get, path = "/api/v1/security-events", tag = "admin", params(RefusalQuery),
    responses((status = 200, body = Vec<SecurityEvent>), LoggedIn, Forbidden))]
pub async fn security_events(
    State(state): State<AppState>,
    _admin: AdminSession,
    QueryParams(query): QueryParams<RefusalQuery>,
) -> Result<Json<Vec<SecurityEvent>>, ApiError> {
    let limit = query.limit()?;
    let storage = state.store();
    blocking(move || Ok(Json(storage.security_events(limit)?))).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::device_pending::DevicePending;
    use cgt_shared::UserId;
    use cgt_shared::wire::PendingCounts;

    const HOUR: i64 = 3_600_000;

    /// A device registered at 0 that last synced at `synced_h` hours, whose reports have had
    /// something pending since `pending_h` hours, seen at `now_h` hours.
    fn check(
        synced_h: Option<i64>,
        pending_h: Option<i64>,
        revoked: bool,
        now_h: i64,
        expected: Option<Warning>,
    ) {
        let device = DeviceRecord {
            id: DeviceId::new(),
            user: UserId::new(),
            username: "inspector01".into(),
            name: "手机".into(),
            app_version: None,
            registered_at: Timestamp(0),
            last_sync_at: synced_h.map(|h| Timestamp(h * HOUR)),
            revoked_at: revoked.then_some(Timestamp(HOUR)),
            pending: Some(DevicePending {
                counts: PendingCounts::default(),
                reported_at: Timestamp(synced_h.unwrap_or(0) * HOUR),
                pending_since: pending_h.map(|h| Timestamp(h * HOUR)),
            }),
        };
        let got = device_warning(&device, Timestamp(now_h * HOUR)).map(|w| w.0);
        assert_eq!(
            got, expected,
            "synced {synced_h:?} pending {pending_h:?} revoked {revoked} now {now_h}"
        );
    }

    #[test]
    fn silent_devices_are_red_and_long_pending_ones_yellow() {
        check(Some(10), None, false, 12, None);
        check(Some(10), None, false, 35, Some(Warning::Red));
        check(None, None, false, 23, None);
        check(None, None, false, 25, Some(Warning::Red));
        check(Some(10), Some(9), false, 11, None);
        check(Some(10), Some(7), false, 10, Some(Warning::Yellow));
        check(Some(10), Some(7), false, 40, Some(Warning::Red));
        check(Some(10), Some(7), true, 40, None);
    }
}
