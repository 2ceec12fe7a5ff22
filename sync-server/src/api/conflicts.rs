//! 冲突处理 for admins: `GET /api/v1/cases/{id}/conflict` shows both sides of a case's conflict
//! — the device's offline action (who, role, device, device time, note, photos) and the
//! centre's steps that overtook it — and whether the device's action can still be adopted.
//! The admin settles it with `POST /api/v1/cases/{id}/resolve_conflict`.

use super::blocking;
use super::case_view::{CaseItem, HistoryEntry, case_item, history};
use super::cases::case_row;
use super::extract::PathParam;
use super::openapi::{Forbidden, LoggedIn, NotFound};
use crate::auth::AdminSession;
use crate::caseflow::settle::load_conflict;
use crate::clock;
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::photos::{PhotoArrival, arrivals};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use cgt_shared::caseflow::ConflictOutcome;
use cgt_shared::report::PhotoRef;
use cgt_shared::{DeviceId, DocId, Role, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

/// The device's side: the offline action that met the centre's later steps.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeviceAction {
    pub command: String,
    pub label: String,
    /// 核实 / 核查 result.
    pub passed: Option<bool>,
    pub note: String,
    /// When the person acted, by the device's clock.
    pub at: Timestamp,
    pub device_id: DeviceId,
    pub device_name: Option<String>,
    pub app_version: Option<String>,
    pub user_name: Option<String>,
    pub role_label: Option<&'static str>,
    pub photos: Vec<PhotoArrival>,
}

#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
pub struct OutcomeChoice {
    pub outcome: ConflictOutcome,
    pub label: &'static str,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConflictView {
    pub case: CaseItem,
    /// The 标记冲突 event (when the server met the device's action, and why it could not apply).
    pub marker: Option<HistoryEntry>,
    pub device: Option<DeviceAction>,
    /// The centre's steps after the device acted; 采纳设备操作 sets them aside.
    pub overtaking: Vec<HistoryEntry>,
    pub adoptable: bool,
    pub adopt_refusal: Option<String>,
    pub outcomes: Vec<OutcomeChoice>,
}

/// Both sides of a case's conflict (admin only).
#[utoipa::path(get, path = "/api/v1/cases/{id}/conflict", tag = "cases",
    params(("id" = DocId, Path, description = "案件 id")),
    responses((status = 200, body = ConflictView),
        (status = 409, description = "该案件当前没有待处理的冲突 (the case is not in conflict)", body = ErrorBody),
        LoggedIn, Forbidden, NotFound))]
pub async fn view(
    State(state): State<AppState>,
    _admin: AdminSession,
    PathParam(id): PathParam<DocId>,
) -> Result<Json<ConflictView>, ApiError> {
    let now = clock::now();
    blocking(move || {
        let storage = state.storage();
        let row = case_row(storage, id)?;
        let loaded = load_conflict(&state, id)?;
        let conflict = loaded.conflict.as_ref().ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "该案件当前没有待处理的冲突 (the case is not in conflict)",
            )
        })?;
        let names = storage.user_names()?;
        let adoptable = loaded.adoptable(&state)?;
        let entries = history(loaded.case.events.clone(), &names);
        let marker = entries.get(conflict.marker).cloned();
        let overtaking = conflict
            .overtaking
            .iter()
            .filter_map(|&i| entries.get(i).cloned())
            .collect();
        let device = match &loaded.command {
            Some((device_id, command)) => {
                let record = storage.devices()?.into_iter().find(|d| d.id == *device_id);
                let photos: Vec<PhotoRef> = command
                    .kind
                    .photos()
                    .iter()
                    .map(|p| PhotoRef { sha256: p.clone() })
                    .collect();
                let issuer = marker.as_ref().map(|m| &m.event);
                Some(DeviceAction {
                    command: command.kind.as_str().to_string(),
                    label: command.kind.label().to_string(),
                    passed: command.kind.passed(),
                    note: command.note.clone(),
                    at: command.at,
                    device_id: *device_id,
                    device_name: record.as_ref().map(|d| d.name.clone()),
                    app_version: record.and_then(|d| d.app_version),
                    user_name: issuer
                        .and_then(|e| e.user)
                        .and_then(|u| names.get(&u).cloned()),
                    role_label: issuer.and_then(|e| e.role).map(Role::label),
                    photos: arrivals(storage, &photos)?,
                })
            }
            None => None,
        };
        Ok(Json(ConflictView {
            case: case_item(row, state.table(), state.rules().calendar, now),
            marker,
            device,
            overtaking,
            adopt_refusal: adoptable.clone().err(),
            adoptable: adoptable.is_ok(),
            outcomes: [ConflictOutcome::Keep, ConflictOutcome::Adopt]
                .into_iter()
                .map(|outcome| OutcomeChoice {
                    outcome,
                    label: outcome.label(),
                })
                .collect(),
        }))
    })
    .await
}
