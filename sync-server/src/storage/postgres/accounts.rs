//! Users, field devices and login sessions, in PostgreSQL.

use super::super::StorageError;
use super::super::accounts::{
    DeviceLogin, DeviceRecord, LoginOutcome, LoginRecord, NewUser, SessionRecord, USER_COLUMNS,
    UserRecord, device_select,
};
use super::super::codec::{roles_from_text, roles_to_text, uuid_from};
use super::PgStorage;

use crate::auth::device_choice::{DeviceChoice, FoundDevice, choose_device};
use crate::storage::AccountStore;
use cgt_shared::{DeviceId, Timestamp, UserId};
use postgres::error::SqlState;
use postgres::{Row, Transaction};

/// Whether `e` is a unique (or primary key) violation: a row with the same key exists.
pub(super) fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// Reads [`USER_COLUMNS`] from the start of `row`.
fn user_from_row(row: &Row) -> Result<UserRecord, StorageError> {
    Ok(UserRecord {
        id: UserId(uuid_from(row.try_get(0)?)?),
        username: row.try_get(1)?,
        display_name: row.try_get(2)?,
        password_hash: row.try_get(3)?,
        roles: roles_from_text(row.try_get(4)?)?,
        active: row.try_get::<_, i64>(5)? != 0,
    })
}

impl AccountStore for PgStorage {
    fn user_count(&self) -> Result<u64, StorageError> {
        self.read(|tx| {
            let n: i64 = tx
                .query_one("SELECT count(*) FROM users", &[])?
                .try_get(0)?;
            u64::try_from(n).map_err(|_| StorageError::Corrupt(format!("user count {n}")))
        })
    }

    fn find_user(&self, username: &str) -> Result<Option<UserRecord>, StorageError> {
        let username = username.to_owned();
        self.read(move |tx| {
            tx.query_opt(
                &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1"),
                &[&username],
            )?
            .map(|row| user_from_row(&row))
            .transpose()
        })
    }

    fn login(&self, login: LoginRecord) -> Result<LoginOutcome, StorageError> {
        self.write(move |tx| {
            tx.execute(
                "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2",
                &[&login.user.as_bytes().as_slice(), &login.now.millis()],
            )?;
            let device = match &login.device {
                None => None,
                Some(device) => match register_device(tx, &login, device)? {
                    Some(id) => Some(id),
                    None => return Ok(LoginOutcome::DeviceRevoked),
                },
            };
            tx.execute(
                "INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &login.token_hash.as_slice(),
                    &login.user.as_bytes().as_slice(),
                    &device.as_ref().map(|d| d.as_bytes().as_slice()),
                    &login.now.millis(),
                    &login.expires_at.millis(),
                ],
            )?;
            Ok(LoginOutcome::Created(device))
        })
    }

    fn session(&self, token_hash: [u8; 32]) -> Result<Option<SessionRecord>, StorageError> {
        self.read(move |tx| {
            let Some(row) = tx.query_opt(
                &format!(
                    "SELECT {USER_COLUMNS}, s.device_id, s.expires_at, s.revoked, d.revoked_at
                     FROM sessions s JOIN users u ON u.id = s.user_id
                     LEFT JOIN devices d ON d.id = s.device_id
                     WHERE s.token_hash = $1"
                ),
                &[&token_hash.as_slice()],
            )?
            else {
                return Ok(None);
            };
            Ok(Some(SessionRecord {
                user: user_from_row(&row)?,
                device: row
                    .try_get::<_, Option<&[u8]>>(6)?
                    .map(uuid_from)
                    .transpose()?
                    .map(DeviceId),
                expires_at: Timestamp(row.try_get(7)?),
                revoked: row.try_get::<_, i64>(8)? != 0,
                device_revoked: row.try_get::<_, Option<i64>>(9)?.is_some(),
            }))
        })
    }

    fn revoke_session(&self, token_hash: [u8; 32]) -> Result<(), StorageError> {
        self.write(move |tx| {
            tx.execute(
                "UPDATE sessions SET revoked = 1 WHERE token_hash = $1",
                &[&token_hash.as_slice()],
            )?;
            Ok(())
        })
    }

    fn devices(&self) -> Result<Vec<DeviceRecord>, StorageError> {
        self.read(|tx| {
            tx.query(
                &format!("{} ORDER BY d.registered_at DESC, d.id", device_select()),
                &[],
            )?
            .iter()
            .map(device_from_row)
            .collect()
        })
    }

    fn revoke_device(
        &self,
        id: DeviceId,
        now: Timestamp,
    ) -> Result<Option<DeviceRecord>, StorageError> {
        self.write(move |tx| {
            let key = id.as_bytes().as_slice();
            tx.execute(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1",
                &[&key, &now.millis()],
            )?;
            tx.query_opt(&format!("{} WHERE d.id = $1", device_select()), &[&key])?
                .map(|row| device_from_row(&row))
                .transpose()
        })
    }
}

