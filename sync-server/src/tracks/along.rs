//! What the replay map shows beside the path: the reports the person made that day (read
//! from the case summaries) and the outlines of the unit grids of their work grid.

use crate::storage::StorageError;
use cgt_shared::category::{CategoryTable, Kind};
use cgt_shared::{DocId, Timestamp, UserId};
use rusqlite::Connection;
use serde::Serialize;
use utoipa::ToSchema;

/// A report made along the way, as a marker.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ReportMarker {
    pub id: DocId,
    pub at: Timestamp,
    pub lat: f64,
    pub lon: f64,
    /// The subclass name (e.g. 井盖破损), or the codes when the table lacks them.
    pub label: String,
}

/// Reports by `user` with a device time in `[from, to)`, oldest first.
pub fn reports_between(
    c: &Connection,
    table: &CategoryTable,
    user: UserId,
    (from, to): (Timestamp, Timestamp),
) -> Result<Vec<ReportMarker>, StorageError> {
    let mut stmt = c.prepare_cached(
        "SELECT doc_id, reported_at, lat, lon, kind, class, subclass FROM cases
         WHERE reporter = ?1 AND reported_at >= ?2 AND reported_at < ?3 ORDER BY reported_at",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![user.as_bytes(), from.millis(), to.millis()],
        |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, f64>(2)?,
                r.get::<_, f64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, u8>(5)?,
                r.get::<_, u8>(6)?,
            ))
        },
    )?;
    let mut markers = Vec::new();
    for row in rows {
        let (id, at, lat, lon, kind, class, subclass) = row?;
        let id = <[u8; 16]>::try_from(id.as_slice())
            .map(DocId::from_bytes)
            .map_err(|_| StorageError::Corrupt("case id is not 16 bytes".into()))?;
        let label = Kind::parse(&kind)
            .and_then(|kind| table.subclass(kind, class, subclass).ok())
            .map(|s| s.name.clone())
            .unwrap_or_else(|| format!("{kind} {class:02}{subclass:02}"));
        markers.push(ReportMarker {
            id,
            at: Timestamp(at),
            lat,
            lon,
            label,
        });
    }
    Ok(markers)
}
