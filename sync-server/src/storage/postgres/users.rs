//! Accounts as the admin manages them, in PostgreSQL: the list of people, creating one in a
//! department, changing one, setting a password, and ending a user's sessions. System users
//! behind API keys are not people and are left out.

use super::super::StorageError;
use super::super::accounts::NewUser;
use super::super::codec::{roles_from_text, roles_to_text, uuid_from};
use super::super::users::{UserChange, UserListing};
use super::PgStorage;
use super::accounts::insert_user;
use super::reference::in_service;
use crate::storage::UserStore;
use cgt_shared::{Role, Timestamp, UserId};
use postgres::{Row, Transaction};

/// The listed columns of a person; the work grids they patrol come as an array, in code order
/// (byte order, as in the embedded store).
const LISTING: &str = "SELECT u.id, u.username, u.display_name, u.roles, u.department_id, d.name,
       u.active, u.created_at,
       ARRAY(SELECT g.code FROM work_grids g
         WHERE g.inspector_user = u.id AND g.retired = 0 ORDER BY g.code COLLATE \"C\")
     FROM users u LEFT JOIN departments d ON d.id = u.department_id
     WHERE NOT EXISTS (SELECT 1 FROM api_keys k WHERE k.user_id = u.id)";

fn listing_from_row(row: &Row) -> Result<UserListing, StorageError> {
    Ok(UserListing {
        id: UserId(uuid_from(row.try_get(0)?)?),
        username: row.try_get(1)?,
        display_name: row.try_get(2)?,
        roles: roles_from_text(row.try_get(3)?)?,
        department_id: row.try_get(4)?,
        department_name: row.try_get(5)?,
        active: row.try_get::<_, i64>(6)? != 0,
        created_at: Timestamp(row.try_get(7)?),
        work_grids: row.try_get(8)?,
    })
}

fn listing(tx: &mut Transaction<'_>, id: UserId) -> Result<Option<UserListing>, StorageError> {
    tx.query_opt(
        &format!("{LISTING} AND u.id = $1"),
        &[&id.as_bytes().as_slice()],
    )?
    .map(|row| listing_from_row(&row))
    .transpose()
}

/// Refuses a department that does not exist or is retired.
fn check_department(tx: &mut Transaction<'_>, department: Option<i64>) -> Result<(), StorageError> {
    let Some(id) = department else {
        return Ok(());
    };
    if in_service(tx, "departments", "id", &id)? {
        Ok(())
    } else {
        Err(StorageError::UnknownDepartment(id))
    }
}

/// Logs the user out everywhere: every session of theirs stops authenticating.
fn revoke_sessions(tx: &mut Transaction<'_>, id: UserId) -> Result<(), StorageError> {
    tx.execute(
        "UPDATE sessions SET revoked = 1 WHERE user_id = $1 AND revoked = 0",
        &[&id.as_bytes().as_slice()],
    )?;
    Ok(())
}

/// Whether `id` is an active user with the inspector (监督员) role.
pub(super) fn is_active_inspector(
    tx: &mut Transaction<'_>,
    id: UserId,
) -> Result<bool, StorageError> {
    let Some(row) = tx.query_opt(
        "SELECT roles, active FROM users WHERE id = $1",
        &[&id.as_bytes().as_slice()],
    )?
    else {
        return Ok(false);
    };
    let active = row.try_get::<_, i64>(1)? != 0;
    Ok(active && roles_from_text(row.try_get(0)?)?.contains(&Role::Inspector))
}

impl UserStore for PgStorage {
    fn users(&self) -> Result<Vec<UserListing>, StorageError> {
        self.read(|tx| {
            tx.query(&format!("{LISTING} ORDER BY u.username COLLATE \"C\""), &[])?
                .iter()
                .map(listing_from_row)
                .collect()
        })
    }

    fn user_listing(&self, id: UserId) -> Result<Option<UserListing>, StorageError> {
        self.read(move |tx| listing(tx, id))
    }

    fn create_user(&self, user: NewUser) -> Result<(), StorageError> {
        self.write(move |tx| {
            check_department(tx, user.department_id)?;
            insert_user(tx, &user)
        })
    }

    fn change_user(
        &self,
        id: UserId,
        change: UserChange,
    ) -> Result<Option<UserListing>, StorageError> {
        edit_user(self, id, move |tx| {
            let key = id.as_bytes().as_slice();
            if let Some(name) = &change.display_name {
                tx.execute(
                    "UPDATE users SET display_name = $2 WHERE id = $1",
                    &[&key, name],
                )?;
            }
            if let Some(roles) = &change.roles {
                tx.execute(
                    "UPDATE users SET roles = $2 WHERE id = $1",
                    &[&key, &roles_to_text(roles)],
                )?;
            }
            if let Some(department) = change.department {
                check_department(tx, department)?;
                tx.execute(
                    "UPDATE users SET department_id = $2 WHERE id = $1",
                    &[&key, &department],
                )?;
            }
            if let Some(active) = change.active {
                tx.execute(
                    "UPDATE users SET active = $2 WHERE id = $1",
                    &[&key, &i64::from(active)],
                )?;
                if !active {
                    revoke_sessions(tx, id)?;
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
        edit_user(self, id, move |tx| {
            tx.execute(
                "UPDATE users SET password_hash = $2 WHERE id = $1",
                &[&id.as_bytes().as_slice(), &password_hash],
            )?;
            revoke_sessions(tx, id)
        })
    }
}

/// Runs `edit` on a listed user in one write and answers the user as it then is; `None`, with
/// nothing written, if there is no such user.
fn edit_user(
    storage: &PgStorage,
    id: UserId,
    edit: impl FnOnce(&mut Transaction<'_>) -> Result<(), StorageError> + Send + 'static,
) -> Result<Option<UserListing>, StorageError> {
    storage.write(move |tx| {
        if listing(tx, id)?.is_none() {
            return Ok(None);
        }
        edit(tx)?;
        listing(tx, id)
    })
}
