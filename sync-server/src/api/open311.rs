//! Open311 GeoReport v2 (JSON, and XML through `open311_xml`) for the public channel: services are our subcategories
//! (`event-01-02` = 事件 01 02 暴露垃圾), requests are cases of source `public`. A new request
//! enters the loop as a public complaint (受理 gives it a 核实 task); after 结案 the reporter's
//! rating (`POST requests/{id}/satisfaction`, an extension) feeds 群众满意率. There is one
//! jurisdiction, so `jurisdiction_id` is accepted and ignored.

use super::blocking;
use super::extract::{PathParam, QueryParams};
use super::intake::key_owner;
use super::open311_form::{NewRequest, fields, new_request};
use super::open311_xml::xml_format;
use crate::caseflow::act::act;
use crate::caseflow::create::{NewCase, create_case};
use crate::clock;
use crate::error::ApiError;
use crate::guard::ClientAddr;
use crate::state::AppState;
use crate::storage::Open311Fields;
use crate::storage::{CaseFilter, CaseListRow, Contact};
use axum::Json;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cgt_shared::caseflow::event::Satisfaction;
use cgt_shared::caseflow::{Action, Actor, Source};
use cgt_shared::china_time::{midnight, parse_date, rfc3339};
use cgt_shared::gcj02::PositionSystem;
use cgt_shared::{CategoryTable, DocId, Kind, Position, Role, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// What every new public request is told.
const SERVICE_NOTICE: &str = "已受理登记,将安排监督员现场核实";
const MAX_REQUESTS: u32 = 1_000;

/// One GeoReport error; every error answer is an array of them.
#[derive(Serialize, ToSchema)]
pub struct GeoReportError {
    pub code: u16,
    pub description: String,
}

/// A service: one subcategory of the category table.
#[derive(Serialize, ToSchema)]
pub struct Service {
    /// `event-01-02` = 事件 01 02.
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    pub metadata: bool,
    #[schema(pattern = "^(realtime|batch|blackbox)$")]
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub keywords: String,
    pub group: String,
}

/// A service definition: no extra attributes.
#[derive(Serialize, ToSchema)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<serde_json::Value>,
}

/// The answer to a new request.
#[derive(Serialize, ToSchema)]
pub struct CreatedRequest {
    pub service_request_id: DocId,
    pub service_notice: &'static str,
    pub account_id: Option<String>,
}

/// A request as GeoReport v2 answers it, every field of the specification present.
#[derive(Serialize, ToSchema)]
pub struct ServiceRequest {
    pub service_request_id: DocId,
    #[schema(pattern = "^(open|closed)$")]
    pub status: &'static str,
    pub status_notes: &'static str,
    pub service_name: String,
    pub service_code: String,
    pub description: String,
    pub agency_responsible: &'static str,
    pub service_notice: &'static str,
    /// RFC 3339, China time.
    pub requested_datetime: String,
    pub updated_datetime: String,
    pub expected_datetime: Option<String>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub lat: f64,
    pub long: f64,
    pub media_url: Option<String>,
}

/// A rating as recorded.
#[derive(Serialize, ToSchema)]
pub struct Rated {
    pub service_request_id: DocId,
    pub satisfaction: Satisfaction,
}

/// A GeoReport error body: `[{"code": 400, "description": "…"}]`.
fn error(status: StatusCode, description: impl Into<String>) -> Response {
    let body = [GeoReportError {
        code: status.as_u16(),
        description: description.into(),
    }];
    (status, Json(body)).into_response()
}

/// GeoReport v2 answers invalid input with 400, where the rest of the API says 422.
fn from_api(e: ApiError) -> Response {
    let status = match e.status {
        StatusCode::UNPROCESSABLE_ENTITY => StatusCode::BAD_REQUEST,
        other => other,
    };
    error(status, e.message)
}

/// A path segment without its `.json` / `.xml` format suffix.
fn without_format(segment: &str) -> &str {
    segment
        .strip_suffix(".json")
        .or_else(|| segment.strip_suffix(".xml"))
        .unwrap_or(segment)
}

/// The Open311 routes, each in JSON and XML: the `.xml` twins of the two fixed paths run the
/// same handlers and are documented by [`xml_twins`].
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(services))
        .route("/open311/v2/services.xml", get(services))
        .routes(routes!(service))
        .routes(routes!(list, create))
        .route("/open311/v2/requests.xml", get(list).post(create))
        .routes(routes!(one))
        .routes(routes!(rate))
        .route_layer(axum::middleware::from_fn(xml_format))
}

