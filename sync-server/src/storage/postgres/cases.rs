//! The `cases` summary table, reader grants for tasks, and the lookups the case loop needs
//! (departments, grids and their inspectors), on PostgreSQL. The queue's statements and the
//! row mappings are the embedded store's (`case_query`, `case_rows`).

use super::super::StorageError;
use super::super::case_query::{Placeholder, Query, SqlValue, count_query, page_query};
use super::super::case_rows::{
    DISPATCHED_COLUMNS, GRIDS_AROUND, LIST_COLUMNS, RECORD_COLUMNS, dispatched_record,
    grid_containing, list_row, opt_user, record_row,
};
use super::super::codec::uuid_from;
use super::super::columns::Columns;
use super::PgStorage;
use crate::caseflow::summary::CaseRow;
use crate::storage::{CaseFilter, CaseListRow, CaseStore};
use cgt_shared::caseflow::event::Satisfaction;
use cgt_shared::caseflow::limits::Step;
use cgt_shared::evaluation::CaseRecord;
use cgt_shared::wire::reference::Department;
use cgt_shared::{DocId, Timestamp, UserId};
use postgres::types::ToSql;
use postgres::{Statement, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};

fn ms(t: Option<Timestamp>) -> Option<i64> {
    t.map(Timestamp::millis)
}

fn user_bytes(u: Option<UserId>) -> Option<Vec<u8>> {
    u.map(|u| u.as_bytes().to_vec())
}

/// A `count(*)` as the port returns it.
fn count(n: i64) -> Result<u64, StorageError> {
    u64::try_from(n).map_err(|_| StorageError::Corrupt(format!("count {n}")))
}

/// Writes (or rewrites, every column) the summary row of a case.
/// The upsert of a case's summary row, every column rewritten.
pub(super) const UPSERT_CASE: &str =
    "INSERT INTO cases (doc_id, source, status, kind, class, subclass, description,
           unit_grid, area, lon, lat, reporter, urgent, self_handled, reported_at, registered,
           department, dispatched_at, handled_at, handle_deadline, closed_at, close_deadline,
           reworks, supervised, satisfaction, bonus_tenths, verifier, verify_assigned_at,
           verified_at, verify_deadline, checker, check_assigned_at, checked_at, check_deadline,
           verify_assignee, check_assignee, on_hold, in_conflict, step, step_started_at,
           step_deadline, step_limit_ms, step_yellow_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
           $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35,
           $36, $37, $38, $39, $40, $41, $42, $43, $44)
         ON CONFLICT (doc_id) DO UPDATE SET
           source = EXCLUDED.source, status = EXCLUDED.status, kind = EXCLUDED.kind,
           class = EXCLUDED.class, subclass = EXCLUDED.subclass,
           description = EXCLUDED.description, unit_grid = EXCLUDED.unit_grid,
           area = EXCLUDED.area, lon = EXCLUDED.lon, lat = EXCLUDED.lat,
           reporter = EXCLUDED.reporter, urgent = EXCLUDED.urgent,
           self_handled = EXCLUDED.self_handled, reported_at = EXCLUDED.reported_at,
           registered = EXCLUDED.registered, department = EXCLUDED.department,
           dispatched_at = EXCLUDED.dispatched_at, handled_at = EXCLUDED.handled_at,
           handle_deadline = EXCLUDED.handle_deadline, closed_at = EXCLUDED.closed_at,
           close_deadline = EXCLUDED.close_deadline, reworks = EXCLUDED.reworks,
           supervised = EXCLUDED.supervised, satisfaction = EXCLUDED.satisfaction,
           bonus_tenths = EXCLUDED.bonus_tenths, verifier = EXCLUDED.verifier,
           verify_assigned_at = EXCLUDED.verify_assigned_at,
           verified_at = EXCLUDED.verified_at, verify_deadline = EXCLUDED.verify_deadline,
           checker = EXCLUDED.checker, check_assigned_at = EXCLUDED.check_assigned_at,
           checked_at = EXCLUDED.checked_at, check_deadline = EXCLUDED.check_deadline,
           verify_assignee = EXCLUDED.verify_assignee,
           check_assignee = EXCLUDED.check_assignee, on_hold = EXCLUDED.on_hold,
           in_conflict = EXCLUDED.in_conflict, step = EXCLUDED.step,
           step_started_at = EXCLUDED.step_started_at, step_deadline = EXCLUDED.step_deadline,
           step_limit_ms = EXCLUDED.step_limit_ms, step_yellow_at = EXCLUDED.step_yellow_at,
           updated_at = EXCLUDED.updated_at";

