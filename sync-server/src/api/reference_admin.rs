//! Reference data for the admin (系统管理员 only): departments, the category table, work and
//! unit grids with their counts, components a page at a time; adding, changing and retiring a
//! component and giving a work grid to an inspector. Every edit goes through the versioned
//! edits of `crate::reference`, so devices get it with their next reference delta.

use super::blocking;
use super::extract::{JsonBody, PathParam, QueryParams};
use super::openapi::{Forbidden, JsonInput, LoggedIn};
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::reference::{
    ComponentChange, ComponentFilter, ComponentListing, ComponentPage, DepartmentListing,
    EditError, Intent, UnitGridListing, WorkGridListing,
};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cgt_shared::{CategoryTable, ComponentId, GridCode, Kind, UserId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 200;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(departments))
        .routes(routes!(categories))
        .routes(routes!(work_grids))
        .routes(routes!(assign_inspector))
        .routes(routes!(unit_grids))
        .routes(routes!(components, add_component))
        .routes(routes!(change_component))
        .routes(routes!(retire_component))
}

/// A component id in the path.
const COMPONENT_ID: &str = "部件标识码 (16 digits)";

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
}

impl From<EditError> for ApiError {
    fn from(e: EditError) -> ApiError {
        let status = match &e {
            EditError::Storage(_) => return ApiError::internal(e),
            EditError::ComponentExists(_) => StatusCode::CONFLICT,
            EditError::UnknownComponent(_) | EditError::UnknownWorkGrid(_) => StatusCode::NOT_FOUND,
            EditError::Position(_)
            | EditError::UnknownUnitGrid(_)
            | EditError::OutsideUnitGrid(_)
            | EditError::UnknownDepartment(_)
            | EditError::NotAnInspector(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.to_string())
    }
}

/// Departments with their staff and component counts.
#[utoipa::path(get, path = "/api/v1/admin/departments", tag = "reference",
    responses((status = 200, body = Vec<DepartmentListing>), LoggedIn, Forbidden))]
pub async fn departments(
    State(state): State<AppState>,
    _admin: AdminSession,
) -> Result<Json<Vec<DepartmentListing>>, ApiError> {
    let storage = state.store();
    blocking(move || Ok(Json(storage.department_listing()?))).await
}

/// The category table the server serves to devices.
#[utoipa::path(get, path = "/api/v1/admin/categories", tag = "reference",
    responses((status = 200, body = CategoryTable), LoggedIn, Forbidden))]
pub async fn categories(
    State(state): State<AppState>,
    _admin: AdminSession,
) -> Result<Json<CategoryTable>, ApiError> {
    Ok(Json(state.table().clone()))
}

/// Work grids (工作网格) with their inspector and counts.
#[utoipa::path(get, path = "/api/v1/admin/work-grids", tag = "reference",
    responses((status = 200, body = Vec<WorkGridListing>), LoggedIn, Forbidden))]
pub async fn work_grids(
    State(state): State<AppState>,
    _admin: AdminSession,
) -> Result<Json<Vec<WorkGridListing>>, ApiError> {
    let storage = state.store();
    blocking(move || Ok(Json(storage.work_grid_listing()?))).await
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// The inspector's user id, or `null` for nobody.
    pub inspector: Option<UserId>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Edited<T> {
    /// The reference version devices will be brought to.
    pub version: u64,
    #[serde(flatten)]
    pub row: T,
}

/// Who patrols the work grid (工作网格).
#[utoipa::path(put, path = "/api/v1/admin/work-grids/{code}/inspector", tag = "reference",
    params(("code" = GridCode, Path, description = "工作网格编码")),
    request_body = Assignment,
    responses((status = 200, body = Edited<WorkGridListing>),
        (status = 404, description = "工作网格不存在 (no such work grid)", body = ErrorBody),
        (status = 422, description = "不是监督员 (the user is not an inspector)", body = ErrorBody),
        LoggedIn, Forbidden, JsonInput))]
#[tracing::instrument(skip_all, fields(admin = %session.username, work_grid = %code))]
pub async fn assign_inspector(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    PathParam(code): PathParam<GridCode>,
    JsonBody(body): JsonBody<Assignment>,
) -> Result<Json<Edited<WorkGridListing>>, ApiError> {
    let storage = state.store();
    let (version, row) = blocking(move || {
        let version = storage.assign_work_grid(code.clone(), body.inspector)?;
        let row = storage
            .work_grid_listing()?
            .into_iter()
            .find(|w| w.code == code);
        Ok((version, row))
    })
    .await?;
    let row = row.ok_or_else(|| ApiError::internal("assigned work grid vanished"))?;
    tracing::info!(version, "work grid assigned");
    Ok(Json(Edited { version, row }))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitGridQuery {
    /// Only the unit grids of this work grid.
    pub work_grid: Option<GridCode>,
}

/// Unit grids (单元网格) with their counts.
#[utoipa::path(get, path = "/api/v1/admin/unit-grids", tag = "reference", params(UnitGridQuery),
    responses((status = 200, body = Vec<UnitGridListing>), LoggedIn, Forbidden))]
