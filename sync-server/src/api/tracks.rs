//! The patrol track endpoints. Devices (device session) report shifts and upload segments;
//! patrol supervisors, leaders and admins — and an inspector for themself — read a person's
//! track for a time range simplified for a zoom level, a day's summary (distance, duration,
//! stops, gaps, anomalies, coverage of the work grid with its unit grid outlines, the reports
//! made that day), the day as GPX or GeoJSON, and who is on shift now (在线人员).

use super::blocking;
use super::extract::{JsonBody, PathParam, QueryParams};
use super::openapi::{Binary, Forbidden, JsonInput, LoggedIn};
use crate::auth::{DeviceSession, Session};
use crate::clock;
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::state::AppState;
use crate::tracks::along::ReportMarker;
use crate::tracks::shifts::{OnShift, Person, ShiftRefusal, ShiftSpan};
use crate::tracks::{along, day, export, segment};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use cgt_shared::china_time;
use cgt_shared::track::analysis::TrackSummary;
use cgt_shared::track::analysis::{AnalysisParams, summarize};
use cgt_shared::track::coverage::coverage;
use cgt_shared::track::coverage::{Coverage, UnitGridShape};
use cgt_shared::track::simplify::{simplify, tolerance_for_zoom};
use cgt_shared::track::wire::{SegmentStored, ShiftReport};
use cgt_shared::{Role, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A shift open longer than this is not listed as on shift (a phone that never said 下班).
const ON_SHIFT_WITHIN_MS: i64 = 24 * 3_600_000;
const DEFAULT_ZOOM: u8 = 17;

pub fn routes() -> OpenApiRouter<AppState> {
    let segments = OpenApiRouter::new()
        .routes(routes!(put_segment))
        .layer(DefaultBodyLimit::max(segment::MAX_SEGMENT_BYTES));
    OpenApiRouter::new()
        .routes(routes!(put_shift))
        .merge(segments)
        .routes(routes!(online))
        .routes(routes!(track))
        .routes(routes!(day_summary))
        .routes(routes!(day_gpx))
        .routes(routes!(day_geojson))
}

/// A person's simplified path over a time range.
#[derive(Serialize, ToSchema)]
pub struct TrackAnswer {
    pub person: Person,
    pub from: Timestamp,
    pub to: Timestamp,
    pub zoom: u8,
    /// Points stored in the range, before simplification.
    pub total_points: usize,
    pub shifts: Vec<ShiftSpan>,
    /// `[lon, lat, at]` of the points kept for the zoom level.
    pub points: Vec<(f64, f64, i64)>,
}

/// A person's China day: shifts, analysis, coverage, unit grid outlines and reports.
#[derive(Serialize, ToSchema)]
pub struct DaySummary {
    pub person: Person,
    pub date: String,
    pub shifts: Vec<ShiftSpan>,
    pub summary: TrackSummary,
    pub coverage: Coverage,
    pub grids: Vec<UnitGridShape>,
    pub reports: Vec<ReportMarker>,
}

/// Who is on shift now (在线人员).
#[derive(Serialize, ToSchema)]
pub struct Online {
    pub people: Vec<OnShift>,
}

/// Patrol supervisors (巡查主管), leaders and admins watch patrols and vehicles.
pub(super) fn is_watcher(session: &Session) -> bool {
    [Role::PatrolSupervisor, Role::Leader, Role::Admin]
        .iter()
        .any(|r| session.has(*r))
}

/// 403 unless the caller watches patrols or asks about themself.
fn may_watch(session: &Session, person: &Person) -> Result<(), ApiError> {
    if is_watcher(session) || session.user == person.id {
        Ok(())
    } else {
        Err(not_a_watcher())
    }
}

fn not_a_watcher() -> ApiError {
    ApiError::forbidden(
        "只有巡查主管、领导和管理员可以查看他人的轨迹 (requires patrol_supervisor, leader or admin)",
    )
}

pub(super) fn require_watcher(session: &Session) -> Result<(), ApiError> {
    if is_watcher(session) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有巡查主管、领导和管理员可以查看 (requires patrol_supervisor, leader or admin)",
        ))
    }
}

