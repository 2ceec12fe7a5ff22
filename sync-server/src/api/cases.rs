//! The case loop API (`/api/v1/cases…`): work queues per role, case detail, one POST per
//! workflow action, cases entered by operators, suggestions, 督办 and conflicts lists.

use super::blocking;
use super::case_view::{CaseItem, buttons, case_item, history};
use super::extract::{JsonBody, PathParam, QueryParams};
use super::openapi::{Forbidden, JsonInput, LoggedIn, NotFound};
use crate::auth::Session;
use crate::caseflow::act::{ActError, act, load_case};
use crate::caseflow::create::{CreateError, NewCase, create_case};
use crate::caseflow::settle::resolve_conflict;
use crate::caseflow::suggest::{
    DuplicateCandidate, dispatch_department, duplicate_window, duplicates,
};
use crate::clock;
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::photos::arrivals;
use crate::state::AppState;
use crate::storage::{CaseFilter, Contact};
use axum::Json;
use axum::extract::FromRequestParts;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use cgt_shared::UserId;
use cgt_shared::caseflow::event::CaseStatus;
use cgt_shared::caseflow::{
    Action, ActionKind, Actor, CaseState, ConflictOutcome, Source, allowed_actions,
};
use cgt_shared::{DocId, Kind, Position, Role, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

const MAX_PER_PAGE: u32 = 200;

/// Roles that work in the console and see every case.
const CENTRE: [Role; 6] = [
    Role::Operator,
    Role::ShiftLeader,
    Role::Dispatcher,
    Role::Leader,
    Role::PatrolSupervisor,
    Role::Admin,
];

impl From<ActError> for ApiError {
    fn from(e: ActError) -> ApiError {
        match e {
            ActError::NotFound => ApiError::not_found(e.to_string()),
            ActError::Refused(ref refusal) | ActError::CannotAdopt(ref refusal) => {
                let status =
                    StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
                ApiError::new(status, e.to_string())
            }
            ActError::NoteTooLong | ActError::NoteControl | ActError::NothingToAdopt => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
            }
            ActError::Unreadable(detail) => ApiError::internal(detail),
            ActError::Storage(s) => s.into(),
        }
    }
}

impl From<CreateError> for ApiError {
    fn from(e: CreateError) -> ApiError {
        match e {
            CreateError::Storage(s) => s.into(),
            other => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, other.to_string()),
        }
    }
}

/// The acting identity of a session for an action: the first of the user's roles that may take
/// it (or the first role), with the user's department.
fn actor_for(
    session: &Session,
    department: Option<i64>,
    kind: Option<ActionKind>,
) -> Result<Actor, ApiError> {
    let role = kind
        .and_then(|k| {
            session
                .roles
                .iter()
                .copied()
                .find(|r| k.roles().contains(r))
        })
        .or_else(|| session.roles.first().copied())
        .ok_or_else(|| ApiError::forbidden("该账号没有角色 (no role)"))?;
    Ok(Actor {
        user: session.user,
        role,
        department,
    })
}

/// A session that may enter cases (受理员 or 领导), checked before the body is read.
pub struct Intake(Session);

impl FromRequestParts<AppState> for Intake {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = Session::from_request_parts(parts, state).await?;
        if session.has(Role::Operator) || session.has(Role::Leader) {
            Ok(Intake(session))
        } else {
            Err(ApiError::forbidden(
                "需要「受理员」或「领导」角色 (requires role operator or leader)",
            ))
        }
    }
}

/// The centre's roles read every case (and so its photos).
pub(super) fn in_centre(session: &Session) -> bool {
    CENTRE.iter().any(|r| session.has(*r))
}

/// The summary row of case `id`, or 404.
pub(super) fn case_row(
    storage: &dyn crate::storage::Store,
    id: DocId,
) -> Result<crate::storage::CaseListRow, ApiError> {
    storage.case(id)?.ok_or_else(|| ActError::NotFound.into())
}

