//! The columns the case queries read and their mapping to [`CaseListRow`] and [`CaseRecord`],
//! shared by both backends (each reads its driver's rows through [`Columns`]).

use super::StorageError;
use super::cases::CaseListRow;
use super::codec::uuid_from;
use super::columns::{Columns, Shifted};
use cgt_shared::caseflow::Source;
use cgt_shared::caseflow::event::{CaseStatus, Satisfaction};
use cgt_shared::caseflow::limits::Step;
use cgt_shared::evaluation::CaseRecord;
use cgt_shared::{DocId, Timestamp, UserId};

/// The columns of a queue line, in [`list_row`] order.
pub(super) const LIST_COLUMNS: &str = "doc_id, source, status, kind, class, subclass, description,
    unit_grid, lon, lat, urgent, reported_at, department, supervised, on_hold, in_conflict,
    verify_assignee, check_assignee, step, step_started_at, step_deadline, step_limit_ms";

/// The evaluation record columns, in [`record_row`] order.
pub(super) const RECORD_COLUMNS: &str = "source, reporter, area, reported_at, registered,
    department, dispatched_at, handled_at, handle_deadline, closed_at, close_deadline, reworks,
    supervised, satisfaction, bonus_tenths, verifier, verify_assigned_at, verified_at,
    verify_deadline, checker, check_assigned_at, checked_at, check_deadline";

/// What department scores need of a dispatched case, in [`dispatched_record`] order (the
/// columns of the covering index `cases_for_evaluation`).
pub(super) const DISPATCHED_COLUMNS: &str = "dispatched_at, department, source, handled_at,
    handle_deadline, closed_at, close_deadline, reworks, supervised, satisfaction, bonus_tenths";

/// Unit grids in service whose bounding box holds the point (`?1` longitude, `?2` latitude),
/// with their outlines, by code.
pub(super) const GRIDS_AROUND: &str = "SELECT code, polygon FROM unit_grids WHERE retired = 0
    AND min_lon <= ?1 AND max_lon >= ?1 AND min_lat <= ?2 AND max_lat >= ?2 ORDER BY code";

/// The first of `candidates` (code, JSON outline) whose outline holds `p` by the boundary rule;
/// boxes of irregular grids overlap, so the box alone does not say.
pub(super) fn grid_containing(
    candidates: Vec<(String, String)>,
    p: [f64; 2],
) -> Result<Option<String>, StorageError> {
    for (code, polygon) in candidates {
        let ring: Vec<[f64; 2]> = serde_json::from_str(&polygon)
            .map_err(|e| StorageError::Corrupt(format!("unit_grids.polygon of {code}: {e}")))?;
        if cgt_shared::geometry::contains(&ring, p) {
            return Ok(Some(code));
        }
    }
    Ok(None)
}

/// The columns of an exported case: its queue line, then its evaluation record.
pub(super) fn export_sql(placeholders: [&str; 3]) -> String {
    let [from, to, limit] = placeholders;
    format!(
        "SELECT {LIST_COLUMNS}, {RECORD_COLUMNS} FROM cases
         WHERE reported_at >= {from} AND reported_at < {to}
         ORDER BY reported_at, doc_id LIMIT {limit}"
    )
}

/// An exported case from a row of [`export_sql`].
pub(super) fn export_row(row: &impl Columns) -> Result<(CaseListRow, CaseRecord), StorageError> {
    let list_columns = LIST_COLUMNS.split(',').count();
    Ok((list_row(row)?, record_row(&Shifted(row, list_columns))?))
}

/// A user id column that may be NULL.
pub(super) fn opt_user(bytes: Option<Vec<u8>>) -> Result<Option<UserId>, StorageError> {
    bytes.map(|b| uuid_from(&b).map(UserId)).transpose()
}

fn opt_ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp)
}

fn corrupt(what: &str, value: &str) -> StorageError {
    StorageError::Corrupt(format!("cases.{what} = {value}"))
}

fn source(text: &str) -> Result<Source, StorageError> {
    Source::parse(text).ok_or_else(|| corrupt("source", text))
}