pub async fn unit_grids(
    State(state): State<AppState>,
    _admin: AdminSession,
    QueryParams(query): QueryParams<UnitGridQuery>,
) -> Result<Json<Vec<UnitGridListing>>, ApiError> {
    let storage = state.store();
    blocking(move || Ok(Json(storage.unit_grid_listing(query.work_grid)?))).await
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComponentQuery {
    /// The first digits of the component id (部件标识码).
    #[serde(default)]
    #[param(pattern = "^ *[0-9]{0,16} *$")]
    pub id: String,
    /// The first digits of the unit grid code.
    #[serde(default)]
    #[param(pattern = "^ *[0-9]{0,15} *$")]
    pub unit_grid: String,
    #[serde(default)]
    pub offset: u32,
    /// Rows per page (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// A component as the console shows it: with its category.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ComponentItem {
    #[serde(flatten)]
    pub listing: ComponentListing,
    pub class: u8,
    pub subclass: u8,
    /// e.g. `公用设施 / 上水井盖`; `未知类别` when the table lacks it.
    pub category_label: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ComponentItems {
    pub total: u64,
    pub items: Vec<ComponentItem>,
}

fn item(listing: ComponentListing, table: &CategoryTable) -> ComponentItem {
    let id = &listing.component.id;
    let (class, subclass) = (id.class(), id.subclass());
    let category_label = match (
        table.class(Kind::Component, class),
        table.subclass(Kind::Component, class, subclass),
    ) {
        (Ok(c), Ok(s)) => format!("{} / {}", c.name, s.name),
        _ => "未知类别".to_string(),
    };
    ComponentItem {
        listing,
        class,
        subclass,
        category_label,
    }
}

/// Digits only, at most `max` of them: the start of a code to search by.
fn code_prefix(text: &str, max: usize, what: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.len() <= max && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_string())
    } else {
        Err(ApiError::bad_request(format!(
            "{what}须为不超过 {max} 位的数字 ({what} prefix must be up to {max} digits)"
        )))
    }
}

/// Components in service whose id and unit grid start with the given digits, by id.
#[utoipa::path(get, path = "/api/v1/admin/components", tag = "reference", params(ComponentQuery),
    responses((status = 200, body = ComponentItems), LoggedIn, Forbidden))]
pub async fn components(
    State(state): State<AppState>,
    _admin: AdminSession,
    QueryParams(query): QueryParams<ComponentQuery>,
) -> Result<Json<ComponentItems>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit 必须在 1…{MAX_PAGE} 之间 (limit out of range)"
        )));
    }
    let filter = ComponentFilter {
        id_prefix: code_prefix(&query.id, 16, "部件标识码")?,
        unit_grid_prefix: code_prefix(&query.unit_grid, 15, "单元网格编码")?,
        offset: query.offset,
        limit,
    };
    let storage = state.store();
    let page: ComponentPage = blocking(move || Ok(storage.component_page(filter)?)).await?;
    let table = state.table();
    Ok(Json(ComponentItems {
        total: page.total,
        items: page.items.into_iter().map(|l| item(l, table)).collect(),
    }))
}

/// A component as the console sends it, in the shape it lists them. `id` is required when adding; when changing it may be
/// left out, and must otherwise equal the id in the path.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentBody {
    #[serde(default)]
    #[schema(pattern = "^ *[0-9]{16} *$")]
    pub id: Option<String>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: f64,
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: f64,
    #[schema(pattern = "^ *[0-9]{15} *$")]
    pub unit_grid: String,
    /// The owning (权属) department's id.
    #[serde(default)]
    pub owner: Option<i64>,
    /// The maintaining (养护) department's id.
    #[serde(default)]
    pub maintainer: Option<i64>,
}

/// Checks what needs no database: the id's shape, that its class and subclass are a 部件 of
/// the category table, the grid code, and that both lie in the same county.
fn component_change(
    id: ComponentId,
    body: ComponentBody,
    table: &CategoryTable,
) -> Result<ComponentChange, ApiError> {
    table
        .subclass(Kind::Component, id.class(), id.subclass())
        .map_err(|e| invalid(format!("部件标识码 {id} 的类别无效: {e}")))?;
    let unit_grid: GridCode = body
        .unit_grid
        .trim()
        .parse()
        .map_err(|e| invalid(format!("单元网格编码无效: {e}")))?;
    if unit_grid.county() != id.county() {
        return Err(invalid(format!(
            "部件 {id} 与单元网格 {unit_grid} 不在同一区县 (county codes differ)"
        )));
    }
    Ok(ComponentChange {
        id,
        lon: body.lon,
        lat: body.lat,
        unit_grid,
        owner_department: body.owner,
        maintainer_department: body.maintainer,
    })
}

