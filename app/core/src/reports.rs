//! Reports on the device, fully offline: create, edit, withdraw, list. Each write is one
//! transaction and is durable before the call returns.

use crate::client::Client;
use crate::error::ClientError;
use crate::model::{NewReport, PendingItem, ReportView, Session, SyncState};
use crate::store::docs::{self, DocRow};
use crate::view::{pending_item, report_view};
use automerge::AutoCommit;
use cgt_shared::caseflow::command::{CommandKind, DeviceCommand};
use cgt_shared::caseflow::event::{CaseStatus, derive_status};
use cgt_shared::doc::commands::{append_command, pending_commands};
use cgt_shared::doc::report_part::{has_report, read_report, write_report};
use cgt_shared::doc::workflow::read_events;
use cgt_shared::doc::{device_actor, new_report_doc};
use cgt_shared::wire::to_wire;
use cgt_shared::{CategoryTable, DocId, Report, Timestamp};
use rusqlite::Connection;
use std::cmp::Reverse;

impl Client {
    /// Creates a report made by the logged-in inspector on this device, now.
    pub fn create_report(&self, new: NewReport) -> Result<Report, ClientError> {
        let (session, _) = self.require_session()?;
        let now = self.inner.clock.now();
        let report = new.into_report(session.user_id, session.device_id, now);
        report.validate(&self.categories()?, Some(now))?;
        let mut doc = new_report_doc(&report)?;
        let stored = read_report(&doc, report.id)?;
        let mut row = DocRow {
            id: report.id,
            bytes: Vec::new(),
            heads: Vec::new(),
            synced: Vec::new(),
            refused: false,
            error: None,
            received_at: None,
            changed_at: now,
        };
        self.inner
            .store
            .write(|tx| save_local_change(tx, &mut row, &mut doc, now))?;
        Ok(stored)
    }

    /// Edits a report of this device. Identity and creation time cannot be edited; only the
    /// fields that changed are written.
    pub fn edit_report(
        &self,
        id: DocId,
        edit: impl FnOnce(&mut Report),
    ) -> Result<Report, ClientError> {
        let (session, _) = self.require_session()?;
        let now = self.inner.clock.now();
        let table = self.categories()?;
        self.inner
            .store
            .write(|tx| edit_in(tx, id, &session, &table, now, edit))
    }

    /// Asks the centre to withdraw (撤回) a report: appends a command for this device, which
    /// the server answers with a workflow event after the next sync.
    pub fn withdraw_report(&self, id: DocId, reason: &str) -> Result<(), ClientError> {
        let (session, _) = self.require_session()?;
        let now = self.inner.clock.now();
        self.inner.store.write(|tx| {
            let (mut row, mut doc) = load_for_write(tx, id, &session)?;
            if read_report(&doc, id)?.reporter != session.user_id {
                return Err(ClientError::NotOwnReport);
            }
            let command = DeviceCommand {
                id: uuid::Uuid::now_v7(),
                kind: CommandKind::Withdraw,
                note: reason.trim().to_string(),
                at: now,
            };
            append_command(&mut doc, session.device_id, &command)?;
            doc.commit();
            save_local_change(tx, &mut row, &mut doc, now)
        })
    }

    pub fn report(&self, id: DocId) -> Result<Option<ReportView>, ClientError> {
        match self.inner.store.read(|conn| docs::get(conn, id))? {
            Some(row) => report_view(&row),
            None => Ok(None),
        }
    }

    /// Every report on the device, newest first.
    pub fn reports(&self) -> Result<Vec<ReportView>, ClientError> {
        let rows = self.inner.store.read(docs::all)?;
        let mut views = Vec::with_capacity(rows.len());
        for row in &rows {
            views.extend(report_view(row)?);
        }
        views.sort_by_key(|v| Reverse((v.report.device_time, v.report.id)));
        Ok(views)
    }

    /// Everything the server has not acknowledged, oldest change first, with the reason of the
    /// last failure.
    pub fn pending(&self) -> Result<Vec<PendingItem>, ClientError> {
        let rows = self.inner.store.read(docs::all)?;
        let mut items = rows
            .iter()
            .filter(|row| row.state() != SyncState::Synced)
            .map(pending_item)
            .collect::<Result<Vec<_>, _>>()?;
        items.sort_by_key(|item| (item.changed_at, item.id));
        Ok(items)
    }
}

