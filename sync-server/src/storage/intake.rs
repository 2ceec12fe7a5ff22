//! Intake channels: the server-side device that owns cases the centre enters, API keys of
//! Open311 clients and sensor gateways, and the contacts of public reporters.

use super::codec::uuid_from;
use super::{Storage, StorageError};
use crate::storage::IntakeStore;
use cgt_shared::{DeviceId, DocId, Timestamp, UserId};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use utoipa::ToSchema;

/// The name of the device row that owns a user's server-entered cases.
pub(super) const INTAKE_DEVICE: &str = "受理台 (server intake)";

/// A caller identified by an API key.
#[derive(Clone, Debug)]
pub struct ApiKeyOwner {
    pub name: String,
    pub channel: String,
    pub user: UserId,
    pub device: DeviceId,
}

/// A public reporter's contact, kept on the server only.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Contact {
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
}

fn intake_device(c: &Connection, user: UserId, now: Timestamp) -> Result<DeviceId, StorageError> {
    let existing: Option<Vec<u8>> = c
        .prepare_cached("SELECT id FROM devices WHERE user_id = ?1 AND name = ?2")?
        .query_row((user.as_bytes(), INTAKE_DEVICE), |r| r.get(0))
        .optional()?;
    if let Some(bytes) = existing {
        return Ok(DeviceId(uuid_from(&bytes)?));
    }
    let id = DeviceId::new();
    // Revoked from the start: no session can ever sync as this device.
    c.prepare_cached(
        "INSERT INTO devices (id, user_id, name, registered_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute((id.as_bytes(), user.as_bytes(), INTAKE_DEVICE, now.millis()))?;
    Ok(id)
}

impl IntakeStore for Storage {
    fn intake_device(&self, user: UserId, now: Timestamp) -> Result<DeviceId, StorageError> {
        self.write(move |c| intake_device(c, user, now))
    }

    fn create_api_key(
        &self,
        key_hash: [u8; 32],
        name: String,
        channel: &'static str,
        now: Timestamp,
    ) -> Result<ApiKeyOwner, StorageError> {
        self.write(move |c| {
            let user = UserId::new();
            // The whole id: a v7 id's first digits are its time, shared by keys made together.
            let username = format!("{channel}-{}", user.0.simple());
            c.execute(
                "INSERT INTO users (id, username, display_name, password_hash, roles, created_at)
                 VALUES (?1, ?2, ?3, '!', '', ?4)",
                (user.as_bytes(), &username, &name, now.millis()),
            )?;
            let device = intake_device(c, user, now)?;
            c.execute(
                "INSERT INTO api_keys (key_hash, name, channel, user_id, device_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (
                    key_hash.as_slice(),
                    &name,
                    channel,
                    user.as_bytes(),
                    device.as_bytes(),
                    now.millis(),
                ),
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
        self.read(|c| {
            let row: Option<(String, String, Vec<u8>, Vec<u8>)> = c
                .prepare_cached(
                    "SELECT name, channel, user_id, device_id FROM api_keys
                     WHERE key_hash = ?1 AND revoked_at IS NULL",
                )?
                .query_row([key_hash.as_slice()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            row.map(|(name, channel, user, device)| {
                Ok(ApiKeyOwner {
                    name,
                    channel,
                    user: UserId(uuid_from(&user)?),
                    device: DeviceId(uuid_from(&device)?),
                })
            })
            .transpose()
        })
    }

    fn contact(&self, doc: DocId) -> Result<Option<Contact>, StorageError> {
        self.read(|c| {
            Ok(
                c.prepare_cached("SELECT email, name, phone FROM case_contacts WHERE doc_id = ?1")?
                    .query_row([doc.as_bytes()], |r| {
                        Ok(Contact {
                            email: r.get(0)?,
                            name: r.get(1)?,
                            phone: r.get(2)?,
                        })
                    })
                    .optional()?,
            )
        })
    }
}

pub(super) fn insert_contact(
    c: &Connection,
    doc: DocId,
    contact: &Contact,
) -> Result<(), StorageError> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO case_contacts (doc_id, email, name, phone) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((
        doc.as_bytes(),
        &contact.email,
        &contact.name,
        &contact.phone,
    ))?;
    Ok(())
}
