//! Security events: what the guards refused, kept for the admin.

use super::{Storage, StorageError};
use crate::storage::SecurityLog;
use cgt_shared::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct SecurityEvent {
    pub at: Timestamp,
    /// e.g. `login_locked`.
    pub kind: String,
    /// e.g. `account:inspector01` or `address:10.0.0.7`.
    pub subject: String,
    pub address: String,
    pub detail: String,
}

impl SecurityLog for Storage {
    fn record_security_event(&self, event: SecurityEvent) -> Result<(), StorageError> {
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO security_events (at, kind, subject, address, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute((
                event.at.millis(),
                &event.kind,
                &event.subject,
                &event.address,
                &event.detail,
            ))?;
            Ok(())
        })
    }

    fn security_events(&self, limit: u32) -> Result<Vec<SecurityEvent>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT at, kind, subject, address, detail FROM security_events
                 ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                Ok(SecurityEvent {
                    at: Timestamp(r.get(0)?),
                    kind: r.get(1)?,
                    subject: r.get(2)?,
                    address: r.get(3)?,
                    detail: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
