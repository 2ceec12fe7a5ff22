//! Intake channels on PostgreSQL: the server-side device that owns cases the centre enters,
//! API keys of Open311 clients and sensor gateways, and the contacts of public reporters.

use super::super::StorageError;
use super::super::codec::uuid_from;
use super::super::columns::Columns;
use super::super::intake::INTAKE_DEVICE;
use super::PgStorage;
use super::locks;
use crate::storage::{ApiKeyOwner, Contact, IntakeStore};
use cgt_shared::{DeviceId, DocId, Timestamp, UserId};
use postgres::Transaction;

/// The intake device of `user`, if it has one.
fn find_intake_device(
    tx: &mut Transaction<'_>,
    user: UserId,
) -> Result<Option<DeviceId>, StorageError> {
    tx.query_opt(
        "SELECT id FROM devices WHERE user_id = $1 AND name = $2",
        &[&user.as_bytes().as_slice(), &INTAKE_DEVICE],
    )?
    .map(|row| -> Result<DeviceId, StorageError> { Ok(DeviceId(uuid_from(&row.bytes(0)?)?)) })
    .transpose()
}

/// The intake device of `user`, created on first use. Nothing in the schema makes it unique,
/// so creating one is serialized across processes: a second caller waits for the first to
/// commit, then finds its device.
fn intake_device(
    tx: &mut Transaction<'_>,
    user: UserId,
    now: Timestamp,
) -> Result<DeviceId, StorageError> {
    if let Some(id) = find_intake_device(tx, user)? {
        return Ok(id);
    }
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&locks::INTAKE_DEVICE])?;
    if let Some(id) = find_intake_device(tx, user)? {
        return Ok(id);
    }
    let id = DeviceId::new();
    // Revoked from the start: no session can ever sync as this device.
    tx.execute(
        "INSERT INTO devices (id, user_id, name, registered_at, revoked_at)
         VALUES ($1, $2, $3, $4, $4)",
        &[
            &id.as_bytes().as_slice(),
            &user.as_bytes().as_slice(),
            &INTAKE_DEVICE,
            &now.millis(),
        ],
    )?;
    Ok(id)
}

impl IntakeStore for PgStorage {
    fn intake_device(&self, user: UserId, now: Timestamp) -> Result<DeviceId, StorageError> {
        self.write(move |tx| intake_device(tx, user, now))
    }

    fn create_api_key(
        &self,
        key_hash: [u8; 32],
        name: String,
        channel: &'static str,
        now: Timestamp,
    ) -> Result<ApiKeyOwner, StorageError> {
        self.write(move |tx| {
            let user = UserId::new();
            // The whole id: a v7 id's first digits are its time, shared by keys made together.
            let username = format!("{channel}-{}", user.0.simple());
            tx.execute(
                "INSERT INTO users (id, username, display_name, password_hash, roles, created_at)
                 VALUES ($1, $2, $3, '!', '', $4)",
                &[&user.as_bytes().as_slice(), &username, &name, &now.millis()],
            )?;
            let device = intake_device(tx, user, now)?;
            tx.execute(
                "INSERT INTO api_keys (key_hash, name, channel, user_id, device_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &key_hash.as_slice(),
                    &name,
                    &channel,
                    &user.as_bytes().as_slice(),
                    &device.as_bytes().as_slice(),
                    &now.millis(),
                ],
            )?;
            Ok(ApiKeyOwner {
                name,
                channel: channel.to_string(),
                user,
                device,
            })
        })
    }

    fn api_key(&self, key_hash: [u8; 32]) -> Result<Option<ApiKeyOwner>, StorageError> {
        self.read(move |tx| {
            tx.query_opt(
                "SELECT name, channel, user_id, device_id FROM api_keys
                 WHERE key_hash = $1 AND revoked_at IS NULL",
                &[&key_hash.as_slice()],
            )?
            .map(|row| -> Result<ApiKeyOwner, StorageError> {
                Ok(ApiKeyOwner {
                    name: row.text(0)?,
                    channel: row.text(1)?,
                    user: UserId(uuid_from(&row.bytes(2)?)?),
                    device: DeviceId(uuid_from(&row.bytes(3)?)?),
                })
            })
            .transpose()
        })
    }

    fn contact(&self, doc: DocId) -> Result<Option<Contact>, StorageError> {
        self.read(move |tx| {
            tx.query_opt(
                "SELECT email, name, phone FROM case_contacts WHERE doc_id = $1",
                &[&doc.as_bytes().as_slice()],
            )?
            .map(|row| -> Result<Contact, StorageError> {
                Ok(Contact {
                    email: row.opt_text(0)?,
                    name: row.opt_text(1)?,
                    phone: row.opt_text(2)?,
                })
            })
            .transpose()
        })
    }
}

/// Stores the contact of a case's public reporter, replacing the whole row (a client token
/// stored before is cleared, as SQLite's `INSERT OR REPLACE` does).
pub(super) fn insert_contact(
    tx: &mut Transaction<'_>,
    doc: DocId,
    contact: &Contact,
) -> Result<(), StorageError> {
    tx.execute(
        "INSERT INTO case_contacts (doc_id, email, name, phone) VALUES ($1, $2, $3, $4)
         ON CONFLICT (doc_id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name,
           phone = EXCLUDED.phone, client_token = EXCLUDED.client_token",
        &[
            &doc.as_bytes().as_slice(),
            &contact.email,
            &contact.name,
            &contact.phone,
        ],
    )?;
    Ok(())
}