/// The centre reads every case, others those granted to them; a case one may not read is
/// answered as missing.
pub(super) fn require_readable(
    storage: &dyn crate::storage::Store,
    session: &Session,
    id: DocId,
) -> Result<(), ApiError> {
    let readable = in_centre(session)
        || storage
            .doc(id, session.user)?
            .is_some_and(|d| d.doc.readable);
    if readable {
        Ok(())
    } else {
        Err(ActError::NotFound.into())
    }
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Comma-separated status codes (`reported,accepted,…`); defaults to the caller's work.
    #[param(pattern = r"^([a-z_]+(,[a-z_]*)*)?$")]
    pub status: Option<String>,
    /// A department id.
    pub department: Option<i64>,
    /// `green`, `yellow` or `red`.
    #[param(pattern = "^(green|yellow|red)$")]
    pub warning: Option<String>,
    /// A case source code (`inspector`, `hotline`, `public`, …).
    pub source: Option<String>,
    /// Only cases under 督办.
    pub supervised: Option<bool>,
}

/// Which page of a case list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page (default 1).
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// Rows per page (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

impl PageQuery {
    /// The page and its size, checked, and the offset of its first row.
    fn checked(&self) -> Result<(u32, u32, u64), ApiError> {
        let per_page = self.per_page.unwrap_or(50);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(ApiError::bad_request(format!(
                "per_page 必须在 1…{MAX_PER_PAGE} 之间"
            )));
        }
        let page = self.page.unwrap_or(1).max(1);
        Ok((page, per_page, u64::from(page - 1) * u64::from(per_page)))
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many cases match in all.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// What a role works on when it asks for its queue without a status filter.
fn default_statuses(role: Role) -> Vec<CaseStatus> {
    use CaseStatus::*;
    match role {
        Role::Operator => vec![Reported, Verifying, Handled],
        Role::ShiftLeader => vec![Accepted, CheckPassed, Handled],
        Role::Dispatcher => vec![Registered, Dispatched],
        Role::DepartmentHandler => vec![Dispatched],
        Role::Inspector => vec![Verifying, Checking],
        _ => Vec::new(),
    }
}

/// The caller's work queue, newest first, with warning colours; `total` counts every match.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(QueueQuery, PageQuery),
    responses((status = 200, body = Page<CaseItem>),
        (status = 403, description = "处置人员未归属部门 (department handler without a department)", body = ErrorBody),
        LoggedIn))]
pub async fn queue(
    State(state): State<AppState>,
    session: Session,
    QueryParams(q): QueryParams<QueueQuery>,
    QueryParams(paging): QueryParams<PageQuery>,
) -> Result<Json<Page<CaseItem>>, ApiError> {
    let (page, per_page, offset) = paging.checked()?;
    let warning = q
        .warning
        .as_deref()
        .map(|w| {
            cgt_shared::caseflow::limits::Warning::parse(w)
                .ok_or_else(|| ApiError::bad_request("warning 须为 green / yellow / red"))
        })
        .transpose()?;
    let mut filter = CaseFilter {
        department: q.department,
        supervised: q.supervised.unwrap_or(false),
        source: q
            .source
            .as_deref()
            .map(|s| Source::parse(s).ok_or_else(|| ApiError::bad_request(format!("未知来源 {s}"))))
            .transpose()?,
        open: q.status.is_none(),
        ..CaseFilter::default()
    };
    if let Some(list) = &q.status {
        for code in list.split(',').filter(|s| !s.is_empty()) {
            filter.statuses.push(
                CaseStatus::parse(code)
                    .ok_or_else(|| ApiError::bad_request(format!("未知状态 {code}")))?,
            );
        }
    }
    let storage = state.store();
    let user = session.user;
    let department = {
        let storage = storage.clone();
        blocking(move || Ok(storage.user_department(user)?)).await?
    };
    if !in_centre(&session) {
        // Field roles see their own work only.
        if session.has(Role::DepartmentHandler) {
            filter.department = Some(
                department.ok_or_else(|| ApiError::forbidden("账号未归属部门 (no department)"))?,
            );
        } else {
            filter.assignee = Some(user);
        }
    }
    if q.status.is_none()
        && let Some(role) = session.roles.first()
    {
        filter.statuses = default_statuses(*role);
    }
    let now = clock::now();
    filter.warning = warning.map(|colour| (colour, now));
    blocking(move || {
        let item = |row| case_item(row, state.table(), state.rules().calendar, now);
        // Filtered (colour included), sorted and paged by the query, with the true count.
        let (rows, total) = storage.case_page(&filter, offset, per_page)?;
        let items = rows.into_iter().map(item).collect();
        Ok(Json(Page {
            items,
            total,
            page,
            per_page,
        }))
    })
    .await
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseDetail {
    pub case: CaseItem,
    pub report: cgt_shared::Report,
    pub photos: Vec<crate::photos::PhotoArrival>,
    pub history: Vec<super::case_view::HistoryEntry>,
    pub allowed_actions: Vec<super::case_view::ActionButton>,
    /// The public reporter's contact, for the centre only.
    pub contact: Option<Contact>,
}

/// One case: its summary, report, photos, history and the actions the caller may take.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = DocId, Path, description = "案件 id")),
    responses((status = 200, body = CaseDetail), LoggedIn, NotFound))]
