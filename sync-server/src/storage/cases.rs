//! The `cases` summary table, reader grants for tasks, and the lookups the case loop needs
//! (departments, grids and their inspectors, intake channels).

use super::case_query::{Placeholder, SqlValue, count_query, page_query};
use super::case_rows::{
    DISPATCHED_COLUMNS, GRIDS_AROUND, LIST_COLUMNS, RECORD_COLUMNS, dispatched_record,
    grid_containing, list_row, opt_user, record_row,
};
use super::codec::uuid_from;
use super::columns::Columns;
use super::{Storage, StorageError};
use crate::caseflow::summary::CaseRow;
use crate::storage::CaseStore;
use cgt_shared::caseflow::Source;
use cgt_shared::caseflow::event::{CaseStatus, Satisfaction};
use cgt_shared::caseflow::limits::{Step, Warning};
use cgt_shared::evaluation::CaseRecord;
use cgt_shared::{DocId, Timestamp, UserId};
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OptionalExtension, ToSql, params_from_iter};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

fn ms(t: Option<Timestamp>) -> Option<i64> {
    t.map(Timestamp::millis)
}

fn user_bytes(u: Option<UserId>) -> Option<Vec<u8>> {
    u.map(|u| u.as_bytes().to_vec())
}

/// Writes (or rewrites) the summary row of a case.
pub(super) fn upsert_case(c: &Connection, row: &CaseRow) -> Result<(), StorageError> {
    let r = &row.record;
    let report = &row.report;
    c.prepare_cached(
        "INSERT OR REPLACE INTO cases (doc_id, source, status, kind, class, subclass, description,
           unit_grid, area, lon, lat, reporter, urgent, self_handled, reported_at, registered,
           department, dispatched_at, handled_at, handle_deadline, closed_at, close_deadline,
           reworks, supervised, satisfaction, bonus_tenths, verifier, verify_assigned_at,
           verified_at, verify_deadline, checker, check_assigned_at, checked_at, check_deadline,
           verify_assignee, check_assignee, on_hold, in_conflict, step, step_started_at,
           step_deadline, step_limit_ms, step_yellow_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
           ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35,
           ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43, ?44)",
    )?
    .execute(rusqlite::params![
        row.id.as_bytes(),
        r.source.as_str(),
        row.status.as_str(),
        report.kind.as_str(),
        report.class,
        report.subclass,
        report.description,
        report.unit_grid.as_str(),
        r.area,
        report.position.lon,
        report.position.lat,
        user_bytes(r.reporter),
        row.urgent,
        report.self_handled,
        r.reported_at.millis(),
        r.registered,
        r.department,
        ms(r.dispatched_at),
        ms(r.handled_at),
        ms(r.handle_deadline),
        ms(r.closed_at),
        ms(r.close_deadline),
        r.reworks,
        r.supervised,
        r.satisfaction.map(Satisfaction::as_str),
        r.bonus_tenths,
        user_bytes(r.verifier),
        ms(r.verify_assigned_at),
        ms(r.verified_at),
        ms(r.verify_deadline),
        user_bytes(r.checker),
        ms(r.check_assigned_at),
        ms(r.checked_at),
        ms(r.check_deadline),
        user_bytes(row.verify_assignee),
        user_bytes(row.check_assignee),
        row.on_hold,
        row.in_conflict,
        row.step.map(Step::as_str),
        ms(row.step_started_at),
        ms(row.step_deadline),
        row.step_limit_ms,
        ms(row.step_yellow_at),
        row.updated_at.millis(),
    ])?;
    Ok(())
}

/// Whether the case is urgent (a server-side fact kept only in the summary).
pub(super) fn case_urgent(c: &Connection, id: DocId) -> Result<bool, StorageError> {
    Ok(
        c.prepare_cached("SELECT urgent FROM cases WHERE doc_id = ?1")?
            .query_row([id.as_bytes()], |r| r.get(0))
            .optional()?
            .unwrap_or(false),
    )
}

