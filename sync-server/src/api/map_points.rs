//! Map points between WGS84 and GCJ-02 for the console's maps over GCJ-02 tiles (AMap,
//! Tencent): our layers, stored in WGS84, go out converted to be drawn, and a point picked on
//! such a map comes back as WGS84. The formula has one home, `cgt_shared::gcj02`; the console
//! only sends the points.

use super::extract::{JsonBody, QueryParams};
use super::openapi::{JsonInput, LoggedIn};
use crate::auth::Session;
use crate::error::ApiError;
use axum::Json;
use cgt_shared::gcj02::PositionSystem;
use cgt_shared::geometry::{LonLat, Point};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Points converted in one request at most (a day's track at 1 Hz is 28,800).
const MAX_POINTS: usize = 200_000;

#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// WGS84 points as they are drawn on GCJ-02 tiles.
    ToGcj02,
    /// Points picked on GCJ-02 tiles, as WGS84.
    ToWgs84,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConvertQuery {
    pub direction: Direction,
}

/// `[lon, lat]` points.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MapPoints {
    #[schema(value_type = Vec<LonLat>, max_items = 200000)]
    pub points: Vec<Point>,
}

/// Converts map points between WGS84 and GCJ-02 (any signed-in user). Points outside China,
/// where GCJ-02 equals WGS84, come back as they went.
#[utoipa::path(post, path = "/api/v1/map-points", tag = "meta", params(ConvertQuery),
    request_body = MapPoints,
    responses((status = 200, body = MapPoints),
        (status = 422, description = "too many points, or a point that is no longitude / latitude",
            body = crate::error::ErrorBody),
        LoggedIn, JsonInput))]
pub async fn convert(
    _session: Session,
    QueryParams(query): QueryParams<ConvertQuery>,
    JsonBody(body): JsonBody<MapPoints>,
) -> Result<Json<MapPoints>, ApiError> {
    let invalid = |m: String| ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, m);
    if body.points.len() > MAX_POINTS {
        return Err(invalid(format!("至多 {MAX_POINTS} 个点 (too many points)")));
    }
    let lon_lat =
        |[lon, lat]: Point| (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
    if let Some(bad) = body.points.iter().find(|p| !lon_lat(**p)) {
        return Err(invalid(format!("不是经纬度: {bad:?}")));
    }
    let points = body
        .points
        .into_iter()
        .map(|p| match query.direction {
            Direction::ToGcj02 => PositionSystem::Gcj02.from_wgs84(p),
            Direction::ToWgs84 => PositionSystem::Gcj02.to_wgs84(p),
        })
        .collect();
    Ok(Json(MapPoints { points }))
}
