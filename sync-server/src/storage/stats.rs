//! Counts of what the server holds, for the admin overview.

use super::{Storage, StorageError};
use crate::storage::StatsStore;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Stats {
    pub docs: u64,
    pub users: u64,
    pub devices: u64,
    pub active_devices: u64,
    pub refusals: u64,
}

impl StatsStore for Storage {
    fn stats(&self) -> Result<Stats, StorageError> {
        self.read(|c| {
            let count = |sql: &str| c.query_row(sql, [], |row| row.get::<_, i64>(0));
            Ok(Stats {
                docs: count("SELECT COUNT(*) FROM docs")? as u64,
                users: count("SELECT COUNT(*) FROM users")? as u64,
                devices: count("SELECT COUNT(*) FROM devices")? as u64,
                active_devices: count("SELECT COUNT(*) FROM devices WHERE revoked_at IS NULL")?
                    as u64,
                refusals: count("SELECT COUNT(*) FROM refusals")? as u64,
            })
        })
    }
}
