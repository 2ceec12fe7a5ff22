//! What the replay map shows beside the path: the reports the person made that day (read
//! from the case summaries by `Storage::reports_by`), labelled for the map.

use crate::storage::ReportedAt;
use cgt_shared::category::{CategoryTable, Kind};
use cgt_shared::{DocId, Timestamp};
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

/// The reports as markers labelled by subclass name.
pub fn markers(table: &CategoryTable, reports: Vec<ReportedAt>) -> Vec<ReportMarker> {
    reports
        .into_iter()
        .map(|r| ReportMarker {
            label: Kind::parse(&r.kind)
                .and_then(|kind| table.subclass(kind, r.class, r.subclass).ok())
                .map(|s| s.name.clone())
                .unwrap_or_else(|| format!("{} {:02}{:02}", r.kind, r.class, r.subclass)),
            id: r.id,
            at: r.at,
            lat: r.lat,
            lon: r.lon,
        })
        .collect()
}