/// Lets `user` read (and so sync) a case from `seq` on.
pub(super) fn grant_reader(
    c: &Connection,
    user: UserId,
    doc: DocId,
    seq: i64,
) -> Result<(), StorageError> {
    c.prepare_cached(
        "INSERT INTO doc_readers (user_id, doc_id, granted_seq) VALUES (?1, ?2, ?3)
         ON CONFLICT DO UPDATE SET granted_seq = excluded.granted_seq",
    )?
    .execute((user.as_bytes(), doc.as_bytes(), seq))?;
    Ok(())
}

/// Lets every active user of a department read a case dispatched to it.
pub(super) fn grant_department(
    c: &Connection,
    department: i64,
    doc: DocId,
    seq: i64,
) -> Result<(), StorageError> {
    c.prepare_cached(
        "INSERT INTO doc_readers (user_id, doc_id, granted_seq)
         SELECT id, ?2, ?3 FROM users WHERE department_id = ?1 AND active = 1
         ON CONFLICT DO UPDATE SET granted_seq = excluded.granted_seq",
    )?
    .execute((department, doc.as_bytes(), seq))?;
    Ok(())
}

/// One line of a work queue.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseListRow {
    pub id: DocId,
    pub source: Source,
    pub status: CaseStatus,
    pub kind: String,
    pub class: u8,
    pub subclass: u8,
    pub description: String,
    pub unit_grid: String,
    pub lon: f64,
    pub lat: f64,
    pub urgent: bool,
    pub reported_at: Timestamp,
    pub department: Option<i64>,
    pub supervised: bool,
    pub on_hold: bool,
    pub in_conflict: bool,
    pub verify_assignee: Option<UserId>,
    pub check_assignee: Option<UserId>,
    pub step: Option<Step>,
    pub step_started_at: Option<Timestamp>,
    pub step_deadline: Option<Timestamp>,
    pub step_limit_ms: Option<i64>,
}

/// Which cases a queue lists; every field narrows.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    pub statuses: Vec<CaseStatus>,
    pub department: Option<i64>,
    pub assignee: Option<UserId>,
    pub supervised: bool,
    pub in_conflict: bool,
    pub source: Option<Source>,
    /// Only cases still in the loop.
    pub open: bool,
    /// Only cases whose running step shows this colour at that instant.
    pub warning: Option<(Warning, Timestamp)>,
}

/// A department of the city: the reference data's own type.
pub use cgt_shared::wire::reference::Department;

impl CaseStore for Storage {
    fn cases(&self, filter: &CaseFilter, limit: u32) -> Result<Vec<CaseListRow>, StorageError> {
        self.read(|c| listed(c, filter, 0, limit))
    }

    fn case_page(
        &self,
        filter: &CaseFilter,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<CaseListRow>, u64), StorageError> {
        self.read(|c| {
            let count = count_query(filter, Placeholder::Question);
            let total: u64 = c
                .prepare(&count.sql)?
                .query_row(params_from_iter(&count.params), |r| r.get(0))?;
            Ok((listed(c, filter, offset, limit)?, total))
        })
    }

    fn urgent_cases(&self, ids: &[DocId]) -> Result<HashSet<DocId>, StorageError> {
        self.read(|c| {
            let mut urgent = HashSet::new();
            for &id in ids {
                if case_urgent(c, id)? {
                    urgent.insert(id);
                }
            }
            Ok(urgent)
        })
    }