/// Reports a shift (上班 / 下班) by the device that records it.
#[utoipa::path(put, path = "/api/v1/tracks/shifts/{shift}", tag = "tracks",
    params(("shift" = Uuid, Path)), request_body = ShiftReport,
    responses((status = 204, description = "班次已保存 (stored)"),
        (status = 403, description = "不是现场设备 (not a field device)", body = ErrorBody),
        (status = 409, description = "该班次属于另一台设备 (shift belongs to another device)", body = ErrorBody),
        LoggedIn, JsonInput))]
#[tracing::instrument(skip_all, fields(user = %device.session.username, %shift))]
async fn put_shift(
    State(state): State<AppState>,
    device: DeviceSession,
    PathParam(shift): PathParam<Uuid>,
    JsonBody(report): JsonBody<ShiftReport>,
) -> Result<StatusCode, ApiError> {
    let now = clock::now();
    let sane = report.started_at.millis() > 0
        && report.started_at <= now.plus_millis(600_000)
        && report.ended_at.is_none_or(|end| end >= report.started_at);
    if !sane {
        return Err(ApiError::bad_request("班次时间无效 (invalid shift times)"));
    }
    let (user, device_id) = (device.session.user, device.device);
    let outcome = blocking(move || {
        Ok(state
            .storage()
            .put_shift(shift, (device_id, user), report, now)?)
    })
    .await?;
    outcome.map_err(|ShiftRefusal::OtherDevice| other_device())?;
    Ok(StatusCode::NO_CONTENT)
}

fn other_device() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "该班次属于另一台设备 (shift belongs to another device)",
    )
}

/// Uploads a segment of a shift's track (the binary segment codec); a resend is idempotent.
#[utoipa::path(post, path = "/api/v1/tracks/shifts/{shift}/segments/{segment}", tag = "tracks",
    params(("shift" = Uuid, Path), ("segment" = u32, Path, minimum = 1)),
    request_body(content = Binary, content_type = "application/vnd.cgt.track-segment"),
    responses((status = 200, body = SegmentStored),
        (status = 403, description = "不是现场设备 (not a field device)", body = ErrorBody),
        (status = 409, description = "该班次属于另一台设备 (shift belongs to another device)", body = ErrorBody),
        LoggedIn))]
#[tracing::instrument(skip_all, fields(user = %device.session.username, %shift, number))]
async fn put_segment(
    State(state): State<AppState>,
    device: DeviceSession,
    PathParam((shift, number)): PathParam<(Uuid, u32)>,
    body: Bytes,
) -> Result<Json<SegmentStored>, ApiError> {
    let now = clock::now();
    let points = segment::check(number, &body, now).map_err(|e| match e {
        segment::SegmentError::TooLarge(_) => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, e.to_string())
        }
        other => ApiError::bad_request(other.to_string()),
    })?;
    let who = (device.device, device.session.user);
    let held = blocking(move || {
        Ok(state
            .storage()
            .put_segment(who, (shift, number), points, body.to_vec(), now)?)
    })
    .await?
    .map_err(|ShiftRefusal::OtherDevice| other_device())?;
    Ok(Json(SegmentStored { points: held }))
}

/// The person named in the path, after the role check: one who does not watch patrols may
/// name only themself (by username or id), so unknown and other names alike answer 403.
async fn watched(state: &AppState, session: &Session, name: String) -> Result<Person, ApiError> {
    let names_self = name == session.username || name == session.user.to_string();
    if !is_watcher(session) && !names_self {
        return Err(not_a_watcher());
    }
    let storage = state.store();
    let person = blocking(move || Ok(storage.person(&name)?))
        .await?
        .ok_or_else(|| ApiError::not_found("没有这个用户 (no such user)"))?;
    may_watch(session, &person)?;
    Ok(person)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RangeQuery {
    /// Start, ms since the epoch.
    from: i64,
    /// End (after `from`, at most 7 days later), ms since the epoch.
    to: i64,
    /// Map zoom level the path is simplified for (default 17).
    zoom: Option<u8>,
}

/// A person's path over a time range, simplified for a zoom level.
#[utoipa::path(get, path = "/api/v1/tracks/people/{person}", tag = "tracks",
    params(("person" = String, Path, description = "用户名或用户 id (username or user id)"), RangeQuery),
    responses((status = 200, body = TrackAnswer), (status = 403, description = "只有巡查主管、领导和管理员可以查看他人的轨迹 (requires patrol_supervisor, leader or admin)", body = ErrorBody),
        (status = 404, description = "没有这个用户 (no such user)", body = ErrorBody),
        LoggedIn))]