/// [`Client::edit_report`] inside the caller's transaction, so that other writes (a queued
/// photo) commit or roll back with the edit.
pub(crate) fn edit_in(
    tx: &Connection,
    id: DocId,
    session: &Session,
    table: &CategoryTable,
    now: Timestamp,
    edit: impl FnOnce(&mut Report),
) -> Result<Report, ClientError> {
    let (mut row, mut doc) = load_for_write(tx, id, session)?;
    let current = read_report(&doc, id)?;
    if current.device != session.device_id {
        return Err(ClientError::NotOwnReport);
    }
    let mut edited = current.clone();
    edit(&mut edited);
    edited.id = current.id;
    edited.reporter = current.reporter;
    edited.device = current.device;
    edited.device_time = current.device_time;
    edited.validate(table, Some(now))?;
    write_report(&mut doc, &edited)?;
    if doc.commit().is_some() {
        save_local_change(tx, &mut row, &mut doc, now)?;
    }
    Ok(read_report(&doc, id)?)
}

/// Loads a report document for a local write, refusing one that is withdrawn or being withdrawn.
fn load_for_write(
    conn: &Connection,
    id: DocId,
    session: &Session,
) -> Result<(DocRow, AutoCommit), ClientError> {
    let row = docs::get(conn, id)?.ok_or(ClientError::NotFound)?;
    let doc = row.load()?.with_actor(device_actor(session.device_id));
    if !has_report(&doc) {
        return Err(ClientError::NotFound);
    }
    if derive_status(&read_events(&doc)?) == CaseStatus::Withdrawn {
        return Err(ClientError::Withdrawn);
    }
    let withdrawing = pending_commands(&doc)?
        .iter()
        .any(|(_, command)| command.kind == CommandKind::Withdraw);
    if withdrawing {
        return Err(ClientError::WithdrawPending);
    }
    Ok((row, doc))
}

