//! The `cases` summary table, reader grants for tasks, and the lookups the case loop needs
//! (departments, grids and their inspectors, intake channels).

use super::codec::uuid_from;
use super::{Storage, StorageError};
use crate::caseflow::summary::CaseRow;
use crate::storage::CaseStore;
use cgt_shared::caseflow::Source;
use cgt_shared::caseflow::event::{CaseStatus, Satisfaction};
use cgt_shared::caseflow::limits::{Step, Warning};
use cgt_shared::evaluation::CaseRecord;
use cgt_shared::{DocId, Timestamp, UserId};
use rusqlite::{Connection, OptionalExtension, Row, ToSql};
use serde::Serialize;
use std::collections::HashMap;
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

const LIST_COLUMNS: &str = "doc_id, source, status, kind, class, subclass, description, unit_grid,
    lon, lat, urgent, reported_at, department, supervised, on_hold, in_conflict, verify_assignee,
    check_assignee, step, step_started_at, step_deadline, step_limit_ms";

fn opt_user(bytes: Option<Vec<u8>>) -> Result<Option<UserId>, StorageError> {
    bytes.map(|b| uuid_from(&b).map(UserId)).transpose()
}

fn opt_ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp)
}

fn corrupt(what: &str, value: &str) -> StorageError {
    StorageError::Corrupt(format!("cases.{what} = {value}"))
}

