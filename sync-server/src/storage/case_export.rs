//! Cases as the admin exports them for a city's GIS: those reported in a period with their
//! queue line and evaluation record (status, department, times).

use super::case_rows::{export_row, export_sql};
use super::{CaseExport, CaseListRow, Storage, StorageError};
use cgt_shared::Timestamp;
use cgt_shared::evaluation::CaseRecord;

impl CaseExport for Storage {
    fn case_export(
        &self,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<(CaseListRow, CaseRecord)>, StorageError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(&export_sql(["?1", "?2", "?3"]))?;
            let mut rows = statement.query((from.millis(), to.millis(), limit))?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(export_row(row)?);
            }
            Ok(out)
        })
    }
}