/// Writes a case's summary row; prepare [`UPSERT_CASE`] once per transaction and pass it.
pub(super) fn upsert_case(
    tx: &mut Transaction<'_>,
    statement: &Statement,
    row: &CaseRow,
) -> Result<(), StorageError> {
    let r = &row.record;
    let report = &row.report;
    tx.execute(
        statement,
        &[
            &row.id.as_bytes().as_slice(),
            &r.source.as_str(),
            &row.status.as_str(),
            &report.kind.as_str(),
            &i64::from(report.class),
            &i64::from(report.subclass),
            &report.description,
            &report.unit_grid.as_str(),
            &r.area,
            &report.position.lon,
            &report.position.lat,
            &user_bytes(r.reporter),
            &i64::from(row.urgent),
            &i64::from(report.self_handled),
            &r.reported_at.millis(),
            &i64::from(r.registered),
            &r.department,
            &ms(r.dispatched_at),
            &ms(r.handled_at),
            &ms(r.handle_deadline),
            &ms(r.closed_at),
            &ms(r.close_deadline),
            &i64::from(r.reworks),
            &i64::from(r.supervised),
            &r.satisfaction.map(Satisfaction::as_str),
            &r.bonus_tenths,
            &user_bytes(r.verifier),
            &ms(r.verify_assigned_at),
            &ms(r.verified_at),
            &ms(r.verify_deadline),
            &user_bytes(r.checker),
            &ms(r.check_assigned_at),
            &ms(r.checked_at),
            &ms(r.check_deadline),
            &user_bytes(row.verify_assignee),
            &user_bytes(row.check_assignee),
            &i64::from(row.on_hold),
            &i64::from(row.in_conflict),
            &row.step.map(Step::as_str),
            &ms(row.step_started_at),
            &ms(row.step_deadline),
            &row.step_limit_ms,
            &ms(row.step_yellow_at),
            &row.updated_at.millis(),
        ],
    )?;
    Ok(())
}

/// Lets `user` read (and so sync) a case from `seq` on.
pub(super) fn grant_reader(
    tx: &mut Transaction<'_>,
    user: UserId,
    doc: DocId,
    seq: i64,
) -> Result<(), StorageError> {
    tx.execute(
        "INSERT INTO doc_readers (user_id, doc_id, granted_seq) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, doc_id) DO UPDATE SET granted_seq = EXCLUDED.granted_seq",
        &[
            &user.as_bytes().as_slice(),
            &doc.as_bytes().as_slice(),
            &seq,
        ],
    )?;
    Ok(())
}

/// Lets every active user of a department read a case dispatched to it.
pub(super) fn grant_department(
    tx: &mut Transaction<'_>,
    department: i64,
    doc: DocId,
    seq: i64,
) -> Result<(), StorageError> {
    tx.execute(
        "INSERT INTO doc_readers (user_id, doc_id, granted_seq)
         SELECT id, $2::BYTEA, $3::BIGINT FROM users WHERE department_id = $1 AND active = 1
         ON CONFLICT (user_id, doc_id) DO UPDATE SET granted_seq = EXCLUDED.granted_seq",
        &[&department, &doc.as_bytes().as_slice(), &seq],
    )?;
    Ok(())
}

/// The parameters of a shared queue statement as the driver takes them.
fn bound(values: &[SqlValue]) -> Vec<&(dyn ToSql + Sync)> {
    values
        .iter()
        .map(|value| match value {
            SqlValue::Int(v) => v as &(dyn ToSql + Sync),
            SqlValue::Text(v) => v as &(dyn ToSql + Sync),
            SqlValue::Bytes(v) => v as &(dyn ToSql + Sync),
        })
        .collect()
}

/// The queue lines a `page_query` selects.
fn listed(tx: &mut Transaction<'_>, page: &Query) -> Result<Vec<CaseListRow>, StorageError> {
    tx.query(page.sql.as_str(), &bound(&page.params))?
        .iter()
        .map(list_row)
        .collect()
}

impl CaseStore for PgStorage {
    fn cases(&self, filter: &CaseFilter, limit: u32) -> Result<Vec<CaseListRow>, StorageError> {
        let page = page_query(filter, Placeholder::Dollar, 0, limit);
        self.read(move |tx| listed(tx, &page))
    }

    fn case_page(
        &self,
        filter: &CaseFilter,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<CaseListRow>, u64), StorageError> {
        let total = count_query(filter, Placeholder::Dollar);
        let page = page_query(filter, Placeholder::Dollar, offset, limit);
        self.read(move |tx| {
            let n: i64 = tx
                .query_one(total.sql.as_str(), &bound(&total.params))?
                .try_get(0)?;
            Ok((listed(tx, &page)?, count(n)?))
        })
    }

    fn urgent_cases(&self, ids: &[DocId]) -> Result<HashSet<DocId>, StorageError> {
        let keys: Vec<&[u8]> = ids.iter().map(|id| id.as_bytes().as_slice()).collect();
        let keys: Vec<Vec<u8>> = keys.into_iter().map(<[u8]>::to_vec).collect();
        self.read(move |tx| {
            let rows = tx.query(
                "SELECT doc_id FROM cases WHERE doc_id = ANY($1) AND urgent <> 0",
                &[&keys],
            )?;
            rows.iter()
                .map(|row| Ok(DocId(uuid_from(&row.bytes(0)?)?)))
                .collect()
        })
    }

    fn case(&self, id: DocId) -> Result<Option<CaseListRow>, StorageError> {
        self.read(move |tx| {
            tx.query_opt(
                format!("SELECT {LIST_COLUMNS} FROM cases WHERE doc_id = $1").as_str(),
                &[&id.as_bytes().as_slice()],
            )?
            .as_ref()
            .map(list_row)
            .transpose()
        })
    }

