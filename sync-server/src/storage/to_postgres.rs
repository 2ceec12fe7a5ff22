//! Moving an embedded installation into PostgreSQL: every table of the SQLite file copied into
//! a PostgreSQL database with the same schema, then checked table by table (row count and a
//! SHA-256 over every row in key order, computed from what each side holds). Restartable: a
//! copy cut short is run again, rows already there are kept and the rest are added. The
//! server must be stopped while it runs, so the file does not change under the copy. Photos
//! stay in the data folder, which the PostgreSQL-backed server keeps using.

use super::postgres::PgStorage;
use super::{DB_FILE, StorageError};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, NoTls};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Rows written per statement round.
const BATCH: usize = 500;

/// One table as copied and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableCopy {
    pub table: String,
    pub rows: u64,
    /// Hex SHA-256 of the table's rows in key order, the same on both sides.
    pub digest: String,
}

/// A column of the PostgreSQL schema and the kind of value it holds.
struct Column {
    name: String,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Real,
    Text,
    Bytes,
}

/// A value as both sides hold it once converted to the column's kind.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// Copies the embedded database under `data_dir` into the PostgreSQL database at `url`
/// (creating its schema if needed) and checks every table; an error names the first table
/// whose copy differs.
pub fn copy(data_dir: &Path, url: &str) -> Result<Vec<TableCopy>, StorageError> {
    let path = data_dir.join(DB_FILE);
    if !path.is_file() {
        return Err(StorageError::Corrupt(format!(
            "{} 中没有数据库 {DB_FILE} (no embedded database to copy)",
            data_dir.display()
        )));
    }
    // Applies the PostgreSQL migrations and closes again.
    drop(PgStorage::open(url, 1)?);
    let url = url.to_owned();
    // The blocking driver runs a runtime of its own: keep it on a thread of its own.
    std::thread::spawn(move || {
        let sqlite = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let mut pg = Client::connect(&url, NoTls)?;
        copy_tables(&sqlite, &mut pg)
    })
    .join()
    .map_err(|_| StorageError::Commit("the copy stopped unexpectedly".into()))?
}

fn copy_tables(sqlite: &Connection, pg: &mut Client) -> Result<Vec<TableCopy>, StorageError> {
    let mut copies = Vec::new();
    for table in tables(pg)? {
        let columns = columns(pg, &table)?;
        let key = key_columns(pg, &table)?;
        let select = format!(
            "SELECT {} FROM {table}{}",
            column_list(&columns),
            order_by(&key)
        );
        let insert = insert_sql(&table, &columns, &key);
        let (rows, ours) = copy_rows(sqlite, pg, (&table, &columns), &select, &insert)?;
        reset_identity(pg, &table)?;
        let (stored, theirs) = pg_digest(pg, &columns, &select)?;
        if rows != stored || ours != theirs {
            return Err(StorageError::Corrupt(format!(
                "表 {table} 复制后不一致: SQLite {rows} 行, PostgreSQL {stored} 行 \
                 (copy of {table} differs)"
            )));
        }
        copies.push(TableCopy {
            table,
            rows,
            digest: ours,
        });
    }
    Ok(copies)
}

