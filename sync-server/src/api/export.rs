//! Exports for a city's GIS (系统管理员 only): unit grids, work grids, components and cases as
//! CSV, GeoJSON or GeoPackage, in WGS84 or in the city's own system (`crs=EPSG:4549`, a PROJ
//! string for a 城市独立坐标系, or `survey`), converted by PROJ (`crate::export`).

use super::blocking;
use super::extract::{PathParam, QueryParams};
use super::openapi::{Binary, Forbidden, LoggedIn};
use crate::auth::AdminSession;
use crate::error::{ApiError, ErrorBody};
use crate::export::datasets::{self, Dataset};
use crate::export::{Format, System, write};
use crate::state::AppState;
use crate::storage::Store;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use cgt_shared::Timestamp;
use cgt_shared::china_time::{date_text, day_bounds, day_of, parse_date};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Days of tracks one export covers at most.
const MAX_TRACK_DAYS: i64 = 31;
/// Cases written by one export at most.
const MAX_CASES: u32 = 1_000_000;
/// The longest system definition accepted (a PROJ string with every parameter fits).
const MAX_CRS_CHARS: usize = 500;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The system of `x,y`: an EPSG code (`EPSG:4549`), a PROJ string, or `survey` for the
    /// city's configured `survey_crs`; WGS84 longitude and latitude when absent.
    #[param(max_length = 500)]
    pub crs: Option<String>,
    /// Cases and tracks: the first day (China date, `2026-12-01`); default 30 days ago.
    #[param(max_length = 10)]
    pub from: Option<String>,
    /// Cases and tracks: the last day, included; default today.
    #[param(max_length = 10)]
    pub to: Option<String>,
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

/// `<dataset>.<format>`: the dataset and the format of a file asked for.
fn file_name(file: &str) -> Result<(Dataset, Format), ApiError> {
    let unknown = || {
        ApiError::not_found(format!(
            "没有导出 {file:?} (unit-grids, work-grids, components, cases or tracks; .csv, .geojson or .gpkg)"
        ))
    };
    let (name, extension) = file.rsplit_once('.').ok_or_else(unknown)?;
    let dataset = Dataset::parse(name).ok_or_else(unknown)?;
    let format = extension.parse::<Format>().map_err(|_| unknown())?;
    Ok((dataset, format))
}

/// The days `[from, to]` as instants, defaulting to the last 30 days.
fn period(
    from: Option<&str>,
    to: Option<&str>,
    now: Timestamp,
) -> Result<(Timestamp, Timestamp), ApiError> {
    let day = |text: Option<&str>, default: i64| match text {
        None | Some("") => Ok(default),
        Some(text) => parse_date(text)
            .ok_or_else(|| ApiError::bad_request(format!("日期格式应为 2026-12-01,收到 {text:?}"))),
    };
    let today = cgt_shared::china_time::day_of(now);
    let (first, last) = (day(from, today - 30)?, day(to, today)?);
    if first > last {
        return Err(ApiError::bad_request("from 晚于 to (from is after to)"));
    }
    Ok((day_bounds(first).0, day_bounds(last).1))
}

/// Every person's track of every China day of `period`.
fn day_tracks(
    store: &dyn Store,
    (from, to): (Timestamp, Timestamp),
) -> Result<Vec<datasets::DayTrack>, ApiError> {
    let (first, last) = (day_of(from), day_of(to.plus_millis(-1)));
    if last - first >= MAX_TRACK_DAYS {
        return Err(ApiError::bad_request(format!(
            "轨迹一次至多导出 {MAX_TRACK_DAYS} 天 (at most {MAX_TRACK_DAYS} days of tracks)"
        )));
    }
    let mut days = Vec::new();
    for user in store.users()? {
        for day in first..=last {
            let (start, end) = day_bounds(day);
            let points = store.track_points(user.id, start, end)?;
            if !points.is_empty() {
                days.push(datasets::DayTrack {
                    username: user.username.clone(),
                    name: user.display_name.clone(),
                    date: date_text(start),
                    points,
                });
            }
        }
    }
    Ok(days)
}

fn table(
    store: &dyn Store,
    dataset: Dataset,
    period: (Timestamp, Timestamp),
) -> Result<crate::export::Table, ApiError> {
    Ok(match dataset {
        Dataset::UnitGrids => datasets::unit_grids(&store.import_base()?),
        Dataset::Components => datasets::components(&store.import_base()?),
        Dataset::WorkGrids => {
            let usernames = store
                .users()?
                .into_iter()
                .map(|u| (u.id, u.username))
                .collect();
            datasets::work_grids(&store.import_base()?, &usernames)
        }
        Dataset::Tracks => datasets::tracks(&day_tracks(store, period)?),
        Dataset::Cases => {
            let departments: HashMap<i64, String> = store
                .departments()?
                .into_iter()
                .map(|d| (d.id, d.code))
                .collect();
            let cases = store.case_export(period.0, period.1, MAX_CASES + 1)?;
            if cases.len() > MAX_CASES as usize {
                return Err(ApiError::bad_request(format!(
                    "所选时段超过 {MAX_CASES} 个案件,请缩短 from/to (more than {MAX_CASES} cases)"
                )));
            }
            datasets::cases(&cases, &departments)
        }
    })
}

/// A dataset as a file: `unit-grids`, `work-grids` (outlined by their unit grids),
/// `components`, `cases` (reported in `from`…`to`, with status, department and times) or
/// `tracks` (one line per person and day in `from`…`to`, at most 31 days; cases at most
/// 1,000,000, else a 400 asking for a shorter period),
/// as `.csv` (points, or a point inside each outline, as `x,y`), `.geojson` or `.gpkg`.
#[utoipa::path(get, path = "/api/v1/admin/export/{file}", tag = "reference",
    params(("file" = String, Path, description = "e.g. components.csv, unit-grids.gpkg, cases.geojson"),
        ExportQuery),
    responses((status = 200, description = "the file", content(
            (String = "text/csv"), (String = "application/geo+json"),
            (Binary = "application/geopackage+sqlite3"))),
        (status = 400, description = "a system PROJ does not know, a position it cannot convert, or a bad date",
            body = ErrorBody),
        (status = 404, description = "no such dataset or format", body = ErrorBody),
        LoggedIn, Forbidden))]
pub async fn export(
    State(state): State<AppState>,
    _admin: AdminSession,
    PathParam(file): PathParam<String>,
    QueryParams(query): QueryParams<ExportQuery>,
) -> Result<Response, ApiError> {
    let (dataset, format) = file_name(&file)?;
    let crs = requested(query.crs.as_deref(), state.settings().survey_crs.as_deref())?;
    let period = period(
        query.from.as_deref(),
        query.to.as_deref(),
        crate::clock::now(),
    )?;
    let storage = state.store();
    let body = blocking(move || {
        let system = match crs.as_deref() {
            Some(definition) => System::named(definition),
            None => Ok(System::wgs84()),
        }
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let table = table(storage.as_ref(), dataset, period)?;
        write(table, format, &system).map_err(|e| ApiError::bad_request(e.to_string()))
    })
    .await?;
    let disposition = format!("attachment; filename=\"{file}\"");
    Ok((
        [
            (CONTENT_TYPE, format.content_type().to_string()),
            (CONTENT_DISPOSITION, disposition),
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