pub async fn detail(
    State(state): State<AppState>,
    session: Session,
    PathParam(id): PathParam<DocId>,
) -> Result<Json<CaseDetail>, ApiError> {
    let now = clock::now();
    blocking(move || {
        let storage = state.storage();
        let row = case_row(storage, id)?;
        require_readable(storage, &session, id)?;
        let case = load_case(&state, id)?;
        let facts = case.facts();
        let (report, events) = (case.report, case.events);
        let department = storage.user_department(session.user)?;
        let case_state = CaseState::fold(&events);
        let mut allowed = Vec::new();
        for role in &session.roles {
            let actor = Actor {
                user: session.user,
                role: *role,
                department,
            };
            for kind in allowed_actions(&case_state, &facts, &actor) {
                if !allowed.contains(&kind) {
                    allowed.push(kind);
                }
            }
        }
        let names = storage.user_names()?;
        let mut photos = report.photos.clone();
        for event in &events {
            photos.extend(
                event
                    .data
                    .photos
                    .iter()
                    .map(|p| cgt_shared::report::PhotoRef { sha256: p.clone() }),
            );
        }
        let contact = if in_centre(&session) {
            storage.contact(id)?
        } else {
            None
        };
        Ok(Json(CaseDetail {
            case: case_item(row, state.table(), state.rules().calendar, now),
            photos: arrivals(storage, &photos)?,
            history: history(events, &names),
            allowed_actions: buttons(allowed),
            contact,
            report,
        }))
    })
    .await
}

/// The largest body of a case action: its parameters and a note.
const ACTION_BODY_BYTES: usize = 64 << 10;

/// The body of a workflow action: an optional note and the action's own parameters —
/// `verifier` (accept), `inspector` (assign_verify, assign_check), `exists` and `photos`
/// (verify), `reason` (reject, return), `of` (link_duplicate), `department` (dispatch),
/// `photos` (handle), `hours` (request_extension), `passed` and `photos` (check),
/// `outcome` = keep | adopt (resolve_conflict), `satisfaction` (rate_satisfaction),
/// `bonus_tenths` (credit_proactive).
#[derive(Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    #[serde(default, skip_serializing)]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifier: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspector: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photos: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<DocId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
    #[schema(pattern = "^(keep|adopt)$")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<cgt_shared::caseflow::event::Satisfaction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonus_tenths: Option<i64>,
}