/// A queue line from the [`LIST_COLUMNS`] of a row.
pub(super) fn list_row(row: &impl Columns) -> Result<CaseListRow, StorageError> {
    let status = row.text(2)?;
    let step = row.opt_text(18)?;
    Ok(CaseListRow {
        id: DocId(uuid_from(&row.bytes(0)?)?),
        source: source(&row.text(1)?)?,
        status: CaseStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        kind: row.text(3)?,
        class: row.narrow(4, "cases.class")?,
        subclass: row.narrow(5, "cases.subclass")?,
        description: row.text(6)?,
        unit_grid: row.text(7)?,
        lon: row.real(8)?,
        lat: row.real(9)?,
        urgent: row.flag(10)?,
        reported_at: Timestamp(row.int(11)?),
        department: row.opt_int(12)?,
        supervised: row.flag(13)?,
        on_hold: row.flag(14)?,
        in_conflict: row.flag(15)?,
        verify_assignee: opt_user(row.opt_bytes(16)?)?,
        check_assignee: opt_user(row.opt_bytes(17)?)?,
        step: step.as_deref().and_then(Step::parse),
        step_started_at: opt_ts(row.opt_int(19)?),
        step_deadline: opt_ts(row.opt_int(20)?),
        step_limit_ms: row.opt_int(21)?,
    })
}

/// An evaluation record from the [`RECORD_COLUMNS`] of a row.
pub(super) fn record_row(row: &impl Columns) -> Result<CaseRecord, StorageError> {
    let satisfaction = row.opt_text(13)?;
    Ok(CaseRecord {
        source: source(&row.text(0)?)?,
        reporter: opt_user(row.opt_bytes(1)?)?,
        area: row.text(2)?,
        reported_at: Timestamp(row.int(3)?),
        registered: row.flag(4)?,
        department: row.opt_int(5)?,
        dispatched_at: opt_ts(row.opt_int(6)?),
        handled_at: opt_ts(row.opt_int(7)?),
        handle_deadline: opt_ts(row.opt_int(8)?),
        closed_at: opt_ts(row.opt_int(9)?),
        close_deadline: opt_ts(row.opt_int(10)?),
        reworks: row.narrow(11, "cases.reworks")?,
        supervised: row.flag(12)?,
        satisfaction: satisfaction.as_deref().and_then(Satisfaction::parse),
        bonus_tenths: row.int(14)?,
        verifier: opt_user(row.opt_bytes(15)?)?,
        verify_assigned_at: opt_ts(row.opt_int(16)?),
        verified_at: opt_ts(row.opt_int(17)?),
        verify_deadline: opt_ts(row.opt_int(18)?),
        checker: opt_user(row.opt_bytes(19)?)?,
        check_assigned_at: opt_ts(row.opt_int(20)?),
        checked_at: opt_ts(row.opt_int(21)?),
        check_deadline: opt_ts(row.opt_int(22)?),
    })
}

/// A record with only what department scores need, from the [`DISPATCHED_COLUMNS`] of a row
/// (a dispatched case: `dispatched_at` is never NULL there).
pub(super) fn dispatched_record(row: &impl Columns) -> Result<CaseRecord, StorageError> {
    let satisfaction = row.opt_text(9)?;
    let dispatched_at = Timestamp(row.int(0)?);
    Ok(CaseRecord {
        department: row.opt_int(1)?,
        dispatched_at: Some(dispatched_at),
        handled_at: opt_ts(row.opt_int(3)?),
        handle_deadline: opt_ts(row.opt_int(4)?),
        closed_at: opt_ts(row.opt_int(5)?),
        close_deadline: opt_ts(row.opt_int(6)?),
        reworks: row.narrow(7, "cases.reworks")?,
        supervised: row.flag(8)?,
        satisfaction: satisfaction.as_deref().and_then(Satisfaction::parse),
        bonus_tenths: row.int(10)?,
        ..CaseRecord::new(source(&row.text(2)?)?, "", dispatched_at)
    })
}
