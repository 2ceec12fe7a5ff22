//! Login, logout and "who am I".

use super::Done;
use super::blocking;
use super::extract::JsonBody;
use super::openapi::{Anyone, JsonInput, LoggedIn, RateLimited};
use crate::auth::session_check::may_sync;
use crate::auth::user_rules::{MAX_PASSWORD_BYTES, MAX_USERNAME_CHARS};
use crate::auth::{Session, password, token};
use crate::clock;
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::guard::ClientAddr;
use crate::guard::login::{Lockout, Throttled};
use crate::guard::shared;
use crate::state::AppState;
use crate::storage::{DeviceLogin, LoginOutcome, LoginRecord, SecurityEvent, Store};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cgt_shared::{DeviceId, Role, Timestamp, UserId};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use utoipa::ToSchema;

const MAX_DEVICE_NAME_CHARS: usize = 100;
const MAX_APP_VERSION_CHARS: usize = 50;
const WRONG_LOGIN: &str = "用户名或密码错误 (invalid username or password)";

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
    /// Present for a field-device login.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub device_name: Option<String>,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub app_version: Option<String>,
    /// The id this device got at an earlier login.
    #[serde(default)]
    pub device_id: Option<DeviceId>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    #[serde(flatten)]
    pub me: Me,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Me {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub device_id: Option<DeviceId>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
}

/// Checks the shape of a login and returns the device part of a field login.
fn check_login(req: &LoginRequest) -> Result<Option<DeviceLogin>, ApiError> {
    let has_control = cgt_shared::text::has_control;
    if req.username.is_empty()
        || req.username.chars().count() > MAX_USERNAME_CHARS
        || has_control(&req.username)
    {
        return Err(invalid(format!(
            "用户名不能为空且不超过 {MAX_USERNAME_CHARS} 个字符 (username length)"
        )));
    }
    if req.password.is_empty() || req.password.len() > MAX_PASSWORD_BYTES {
        return Err(invalid(format!(
            "密码不能为空且不超过 {MAX_PASSWORD_BYTES} 字节 (password length)"
        )));
    }
    if let Some(version) = &req.app_version
        && (version.chars().count() > MAX_APP_VERSION_CHARS || has_control(version))
    {
        return Err(invalid(format!(
            "应用版本过长 (app_version longer than {MAX_APP_VERSION_CHARS} characters)"
        )));
    }
    let Some(name) = &req.device_name else {
        return match req.device_id {
            Some(_) => Err(invalid(
                "提供 device_id 时必须同时提供 device_name (device_id needs device_name)",
            )),
            None => Ok(None),
        };
    };
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_DEVICE_NAME_CHARS || has_control(name) {
        return Err(invalid(format!(
            "设备名称不能为空且不超过 {MAX_DEVICE_NAME_CHARS} 个字符 (device_name length)"
        )));
    }
    Ok(Some(DeviceLogin {
        requested: req.device_id,
        name: name.to_string(),
        app_version: req.app_version.clone(),
    }))
}

#[tracing::instrument(skip_all, fields(username = %req.username, device = req.device_name.is_some()))]
/// Logs in a console user, or a field device when `device_name` is given. Wrong passwords are
/// throttled per username and per client address.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "用户名或密码错误 (invalid username or password)", body = ErrorBody),
        (status = 403, description = "账号已停用、设备已停用或该角色不能同步 (account or device disabled, role may not sync)", body = ErrorBody),
        Anyone, JsonInput, RateLimited))]
