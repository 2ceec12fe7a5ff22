//! Creating an account and setting a password: the checks of [`super::user_rules`], the argon2
//! hash and the storage write. Shared by `cgt-server add-user` and the admin API, so both
//! accept exactly the same accounts.

use super::password::{self, HashError};
use super::user_rules::{check_new_account, check_password};
use crate::storage::{NewUser, StorageError, Store};
use cgt_shared::{Role, Timestamp, UserId};
use thiserror::Error;

/// An account as an admin asks for it.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<Role>,
    pub department: Option<i64>,
}

#[derive(Debug, Error)]
pub enum AccountError {
    /// The request breaks a rule of [`super::user_rules`]; the message says which.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// Checks and stores a new account (roles kept once each, the display name trimmed).
pub fn create(
    storage: &dyn Store,
    account: NewAccount,
    now: Timestamp,
) -> Result<UserId, AccountError> {
    check_new_account(
        &account.username,
        &account.display_name,
        &account.password,
        &account.roles,
    )
    .map_err(AccountError::Invalid)?;
    let mut roles: Vec<Role> = Vec::with_capacity(account.roles.len());
    for role in account.roles {
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    let id = UserId::new();
    storage.create_user(NewUser {
        id,
        username: account.username,
        display_name: account.display_name.trim().to_string(),
        password_hash: password::hash(&account.password)?,
        roles,
        department_id: account.department,
        created_at: now,
    })?;
    Ok(id)
}

/// The stored form of a new password, once it passes the password rule.
pub fn password_hash(new_password: &str) -> Result<String, AccountError> {
    check_password(new_password).map_err(AccountError::Invalid)?;
    Ok(password::hash(new_password)?)
}