#[tracing::instrument(skip_all, fields(user = %session.username, %person))]
async fn track(
    State(state): State<AppState>,
    session: Session,
    PathParam(person): PathParam<String>,
    QueryParams(query): QueryParams<RangeQuery>,
) -> Result<Json<TrackAnswer>, ApiError> {
    let person = watched(&state, &session, person).await?;
    let (from, to) = (Timestamp(query.from), Timestamp(query.to));
    let span = to.millis().checked_sub(from.millis());
    if to <= from || span.is_none_or(|ms| ms > day::MAX_RANGE_MS) {
        return Err(ApiError::bad_request(
            "时间范围无效,最长 7 天 (from must precede to, at most 7 days)",
        ));
    }
    let zoom = query.zoom.unwrap_or(DEFAULT_ZOOM);
    let id = person.id;
    let (points, shifts) = blocking(move || {
        let storage = state.storage();
        Ok((
            storage.track_points(id, from, to)?,
            storage.shifts(id, from, to)?,
        ))
    })
    .await?;
    let kept = simplify(&points, tolerance_for_zoom(zoom));
    let path: Vec<(f64, f64, i64)> = kept
        .iter()
        .map(|&i| (points[i].lon, points[i].lat, points[i].at.millis()))
        .collect();
    Ok(Json(TrackAnswer {
        person,
        from,
        to,
        zoom,
        total_points: points.len(),
        shifts,
        points: path,
    }))
}

/// A person's points of one China day, with the shifts of that day.
async fn day_points(
    state: &AppState,
    session: &Session,
    name: String,
    date: &str,
) -> Result<(Person, i64, Vec<cgt_shared::track::TrackPoint>), ApiError> {
    let person = watched(state, session, name).await?;
    let day = china_time::parse_date(date)
        .ok_or_else(|| ApiError::bad_request("日期格式应为 YYYY-MM-DD (bad date)"))?;
    let (from, to) = china_time::day_bounds(day);
    let storage = state.store();
    let id = person.id;
    let points = blocking(move || Ok(storage.track_points(id, from, to)?)).await?;
    Ok((person, day, points))
}

/// A person's China day: distance, duration, stops, gaps, anomalies, coverage, reports.
#[utoipa::path(get, path = "/api/v1/tracks/people/{person}/days/{date}", tag = "tracks",
    params(("person" = String, Path, description = "用户名或用户 id (username or user id)"),
        ("date" = String, Path, description = "YYYY-MM-DD, China time", pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")),
    responses((status = 200, body = DaySummary), (status = 403, description = "只有巡查主管、领导和管理员可以查看他人的轨迹 (requires patrol_supervisor, leader or admin)", body = ErrorBody),
        (status = 404, description = "没有这个用户 (no such user)", body = ErrorBody),
        LoggedIn))]
#[tracing::instrument(skip_all, fields(user = %session.username, %person, %date))]
async fn day_summary(
    State(state): State<AppState>,
    session: Session,
    PathParam((person, date)): PathParam<(String, String)>,
) -> Result<Json<DaySummary>, ApiError> {
    let (person, day, points) = day_points(&state, &session, person, &date).await?;
    let (from, to) = china_time::day_bounds(day);
    let id = person.id;
    let (shifts, grids, reports) = blocking(move || {
        let storage = state.storage();
        Ok((
            storage.shifts(id, from, to)?,
            storage.unit_grids_of(id)?,
            along::markers(state.table(), storage.reports_by(id, from, to)?),
        ))
    })
    .await?;
    let now = clock::now();
    let span = shifts.first().map(|first| {
        let end = shifts
            .iter()
            .map(|s| s.ended_at.unwrap_or(now))
            .max()
            .unwrap_or(now);
        (first.started_at.max(from), end.min(to))
    });
    let summary = summarize(&AnalysisParams::default(), &points, span);
    Ok(Json(DaySummary {
        person,
        date,
        shifts,
        summary,
        coverage: coverage(&grids, &points),
        grids,
        reports,
    }))
}

