//! Cases as the admin exports them, from PostgreSQL (see `storage/case_export.rs`).

use super::super::case_rows::{export_row, export_sql};
use super::PgStorage;
use crate::storage::{CaseExport, CaseListRow, StorageError};
use cgt_shared::Timestamp;
use cgt_shared::evaluation::CaseRecord;

impl CaseExport for PgStorage {
    fn case_export(
        &self,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<(CaseListRow, CaseRecord)>, StorageError> {
        self.read(move |tx| {
            let sql = export_sql(["$1", "$2", "$3"]);
            tx.query(
                sql.as_str(),
                &[&from.millis(), &to.millis(), &i64::from(limit)],
            )?
            .iter()
            .map(export_row)
            .collect()
        })
    }
}