/// Adds to `doc` the `.xml` twin of each `.json` Open311 path, answering `application/xml`.
pub fn xml_twins(doc: &mut utoipa::openapi::OpenApi) {
    let twins: Vec<(String, utoipa::openapi::PathItem)> = doc
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| {
            let stem = path.strip_prefix("/open311/")?.strip_suffix(".json")?;
            let mut twin = item.clone();
            for operation in [&mut twin.get, &mut twin.post].into_iter().flatten() {
                operation.operation_id = operation
                    .operation_id
                    .as_ref()
                    .map(|id| format!("{id}_xml"));
                for response in operation.responses.responses.values_mut() {
                    if let utoipa::openapi::RefOr::T(response) = response
                        && let Some(json) = response.content.shift_remove("application/json")
                    {
                        response.content.insert("application/xml".into(), json);
                    }
                }
            }
            Some((format!("/open311/{stem}.xml"), twin))
        })
        .collect();
    doc.paths.paths.extend(twins);
}

fn service_code(kind: Kind, class: u8, subclass: u8) -> String {
    format!("{}-{class:02}-{subclass:02}", kind.as_str())
}

fn parse_service(code: &str) -> Option<(Kind, u8, u8)> {
    let mut parts = code.splitn(3, '-');
    let kind = Kind::parse(parts.next()?)?;
    Some((
        kind,
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
    ))
}

/// RFC 3339 in China Standard Time.
fn datetime(t: Timestamp) -> String {
    rfc3339(t).unwrap_or_default()
}

/// The China day number of the date part of an RFC 3339 `start_date` / `end_date`.
fn date_filter(text: &str) -> Option<i64> {
    parse_date(text.get(..10)?)
}

fn service_json(table: &CategoryTable, kind: Kind, class: u8, subclass: u8) -> Option<Service> {
    let class_row = table
        .classes
        .iter()
        .find(|c| c.kind == kind && c.code == class)?;
    let sub = class_row.subclasses.iter().find(|s| s.code == subclass)?;
    Some(Service {
        service_code: service_code(kind, class, subclass),
        service_name: sub.name.clone(),
        description: format!("{}{} {}", kind.label(), class_row.name, sub.name),
        metadata: false,
        kind: "realtime",
        keywords: format!("{},{}", class_row.name, sub.name),
        group: format!("{}·{}", kind.label(), class_row.name),
    })
}

/// The services: every subcategory of the category table.
#[utoipa::path(get, path = "/open311/v2/services.json", tag = "open311", security(()),
    params(("jurisdiction_id" = Option<String>, Query, description = "accepted and ignored: one jurisdiction")),
    responses((status = 200, body = Vec<Service>)))]
pub async fn services(State(state): State<AppState>) -> Json<Vec<Service>> {
    let table = state.table();
    Json(
        table
            .all_subclasses()
            .filter_map(|(kind, class, sub)| service_json(table, kind, class.code, sub.code))
            .collect(),
    )
}

/// A service definition (`{code}.json` or `{code}.xml`): no extra attributes.
#[utoipa::path(get, path = "/open311/v2/services/{code}", tag = "open311", security(()),
    params(("code" = String, Path, description = "service_code with `.json` or `.xml`", pattern = "^(event|component)-[0-9]{2}-[0-9]{2}(\\.(json|xml))?$")),
    responses((status = 200, body = ServiceDefinition),
        (status = 404, description = "unknown service_code", body = Vec<GeoReportError>)))]
pub async fn service(
    State(state): State<AppState>,
    PathParam(code): PathParam<String>,
) -> Response {
    let code = without_format(&code);
    match parse_service(code).and_then(|(k, c, s)| service_json(state.table(), k, c, s)) {
        Some(_) => Json(ServiceDefinition {
            service_code: code.to_string(),
            attributes: Vec::new(),
        })
        .into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            format!("unknown service_code {code}"),
        ),
    }
}

/// A request form as the handler reads it (the fuzz targets drive it).
#[cfg(feature = "fuzzing")]
pub fn form(bytes: &[u8]) -> Option<super::open311_form::NewRequest> {
    fields(None, bytes).and_then(new_request).ok()
}

/// The largest request form: a description and the reporter's details.
const FORM_BYTES: usize = 64 << 10;

/// The fields of a form body (bounded), or the GeoReport error to answer.
async fn read_form(query: Option<&str>, body: Body) -> Result<HashMap<String, String>, Response> {
    let body = axum::body::to_bytes(body, FORM_BYTES).await.map_err(|_| {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body exceeds {FORM_BYTES} bytes"),
        )
    })?;
    fields(query, &body).map_err(|e| error(StatusCode::BAD_REQUEST, e))
}