/// The schema's tables in the order they were created, which puts every table after the
/// tables it references.
fn tables(pg: &mut Client) -> Result<Vec<String>, StorageError> {
    Ok(pg
        .query(
            "SELECT c.relname::text FROM pg_class c
             WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
               AND c.relname <> 'schema_migrations'
             ORDER BY c.oid",
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

fn columns(pg: &mut Client, table: &str) -> Result<Vec<Column>, StorageError> {
    pg.query(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name::text = $1 ORDER BY ordinal_position",
        &[&table],
    )?
    .iter()
    .map(|r| {
        let (name, data_type): (String, String) = (r.get(0), r.get(1));
        let kind = match data_type.as_str() {
            "bigint" => Kind::Int,
            "double precision" => Kind::Real,
            "text" => Kind::Text,
            "bytea" => Kind::Bytes,
            other => {
                return Err(StorageError::Corrupt(format!(
                    "column {table}.{name} of type {other}"
                )));
            }
        };
        Ok(Column { name, kind })
    })
    .collect()
}

/// The primary-key columns of `table`, in key order.
fn key_columns(pg: &mut Client, table: &str) -> Result<Vec<String>, StorageError> {
    Ok(pg
        .query(
            "SELECT a.attname::text FROM pg_index i
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
             WHERE i.indrelid = $1::text::regclass AND i.indisprimary
             ORDER BY array_position(i.indkey, a.attnum)",
            &[&table],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// A column name as both dialects take it, reserved words (`offset`) included.
fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

fn order_by(key: &[String]) -> String {
    if key.is_empty() {
        String::new()
    } else {
        let key: Vec<String> = key.iter().map(|k| quoted(k)).collect();
        format!(" ORDER BY {}", key.join(", "))
    }
}

fn column_list(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|c| quoted(&c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Streams the table's rows from SQLite into PostgreSQL a batch at a time; answers how many
/// rows the file holds and their digest.
fn copy_rows(
    sqlite: &Connection,
    pg: &mut Client,
    (table, columns): (&str, &[Column]),
    select: &str,
    insert_sql: &str,
) -> Result<(u64, String), StorageError> {
    let mut statement = sqlite.prepare(select)?;
    let mut rows = statement.query([])?;
    let (mut digest, mut count) = (RowDigest::default(), 0u64);
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(row) = rows.next()? {
        let mut cells = Vec::with_capacity(columns.len());
        for (i, column) in columns.iter().enumerate() {
            cells.push(convert(table, column, row.get::<_, Value>(i)?)?);
        }
        digest.add(&cells);
        count += 1;
        batch.push(cells);
        if batch.len() == BATCH {
            insert(pg, insert_sql, columns, &batch)?;
            batch.clear();
        }
    }
    insert(pg, insert_sql, columns, &batch)?;
    Ok((count, digest.finish()))
}

/// A SQLite value as the PostgreSQL column holds it. The one value SQLite keeps in another
/// type than its column's is the reference version in `meta`, an integer in a blob column:
/// PostgreSQL keeps it as 8 big-endian bytes.
fn convert(table: &str, column: &Column, value: Value) -> Result<Cell, StorageError> {
    Ok(match (column.kind, value) {
        (_, Value::Null) => Cell::Null,
        (Kind::Int, Value::Integer(n)) => Cell::Int(n),
        (Kind::Real, Value::Real(x)) => Cell::Real(x),
        (Kind::Real, Value::Integer(n)) => Cell::Real(n as f64),
        (Kind::Text, Value::Text(s)) => Cell::Text(s),
        (Kind::Bytes, Value::Blob(b)) => Cell::Bytes(b),
        (Kind::Bytes, Value::Integer(n)) => Cell::Bytes(n.to_be_bytes().to_vec()),
        (_, other) => {
            return Err(StorageError::Corrupt(format!(
                "{table}.{}: {other:?} does not fit the column",
                column.name
            )));
        }
    })
}

/// Streams the table's rows back from PostgreSQL: how many it holds and their digest.
fn pg_digest(
    pg: &mut Client,
    columns: &[Column],
    select: &str,
) -> Result<(u64, String), StorageError> {
    let no_params: [&(dyn ToSql + Sync); 0] = [];
    let mut rows = pg.query_raw(select, no_params)?;
    let (mut digest, mut count) = (RowDigest::default(), 0u64);
    while let Some(row) = rows.next()? {
        let mut cells = Vec::with_capacity(columns.len());
        for (i, column) in columns.iter().enumerate() {
            let cell = match column.kind {
                Kind::Int => row.try_get::<_, Option<i64>>(i)?.map(Cell::Int),
                Kind::Real => row.try_get::<_, Option<f64>>(i)?.map(Cell::Real),
                Kind::Text => row.try_get::<_, Option<String>>(i)?.map(Cell::Text),
                Kind::Bytes => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Cell::Bytes),
            };
            cells.push(cell.unwrap_or(Cell::Null));
        }
        digest.add(&cells);
        count += 1;
    }
    Ok((count, digest.finish()))
}

/// The statement that writes one row: a row already there (a run cut short, or what the new
/// database was created with, such as its own server actor) takes the copied values.
fn insert_sql(table: &str, columns: &[Column], key: &[String]) -> String {
    let placeholders = (1..=columns.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let others: Vec<String> = columns
        .iter()
        .filter(|c| !key.contains(&c.name))
        .map(|c| format!("{0} = EXCLUDED.{0}", quoted(&c.name)))
        .collect();
    let conflict = if key.is_empty() || others.is_empty() {
        "DO NOTHING".to_string()
    } else {
        let key: Vec<String> = key.iter().map(|k| quoted(k)).collect();
        format!("({}) DO UPDATE SET {}", key.join(", "), others.join(", "))
    };
    format!(
        "INSERT INTO {table} ({}) OVERRIDING SYSTEM VALUE VALUES ({placeholders})
         ON CONFLICT {conflict}",
        column_list(columns)
    )
}

/// Writes `rows` in one transaction.
fn insert(
    pg: &mut Client,
    sql: &str,
    columns: &[Column],
    rows: &[Vec<Cell>],
) -> Result<(), StorageError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut tx = pg.transaction()?;
    let statement = tx.prepare(sql)?;
    for row in rows {
        let params: Vec<Box<dyn ToSql + Sync>> = row
            .iter()
            .zip(columns)
            .map(|(cell, column)| param(cell, column.kind))
            .collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
        tx.execute(&statement, &refs)?;
    }
    tx.commit()?;
    Ok(())
}

fn param(cell: &Cell, kind: Kind) -> Box<dyn ToSql + Sync> {
    match (cell, kind) {
        (Cell::Int(n), _) => Box::new(*n),
        (Cell::Real(x), _) => Box::new(*x),
        (Cell::Text(s), _) => Box::new(s.clone()),
        (Cell::Bytes(b), _) => Box::new(b.clone()),
        (Cell::Null, Kind::Int) => Box::new(None::<i64>),
        (Cell::Null, Kind::Real) => Box::new(None::<f64>),
        (Cell::Null, Kind::Text) => Box::new(None::<String>),
        (Cell::Null, Kind::Bytes) => Box::new(None::<Vec<u8>>),
    }
}

/// Moves an identity column's counter past the copied ids, so new rows do not collide.
fn reset_identity(pg: &mut Client, table: &str) -> Result<(), StorageError> {
    let identity = pg.query_opt(
        "SELECT column_name::text FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name::text = $1 AND is_identity = 'YES'",
        &[&table],
    )?;
    if let Some(row) = identity {
        let column: String = row.get(0);
        pg.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                               COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
            ),
            &[],
        )?;
    }
    Ok(())
}

/// SHA-256 over rows in order, each value tagged with its kind.
#[derive(Default)]
struct RowDigest(Sha256);

impl RowDigest {
    fn add(&mut self, row: &[Cell]) {
        let hash = &mut self.0;
        for cell in row {
            match cell {
                Cell::Null => hash.update([0u8]),
                Cell::Int(n) => {
                    hash.update([1u8]);
                    hash.update(n.to_le_bytes());
                }
                Cell::Real(x) => {
                    hash.update([2u8]);
                    hash.update(x.to_bits().to_le_bytes());
                }
                Cell::Text(s) => {
                    hash.update([3u8]);
                    hash.update((s.len() as u64).to_le_bytes());
                    hash.update(s.as_bytes());
                }
                Cell::Bytes(b) => {
                    hash.update([4u8]);
                    hash.update((b.len() as u64).to_le_bytes());
                    hash.update(b);
                }
            }
        }
        hash.update([0xffu8]);
    }

    fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }
}