    fn case(&self, id: DocId) -> Result<Option<CaseListRow>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {LIST_COLUMNS} FROM cases WHERE doc_id = ?1"
            ))?;
            let mut rows = stmt.query([id.as_bytes()])?;
            rows.next()?.map(list_row).transpose()
        })
    }

    fn dispatched_records(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<CaseRecord>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {DISPATCHED_COLUMNS} FROM cases INDEXED BY cases_for_evaluation
                 WHERE dispatched_at >= ?1 AND dispatched_at < ?2"
            ))?;
            let mut rows = stmt.query((from.millis(), to.millis()))?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(dispatched_record(row)?);
            }
            Ok(out)
        })
    }

    fn case_records(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<CaseRecord>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM cases WHERE dispatched_at >= ?1 AND dispatched_at < ?2
                 UNION ALL
                 SELECT {RECORD_COLUMNS} FROM cases WHERE reported_at >= ?1 AND reported_at < ?2
                   AND (dispatched_at IS NULL OR dispatched_at < ?1 OR dispatched_at >= ?2)"
            ))?;
            let mut rows = stmt.query((from.millis(), to.millis()))?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(record_row(row)?);
            }
            Ok(out)
        })
    }

    fn dispatch_counts(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<std::collections::BTreeMap<i64, u64>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT department, count(*) FROM cases INDEXED BY cases_by_dispatch
                 WHERE dispatched_at >= ?1 AND dispatched_at < ?2 AND department IS NOT NULL
                 GROUP BY department",
            )?;
            let rows =
                stmt.query_map((from.millis(), to.millis()), |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn departments(&self) -> Result<Vec<Department>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, code, name FROM departments WHERE retired = 0 ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(Department {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    name: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn user_department(&self, user: UserId) -> Result<Option<i64>, StorageError> {
        self.read(|c| {
            Ok(
                c.prepare_cached("SELECT department_id FROM users WHERE id = ?1")?
                    .query_row([user.as_bytes()], |r| r.get(0))
                    .optional()?
                    .flatten(),
            )
        })
    }

    fn user_names(&self) -> Result<HashMap<UserId, String>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached("SELECT id, display_name FROM users")?;
            let mut rows = stmt.query([])?;
            let mut out = HashMap::new();
            while let Some(row) = rows.next()? {
                out.insert(UserId(uuid_from(&row.get::<_, Vec<u8>>(0)?)?), row.get(1)?);
            }
            Ok(out)
        })
    }

    fn grid_at(&self, lon: f64, lat: f64) -> Result<Option<String>, StorageError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(GRIDS_AROUND)?;
            let mut rows = statement.query((lon, lat))?;
            let mut candidates = Vec::new();
            while let Some(row) = rows.next()? {
                candidates.push((Columns::text(row, 0)?, Columns::text(row, 1)?));
            }
            grid_containing(candidates, [lon, lat])
        })
    }

    fn component(&self, id: &str) -> Result<Option<(f64, f64, String)>, StorageError> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT lon, lat, unit_grid FROM components WHERE id = ?1 AND retired = 0",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?)
        })
    }

    fn grid_inspector(&self, unit_grid: &str) -> Result<Option<UserId>, StorageError> {
        self.read(|c| {
            let bytes: Option<Option<Vec<u8>>> = c
                .prepare_cached(
                    "SELECT w.inspector_user FROM unit_grids u JOIN work_grids w ON w.code = u.work_grid
                     WHERE u.code = ?1",
                )?
                .query_row([unit_grid], |r| r.get(0))
                .optional()?;
            opt_user(bytes.flatten())
        })
    }

    fn cases_of_category(
        &self,
        kind: &str,
        class: u8,
        subclass: u8,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<CaseListRow>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {LIST_COLUMNS} FROM cases WHERE kind = ?1 AND class = ?2 AND subclass = ?3
                   AND reported_at >= ?4 AND reported_at <= ?5 ORDER BY reported_at DESC LIMIT 500"
            ))?;
            let mut rows = stmt.query((kind, class, subclass, from.millis(), to.millis()))?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(list_row(row)?);
            }
            Ok(out)
        })
    }
}

impl ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            SqlValue::Int(v) => ToSqlOutput::from(*v),
            SqlValue::Text(v) => ToSqlOutput::from(*v),
            SqlValue::Bytes(v) => ToSqlOutput::from(v.as_slice()),
        })
    }
}

/// The cases `filter` matches, newest first, from `offset`, at most `limit`.
fn listed(
    c: &Connection,
    filter: &CaseFilter,
    offset: u64,
    limit: u32,
) -> Result<Vec<CaseListRow>, StorageError> {
    let page = page_query(filter, Placeholder::Question, offset, limit);
    let mut stmt = c.prepare(&page.sql)?;
    let mut rows = stmt.query(params_from_iter(&page.params))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(list_row(row)?);
    }
    Ok(out)
}