    fn dispatched_records(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<CaseRecord>, StorageError> {
        self.read(move |tx| {
            tx.query(
                format!(
                    "SELECT {DISPATCHED_COLUMNS} FROM cases
                     WHERE dispatched_at >= $1 AND dispatched_at < $2"
                )
                .as_str(),
                &[&from.millis(), &to.millis()],
            )?
            .iter()
            .map(dispatched_record)
            .collect()
        })
    }

    fn case_records(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<CaseRecord>, StorageError> {
        self.read(move |tx| {
            tx.query(
                format!(
                    "SELECT {RECORD_COLUMNS} FROM cases
                     WHERE dispatched_at >= $1 AND dispatched_at < $2
                     UNION ALL
                     SELECT {RECORD_COLUMNS} FROM cases WHERE reported_at >= $1 AND reported_at < $2
                       AND (dispatched_at IS NULL OR dispatched_at < $1 OR dispatched_at >= $2)"
                )
                .as_str(),
                &[&from.millis(), &to.millis()],
            )?
            .iter()
            .map(record_row)
            .collect()
        })
    }

    fn dispatch_counts(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<BTreeMap<i64, u64>, StorageError> {
        self.read(move |tx| {
            tx.query(
                "SELECT department, count(*) FROM cases
                 WHERE dispatched_at >= $1 AND dispatched_at < $2 AND department IS NOT NULL
                 GROUP BY department",
                &[&from.millis(), &to.millis()],
            )?
            .iter()
            .map(|row| -> Result<(i64, u64), StorageError> {
                Ok((row.int(0)?, count(row.int(1)?)?))
            })
            .collect()
        })
    }

    fn departments(&self) -> Result<Vec<Department>, StorageError> {
        self.read(|tx| {
            tx.query(
                "SELECT id, code, name FROM departments WHERE retired = 0 ORDER BY id",
                &[],
            )?
            .iter()
            .map(|row| -> Result<Department, StorageError> {
                Ok(Department {
                    id: row.int(0)?,
                    code: row.text(1)?,
                    name: row.text(2)?,
                })
            })
            .collect()
        })
    }

    fn user_department(&self, user: UserId) -> Result<Option<i64>, StorageError> {
        self.read(move |tx| {
            match tx.query_opt(
                "SELECT department_id FROM users WHERE id = $1",
                &[&user.as_bytes().as_slice()],
            )? {
                Some(row) => row.opt_int(0),
                None => Ok(None),
            }
        })
    }

    fn user_names(&self) -> Result<HashMap<UserId, String>, StorageError> {
        self.read(|tx| {
            tx.query("SELECT id, display_name FROM users", &[])?
                .iter()
                .map(|row| -> Result<(UserId, String), StorageError> {
                    Ok((UserId(uuid_from(&row.bytes(0)?)?), row.text(1)?))
                })
                .collect()
        })
    }

    fn grid_at(&self, lon: f64, lat: f64) -> Result<Option<String>, StorageError> {
        self.read(move |tx| {
            let sql = GRIDS_AROUND.replace("?1", "$1").replace("?2", "$2");
            let candidates = tx
                .query(sql.as_str(), &[&lon, &lat])?
                .iter()
                .map(|row| Ok((row.text(0)?, row.text(1)?)))
                .collect::<Result<Vec<_>, StorageError>>()?;
            grid_containing(candidates, [lon, lat])
        })
    }

    fn component(&self, id: &str) -> Result<Option<(f64, f64, String)>, StorageError> {
        let id = id.to_owned();
        self.read(move |tx| {
            tx.query_opt(
                "SELECT lon, lat, unit_grid FROM components WHERE id = $1 AND retired = 0",
                &[&id],
            )?
            .map(|row| -> Result<(f64, f64, String), StorageError> {
                Ok((row.real(0)?, row.real(1)?, row.text(2)?))
            })
            .transpose()
        })
    }

    fn grid_inspector(&self, unit_grid: &str) -> Result<Option<UserId>, StorageError> {
        let unit_grid = unit_grid.to_owned();
        self.read(move |tx| {
            let bytes = match tx.query_opt(
                "SELECT w.inspector_user FROM unit_grids u JOIN work_grids w ON w.code = u.work_grid
                 WHERE u.code = $1",
                &[&unit_grid],
            )? {
                Some(row) => row.opt_bytes(0)?,
                None => None,
            };
            opt_user(bytes)
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
        let kind = kind.to_owned();
        self.read(move |tx| {
            tx.query(
                format!(
                    "SELECT {LIST_COLUMNS} FROM cases WHERE kind = $1 AND class = $2
                       AND subclass = $3 AND reported_at >= $4 AND reported_at <= $5
                     ORDER BY reported_at DESC LIMIT 500"
                )
                .as_str(),
                &[
                    &kind,
                    &i64::from(class),
                    &i64::from(subclass),
                    &from.millis(),
                    &to.millis(),
                ],
            )?
            .iter()
            .map(list_row)
            .collect()
        })
    }
}