fn component_id(text: &str) -> Result<ComponentId, ApiError> {
    text.trim()
        .parse()
        .map_err(|e| invalid(format!("部件标识码无效: {e}")))
}

/// Writes `change` as `intent` allows and answers the stored component with the new version.
async fn edit(
    state: AppState,
    change: ComponentChange,
    intent: Intent,
) -> Result<Json<Edited<ComponentItem>>, ApiError> {
    let storage = state.store();
    let id = change.id.clone();
    let (version, listing) = blocking(move || {
        let version = storage.edit_component(change, intent)?;
        Ok((version, storage.component_listing(id)?))
    })
    .await?;
    let listing = listing.ok_or_else(|| ApiError::internal("edited component vanished"))?;
    tracing::info!(component = %listing.component.id, version, ?intent, "component edited");
    Ok(Json(Edited {
        version,
        row: item(listing, state.table()),
    }))
}

/// Adds a component; 409 if the id is taken (even by a retired one).
#[utoipa::path(post, path = "/api/v1/admin/components", tag = "reference",
    request_body = ComponentBody,
    responses((status = 201, body = Edited<ComponentItem>),
        (status = 409, description = "部件标识码已存在 (the id is taken)", body = ErrorBody),
        (status = 422, description = "部件无效 (category, grid or position invalid)", body = ErrorBody),
        LoggedIn, Forbidden, JsonInput))]
#[tracing::instrument(skip_all, fields(admin = %session.username))]
pub async fn add_component(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    JsonBody(body): JsonBody<ComponentBody>,
) -> Result<(StatusCode, Json<Edited<ComponentItem>>), ApiError> {
    let id = component_id(
        body.id
            .as_deref()
            .ok_or_else(|| invalid("缺少部件标识码 (id is required to add a component)"))?,
    )?;
    let change = component_change(id, body, state.table())?;
    let answer = edit(state, change, Intent::Add).await?;
    Ok((StatusCode::CREATED, answer))
}

/// Changes a component (a retired one comes back into service).
#[utoipa::path(put, path = "/api/v1/admin/components/{id}", tag = "reference",
    params(("id" = String, Path, description = COMPONENT_ID)),
    request_body = ComponentBody,
    responses((status = 200, body = Edited<ComponentItem>),
        (status = 404, description = "部件不存在 (no such component)", body = ErrorBody),
        (status = 422, description = "部件无效 (category, grid or position invalid)", body = ErrorBody),
        LoggedIn, Forbidden, JsonInput))]
#[tracing::instrument(skip_all, fields(admin = %session.username, component = %path_id))]
pub async fn change_component(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    PathParam(path_id): PathParam<String>,
    JsonBody(body): JsonBody<ComponentBody>,
) -> Result<Json<Edited<ComponentItem>>, ApiError> {
    let id = component_id(&path_id)?;
    if let Some(other) = body.id.as_deref()
        && other.trim() != id.as_str()
    {
        return Err(invalid(
            "请求中的部件标识码与路径不一致,部件标识码不能修改 (id differs from the path)",
        ));
    }
    let change = component_change(id, body, state.table())?;
    edit(state, change, Intent::Change).await
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RetiredComponent {
    pub version: u64,
    pub id: ComponentId,
}

/// Takes a component out of service (devices drop it).
#[utoipa::path(post, path = "/api/v1/admin/components/{id}/retire", tag = "reference",
    params(("id" = String, Path, description = COMPONENT_ID)),
    responses((status = 200, body = RetiredComponent),
        (status = 404, description = "部件不存在或已停用 (no such component)", body = ErrorBody),
        (status = 422, description = "部件标识码无效 (bad id)", body = ErrorBody),
        LoggedIn, Forbidden))]
#[tracing::instrument(skip_all, fields(admin = %session.username, component = %path_id))]
pub async fn retire_component(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    PathParam(path_id): PathParam<String>,
) -> Result<Json<RetiredComponent>, ApiError> {
    let id = component_id(&path_id)?;
    let storage = state.store();
    let retired = id.clone();
    let version = blocking(move || Ok(storage.retire_component(retired)?))
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!("部件 {id} 不存在或已停用 (no such component)"))
        })?;
    tracing::info!(version, "component retired");
    Ok(Json(RetiredComponent { version, id }))
}
