//! User management (系统管理员 only): list people, create one, change their name, roles,
//! department or whether they may log in, and reset a password. Deactivating a user or
//! resetting their password logs them out everywhere.

use super::blocking;
use super::extract::{JsonBody, PathParam};
use crate::auth::AdminSession;
use crate::auth::account::{self, AccountError, NewAccount};
use crate::auth::user_rules::{check_display_name, check_own_change, parse_roles};
use crate::clock;
use crate::error::ApiError;
use crate::state::AppState;
use crate::storage::{UserChange, UserListing};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use cgt_shared::UserId;
use serde::{Deserialize, Deserializer};
use std::time::Duration;
use tokio::sync::SemaphorePermit;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/users", get(list).post(create))
        .route("/api/v1/admin/users/{id}", patch(change))
        .route("/api/v1/admin/users/{id}/password", post(reset_password))
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    /// Role names: `inspector`, `operator`, `shift_leader` …
    pub roles: Vec<String>,
    #[serde(default)]
    pub department_id: Option<i64>,
}

/// Fields left out stay as they are; `"department_id": null` takes the user out of their
/// department.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeUser {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    pub department_id: Option<Option<i64>>,
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
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

/// `GET /api/v1/admin/users`: everyone with an account, without password hashes.
pub async fn list(
    State(state): State<AppState>,
    AdminSession(_): AdminSession,
) -> Result<Json<Vec<UserListing>>, ApiError> {
    let storage = state.storage().clone();
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

/// `POST /api/v1/admin/users`: 201 with the new user.
#[tracing::instrument(skip_all, fields(admin = %session.username, username = %body.username))]
pub async fn create(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    JsonBody(body): JsonBody<CreateUser>,
) -> Result<(StatusCode, Json<UserListing>), ApiError> {
    let roles = parse_roles(&body.roles).map_err(invalid)?;
    let _hasher = password_hasher(&state).await?;
    let storage = state.storage().clone();
    let account = NewAccount {
        username: body.username,
        display_name: body.display_name,
        password: body.password,
        roles,
        department: body.department_id,
    };
    let user = blocking(move || {
        let id = account::create(&storage, account, clock::now())?;
        storage.user_listing(id)?.ok_or_else(no_such_user)
    })
    .await?;
    tracing::info!(user = %user.id, "user created");
    Ok((StatusCode::CREATED, Json(user)))
}

/// `PATCH /api/v1/admin/users/{id}`.
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
    let storage = state.storage().clone();
    let user = blocking(move || Ok(storage.change_user(id, change)?))
        .await?
        .ok_or_else(no_such_user)?;
    tracing::info!(active = user.active, "user changed");
    Ok(Json(user))
}

/// `POST /api/v1/admin/users/{id}/password`: the user's sessions end.
#[tracing::instrument(skip_all, fields(admin = %session.username, user = %id))]
pub async fn reset_password(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    PathParam(id): PathParam<UserId>,
    JsonBody(body): JsonBody<NewPassword>,
) -> Result<Json<UserListing>, ApiError> {
    let _hasher = password_hasher(&state).await?;
    let storage = state.storage().clone();
    let user = blocking(move || {
        let hash = account::password_hash(&body.password)?;
        Ok(storage.set_password(id, hash)?)
    })
    .await?
    .ok_or_else(no_such_user)?;
    tracing::info!("password reset");
    Ok(Json(user))
}
