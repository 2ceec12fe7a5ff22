//! The GeoReport v2 fields of a public request kept beside its case (`open311_fields`), in
//! PostgreSQL.

use super::super::StorageError;
use super::super::codec::uuid_from;
use super::PgStorage;
use crate::storage::{Open311Fields, Open311Store};
use cgt_shared::DocId;
use postgres::Transaction;
use std::collections::HashMap;

/// Stores the fields of a request, replacing any held for the same case.
pub(super) fn insert_open311_fields(
    tx: &mut Transaction<'_>,
    doc: DocId,
    fields: &Open311Fields,
) -> Result<(), StorageError> {
    let doc: &[u8] = doc.as_bytes();
    tx.execute(
        "INSERT INTO open311_fields (doc_id, address_string, address_id, zipcode, media_url)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (doc_id) DO UPDATE SET
           address_string = EXCLUDED.address_string, address_id = EXCLUDED.address_id,
           zipcode = EXCLUDED.zipcode, media_url = EXCLUDED.media_url",
        &[
            &doc,
            &fields.address_string,
            &fields.address_id,
            &fields.zipcode,
            &fields.media_url,
        ],
    )?;
    Ok(())
}

impl Open311Store for PgStorage {
    fn open311_fields(
        &self,
        docs: &[DocId],
    ) -> Result<HashMap<DocId, Open311Fields>, StorageError> {
        let ids: Vec<Vec<u8>> = docs.iter().map(|d| d.as_bytes().to_vec()).collect();
        self.read(move |tx| {
            let rows = tx.query(
                "SELECT doc_id, address_string, address_id, zipcode, media_url
                 FROM open311_fields WHERE doc_id = ANY($1)",
                &[&ids],
            )?;
            let mut found = HashMap::with_capacity(rows.len());
            for row in &rows {
                found.insert(
                    DocId(uuid_from(row.try_get::<_, &[u8]>(0)?)?),
                    Open311Fields {
                        address_string: row.try_get(1)?,
                        address_id: row.try_get(2)?,
                        zipcode: row.try_get(3)?,
                        media_url: row.try_get(4)?,
                    },
                );
            }
            Ok(found)
        })
    }
}