pub async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let device = check_login(&req)?;
    let address = client.key();
    let guard = state.logins();
    guard
        .admit(&req.username, &address, clock::now().millis())
        .map_err(throttled)?;
    let storage = state.store();
    let (store, username, from) = (storage.clone(), req.username.clone(), address.clone());
    blocking(move || {
        Ok(shared::admit(
            store.as_ref(),
            &username,
            &from,
            clock::now().millis(),
        )?)
    })
    .await?
    .map_err(throttled)?;
    let _hasher = guard.hasher().await.map_err(throttled)?;
    let ttl_ms = i64::from(state.settings().token_ttl_days) * Timestamp::MS_PER_DAY;
    let checked = state.clone();
    blocking(move || {
        let user = storage.find_user(&req.username)?;
        let right = match &user {
            Some(user) => password::verify(&req.password, &user.password_hash),
            None => {
                password::verify_nobody(&req.password);
                false
            }
        };
        let (Some(user), true) = (user, right) else {
            let now_ms = clock::now().millis();
            // This process's count answers the next attempt here at once; the shared count
            // is the one every instance goes by, and the one the audit log records.
            checked.logins().failed(&req.username, &address, now_ms);
            let lockouts = shared::failed(storage.as_ref(), &req.username, &address, now_ms)?;
            record_lockouts(storage.as_ref(), lockouts, &address)?;
            return Err(ApiError::unauthorized(WRONG_LOGIN));
        };
        checked.logins().succeeded(&req.username);
        shared::succeeded(storage.as_ref(), &req.username)?;
        if !user.active {
            return Err(ApiError::forbidden("账号已停用 (account disabled)"));
        }
        if device.is_some() {
            may_sync(&user.roles).map_err(ApiError::forbidden)?;
        }
        let (token, token_hash) = token::generate();
        let now = clock::now();
        let outcome = storage.login(LoginRecord {
            token_hash,
            user: user.id,
            device,
            now,
            expires_at: now.plus_millis(ttl_ms),
        })?;
        let LoginOutcome::Created(device_id) = outcome else {
            return Err(ApiError::forbidden(
                "设备已被停用,请联系管理员 (device revoked)",
            ));
        };
        tracing::info!(user = %user.id, device = ?device_id, "login");
        Ok(Json(LoginResponse {
            token,
            me: Me {
                user_id: user.id,
                username: user.username,
                display_name: user.display_name,
                roles: user.roles,
                device_id,
            },
        }))
    })
    .await
}

fn throttled(reason: Throttled) -> ApiError {
    match reason {
        Throttled::Locked { retry_after } => ApiError::throttled(retry_after, false),
        Throttled::Busy => ApiError::throttled(Duration::from_secs(1), true),
    }
}

/// Each delay a wrong password imposed becomes a security event for the admin.
fn record_lockouts(
    storage: &dyn Store,
    lockouts: Vec<Lockout>,
    address: &str,
) -> Result<(), ApiError> {
    for lockout in lockouts {
        tracing::warn!(subject = %lockout.subject, failures = lockout.failures, "login locked");
        storage.record_security_event(SecurityEvent {
            at: clock::now(),
            kind: "login_locked".into(),
            subject: lockout.subject,
            address: address.to_string(),
            detail: format!(
                "连续 {} 次密码错误, 暂停 {} 秒 ({} failures, locked {} s)",
                lockout.failures,
                lockout.delay.as_secs(),
                lockout.failures,
                lockout.delay.as_secs()
            ),
        })?;
    }
    Ok(())
}

/// Ends the caller's session: the token stops working.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 200, body = Done), LoggedIn))]
pub async fn logout(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Done>, ApiError> {
    let storage = state.store();
    blocking(move || Ok(storage.revoke_session(session.token_hash)?)).await?;
    Ok(Json(Done { ok: true }))
}

/// The caller: user, roles and the device of a field login.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = Me), LoggedIn))]
pub async fn me(session: Session) -> Json<Me> {
    Json(Me {
        user_id: session.user,
        username: session.username,
        display_name: session.display_name,
        roles: session.roles,
        device_id: session.device,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(edit: impl FnOnce(&mut LoginRequest)) -> LoginRequest {
        let mut req = LoginRequest {
            username: "inspector01".into(),
            password: "cgt-demo-2026".into(),
            device_name: Some("华为 Mate 60".into()),
            app_version: Some("0.1.0".into()),
            device_id: None,
        };
        edit(&mut req);
        req
    }

    #[test]
    fn login_shape_table() {
        let check = |req: LoginRequest, ok: bool| {
            assert_eq!(check_login(&req).is_ok(), ok, "{req:?}");
        };
        check(request(|_| {}), true);
        check(request(|r| r.device_name = None), true);
        check(request(|r| r.username.clear()), false);
        check(request(|r| r.password.clear()), false);
        check(request(|r| r.password = "p".repeat(2000)), false);
        check(request(|r| r.device_name = Some("   ".into())), false);
        check(request(|r| r.device_name = Some("机".repeat(101))), false);
        check(request(|r| r.app_version = Some("9".repeat(51))), false);
        check(
            request(|r| {
                r.device_name = None;
                r.device_id = Some(DeviceId::new());
            }),
            false,
        );
        let device = check_login(&request(|r| r.device_name = Some(" 平板 ".into())))
            .unwrap()
            .unwrap();
        assert_eq!(device.name, "平板");
    }
}
