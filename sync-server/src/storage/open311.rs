//! The GeoReport v2 fields of a public request kept beside its case (`open311_fields`).

use super::{Storage, StorageError};
use crate::storage::Open311Store;
use cgt_shared::DocId;
use rusqlite::Connection;
use std::collections::HashMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Open311Fields {
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub media_url: Option<String>,
}

pub(super) fn insert_open311_fields(
    c: &Connection,
    doc: DocId,
    fields: &Open311Fields,
) -> Result<(), StorageError> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO open311_fields (doc_id, address_string, address_id, zipcode, media_url)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((
        doc.as_bytes(),
        &fields.address_string,
        &fields.address_id,
        &fields.zipcode,
        &fields.media_url,
    ))?;
    Ok(())
}

impl Open311Store for Storage {
    fn open311_fields(
        &self,
        docs: &[DocId],
    ) -> Result<HashMap<DocId, Open311Fields>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT address_string, address_id, zipcode, media_url FROM open311_fields
                 WHERE doc_id = ?1",
            )?;
            let mut found = HashMap::new();
            for doc in docs {
                let mut rows = stmt.query([doc.as_bytes()])?;
                if let Some(r) = rows.next()? {
                    found.insert(
                        *doc,
                        Open311Fields {
                            address_string: r.get(0)?,
                            address_id: r.get(1)?,
                            zipcode: r.get(2)?,
                            media_url: r.get(3)?,
                        },
                    );
                }
            }
            Ok(found)
        })
    }
}