/// A workflow action on a case, with the action's parameters and an optional `note`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/{action}", tag = "cases",
    params(("id" = DocId, Path, description = "案件 id"), ("action" = ActionKind, Path)),
    request_body(content = ActionBody, description = "The action's parameters (none for most)"),
    responses((status = 200, body = CaseItem),
        (status = 403, description = "该角色不能执行此操作 (the caller's role may not take this action)", body = ErrorBody),
        (status = 404, description = "案件或操作不存在 (no such case, or no such action)", body = ErrorBody),
        (status = 409, description = "案件当前状态不允许此操作 (not allowed in the case's state)", body = ErrorBody),
        (status = 422, description = "操作参数无效 (a parameter is missing or invalid)", body = ErrorBody),
        LoggedIn))]
#[tracing::instrument(skip(state, session, body), fields(user = %session.username))]
pub async fn action(
    State(state): State<AppState>,
    session: Session,
    PathParam((id, action)): PathParam<(DocId, String)>,
    body: axum::body::Body,
) -> Result<Json<CaseItem>, ApiError> {
    let kind = ActionKind::parse(&action)
        .ok_or_else(|| ApiError::not_found(format!("未知操作 {action} (no such action)")))?;
    // A case the caller may not read is missing, whatever its state: checked before the body.
    let (storage, reader) = (state.store(), session.clone());
    blocking(move || require_readable(storage.as_ref(), &reader, id)).await?;
    let body = axum::body::to_bytes(body, ACTION_BODY_BYTES)
        .await
        .map_err(|_| ApiError::too_large(ACTION_BODY_BYTES))?;
    let body: ActionBody = if body.iter().all(u8::is_ascii_whitespace) {
        ActionBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("操作参数无效 ({e})"),
            ),
            _ => ApiError::bad_request(format!("请求不是有效的 JSON 对象 ({e})")),
        })?
    };
    let note = body.note.clone().unwrap_or_default();
    let mut params = match serde_json::to_value(&body) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    params.insert("action".into(), Value::String(kind.as_str().into()));
    let now = clock::now();
    blocking(move || {
        let storage = state.storage();
        let department = storage.user_department(session.user)?;
        let actor = actor_for(&session, department, Some(kind))?;
        // The grid's inspector is the default for 核实 and 核查 tasks.
        if matches!(
            kind,
            ActionKind::Accept | ActionKind::AssignVerify | ActionKind::AssignCheck
        ) {
            let field = if kind == ActionKind::Accept {
                "verifier"
            } else {
                "inspector"
            };
            if params.get(field).is_none_or(Value::is_null) {
                let row = case_row(storage, id)?;
                let needs = kind != ActionKind::Accept || row.source.is_public_complaint();
                if needs && let Some(inspector) = storage.grid_inspector(&row.unit_grid)? {
                    params.insert(field.into(), Value::String(inspector.to_string()));
                }
            }
        }
        let row = if kind == ActionKind::ResolveConflict {
            resolve_conflict(&state, id, actor, conflict_outcome(&params)?, &note, now)?
        } else {
            let action: Action = serde_json::from_value(Value::Object(params)).map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("操作参数无效 ({e})"),
                )
            })?;
            act(&state, id, actor, &action, &note, now)?
        };
        tracing::info!(case = %id, action = kind.as_str(), "workflow action");
        let listed = storage
            .case(row.id)?
            .ok_or_else(|| ApiError::internal("case summary missing after write"))?;
        Ok(Json(case_item(
            listed,
            state.table(),
            state.rules().calendar,
            now,
        )))
    })
    .await
}