fn list_row(row: &Row) -> Result<CaseListRow, StorageError> {
    let source: String = row.get(1)?;
    let status: String = row.get(2)?;
    let step: Option<String> = row.get(18)?;
    Ok(CaseListRow {
        id: DocId(uuid_from(&row.get::<_, Vec<u8>>(0)?)?),
        source: Source::parse(&source).ok_or_else(|| corrupt("source", &source))?,
        status: CaseStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        kind: row.get(3)?,
        class: row.get(4)?,
        subclass: row.get(5)?,
        description: row.get(6)?,
        unit_grid: row.get(7)?,
        lon: row.get(8)?,
        lat: row.get(9)?,
        urgent: row.get(10)?,
        reported_at: Timestamp(row.get(11)?),
        department: row.get(12)?,
        supervised: row.get(13)?,
        on_hold: row.get(14)?,
        in_conflict: row.get(15)?,
        verify_assignee: opt_user(row.get(16)?)?,
        check_assignee: opt_user(row.get(17)?)?,
        step: step.as_deref().and_then(Step::parse),
        step_started_at: opt_ts(row.get(19)?),
        step_deadline: opt_ts(row.get(20)?),
        step_limit_ms: row.get(21)?,
    })
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

/// The evaluation record columns, in `record_row` order.
const RECORD_COLUMNS: &str = "source, reporter, area, reported_at, registered, department,
    dispatched_at, handled_at, handle_deadline, closed_at, close_deadline, reworks, supervised,
    satisfaction, bonus_tenths, verifier, verify_assigned_at, verified_at, verify_deadline,
    checker, check_assigned_at, checked_at, check_deadline";

fn record_row(row: &Row) -> Result<CaseRecord, StorageError> {
    let source: String = row.get(0)?;
    let satisfaction: Option<String> = row.get(13)?;
    Ok(CaseRecord {
        source: Source::parse(&source).ok_or_else(|| corrupt("source", &source))?,
        reporter: opt_user(row.get(1)?)?,
        area: row.get(2)?,
        reported_at: Timestamp(row.get(3)?),
        registered: row.get(4)?,
        department: row.get(5)?,
        dispatched_at: opt_ts(row.get(6)?),
        handled_at: opt_ts(row.get(7)?),
        handle_deadline: opt_ts(row.get(8)?),
        closed_at: opt_ts(row.get(9)?),
        close_deadline: opt_ts(row.get(10)?),
        reworks: row.get(11)?,
        supervised: row.get(12)?,
        satisfaction: satisfaction.as_deref().and_then(Satisfaction::parse),
        bonus_tenths: row.get(14)?,
        verifier: opt_user(row.get(15)?)?,
        verify_assigned_at: opt_ts(row.get(16)?),
        verified_at: opt_ts(row.get(17)?),
        verify_deadline: opt_ts(row.get(18)?),
        checker: opt_user(row.get(19)?)?,
        check_assigned_at: opt_ts(row.get(20)?),
        checked_at: opt_ts(row.get(21)?),
        check_deadline: opt_ts(row.get(22)?),
    })
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
            let (condition, params) = condition(filter);
            let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
            let total: u64 = c
                .prepare(&format!("SELECT count(*) FROM cases WHERE {condition}"))?
                .query_row(refs.as_slice(), |r| r.get(0))?;
            Ok((listed(c, filter, offset, limit)?, total))
        })
    }

    fn case_urgent(&self, id: DocId) -> Result<bool, StorageError> {
        self.read(|c| case_urgent(c, id))
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
            let mut stmt = c.prepare_cached(
                "SELECT dispatched_at, department, source, handled_at, handle_deadline, closed_at,
                        close_deadline, reworks, supervised, satisfaction, bonus_tenths
                 FROM cases INDEXED BY cases_for_evaluation
                 WHERE dispatched_at >= ?1 AND dispatched_at < ?2",
            )?;
            let mut rows = stmt.query((from.millis(), to.millis()))?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let source: String = row.get(2)?;
                let satisfaction: Option<String> = row.get(9)?;
                let dispatched_at = Timestamp(row.get(0)?);
                out.push(CaseRecord {
                    department: row.get(1)?,
                    dispatched_at: Some(dispatched_at),
                    handled_at: opt_ts(row.get(3)?),
                    handle_deadline: opt_ts(row.get(4)?),
                    closed_at: opt_ts(row.get(5)?),
                    close_deadline: opt_ts(row.get(6)?),
                    reworks: row.get(7)?,
                    supervised: row.get(8)?,
                    satisfaction: satisfaction.as_deref().and_then(Satisfaction::parse),
                    bonus_tenths: row.get(10)?,
                    ..CaseRecord::new(
                        Source::parse(&source).ok_or_else(|| corrupt("source", &source))?,
                        "",
                        dispatched_at,
                    )
                });
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
            Ok(c.prepare_cached(
                "SELECT code FROM unit_grids WHERE retired = 0
                   AND min_lon <= ?1 AND max_lon >= ?1 AND min_lat <= ?2 AND max_lat >= ?2
                 ORDER BY code LIMIT 1",
            )?
            .query_row((lon, lat), |r| r.get(0))
            .optional()?)
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

/// The `WHERE` condition of `filter` and its parameters.
fn condition(filter: &CaseFilter) -> (String, Vec<Box<dyn ToSql>>) {
    let mut sql = String::from("1 = 1");
    let mut params: Vec<Box<dyn ToSql>> = Vec::new();
    if !filter.statuses.is_empty() {
        let marks = vec!["?"; filter.statuses.len()].join(", ");
        sql.push_str(&format!(" AND status IN ({marks})"));
        for s in &filter.statuses {
            params.push(Box::new(s.as_str()));
        }
    }
    if filter.open {
        sql.push_str(" AND status NOT IN ('withdrawn', 'rejected', 'duplicate', 'closed')");
    }
    if let Some(d) = filter.department {
        sql.push_str(" AND department = ?");
        params.push(Box::new(d));
    }
    if let Some(u) = filter.assignee {
        sql.push_str(" AND (verify_assignee = ? OR check_assignee = ?)");
        params.push(Box::new(u.as_bytes().to_vec()));
        params.push(Box::new(u.as_bytes().to_vec()));
    }
    if filter.supervised {
        sql.push_str(" AND supervised = 1");
    }
    if filter.in_conflict {
        sql.push_str(" AND in_conflict = 1");
    }
    if let Some(s) = filter.source {
        sql.push_str(" AND source = ?");
        params.push(Box::new(s.as_str()));
    }
    if let Some((colour, now)) = filter.warning {
        // The colours of `api::case_view::warning_at`: yellow from `step_yellow_at`, red past
        // the deadline, except on hold (the clock stands still; it never turns red).
        let (clause, uses) = match colour {
            Warning::Green => (" AND step_deadline IS NOT NULL AND ? < step_yellow_at", 1),
            Warning::Yellow => (
                " AND step_deadline IS NOT NULL AND ? >= step_yellow_at
                  AND (on_hold = 1 OR ? <= step_deadline)",
                2,
            ),
            Warning::Red => (
                " AND step_deadline IS NOT NULL AND on_hold = 0 AND ? > step_deadline",
                1,
            ),
        };
        sql.push_str(clause);
        for _ in 0..uses {
            params.push(Box::new(now.millis()));
        }
    }
    (sql, params)
}

/// The cases `filter` matches, newest first, from `offset`, at most `limit`.
fn listed(
    c: &Connection,
    filter: &CaseFilter,
    offset: u64,
    limit: u32,
) -> Result<Vec<CaseListRow>, StorageError> {
    let (condition, mut params) = condition(filter);
    params.push(Box::new(limit));
    params.push(Box::new(i64::try_from(offset).unwrap_or(i64::MAX)));
    // The offset is skipped over keys read from an index; only the page's rows are read in
    // full (skipping whole rows made the last of 2,000 pages sixty times slower).
    let mut stmt = c.prepare(&format!(
        "SELECT {LIST_COLUMNS} FROM cases WHERE doc_id IN (
             SELECT doc_id FROM cases WHERE {condition}
             ORDER BY reported_at DESC, doc_id DESC LIMIT ? OFFSET ?)
         ORDER BY reported_at DESC, doc_id DESC"
    ))?;
    let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
    let mut rows = stmt.query(refs.as_slice())?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(list_row(row)?);
    }
    Ok(out)
}
