//! Accounts as the admin manages them: the list of people, creating one in a department,
//! changing one, setting a password, and ending a user's sessions. System users behind API keys
//! are not people and are left out.

use super::accounts::{NewUser, insert_user};
use super::codec::{roles_from_text, roles_to_text, uuid_from};
use super::{Storage, StorageError, in_service};
use crate::storage::UserStore;
use cgt_shared::{Role, Timestamp, UserId};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use utoipa::ToSchema;

/// A user as the console lists them: never the password hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct UserListing {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub active: bool,
    pub created_at: Timestamp,
    /// The work grids (工作网格) this user patrols, in service.
    pub work_grids: Vec<String>,
}

/// What an admin changes of a user; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct UserChange {
    pub display_name: Option<String>,
    pub roles: Option<Vec<Role>>,
    /// `Some(None)` takes the user out of any department.
    pub department: Option<Option<i64>>,
    pub active: Option<bool>,
}

const LISTING: &str = "SELECT u.id, u.username, u.display_name, u.roles, u.department_id, d.name,
       u.active, u.created_at,
       (SELECT group_concat(code, ',') FROM (SELECT code FROM work_grids
         WHERE inspector_user = u.id AND retired = 0 ORDER BY code))
     FROM users u LEFT JOIN departments d ON d.id = u.department_id
     WHERE NOT EXISTS (SELECT 1 FROM api_keys k WHERE k.user_id = u.id)";

fn listing_from_row(row: &Row<'_>) -> Result<UserListing, StorageError> {
    let grids: Option<String> = row.get(8)?;
    Ok(UserListing {
        id: UserId(uuid_from(&row.get::<_, Vec<u8>>(0)?)?),
        username: row.get(1)?,
        display_name: row.get(2)?,
        roles: roles_from_text(&row.get::<_, String>(3)?)?,
        department_id: row.get(4)?,
        department_name: row.get(5)?,
        active: row.get(6)?,
        created_at: Timestamp(row.get(7)?),
        work_grids: grids
            .map(|g| g.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
    })
}

fn listing(c: &Connection, id: UserId) -> Result<Option<UserListing>, StorageError> {
    let mut stmt = c.prepare_cached(&format!("{LISTING} AND u.id = ?1"))?;
    let mut rows = stmt.query([id.as_bytes()])?;
    rows.next()?.map(listing_from_row).transpose()
}

/// Refuses a department that does not exist or is retired.
fn check_department(c: &Connection, department: Option<i64>) -> Result<(), StorageError> {
    match department {
        Some(id) if !in_service(c, "departments", "id", id)? => {
            Err(StorageError::UnknownDepartment(id))
        }
        _ => Ok(()),
    }
}

/// Logs the user out everywhere: every session of theirs stops authenticating.
fn revoke_sessions(c: &Connection, id: UserId) -> Result<(), StorageError> {
    c.prepare_cached("UPDATE sessions SET revoked = 1 WHERE user_id = ?1 AND revoked = 0")?
        .execute([id.as_bytes()])?;
    Ok(())
}

/// Whether `id` is an active user with the inspector (监督员) role.
pub(crate) fn is_active_inspector(c: &Connection, id: UserId) -> Result<bool, StorageError> {
    let found: Option<(String, bool)> = c
        .prepare_cached("SELECT roles, active FROM users WHERE id = ?1")?
        .query_row([id.as_bytes()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match found {
        Some((roles, active)) => Ok(active && roles_from_text(&roles)?.contains(&Role::Inspector)),
        None => Ok(false),
    }
}

impl UserStore for Storage {
    fn users(&self) -> Result<Vec<UserListing>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!("{LISTING} ORDER BY u.username"))?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(listing_from_row(row)?);
            }
            Ok(out)
        })
    }

    fn user_listing(&self, id: UserId) -> Result<Option<UserListing>, StorageError> {
        self.read(|c| listing(c, id))
    }

    fn create_user(&self, user: NewUser) -> Result<(), StorageError> {
        self.write(move |c| {
            check_department(c, user.department_id)?;
            insert_user(c, &user)
        })
    }

    fn change_user(
        &self,
        id: UserId,
        change: UserChange,
    ) -> Result<Option<UserListing>, StorageError> {
        edit_user(self, id, move |c| {
            if let Some(name) = &change.display_name {
                c.prepare_cached("UPDATE users SET display_name = ?2 WHERE id = ?1")?
                    .execute((id.as_bytes(), name))?;
            }
            if let Some(roles) = &change.roles {
                c.prepare_cached("UPDATE users SET roles = ?2 WHERE id = ?1")?
                    .execute((id.as_bytes(), roles_to_text(roles)))?;
            }
            if let Some(department) = change.department {
                check_department(c, department)?;
                c.prepare_cached("UPDATE users SET department_id = ?2 WHERE id = ?1")?
                    .execute((id.as_bytes(), department))?;
            }
            if let Some(active) = change.active {
                c.prepare_cached("UPDATE users SET active = ?2 WHERE id = ?1")?
                    .execute((id.as_bytes(), active))?;
                if !active {
                    revoke_sessions(c, id)?;
                }
            }
            Ok(())
        })
    }

    fn set_password(
        &self,
        id: UserId,
        password_hash: String,
    ) -> Result<Option<UserListing>, StorageError> {
        edit_user(self, id, move |c| {
            c.prepare_cached("UPDATE users SET password_hash = ?2 WHERE id = ?1")?
                .execute((id.as_bytes(), &password_hash))?;
            revoke_sessions(c, id)
        })
    }
}

/// Runs `edit` on a listed user in one write and answers the user as it then is; `None`, with
/// nothing written, if there is no such user.
fn edit_user(
    storage: &Storage,
    id: UserId,
    edit: impl FnOnce(&Connection) -> Result<(), StorageError> + Send + 'static,
) -> Result<Option<UserListing>, StorageError> {
    storage.write(move |c| {
        if listing(c, id)?.is_none() {
            return Ok(None);
        }
        edit(c)?;
        listing(c, id)
    })
}