/// The `outcome` of a 冲突处理: `keep` (default) or `adopt`.
fn conflict_outcome(params: &serde_json::Map<String, Value>) -> Result<ConflictOutcome, ApiError> {
    match params.get("outcome") {
        None | Some(Value::Null) => Ok(ConflictOutcome::Keep),
        Some(Value::String(s)) => ConflictOutcome::parse(s).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("outcome 须为 keep 或 adopt (got {s})"),
            )
        }),
        Some(_) => Err(ApiError::bad_request("outcome 必须是字符串")),
    }
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct NewCaseBody {
    /// `hotline`, `video` (operators) or `leader` (leaders).
    #[schema(pattern = "^(hotline|video|leader)$")]
    pub source: String,
    /// `component` (部件) or `event` (事件).
    #[schema(pattern = "^(component|event)$")]
    pub kind: String,
    #[schema(minimum = 1, maximum = 99)]
    pub class: u8,
    #[schema(minimum = 1, maximum = 99)]
    pub subclass: u8,
    #[schema(min_length = 1, max_length = 2000)]
    pub description: String,
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: f64,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: f64,
    pub unit_grid: Option<String>,
    pub component_id: Option<String>,
    #[serde(default)]
    pub urgent: bool,
    #[serde(default)]
    pub photos: Vec<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

/// A case from the hotline, a video capture (受理员) or a leader (领导).
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCaseBody,
    responses((status = 201, body = CaseItem), LoggedIn, Forbidden, JsonInput))]
pub async fn create(
    State(state): State<AppState>,
    Intake(session): Intake,
    JsonBody(body): JsonBody<NewCaseBody>,
) -> Result<(StatusCode, Json<CaseItem>), ApiError> {
    let source = Source::parse(&body.source)
        .ok_or_else(|| ApiError::bad_request("source 须为 hotline / video / leader"))?;
    let role = match source {
        Source::Hotline | Source::Video => Role::Operator,
        Source::Leader => Role::Leader,
        _ => {
            return Err(ApiError::bad_request(
                "该来源不能在此录入 (use the sync, sensor or Open311 channel)",
            ));
        }
    };
    session.require(role)?;
    let kind = Kind::parse(&body.kind)
        .ok_or_else(|| ApiError::bad_request("kind 须为 component / event"))?;
    let parse_err =
        |what: &str| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{what} 无效"));
    let new = NewCase {
        source,
        kind,
        class: body.class,
        subclass: body.subclass,
        description: body.description,
        position: Position::new(body.lat, body.lon, 0.0),
        unit_grid: body
            .unit_grid
            .map(|g| g.parse().map_err(|_| parse_err("unit_grid")))
            .transpose()?,
        component_id: body
            .component_id
            .map(|c| c.parse().map_err(|_| parse_err("component_id")))
            .transpose()?,
        photos: body.photos,
        urgent: body.urgent,
        contact: (body.contact_name.is_some() || body.contact_phone.is_some()).then_some(Contact {
            email: None,
            name: body.contact_name,
            phone: body.contact_phone,
        }),
        open311: None,
    };
    let now = clock::now();
    blocking(move || {
        let device = state.storage().intake_device(session.user, now)?;
        let row = create_case(&state, new, session.user, device, now)?;
        let listed = state
            .storage()
            .case(row.id)?
            .ok_or_else(|| ApiError::internal("case summary missing"))?;
        Ok((
            StatusCode::CREATED,
            Json(case_item(
                listed,
                state.table(),
                state.rules().calendar,
                now,
            )),
        ))
    })
    .await
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Suggestions {
    /// 匹配派遣
    pub department: Option<crate::storage::Department>,
    /// 智能比对: radius and window used, and the candidates nearest first.
    pub radius_m: f64,
    pub window_hours: i64,
    pub duplicates: Vec<DuplicateCandidate>,
}

/// 匹配派遣 and 智能比对 for a case (centre roles).
#[utoipa::path(get, path = "/api/v1/cases/{id}/suggestions", tag = "cases",
    params(("id" = DocId, Path, description = "案件 id")),
    responses((status = 200, body = Suggestions), LoggedIn, Forbidden, NotFound))]
