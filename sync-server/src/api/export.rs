//! Exports of the reference data for a city's GIS (系统管理员 only): the components in service
//! as CSV, in WGS84 or in the city's own system (`crs=EPSG:4549`, or a PROJ string for a
//! 城市独立坐标系), converted by PROJ (`crate::crs`).

use super::blocking;
use super::extract::QueryParams;
use super::openapi::{Forbidden, LoggedIn};
use crate::auth::AdminSession;
use crate::crs::Conversion;
use crate::crs::export::components_csv;
use crate::error::{ApiError, ErrorBody};
use crate::reference::ComponentFilter;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Components read from the store at a time.
const PAGE: u32 = 5_000;
/// The longest system definition accepted (a PROJ string with every parameter fits).
const MAX_CRS_CHARS: usize = 500;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(components))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The system of `x,y`: an EPSG code (`EPSG:4549`), a PROJ string, or `survey` for the
    /// city's configured `survey_crs`; WGS84 longitude and latitude when absent.
    #[param(max_length = 500)]
    pub crs: Option<String>,
}

/// The system an export is asked for: none (WGS84), the city's survey system, or one named.
fn requested(crs: Option<&str>, survey: Option<&str>) -> Result<Option<String>, ApiError> {
    match crs.map(str::trim) {
        None | Some("") => Ok(None),
        Some("survey") => survey.map(|s| Some(s.to_string())).ok_or_else(|| {
            ApiError::bad_request("未配置城市坐标系 survey_crs (no survey_crs configured)")
        }),
        Some(text) if text.chars().count() > MAX_CRS_CHARS => Err(ApiError::bad_request(format!(
            "crs 过长 (at most {MAX_CRS_CHARS} characters)"
        ))),
        Some(text) => Ok(Some(text.to_string())),
    }
}

/// The components in service as CSV (`id,unit_grid,owner,maintainer,x,y`), by id.
#[utoipa::path(get, path = "/api/v1/admin/export/components.csv", tag = "reference",
    params(ExportQuery),
    responses((status = 200, description = "CSV", content((String = "text/csv"))),
        (status = 400, description = "a system PROJ does not know, or a position it cannot convert",
            body = ErrorBody),
        LoggedIn, Forbidden))]
pub async fn components(
    State(state): State<AppState>,
    _admin: AdminSession,
    QueryParams(query): QueryParams<ExportQuery>,
) -> Result<Response, ApiError> {
    let crs = requested(query.crs.as_deref(), state.settings().survey_crs.as_deref())?;
    let storage = state.store();
    let body = blocking(move || {
        let to = crs
            .as_deref()
            .map(Conversion::from_wgs84)
            .transpose()
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let mut components = Vec::new();
        loop {
            let page = storage.component_page(ComponentFilter {
                offset: u32::try_from(components.len()).unwrap_or(u32::MAX),
                limit: PAGE,
                ..ComponentFilter::default()
            })?;
            let last = page.items.len() < PAGE as usize;
            components.extend(page.items.into_iter().map(|l| l.component));
            if last {
                break;
            }
        }
        components_csv(&components, to.as_ref()).map_err(|e| ApiError::bad_request(e.to_string()))
    })
    .await?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"components.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_survey_system_is_the_citys_and_others_are_named() {
        let city = Some("EPSG:4549");
        assert_eq!(requested(None, city).unwrap(), None);
        assert_eq!(requested(Some(" "), city).unwrap(), None);
        assert_eq!(requested(Some("survey"), city).unwrap().as_deref(), city);
        assert!(requested(Some("survey"), None).is_err());
        assert_eq!(
            requested(Some("EPSG:4527"), city).unwrap().as_deref(),
            Some("EPSG:4527")
        );
        assert!(requested(Some(&"+".repeat(501)), city).is_err());
    }
}