/// A refused key is 403 in GeoReport v2; a throttled client keeps the 429 and its Retry-After.
fn key_refused(e: ApiError) -> Response {
    if e.status == StatusCode::TOO_MANY_REQUESTS {
        let mut response = error(e.status, e.message);
        if let Some(seconds) = e.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    } else {
        error(StatusCode::FORBIDDEN, e.message)
    }
}

/// A new service request (form-encoded; `api_key` in the form or the query). Enters the case
/// loop as a public complaint.
#[utoipa::path(post, path = "/open311/v2/requests.json", tag = "open311", security(()),
    params(("api_key" = Option<String>, Query, description = "the key, when not in the form")),
    request_body(content = NewRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = Vec<CreatedRequest>),
        (status = 400, description = "请求无效 (a field is missing or malformed)", body = Vec<GeoReportError>),
        (status = 403, description = "api_key missing or unknown", body = Vec<GeoReportError>),
        (status = 413, description = "request body too large", body = Vec<GeoReportError>),
        (status = 429, description = "too many attempts; see Retry-After", body = Vec<GeoReportError>),
        (status = 500, description = "internal error", body = Vec<GeoReportError>)))]
pub async fn create(
    State(state): State<AppState>,
    client: ClientAddr,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    let form = match read_form(query.as_deref(), body).await {
        Ok(fields) => match new_request(fields) {
            Ok(form) => form,
            Err(e) => return error(StatusCode::BAD_REQUEST, e),
        },
        Err(refused) => return refused,
    };
    let Some(key) = form.api_key.as_deref() else {
        return error(StatusCode::FORBIDDEN, "api_key required");
    };
    let owner = match key_owner(&state, client, key, "open311").await {
        Ok(owner) => owner,
        Err(e) => return key_refused(e),
    };
    let Some((kind, class, subclass)) = form.service_code.as_deref().and_then(parse_service) else {
        return error(StatusCode::BAD_REQUEST, "service_code missing or unknown");
    };
    let (Some(lat), Some(lon)) = (form.lat, form.long) else {
        return error(
            StatusCode::BAD_REQUEST,
            "lat and long are required: this jurisdiction cannot locate address_string or \
             address_id alone; send the position (WGS84, or GCJ-02 with \
             coordinate_system=gcj02) with the address",
        );
    };
    let [lon, lat] = form
        .coordinate_system
        .unwrap_or_default()
        .to_wgs84([lon, lat]);
    // GeoReport makes the description optional; a case needs one, so the service names it.
    let description = form.description.unwrap_or_else(|| {
        state
            .table()
            .subclass(kind, class, subclass)
            .map_or_else(|_| service_code(kind, class, subclass), |s| s.name.clone())
    });
    let open311 = Open311Fields {
        address_string: form.address_string,
        address_id: form.address_id,
        zipcode: form.zipcode,
        media_url: form.media_url,
    };
    let name = [form.last_name, form.first_name]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("");
    let new = NewCase {
        source: Source::Public,
        kind,
        class,
        subclass,
        description,
        position: Position::new(lat, lon, 0.0),
        unit_grid: None,
        component_id: None,
        photos: Vec::new(),
        urgent: false,
        contact: Some(Contact {
            email: form.email,
            name: (!name.is_empty()).then_some(name),
            phone: form.phone,
        }),
        open311: Some(open311),
    };
    let now = clock::now();
    let created =
        blocking(move || Ok(create_case(&state, new, owner.user, owner.device, now)?)).await;
    match created {
        Ok(row) => Json([CreatedRequest {
            service_request_id: row.id,
            service_notice: SERVICE_NOTICE,
            account_id: None,
        }])
        .into_response(),
        Err(e) => from_api(e),
    }
}