/// Stores a new user; a taken username (or id) is [`StorageError::UsernameTaken`].
pub(super) fn insert_user(tx: &mut Transaction<'_>, user: &NewUser) -> Result<(), StorageError> {
    let result = tx.execute(
        "INSERT INTO users (id, username, display_name, password_hash, roles, department_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &user.id.as_bytes().as_slice(),
            &user.username,
            &user.display_name,
            &user.password_hash,
            &roles_to_text(&user.roles),
            &user.department_id,
            &user.created_at.millis(),
        ],
    );
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => {
            Err(StorageError::UsernameTaken(user.username.clone()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The device this login uses, or `None` when the requested device is revoked. The requested
/// device's row stays locked until the login commits, so a revocation in flight is either
/// seen here or waits for the session to exist.
fn register_device(
    tx: &mut Transaction<'_>,
    login: &LoginRecord,
    device: &DeviceLogin,
) -> Result<Option<DeviceId>, StorageError> {
    let found = match device.requested {
        None => None,
        Some(id) => tx
            .query_opt(
                "SELECT user_id, revoked_at FROM devices WHERE id = $1 FOR UPDATE",
                &[&id.as_bytes().as_slice()],
            )?
            .map(|row| {
                Ok::<_, StorageError>(FoundDevice {
                    id,
                    user: UserId(uuid_from(row.try_get(0)?)?),
                    revoked: row.try_get::<_, Option<i64>>(1)?.is_some(),
                })
            })
            .transpose()?,
    };
    match choose_device(login.user, found) {
        DeviceChoice::Revoked => Ok(None),
        DeviceChoice::Reuse(id) => {
            tx.execute(
                "UPDATE devices SET name = $2, app_version = $3 WHERE id = $1",
                &[&id.as_bytes().as_slice(), &device.name, &device.app_version],
            )?;
            Ok(Some(id))
        }
        DeviceChoice::Register => {
            let id = DeviceId::new();
            tx.execute(
                "INSERT INTO devices (id, user_id, name, app_version, registered_at)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &id.as_bytes().as_slice(),
                    &login.user.as_bytes().as_slice(),
                    &device.name,
                    &device.app_version,
                    &login.now.millis(),
                ],
            )?;
            Ok(Some(id))
        }
    }
}

/// Reads a row of [`device_select`].
fn device_from_row(row: &Row) -> Result<DeviceRecord, StorageError> {
    Ok(DeviceRecord {
        id: DeviceId(uuid_from(row.try_get(0)?)?),
        user: UserId(uuid_from(row.try_get(1)?)?),
        username: row.try_get(2)?,
        name: row.try_get(3)?,
        app_version: row.try_get(4)?,
        registered_at: Timestamp(row.try_get(5)?),
        last_sync_at: row.try_get::<_, Option<i64>>(6)?.map(Timestamp),
        revoked_at: row.try_get::<_, Option<i64>>(7)?.map(Timestamp),
        pending: super::super::device_pending::pending_from_row(row, 8)?,
    })
}
