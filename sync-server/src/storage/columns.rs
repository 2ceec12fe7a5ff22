//! Reading the columns of one result row by position, whichever driver produced the row, so
//! that the mapping of rows to the store's types is written once for both backends. The
//! SQLite rows implement it here; the PostgreSQL rows in `postgres/columns.rs`.

use super::StorageError;

/// The columns of one result row, read by position. A value of another type than asked, or a
/// NULL where a value is required, is an error.
pub(super) trait Columns {
    fn int(&self, i: usize) -> Result<i64, StorageError>;

    fn opt_int(&self, i: usize) -> Result<Option<i64>, StorageError>;

    fn real(&self, i: usize) -> Result<f64, StorageError>;

    fn text(&self, i: usize) -> Result<String, StorageError>;

    fn opt_text(&self, i: usize) -> Result<Option<String>, StorageError>;

    fn bytes(&self, i: usize) -> Result<Vec<u8>, StorageError>;

    fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StorageError>;

    /// A 0/1 column as a boolean (any value but 0 is true, as rusqlite reads a `bool`).
    fn flag(&self, i: usize) -> Result<bool, StorageError> {
        Ok(self.int(i)? != 0)
    }

    /// An integer column narrowed to `T`; `what` names the column in the error.
    fn narrow<T: TryFrom<i64>>(&self, i: usize, what: &str) -> Result<T, StorageError> {
        let value = self.int(i)?;
        T::try_from(value).map_err(|_| StorageError::Corrupt(format!("{what} = {value}")))
    }
}

impl Columns for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> Result<i64, StorageError> {
        Ok(self.get(i)?)
    }

    fn opt_int(&self, i: usize) -> Result<Option<i64>, StorageError> {
        Ok(self.get(i)?)
    }

    fn real(&self, i: usize) -> Result<f64, StorageError> {
        Ok(self.get(i)?)
    }

    fn text(&self, i: usize) -> Result<String, StorageError> {
        Ok(self.get(i)?)
    }

    fn opt_text(&self, i: usize) -> Result<Option<String>, StorageError> {
        Ok(self.get(i)?)
    }

    fn bytes(&self, i: usize) -> Result<Vec<u8>, StorageError> {
        Ok(self.get(i)?)
    }

    fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.get(i)?)
    }
}

/// The columns of a row from `offset` on: a mapping written for a query's first columns reads
/// the same columns placed later in a wider query.
pub(super) struct Shifted<'a, C>(pub &'a C, pub usize);

impl<C: Columns> Columns for Shifted<'_, C> {
    fn int(&self, i: usize) -> Result<i64, StorageError> {
        self.0.int(self.1 + i)
    }

    fn opt_int(&self, i: usize) -> Result<Option<i64>, StorageError> {
        self.0.opt_int(self.1 + i)
    }

    fn real(&self, i: usize) -> Result<f64, StorageError> {
        self.0.real(self.1 + i)
    }

    fn text(&self, i: usize) -> Result<String, StorageError> {
        self.0.text(self.1 + i)
    }

    fn opt_text(&self, i: usize) -> Result<Option<String>, StorageError> {
        self.0.opt_text(self.1 + i)
    }

    fn bytes(&self, i: usize) -> Result<Vec<u8>, StorageError> {
        self.0.bytes(self.1 + i)
    }

    fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StorageError> {
        self.0.opt_bytes(self.1 + i)
    }
}