pub async fn suggestions(
    State(state): State<AppState>,
    session: Session,
    PathParam(id): PathParam<DocId>,
) -> Result<Json<Suggestions>, ApiError> {
    if !in_centre(&session) {
        return Err(ApiError::forbidden("仅指挥中心可用 (centre roles only)"));
    }
    blocking(move || {
        let storage = state.storage();
        let row = case_row(storage, id)?;
        let kind = Kind::parse(&row.kind).unwrap_or(Kind::Event);
        let code = dispatch_department(kind, row.class, row.subclass, &row.unit_grid);
        let department = storage
            .departments()?
            .into_iter()
            .find(|d| Some(d.code.as_str()) == code);
        let (radius_m, window_hours) = duplicate_window(kind, row.class, row.subclass);
        let window = window_hours * 3_600_000;
        let near = storage.cases_of_category(
            &row.kind,
            row.class,
            row.subclass,
            Timestamp(row.reported_at.millis() - window),
            Timestamp(row.reported_at.millis() + window),
        )?;
        let at = Position::new(row.lat, row.lon, 0.0);
        let mut candidates = duplicates(id, &at, radius_m, near);
        add_first_photos(&state, &mut candidates)?;
        Ok(Json(Suggestions {
            department,
            radius_m,
            window_hours,
            duplicates: candidates,
        }))
    })
    .await
}

/// Gives each candidate the first photo of its report, so the operator can compare pictures.
/// A candidate whose document does not load keeps no photo rather than failing the list.
fn add_first_photos(
    state: &AppState,
    candidates: &mut [DuplicateCandidate],
) -> Result<(), ApiError> {
    for candidate in candidates.iter_mut() {
        let first = match load_case(state, candidate.case.id) {
            Ok(case) => case.report.photos.into_iter().next(),
            Err(e) => {
                tracing::warn!(case = %candidate.case.id, error = %e, "candidate not readable");
                None
            }
        };
        if let Some(photo) = first {
            candidate.photo = arrivals(state.storage(), &[photo])?.pop();
        }
    }
    Ok(())
}

/// 督办 cases still open (centre roles).
#[utoipa::path(get, path = "/api/v1/supervision", tag = "cases", params(PageQuery),
    responses((status = 200, body = Page<CaseItem>), LoggedIn, Forbidden))]
pub async fn supervision(
    State(state): State<AppState>,
    session: Session,
    QueryParams(paging): QueryParams<PageQuery>,
) -> Result<Json<Page<CaseItem>>, ApiError> {
    listing(
        state,
        session,
        paging,
        CaseFilter {
            supervised: true,
            open: true,
            ..CaseFilter::default()
        },
        None,
    )
    .await
}

/// Cases waiting for an admin to settle a conflict (admin only).
#[utoipa::path(get, path = "/api/v1/conflicts", tag = "cases", params(PageQuery),
    responses((status = 200, body = Page<CaseItem>), LoggedIn, Forbidden))]
pub async fn conflicts(
    State(state): State<AppState>,
    session: Session,
    QueryParams(paging): QueryParams<PageQuery>,
) -> Result<Json<Page<CaseItem>>, ApiError> {
    listing(
        state,
        session,
        paging,
        CaseFilter {
            in_conflict: true,
            ..CaseFilter::default()
        },
        Some(Role::Admin),
    )
    .await
}

/// A page of `filter`'s cases, newest first, for a centre role (or `role`).
async fn listing(
    state: AppState,
    session: Session,
    paging: PageQuery,
    filter: CaseFilter,
    role: Option<Role>,
) -> Result<Json<Page<CaseItem>>, ApiError> {
    match role {
        Some(role) => session.require(role)?,
        None if !in_centre(&session) => {
            return Err(ApiError::forbidden("仅指挥中心可用 (centre roles only)"));
        }
        None => {}
    }
    let (page, per_page, offset) = paging.checked()?;
    let now = clock::now();
    blocking(move || {
        let (rows, total) = state.storage().case_page(&filter, offset, per_page)?;
        let items = rows
            .into_iter()
            .map(|row| case_item(row, state.table(), state.rules().calendar, now))
            .collect();
        Ok(Json(Page {
            items,
            total,
            page,
            per_page,
        }))
    })
    .await
}