/// A person's China day as GPX 1.1.
#[utoipa::path(get, path = "/api/v1/tracks/people/{person}/days/{date}/gpx", tag = "tracks",
    params(("person" = String, Path, description = "用户名或用户 id (username or user id)"),
        ("date" = String, Path, description = "YYYY-MM-DD, China time", pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")),
    responses((status = 200, content_type = "application/gpx+xml", body = String), (status = 403, description = "只有巡查主管、领导和管理员可以查看他人的轨迹 (requires patrol_supervisor, leader or admin)", body = ErrorBody),
        (status = 404, description = "没有这个用户 (no such user)", body = ErrorBody),
        LoggedIn))]
#[tracing::instrument(skip_all, fields(user = %session.username, %person, %date))]
async fn day_gpx(
    State(state): State<AppState>,
    session: Session,
    PathParam((person, date)): PathParam<(String, String)>,
) -> Result<Response, ApiError> {
    let (person, _, points) = day_points(&state, &session, person, &date).await?;
    let name = format!("{} {date}", person.display_name);
    let body = export::gpx(&name, &points, AnalysisParams::default().gap_ms)
        .map_err(ApiError::internal)?;
    Ok(file(
        body,
        "application/gpx+xml",
        &format!("{}-{date}.gpx", person.username),
    ))
}

/// A person's China day as GeoJSON (RFC 7946): the path and its stops.
#[utoipa::path(get, path = "/api/v1/tracks/people/{person}/days/{date}/geojson", tag = "tracks",
    params(("person" = String, Path, description = "用户名或用户 id (username or user id)"),
        ("date" = String, Path, description = "YYYY-MM-DD, China time", pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")),
    responses((status = 200, content_type = "application/geo+json", body = serde_json::Value), (status = 403, description = "只有巡查主管、领导和管理员可以查看他人的轨迹 (requires patrol_supervisor, leader or admin)", body = ErrorBody),
        (status = 404, description = "没有这个用户 (no such user)", body = ErrorBody),
        LoggedIn))]
#[tracing::instrument(skip_all, fields(user = %session.username, %person, %date))]
async fn day_geojson(
    State(state): State<AppState>,
    session: Session,
    PathParam((person, date)): PathParam<(String, String)>,
) -> Result<Response, ApiError> {
    let (person, _, points) = day_points(&state, &session, person, &date).await?;
    let params = AnalysisParams::default();
    let stops =
        cgt_shared::track::analysis::stops(params.stop_radius_m, params.stop_min_ms, &points);
    let name = format!("{} {date}", person.display_name);
    let body = export::geojson(&name, &points, &stops, params.gap_ms).to_string();
    Ok(file(
        body,
        "application/geo+json",
        &format!("{}-{date}.geojson", person.username),
    ))
}

fn file(body: String, content_type: &'static str, name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    let mut response = ([(CONTENT_TYPE, content_type)], body).into_response();
    if let Ok(value) = disposition.parse() {
        response.headers_mut().insert(CONTENT_DISPOSITION, value);
    }
    response
}

/// Who is on shift now (在线人员), with their last position.
#[utoipa::path(get, path = "/api/v1/tracks/online", tag = "tracks",
    responses((status = 200, body = Online), LoggedIn, Forbidden))]
#[tracing::instrument(skip_all, fields(user = %session.username))]
async fn online(State(state): State<AppState>, session: Session) -> Result<Json<Online>, ApiError> {
    require_watcher(&session)?;
    let since = clock::now().plus_millis(-ON_SHIFT_WITHIN_MS);
    let people = blocking(move || Ok(state.storage().on_shift(since)?)).await?;
    Ok(Json(Online { people }))
}