/// One request as GeoReport v2 answers it, every field of the specification present.
fn request_json(
    table: &CategoryTable,
    row: &CaseListRow,
    fields: Option<&Open311Fields>,
    system: PositionSystem,
) -> ServiceRequest {
    let [long, lat] = system.from_wgs84([row.lon, row.lat]);
    let fields = fields.cloned().unwrap_or_default();
    let kind = Kind::parse(&row.kind).unwrap_or(Kind::Event);
    let name = table
        .subclass(kind, row.class, row.subclass)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    ServiceRequest {
        service_request_id: row.id,
        status: if row.status.is_final() {
            "closed"
        } else {
            "open"
        },
        status_notes: row.status.label(),
        service_name: name,
        service_code: service_code(kind, row.class, row.subclass),
        description: row.description.clone(),
        agency_responsible: "数字城管指挥中心",
        service_notice: SERVICE_NOTICE,
        requested_datetime: datetime(row.reported_at),
        updated_datetime: datetime(row.step_started_at.unwrap_or(row.reported_at)),
        expected_datetime: row.step_deadline.map(datetime),
        address: fields.address_string,
        address_id: fields.address_id,
        zipcode: fields.zipcode,
        lat,
        long,
        media_url: fields.media_url,
    }
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    /// Comma-separated request ids.
    pub service_request_id: Option<String>,
    /// Comma-separated service codes.
    pub service_code: Option<String>,
    /// RFC 3339; its date (China time) is the first day listed.
    pub start_date: Option<String>,
    /// RFC 3339; its date (China time) is the last day listed.
    pub end_date: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
    /// An extension: `gcj02` answers `lat`/`long` in GCJ-02 for clients that draw on AMap or
    /// Tencent maps; `wgs84` (the default) as stored.
    pub coordinate_system: Option<String>,
}

/// The system a reader asks positions in (`coordinate_system`, an extension).
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SystemQuery {
    /// `wgs84` (the default) or `gcj02`.
    pub coordinate_system: Option<String>,
}

/// The declared system of a read (WGS84 unless one is named); `None` for a name that is
/// neither.
fn reading_system(text: Option<&str>) -> Option<PositionSystem> {
    text.map_or(Some(PositionSystem::Wgs84), PositionSystem::parse)
}

const BAD_SYSTEM: &str = "coordinate_system must be wgs84 or gcj02";

/// Public requests, newest first, with the standard filters.
#[utoipa::path(get, path = "/open311/v2/requests.json", tag = "open311", security(()),
    params(RequestQuery,
        ("jurisdiction_id" = Option<String>, Query, description = "accepted and ignored: one jurisdiction")),
    responses((status = 200, body = Vec<ServiceRequest>), (status = 400, description = "请求无效 (a field is missing or malformed)", body = Vec<GeoReportError>),
        (status = 500, description = "internal error", body = Vec<GeoReportError>)))]
pub async fn list(
    State(state): State<AppState>,
    QueryParams(q): QueryParams<RequestQuery>,
) -> Response {
    let ids: Option<Vec<DocId>> = match &q.service_request_id {
        Some(list) => match list.split(',').map(|s| s.trim().parse()).collect() {
            Ok(ids) => Some(ids),
            Err(_) => return error(StatusCode::BAD_REQUEST, "service_request_id must be ids"),
        },
        None => None,
    };
    let start = q.start_date.as_deref().map(date_filter);
    let end = q.end_date.as_deref().map(date_filter);
    if start.is_some_and(|d| d.is_none()) || end.is_some_and(|d| d.is_none()) {
        return error(
            StatusCode::BAD_REQUEST,
            "start_date / end_date must be RFC 3339 dates",
        );
    }
    let codes: Vec<String> = q
        .service_code
        .iter()
        .flat_map(|c| c.split(','))
        .map(str::to_string)
        .collect();
    let status = q.status.clone();
    let Some(system) = reading_system(q.coordinate_system.as_deref()) else {
        return error(StatusCode::BAD_REQUEST, BAD_SYSTEM);
    };
    let found = blocking(move || {
        let filter = CaseFilter {
            source: Some(Source::Public),
            ..CaseFilter::default()
        };
        let rows = state.storage().cases(&filter, MAX_REQUESTS)?;
        let table = state.table();
        let listed: Vec<DocId> = rows.iter().map(|r| r.id).collect();
        let fields = state.storage().open311_fields(&listed)?;
        Ok(rows
            .iter()
            .filter(|r| ids.as_ref().is_none_or(|ids| ids.contains(&r.id)))
            .filter(|r| start.flatten().is_none_or(|s| r.reported_at >= midnight(s)))
            .filter(|r| {
                end.flatten()
                    .is_none_or(|e| r.reported_at < midnight(e + 1))
            })
            .filter(|r| {
                let code = Kind::parse(&r.kind).map(|k| service_code(k, r.class, r.subclass));
                codes.is_empty() || code.is_some_and(|c| codes.contains(&c))
            })
            .filter(|r| match status.as_deref() {
                Some("open") => !r.status.is_final(),
                Some("closed") => r.status.is_final(),
                _ => true,
            })
            .map(|r| request_json(table, r, fields.get(&r.id), system))
            .collect::<Vec<_>>())
    })
    .await;
    match found {
        Ok(rows) => Json(rows).into_response(),
        Err(e) => from_api(e),
    }
}

