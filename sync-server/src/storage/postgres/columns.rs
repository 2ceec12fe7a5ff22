//! [`Columns`] over the PostgreSQL driver's rows, so the shared row mappings
//! (`case_rows::list_row`, ...) read them as they read SQLite's.

use super::super::StorageError;
use super::super::columns::Columns;
use postgres::Row;

impl Columns for Row {
    fn int(&self, i: usize) -> Result<i64, StorageError> {
        Ok(self.try_get(i)?)
    }

    fn opt_int(&self, i: usize) -> Result<Option<i64>, StorageError> {
        Ok(self.try_get(i)?)
    }

    fn real(&self, i: usize) -> Result<f64, StorageError> {
        Ok(self.try_get(i)?)
    }

    fn text(&self, i: usize) -> Result<String, StorageError> {
        Ok(self.try_get(i)?)
    }

    fn opt_text(&self, i: usize) -> Result<Option<String>, StorageError> {
        Ok(self.try_get(i)?)
    }

    fn bytes(&self, i: usize) -> Result<Vec<u8>, StorageError> {
        Ok(self.try_get(i)?)
    }

    fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.try_get(i)?)
    }
}
