//! User management (系统管理员 only): list people, create one, change their name, roles,
//! department or whether they may log in, and reset a password. Deactivating a user or
//! resetting their password logs them out everywhere.

use super::blocking;
use super::extract::{JsonBody, PathParam};
use super::openapi::{Forbidden, JsonInput, LoggedIn, NotFound, RateLimited};
use crate::auth::AdminSession;
use crate::auth::account::{self, AccountError, NewAccount};
use crate::auth::user_rules::{check_display_name, check_own_change, parse_roles};
use crate::clock;
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::state::AppState;
use crate::storage::{UserChange, UserListing};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cgt_shared::{Role, UserId};
use serde::{Deserialize, Deserializer};
use std::time::Duration;
use tokio::sync::SemaphorePermit;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(change))
        .routes(routes!(reset_password))
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[schema(pattern = "^[a-z0-9._-]{1,64}$")]
    pub username: String,
    #[schema(min_length = 1, max_length = 50, pattern = r"\S")]
    pub display_name: String,
    #[schema(min_length = 8, max_length = 1024)]
    pub password: String,
    /// Role names: `inspector`, `operator`, `shift_leader` …
    #[schema(value_type = Vec<Role>, min_items = 1)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub department_id: Option<i64>,
}

/// Fields left out stay as they are; `"department_id": null` takes the user out of their
/// department.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeUser {
    #[serde(default)]
    #[schema(min_length = 1, max_length = 50, pattern = r"\S")]
    pub display_name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<Role>>, min_items = 1)]
    pub roles: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<Option<i64>>,
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    #[schema(min_length = 8, max_length = 1024)]
    pub password: String,
}

/// A field that is present, even as `null`, is `Some`; an absent one stays `None` by default.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
}

fn no_such_user() -> ApiError {
    ApiError::not_found("用户不存在 (no such user)")
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> ApiError {
        match e {
            AccountError::Invalid(message) => invalid(message),
            AccountError::Storage(e) => e.into(),
            AccountError::Hash(e) => ApiError::internal(e),
        }
    }
}

/// Everyone with an account, without password hashes.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "users",
    responses((status = 200, body = Vec<UserListing>), LoggedIn, Forbidden))]
pub async fn list(
    State(state): State<AppState>,
    _admin: AdminSession,
) -> Result<Json<Vec<UserListing>>, ApiError> {
    let storage = state.store();
    blocking(move || Ok(Json(storage.users()?))).await
}

/// A turn of the login guard's bounded argon2 pool: new passwords are hashed there too.
async fn password_hasher(state: &AppState) -> Result<SemaphorePermit<'_>, ApiError> {
    state
        .logins()
        .hasher()
        .await
        .map_err(|_| ApiError::throttled(Duration::from_secs(1), true))
}

/// Creates an account.
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "users", request_body = CreateUser,
    responses((status = 201, body = UserListing),
        (status = 409, description = "用户名已存在 (username taken)", body = ErrorBody),
        (status = 422, description = "账号无效 (username, name, password, roles or department invalid)", body = ErrorBody),
        LoggedIn, Forbidden, JsonInput, RateLimited))]
#[tracing::instrument(skip_all, fields(admin = %session.username, username = %body.username))]
pub async fn create(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    JsonBody(body): JsonBody<CreateUser>,
) -> Result<(StatusCode, Json<UserListing>), ApiError> {
    let roles = parse_roles(&body.roles).map_err(invalid)?;
    let _hasher = password_hasher(&state).await?;
    let storage = state.store();
    let account = NewAccount {
        username: body.username,
        display_name: body.display_name,
        password: body.password,
        roles,
        department: body.department_id,
    };
    let user = blocking(move || {
        let id = account::create(storage.as_ref(), account, clock::now())?;
        storage.user_listing(id)?.ok_or_else(no_such_user)
    })
    .await?;
    tracing::info!(user = %user.id, "user created");
    Ok((StatusCode::CREATED, Json(user)))
}

/// Changes a user's name, roles, department or whether they may log in; deactivating logs
/// them out everywhere.
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "users",
    params(("id" = UserId, Path)), request_body = ChangeUser,
    responses((status = 200, body = UserListing),
        (status = 422, description = "修改无效 (invalid value, or an admin locking themselves out)", body = ErrorBody),
        LoggedIn, Forbidden, NotFound, JsonInput))]
#[tracing::instrument(skip_all, fields(admin = %session.username, user = %id))]
pub async fn change(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    PathParam(id): PathParam<UserId>,
    JsonBody(body): JsonBody<ChangeUser>,
) -> Result<Json<UserListing>, ApiError> {
    let roles = body
        .roles
        .as_deref()
        .map(parse_roles)
        .transpose()
        .map_err(invalid)?;
    if let Some(name) = &body.display_name {
        check_display_name(name).map_err(invalid)?;
    }
    if id == session.user {
        check_own_change(body.active, roles.as_deref()).map_err(invalid)?;
    }
    let change = UserChange {
        display_name: body.display_name.map(|n| n.trim().to_string()),
        roles,
        department: body.department_id,
        active: body.active,
    };
    let storage = state.store();
    let user = blocking(move || Ok(storage.change_user(id, change)?))
        .await?
        .ok_or_else(no_such_user)?;
    tracing::info!(active = user.active, "user changed");
    Ok(Json(user))
}

/// Resets a password; the user's sessions end.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/password", tag = "users",
    params(("id" = UserId, Path)), request_body = NewPassword,
    responses((status = 200, body = UserListing),
        (status = 422, description = "密码无效 (too short or too long)", body = ErrorBody),
        LoggedIn, Forbidden, NotFound, JsonInput, RateLimited))]
#[tracing::instrument(skip_all, fields(admin = %session.username, user = %id))]
pub async fn reset_password(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    PathParam(id): PathParam<UserId>,
    JsonBody(body): JsonBody<NewPassword>,
) -> Result<Json<UserListing>, ApiError> {
    let _hasher = password_hasher(&state).await?;
    let storage = state.store();
    let user = blocking(move || {
        let hash = account::password_hash(&body.password)?;
        Ok(storage.set_password(id, hash)?)
    })
    .await?
    .ok_or_else(no_such_user)?;
    tracing::info!("password reset");
    Ok(Json(user))
}
