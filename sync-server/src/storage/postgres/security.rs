//! Security events on PostgreSQL: what the guards refused, kept for the admin.

use super::super::StorageError;
use super::super::columns::Columns;
use super::PgStorage;
use crate::storage::{SecurityEvent, SecurityLog};
use cgt_shared::Timestamp;

impl SecurityLog for PgStorage {
    fn record_security_event(&self, event: SecurityEvent) -> Result<(), StorageError> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO security_events (at, kind, subject, address, detail)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &event.at.millis(),
                    &event.kind,
                    &event.subject,
                    &event.address,
                    &event.detail,
                ],
            )?;
            Ok(())
        })
    }

    fn security_events(&self, limit: u32) -> Result<Vec<SecurityEvent>, StorageError> {
        self.read(move |tx| {
            tx.query(
                "SELECT at, kind, subject, address, detail FROM security_events
                 ORDER BY id DESC LIMIT $1",
                &[&i64::from(limit)],
            )?
            .iter()
            .map(|row| -> Result<SecurityEvent, StorageError> {
                Ok(SecurityEvent {
                    at: Timestamp(row.int(0)?),
                    kind: row.text(1)?,
                    subject: row.text(2)?,
                    address: row.text(3)?,
                    detail: row.text(4)?,
                })
            })
            .collect()
        })
    }
}