/// One public request (`{id}.json` or `{id}.xml`).
#[utoipa::path(get, path = "/open311/v2/requests/{id}", tag = "open311", security(()),
    params(("id" = String, Path, description = "service_request_id with `.json` or `.xml`"),
        SystemQuery),
    responses((status = 200, body = Vec<ServiceRequest>),
        (status = 400, description = "coordinate_system is neither wgs84 nor gcj02",
            body = Vec<GeoReportError>),
        (status = 404, description = "no such service request", body = Vec<GeoReportError>),
        (status = 500, description = "internal error", body = Vec<GeoReportError>)))]
pub async fn one(
    State(state): State<AppState>,
    PathParam(id): PathParam<String>,
    QueryParams(q): QueryParams<SystemQuery>,
) -> Response {
    let Some(system) = reading_system(q.coordinate_system.as_deref()) else {
        return error(StatusCode::BAD_REQUEST, BAD_SYSTEM);
    };
    let Ok(id) = without_format(&id).parse::<DocId>() else {
        return error(StatusCode::NOT_FOUND, "no such service request");
    };
    let found = blocking(move || {
        let Some(row) = state
            .storage()
            .case(id)?
            .filter(|r| r.source == Source::Public)
        else {
            return Ok(None);
        };
        let fields = state.storage().open311_fields(&[id])?;
        Ok(Some(request_json(
            state.table(),
            &row,
            fields.get(&id),
            system,
        )))
    })
    .await;
    match found {
        Ok(Some(row)) => Json(vec![row]).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such service request"),
        Err(e) => from_api(e),
    }
}

/// The rating form.
#[derive(Clone, Debug, ToSchema)]
pub struct Rating {
    pub api_key: String,
    /// `satisfied`, `basic` or `unsatisfied`.
    #[schema(value_type = Satisfaction)]
    pub satisfaction: String,
}

/// The reporter's 满意度 after 结案 (an extension), recorded as the 回访 the operator would
/// otherwise make by phone.
#[utoipa::path(post, path = "/open311/v2/requests/{id}/satisfaction", tag = "open311", security(()),
    params(("id" = DocId, Path)),
    request_body(content = Rating, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = Vec<Rated>), (status = 400, description = "请求无效 (a field is missing or malformed)", body = Vec<GeoReportError>),
        (status = 403, description = "api_key missing or unknown", body = Vec<GeoReportError>),
        (status = 404, description = "no such service request", body = Vec<GeoReportError>),
        (status = 409, description = "the request is not closed yet, or already rated", body = Vec<GeoReportError>),
        (status = 413, description = "request body too large", body = Vec<GeoReportError>),
        (status = 429, description = "too many attempts; see Retry-After", body = Vec<GeoReportError>)))]
pub async fn rate(
    State(state): State<AppState>,
    client: ClientAddr,
    PathParam(id): PathParam<DocId>,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    let mut fields = match read_form(query.as_deref(), body).await {
        Ok(fields) => fields,
        Err(refused) => return refused,
    };
    let (Some(api_key), Some(satisfaction)) =
        (fields.remove("api_key"), fields.remove("satisfaction"))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "api_key and satisfaction are required",
        );
    };
    let form = Rating {
        api_key,
        satisfaction,
    };
    let owner = match key_owner(&state, client, &form.api_key, "open311").await {
        Ok(owner) => owner,
        Err(e) => return key_refused(e),
    };
    let Some(satisfaction) = Satisfaction::parse(&form.satisfaction) else {
        return error(
            StatusCode::BAD_REQUEST,
            "satisfaction must be satisfied, basic or unsatisfied",
        );
    };
    let actor = Actor {
        user: owner.user,
        role: Role::Operator,
        department: None,
    };
    let now = clock::now();
    let done = blocking(move || {
        if state
            .storage()
            .case(id)?
            .is_none_or(|r| r.source != Source::Public)
        {
            return Err(ApiError::not_found("no such service request"));
        }
        Ok(act(
            &state,
            id,
            actor,
            &Action::RateSatisfaction { satisfaction },
            "公众评价",
            now,
        )?)
    })
    .await;
    match done {
        Ok(_) => Json([Rated {
            service_request_id: id,
            satisfaction,
        }])
        .into_response(),
        Err(e) => from_api(e),
    }
}
