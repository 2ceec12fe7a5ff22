//! Users, field devices and login sessions.

use super::codec::{roles_from_text, roles_to_text, uuid_from};
use super::device_pending::{DevicePending, PENDING_COLUMNS, pending_from_row};
use super::{Storage, StorageError};
use crate::auth::device_choice::{DeviceChoice, FoundDevice, choose_device};
use crate::storage::AccountStore;
use cgt_shared::{DeviceId, Role, Timestamp, UserId};
use rusqlite::{Connection, ErrorCode, OptionalExtension, Row};
use utoipa::ToSchema;

#[derive(Clone, Debug)]
pub struct NewUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    /// PHC string (argon2id).
    pub password_hash: String,
    pub roles: Vec<Role>,
    pub department_id: Option<i64>,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Vec<Role>,
    pub active: bool,
}

/// A session looked up by its token hash, with what is needed to accept or refuse it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub device: Option<DeviceId>,
    pub device_revoked: bool,
    pub expires_at: Timestamp,
    pub revoked: bool,
}

/// A device as the admin console lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ToSchema)]
pub struct DeviceRecord {
    pub id: DeviceId,
    pub user: UserId,
    pub username: String,
    pub name: String,
    pub app_version: Option<String>,
    pub registered_at: Timestamp,
    pub last_sync_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    /// What the device last reported it holds to send; `None` if it never reported.
    pub pending: Option<DevicePending>,
}

/// What a successful password check writes: the session, and for a field login the device.
#[derive(Clone, Debug)]
pub struct LoginRecord {
    pub token_hash: [u8; 32],
    pub user: UserId,
    pub device: Option<DeviceLogin>,
    pub now: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct DeviceLogin {
    /// The id the device already has, if any.
    pub requested: Option<DeviceId>,
    pub name: String,
    pub app_version: Option<String>,
}

/// The result of writing a login.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Session created; the device it is bound to (none for a console login).
    Created(Option<DeviceId>),
    /// The requested device belongs to this user and was revoked: no session.
    DeviceRevoked,
}

pub(super) const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.password_hash, u.roles, u.active";

fn user_from_row(row: &Row<'_>) -> Result<UserRecord, StorageError> {
    Ok(UserRecord {
        id: UserId(uuid_from(&row.get::<_, Vec<u8>>(0)?)?),
        username: row.get(1)?,
        display_name: row.get(2)?,
        password_hash: row.get(3)?,
        roles: roles_from_text(&row.get::<_, String>(4)?)?,
        active: row.get(5)?,
    })
}

fn opt_id(bytes: Option<Vec<u8>>) -> Result<Option<uuid::Uuid>, StorageError> {
    bytes.map(|b| uuid_from(&b)).transpose()
}

impl AccountStore for Storage {
    fn user_count(&self) -> Result<u64, StorageError> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?))
    }

    fn find_user(&self, username: &str) -> Result<Option<UserRecord>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.username = ?1"
            ))?;
            let mut rows = stmt.query([username])?;
            rows.next()?.map(user_from_row).transpose()
        })
    }

    fn login(&self, login: LoginRecord) -> Result<LoginOutcome, StorageError> {
        self.write(move |c| {
            c.prepare_cached("DELETE FROM sessions WHERE user_id = ?1 AND expires_at <= ?2")?
                .execute((login.user.as_bytes(), login.now.millis()))?;
            let device = match &login.device {
                None => None,
                Some(device) => match register_device(c, &login, device)? {
                    Some(id) => Some(id),
                    None => return Ok(LoginOutcome::DeviceRevoked),
                },
            };
            c.prepare_cached(
                "INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute((
                login.token_hash.as_slice(),
                login.user.as_bytes(),
                device.as_ref().map(|d| d.as_bytes().as_slice()),
                login.now.millis(),
                login.expires_at.millis(),
            ))?;
            Ok(LoginOutcome::Created(device))
        })
    }

    fn session(&self, token_hash: [u8; 32]) -> Result<Option<SessionRecord>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, s.device_id, s.expires_at, s.revoked, d.revoked_at
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 LEFT JOIN devices d ON d.id = s.device_id
                 WHERE s.token_hash = ?1"
            ))?;
            let mut rows = stmt.query([token_hash.as_slice()])?;
            let Some(row) = rows.next()? else {
                return Ok(None);
            };
            Ok(Some(SessionRecord {
                user: user_from_row(row)?,
                device: opt_id(row.get(6)?)?.map(DeviceId),
                expires_at: Timestamp(row.get(7)?),
                revoked: row.get(8)?,
                device_revoked: row.get::<_, Option<i64>>(9)?.is_some(),
            }))
        })
    }

    fn revoke_session(&self, token_hash: [u8; 32]) -> Result<(), StorageError> {
        self.write(move |c| {
            c.execute(
                "UPDATE sessions SET revoked = 1 WHERE token_hash = ?1",
                [token_hash.as_slice()],
            )?;
            Ok(())
        })
    }

    fn devices(&self) -> Result<Vec<DeviceRecord>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "{} ORDER BY d.registered_at DESC, d.id",
                device_select()
            ))?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(device_from_row(row)?);
            }
            Ok(out)
        })
    }

    fn revoke_device(
        &self,
        id: DeviceId,
        now: Timestamp,
    ) -> Result<Option<DeviceRecord>, StorageError> {
        self.write(move |c| {
            c.execute(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1",
                (id.as_bytes(), now.millis()),
            )?;
            let mut stmt = c.prepare_cached(&format!("{} WHERE d.id = ?1", device_select()))?;
            let mut rows = stmt.query([id.as_bytes()])?;
            rows.next()?.map(device_from_row).transpose()
        })
    }
}