/// Stores a document the inspector changed: compacted, pending again even if it was refused.
pub(crate) fn save_local_change(
    conn: &Connection,
    row: &mut DocRow,
    doc: &mut AutoCommit,
    now: Timestamp,
) -> Result<(), ClientError> {
    row.bytes = doc.save();
    row.heads = to_wire(&doc.get_heads());
    row.refused = false;
    row.error = None;
    row.changed_at = now;
    docs::put(conn, row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Clock;
    use crate::testing::{Fixture, T0, garbage_report};
    use cgt_shared::category::CategoryError;
    use cgt_shared::doc::commands::read_commands;
    use cgt_shared::geo::PositionError;
    use cgt_shared::{CategoryTable, ReportError};

    fn stored_doc(client: &Client, id: DocId) -> AutoCommit {
        AutoCommit::load(&client.doc_bytes(id).unwrap().unwrap()).unwrap()
    }

    #[test]
    fn a_created_report_survives_a_restart_and_waits_to_be_sent() {
        let f = Fixture::new();
        let session = f.login();
        let created = f.client.create_report(garbage_report()).unwrap();
        assert_eq!(created.reporter, session.user_id);
        assert_eq!(created.device, session.device_id);
        assert_eq!(created.device_time, T0);

        let reopened = f.reopen();
        let view = reopened.report(created.id).unwrap().unwrap();
        assert_eq!(view.report, created);
        assert_eq!(view.sync, SyncState::Pending);
        assert_eq!(view.status, CaseStatus::Reported);
        assert_eq!(reopened.doc_ids().unwrap(), vec![created.id]);
        let pending = reopened.pending().unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].reason, None);
        assert_eq!(
            pending[0].summary,
            "事件 0102 暴露垃圾: 人民路与干将路交叉口东北角暴露垃圾,约两"
        );
    }

    #[test]
    fn an_edit_writes_only_what_changed_and_keeps_the_identity() {
        let f = Fixture::new();
        f.login();
        let created = f.client.create_report(garbage_report()).unwrap();
        f.clock.advance(60_000);
        let edited = f
            .client
            .edit_report(created.id, |r| {
                r.description = "垃圾已堆到人行道上".into();
                r.device_time = Timestamp(0);
                r.reporter = cgt_shared::UserId::new();
            })
            .unwrap();
        assert_eq!(edited.description, "垃圾已堆到人行道上");
        assert_eq!(
            (edited.reporter, edited.device_time),
            (created.reporter, T0)
        );

        let mut doc = stored_doc(&f.client, created.id);
        let changes = doc.get_changes(&[]);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[1].len(), 1, "one field changed, one operation");
        assert_eq!(read_report(&doc, created.id).unwrap(), edited);
        edited
            .validate(CategoryTable::builtin(), Some(f.clock.now()))
            .unwrap();

        let heads = doc.get_heads();
        f.client.edit_report(created.id, |_| {}).unwrap();
        assert_eq!(stored_doc(&f.client, created.id).get_heads(), heads);
    }

    #[test]
    fn invalid_reports_are_refused_and_nothing_is_stored() {
        let f = Fixture::new();
        f.login();
        let check = |edit: fn(&mut NewReport), expected: ReportError| {
            let mut new = garbage_report();
            edit(&mut new);
            match f.client.create_report(new) {
                Err(ClientError::Invalid(e)) => assert_eq!(e, expected),
                other => panic!("expected {expected:?}, got {other:?}"),
            }
        };
        check(
            |r| r.subclass = 99,
            ReportError::Category(CategoryError::UnknownSubclass {
                kind: cgt_shared::Kind::Event,
                class: 1,
                subclass: 99,
            }),
        );
        check(
            |r| r.position.lat = f64::NAN,
            ReportError::Position(PositionError::NotFinite),
        );
        check(
            |r| r.description = " \n".into(),
            ReportError::EmptyDescription,
        );
        assert!(f.client.doc_ids().unwrap().is_empty());

        let created = f.client.create_report(garbage_report()).unwrap();
        let before = f.client.doc_bytes(created.id).unwrap();
        let refused = f.client.edit_report(created.id, |r| r.description.clear());
        assert!(matches!(
            refused,
            Err(ClientError::Invalid(ReportError::EmptyDescription))
        ));
        assert_eq!(f.client.doc_bytes(created.id).unwrap(), before);
        assert_eq!(
            ClientError::Invalid(ReportError::EmptyDescription).to_string(),
            "上报内容有误: 问题描述不能为空"
        );
    }

    #[test]
    fn withdrawing_appends_a_command_and_freezes_the_report() {
        let f = Fixture::new();
        let session = f.login();
        let created = f.client.create_report(garbage_report()).unwrap();
        f.client.withdraw_report(created.id, "重复上报").unwrap();

        let commands = read_commands(&stored_doc(&f.client, created.id)).unwrap();
        assert_eq!(commands.len(), 1);
        let (device, command) = &commands[0];
        assert_eq!(*device, session.device_id);
        assert_eq!(command.kind, CommandKind::Withdraw);
        assert_eq!(command.note, "重复上报");
        assert_eq!(f.client.pending().unwrap().len(), 1);

        assert!(matches!(
            f.client.edit_report(created.id, |r| r.self_handled = true),
            Err(ClientError::WithdrawPending)
        ));
        assert!(matches!(
            f.client.withdraw_report(created.id, "again"),
            Err(ClientError::WithdrawPending)
        ));
    }

    #[test]
    fn nothing_can_be_reported_before_login() {
        let f = Fixture::new();
        let refused = f.client.create_report(garbage_report());
        assert!(matches!(refused, Err(ClientError::NotLoggedIn)));
        assert_eq!(
            refused.unwrap_err().to_string(),
            "尚未登录:请在有信号时先登录一次"
        );
        assert!(f.client.doc_ids().unwrap().is_empty());
        assert!(f.client.session().unwrap().is_none());
    }

    #[test]
    fn unknown_reports_are_not_found() {
        let f = Fixture::new();
        f.login();
        let id = DocId::new();
        assert!(f.client.report(id).unwrap().is_none());
        assert!(matches!(
            f.client.edit_report(id, |_| {}),
            Err(ClientError::NotFound)
        ));
        assert!(matches!(
            f.client.withdraw_report(id, ""),
            Err(ClientError::NotFound)
        ));
    }

    #[test]
    fn reports_are_listed_newest_first() {
        let f = Fixture::new();
        f.login();
        let first = f.client.create_report(garbage_report()).unwrap();
        f.clock.advance(1_000);
        let second = f.client.create_report(garbage_report()).unwrap();
        let ids: Vec<DocId> = f
            .client
            .reports()
            .unwrap()
            .iter()
            .map(|v| v.report.id)
            .collect();
        assert_eq!(ids, vec![second.id, first.id]);
    }
}
