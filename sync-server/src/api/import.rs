//! Importing a city's base data (系统管理员 only): the file is the request body (GeoJSON, a
//! zipped Shapefile, a GeoPackage or CSV, at most `max_body_bytes`; larger files go through
//! `cgt-server import`). Without `apply` a dry run; with it the same checks and, without an
//! error, the import. The file is sent again to confirm, so any instance can take the
//! confirmation and nothing waits on the server between the two.

use super::blocking;
use super::extract::{PathParam, QueryParams};
use super::openapi::{Binary, Forbidden, LoggedIn};
use crate::auth::AdminSession;
use crate::error::{ApiError, ErrorBody};
use crate::import::files::{self, FileError};
use crate::import::{self, ImportError, ImportReport, Layer, Request};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The longest system definition or table name accepted.
const MAX_PARAM_CHARS: usize = 500;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_layer))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The system of the file's coordinates: an EPSG code, a PROJ string, `gcj02`, or `survey`
    /// for the city's `survey_crs`; when absent, what the file declares (GeoJSON: WGS84).
    #[param(max_length = 500)]
    pub crs: Option<String>,
    /// The layer of a GeoPackage, or the `.shp` of a zip, when the file holds several.
    #[param(max_length = 500)]
    pub table: Option<String>,
    /// Import (after the checks) rather than only report.
    #[serde(default)]
    pub apply: bool,
}

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> ApiError {
        match e {
            ImportError::Storage(e) => ApiError::internal(e),
            ImportError::Stale => ApiError::new(StatusCode::CONFLICT, e.to_string()),
            ImportError::File(FileError::Io(e)) => ApiError::internal(e),
            other => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, other.to_string()),
        }
    }
}

fn checked_param(value: Option<String>, name: &str) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if v.chars().count() > MAX_PARAM_CHARS => Err(ApiError::bad_request(format!(
            "{name} 过长 (at most {MAX_PARAM_CHARS} characters)"
        ))),
        other => Ok(other),
    }
}

/// A layer of the city's base data checked, and imported when `apply` is set and there is no
/// error. The report lists at most 1,000 problems, errors first; its counts cover all.
#[utoipa::path(post, path = "/api/v1/admin/import/{layer}", tag = "reference",
    params(("layer" = Layer, Path, description = "departments, work-grids, unit-grids or components"),
        ImportQuery),
    request_body(content = Binary, content_type = "application/octet-stream",
        description = "GeoJSON, a zip of a Shapefile, a GeoPackage, or CSV"),
    responses((status = 200, description = "the report; `applied_version` set when imported",
            body = ImportReport),
        (status = 409, description = "the reference data changed meanwhile: check again",
            body = ErrorBody),
        (status = 413, description = "larger than max_body_bytes", body = ErrorBody),
        (status = 422, description = "a file that cannot be read, or a system PROJ does not know",
            body = ErrorBody),
        LoggedIn, Forbidden))]
#[tracing::instrument(skip_all, fields(admin = %session.username, layer = %layer))]
pub async fn import_layer(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    PathParam(layer): PathParam<Layer>,
    QueryParams(query): QueryParams<ImportQuery>,
    body: Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    let crs = match checked_param(query.crs, "crs")?.as_deref().map(str::trim) {
        Some("survey") => Some(state.settings().survey_crs.clone().ok_or_else(|| {
            ApiError::bad_request("未配置城市坐标系 survey_crs (no survey_crs configured)")
        })?),
        other => other.map(str::to_string),
    };
    let table = checked_param(query.table, "table")?;
    let request = Request {
        layer,
        crs,
        apply: query.apply,
    };
    let storage = state.store();
    let report = blocking(move || {
        let file = files::read(&body, table.as_deref()).map_err(ImportError::from)?;
        Ok(import::run(storage.as_ref(), file, &request, &|_| {})?)
    })
    .await?;
    if let Some(version) = report.applied_version {
        tracing::info!(version, features = report.features, "layer imported");
    }
    Ok(Json(report))
}