pub(super) fn insert_user(c: &Connection, user: &NewUser) -> Result<(), StorageError> {
    let result = c.execute(
        "INSERT INTO users (id, username, display_name, password_hash, roles, department_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        (
            user.id.as_bytes(),
            &user.username,
            &user.display_name,
            &user.password_hash,
            roles_to_text(&user.roles),
            user.department_id,
            user.created_at.millis(),
        ),
    );
    match result {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => {
            Err(StorageError::UsernameTaken(user.username.clone()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The device this login uses, or `None` when the requested device is revoked.
fn register_device(
    c: &Connection,
    login: &LoginRecord,
    device: &DeviceLogin,
) -> Result<Option<DeviceId>, StorageError> {
    let found = match device.requested {
        None => None,
        Some(id) => c
            .prepare_cached("SELECT user_id, revoked_at FROM devices WHERE id = ?1")?
            .query_row([id.as_bytes()], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Option<i64>>(1)?))
            })
            .optional()?
            .map(|(user, revoked)| {
                Ok::<_, StorageError>(FoundDevice {
                    id,
                    user: UserId(uuid_from(&user)?),
                    revoked: revoked.is_some(),
                })
            })
            .transpose()?,
    };
    match choose_device(login.user, found) {
        DeviceChoice::Revoked => Ok(None),
        DeviceChoice::Reuse(id) => {
            c.prepare_cached("UPDATE devices SET name = ?2, app_version = ?3 WHERE id = ?1")?
                .execute((id.as_bytes(), &device.name, &device.app_version))?;
            Ok(Some(id))
        }
        DeviceChoice::Register => {
            let id = DeviceId::new();
            c.prepare_cached(
                "INSERT INTO devices (id, user_id, name, app_version, registered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute((
                id.as_bytes(),
                login.user.as_bytes(),
                &device.name,
                &device.app_version,
                login.now.millis(),
            ))?;
            Ok(Some(id))
        }
    }
}

pub(super) fn device_select() -> String {
    format!(
        "SELECT d.id, d.user_id, u.username, d.name, d.app_version, d.registered_at, \
         d.last_sync_at, d.revoked_at, {PENDING_COLUMNS} FROM devices d \
         JOIN users u ON u.id = d.user_id LEFT JOIN device_pending p ON p.device_id = d.id"
    )
}

fn device_from_row(row: &Row<'_>) -> Result<DeviceRecord, StorageError> {
    Ok(DeviceRecord {
        id: DeviceId(uuid_from(&row.get::<_, Vec<u8>>(0)?)?),
        user: UserId(uuid_from(&row.get::<_, Vec<u8>>(1)?)?),
        username: row.get(2)?,
        name: row.get(3)?,
        app_version: row.get(4)?,
        registered_at: Timestamp(row.get(5)?),
        last_sync_at: row.get::<_, Option<i64>>(6)?.map(Timestamp),
        revoked_at: row.get::<_, Option<i64>>(7)?.map(Timestamp),
        pending: pending_from_row(row, 8)?,
    })
}
