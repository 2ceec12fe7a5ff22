//! Axum extractors for the caller: [`Session`] for any logged-in user, [`AdminSession`] for an
//! admin, [`DeviceSession`] for a field device allowed to sync. Both read `Authorization: Bearer <token>`.

use super::session_check::{check_session, field_role, may_sync};
use super::token;
use crate::api::blocking;
use crate::clock;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use cgt_shared::doc::authz::Writer;
use cgt_shared::{DeviceId, Role, SyncRights, UserId};

const NO_TOKEN: &str = "请先登录 (missing bearer token)";
const BAD_TOKEN: &str = "登录已失效,请重新登录 (unknown or malformed token)";

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Session {
    pub token_hash: [u8; 32],
    pub user: UserId,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// The device of a field login; `None` for a console session.
    pub device: Option<DeviceId>,
}

impl Session {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// 403 unless the caller has `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.has(role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "需要「{}」角色 (requires role {})",
                role.label(),
                role.as_str()
            )))
        }
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthorized(NO_TOKEN))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token)
            .ok_or_else(|| ApiError::unauthorized(NO_TOKEN))?;
        let token_hash =
            token::parse(token.trim()).ok_or_else(|| ApiError::unauthorized(BAD_TOKEN))?;
        let storage = state.store();
        let record = blocking(move || Ok(storage.session(token_hash)?))
            .await?
            .ok_or_else(|| ApiError::unauthorized(BAD_TOKEN))?;
        check_session(&record, clock::now()).map_err(|p| ApiError::unauthorized(p.message()))?;
        Ok(Session {
            token_hash,
            user: record.user.id,
            username: record.user.username,
            display_name: record.user.display_name,
            roles: record.user.roles,
            device: record.device,
        })
    }
}

/// A session of a 系统管理员 (admin). As an extractor it runs before the body is read, so a
/// caller without the role learns nothing from how the body would have been judged.
#[derive(Clone, Debug)]
pub struct AdminSession(pub Session);

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = Session::from_request_parts(parts, state).await?;
        session.require(Role::Admin)?;
        Ok(AdminSession(session))
    }
}

/// A field device whose user may sync.
#[derive(Clone, Debug)]
pub struct DeviceSession {
    pub session: Session,
    pub device: DeviceId,
    /// The caller as the authorization of changes sees it.
    pub writer: Writer,
    /// The role the user acts in (the first field role).
    pub role: Role,
}

impl FromRequestParts<AppState> for DeviceSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = Session::from_request_parts(parts, state).await?;
        let device = session.device.ok_or_else(|| {
            ApiError::forbidden(
                "控制台登录不能同步,请在设备上登录 (console session; log in with a device_name to sync)",
            )
        })?;
        may_sync(&session.roles).map_err(ApiError::forbidden)?;
        let role = field_role(&session.roles)
            .ok_or_else(|| ApiError::forbidden("没有外业角色 (no field role)"))?;
        Ok(DeviceSession {
            writer: Writer {
                user: session.user,
                device,
                rights: SyncRights::for_roles(&session.roles),
            },
            device,
            role,
            session,
        })
    }
}
