//! Authorization of incoming changes: may this writer touch these paths of this document?
//!
//! Every operation of every new change is attributed to a path in the merged document, and the
//! first segment of that path decides: `report` belongs to the reporting device, `commands/<id>`
//! to device `<id>`, everything else (the workflow) to the server. Checking operations rather
//! than a before/after diff also catches writes that lost a conflict and are therefore invisible.
//! The writer is who the connection authenticated, never the actor ids inside the changes.

use super::report_part::{has_report, read_report};
use super::{COMMANDS, REPORT};
use crate::category::CategoryTable;
use crate::ids::{DeviceId, UserId};
use crate::report::Report;
use crate::role::SyncRights;
use crate::time::Timestamp;
use automerge::legacy::{Key, ObjectId, OpType};
use automerge::{AutoCommit, Change, Prop, ReadDoc};
use std::collections::HashMap;
use thiserror::Error;

/// Most operations accepted for one document in one push.
pub const MAX_OPS_PER_PUSH: usize = 50_000;

/// The authenticated sender of changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Writer {
    pub user: UserId,
    pub device: DeviceId,
    pub rights: SyncRights,
}

/// Who created a stored document, as the server recorded it when it first stored it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner {
    pub user: UserId,
    pub device: DeviceId,
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Refusal {
    #[error("该账号的角色不能上报问题 (role may not report)")]
    MayNotReport,
    #[error("该账号的角色不能发送指令 (role may not send commands)")]
    MayNotCommand,
    #[error("不能修改其他设备的上报 (report belongs to device {0})")]
    NotYourReport(DeviceId),
    #[error("设备不能写入 {0} (only the server writes it)")]
    ServerOnly(String),
    #[error("只能写入本设备自己的指令列表 (wrote {0})")]
    ForeignCommands(String),
    #[error("不允许删除数据 (delete at {0})")]
    Delete(String),
    #[error("不支持的操作 (unsupported operation at {0})")]
    Unsupported(String),
    #[error("变更过大: {0} 个操作 (at most {MAX_OPS_PER_PUSH})")]
    TooManyOps(usize),
    #[error("上报人或设备与登录身份不符 (report claims user {user}, device {device})")]
    Impersonation { user: UserId, device: DeviceId },
    #[error("新文档没有上报内容 (a new document must carry a report)")]
    NoReport,
    #[error("上报内容无效: {0}")]
    Invalid(String),
    #[error("无法定位变更中的对象 {0}")]
    UnknownObject(String),
}

impl Refusal {
    /// The HTTP-style status that best describes the refusal.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::Invalid(_) | Refusal::NoReport | Refusal::UnknownObject(_) => 422,
            Refusal::TooManyOps(_) => 413,
            _ => 403,
        }
    }
}

/// Checks `new_changes`, already merged into `doc` (a scratch fork of the stored document), and
/// returns the report when the changes created or edited it.
pub fn authorize(
    doc: &AutoCommit,
    new_changes: &[Change],
    writer: &Writer,
    owner: Option<&Owner>,
    table: &CategoryTable,
    now: Timestamp,
) -> Result<Option<Report>, Refusal> {
    let ops: usize = new_changes.iter().map(|c| c.len()).sum();
    if ops > MAX_OPS_PER_PUSH {
        return Err(Refusal::TooManyOps(ops));
    }
    let mut paths = PathCache::default();
    let mut touched_report = false;
    for change in new_changes {
        for op in change.decode().operations {
            let path = paths.path_of(doc, &op.obj, &op.key)?;
            if matches!(op.action, OpType::Delete) {
                return Err(Refusal::Delete(path.join("/")));
            }
            if matches!(op.action, OpType::MarkBegin(_) | OpType::MarkEnd(_)) {
                return Err(Refusal::Unsupported(path.join("/")));
            }
            check_path(&path, writer, owner)?;
            touched_report |= path[0] == REPORT;
        }
    }
    if owner.is_none() && !has_report(doc) {
        return Err(Refusal::NoReport);
    }
    if !touched_report {
        return Ok(None);
    }
    let id = crate::ids::DocId(uuid::Uuid::nil());
    let report = read_report(doc, id).map_err(|e| Refusal::Invalid(e.to_string()))?;
    let (user, device) = owner.map_or((writer.user, writer.device), |o| (o.user, o.device));
    if report.reporter != user || report.device != device {
        return Err(Refusal::Impersonation {
            user: report.reporter,
            device: report.device,
        });
    }
    let mut checked = report.clone();
    checked.id = crate::ids::DocId::new();
    checked
        .validate(table, Some(now))
        .map_err(|e| Refusal::Invalid(e.to_string()))?;
    Ok(Some(report))
}

fn check_path(path: &[String], writer: &Writer, owner: Option<&Owner>) -> Result<(), Refusal> {
    match path[0].as_str() {
        REPORT => {
            if !writer.rights.may_report {
                return Err(Refusal::MayNotReport);
            }
            match owner {
                Some(o) if o.device != writer.device => Err(Refusal::NotYourReport(o.device)),
                _ => Ok(()),
            }
        }
        COMMANDS => {
            if !writer.rights.may_command {
                return Err(Refusal::MayNotCommand);
            }
            let own_list =
                path.get(1).map(String::as_str) == Some(writer.device.to_string().as_str());
            // The creator of a document makes the empty `commands` map, so that no two devices
            // ever create it concurrently (one of the two maps would hide the other).
            let creates_map = path.len() == 1 && owner.is_none();
            if own_list || creates_map {
                Ok(())
            } else {
                Err(Refusal::ForeignCommands(path.join("/")))
            }
        }
        other => Err(Refusal::ServerOnly(other.to_string())),
    }
}

/// Resolves the object of an operation to its path from the root, remembering each object.
#[derive(Default)]
struct PathCache {
    objects: HashMap<String, Vec<String>>,
}

impl PathCache {
    fn path_of(
        &mut self,
        doc: &AutoCommit,
        obj: &ObjectId,
        key: &Key,
    ) -> Result<Vec<String>, Refusal> {
        let mut path = match obj {
            ObjectId::Root => Vec::new(),
            ObjectId::Id(_) => {
                let name = obj.to_string();
                if let Some(p) = self.objects.get(&name) {
                    p.clone()
                } else {
                    let p = object_path(doc, &name)?;
                    self.objects.insert(name, p.clone());
                    p
                }
            }
        };
        path.push(match key {
            Key::Map(k) => k.to_string(),
            Key::Seq(_) => "[]".to_string(),
        });
        Ok(path)
    }
}

fn object_path(doc: &AutoCommit, name: &str) -> Result<Vec<String>, Refusal> {
    let unknown = || Refusal::UnknownObject(name.to_string());
    let id = doc.import_obj(name).map_err(|_| unknown())?;
    let parents = doc.parents(&id).map_err(|_| unknown())?;
    Ok(parents
        .path()
        .into_iter()
        .map(|(_, prop)| match prop {
            Prop::Map(k) => k,
            Prop::Seq(_) => "[]".to_string(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caseflow::command::{CommandKind, DeviceCommand};
    use crate::caseflow::event::{EventKind, WorkflowEvent};
    use crate::doc::commands::append_command;
    use crate::doc::report_part::write_report;
    use crate::doc::workflow::append_event;
    use crate::doc::{WORKFLOW, device_actor};
    use crate::report::tests::sample_report;
    use crate::role::Role;
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ROOT};

    struct Setup {
        writer: Writer,
        report: Report,
    }

    fn setup() -> Setup {
        let writer = Writer {
            user: UserId::new(),
            device: DeviceId::new(),
            rights: SyncRights::for_roles(&[Role::Inspector]),
        };
        let mut report = sample_report();
        report.reporter = writer.user;
        report.device = writer.device;
        Setup { writer, report }
    }

    /// Applies what `edit` writes on top of `base` as another actor would, then authorizes it.
    fn check_edit(
        base: &mut AutoCommit,
        actor: DeviceId,
        edit: impl FnOnce(&mut AutoCommit),
        writer: &Writer,
        owner: Option<&Owner>,
    ) -> Result<Option<Report>, Refusal> {
        let mut device_copy = base.fork().with_actor(device_actor(actor));
        edit(&mut device_copy);
        device_copy.commit();
        let before = base.get_heads();
        let mut merged = base.fork();
        merged.merge(&mut device_copy).unwrap();
        let new = merged.get_changes(&before);
        authorize(
            &merged,
            &new,
            writer,
            owner,
            CategoryTable::builtin(),
            Timestamp(1_790_000_000_000),
        )
    }

    #[test]
    fn the_reporting_device_may_create_and_edit_its_report() {
        let s = setup();
        let mut empty = AutoCommit::new();
        let created = check_edit(
            &mut empty,
            s.writer.device,
            |d| write_report(d, &s.report).unwrap(),
            &s.writer,
            None,
        );
        assert!(created.unwrap().is_some());
        let mut stored = AutoCommit::new();
        write_report(&mut stored, &s.report).unwrap();
        let owner = Owner {
            user: s.writer.user,
            device: s.writer.device,
        };
        let mut edited = s.report.clone();
        edited.description = "井盖已被移走".into();
        let result = check_edit(
            &mut stored,
            s.writer.device,
            |d| write_report(d, &edited).unwrap(),
            &s.writer,
            Some(&owner),
        );
        assert_eq!(result.unwrap().unwrap().description, "井盖已被移走");
    }

    #[test]
    fn forged_and_foreign_writes_are_refused() {
        let s = setup();
        let mut stored = AutoCommit::new();
        write_report(&mut stored, &s.report).unwrap();
        let owner = Owner {
            user: s.writer.user,
            device: s.writer.device,
        };
        let workflow = |d: &mut AutoCommit| {
            append_event(
                d,
                &WorkflowEvent {
                    kind: EventKind::Other("closed".into()),
                    at: Timestamp(1),
                    user: None,
                    role: None,
                    note: String::new(),
                    command: None,
                    data: Default::default(),
                },
            )
            .unwrap()
        };
        assert_eq!(
            check_edit(
                &mut stored,
                s.writer.device,
                workflow,
                &s.writer,
                Some(&owner)
            ),
            Err(Refusal::ServerOnly(WORKFLOW.into()))
        );

        let intruder = Writer {
            user: UserId::new(),
            device: DeviceId::new(),
            ..s.writer
        };
        let mut edited = s.report.clone();
        edited.description = "篡改".into();
        assert_eq!(
            check_edit(
                &mut stored,
                intruder.device,
                |d| write_report(d, &edited).unwrap(),
                &intruder,
                Some(&owner)
            ),
            Err(Refusal::NotYourReport(s.writer.device))
        );

        let foreign_cmd = |d: &mut AutoCommit| {
            let cmd = DeviceCommand {
                id: uuid::Uuid::now_v7(),
                kind: CommandKind::Withdraw,
                note: String::new(),
                at: Timestamp(1),
            };
            append_command(d, s.writer.device, &cmd).unwrap()
        };
        assert!(matches!(
            check_edit(
                &mut stored,
                intruder.device,
                foreign_cmd,
                &intruder,
                Some(&owner)
            ),
            Err(Refusal::ForeignCommands(_))
        ));

        let delete = |d: &mut AutoCommit| {
            let report = d.get(ROOT, REPORT).unwrap().unwrap().1;
            d.delete(&report, "description").unwrap();
        };
        assert_eq!(
            check_edit(
                &mut stored,
                s.writer.device,
                delete,
                &s.writer,
                Some(&owner)
            ),
            Err(Refusal::Delete("report/description".into()))
        );
    }

    #[test]
    fn a_new_report_under_another_identity_is_refused() {
        let s = setup();
        let mut forged = s.report.clone();
        forged.device = DeviceId::new();
        let result = check_edit(
            &mut AutoCommit::new(),
            s.writer.device,
            |d| write_report(d, &forged).unwrap(),
            &s.writer,
            None,
        );
        assert!(matches!(result, Err(Refusal::Impersonation { .. })));
    }

    #[test]
    fn an_invalid_report_and_a_report_by_a_non_reporter_are_refused() {
        let s = setup();
        let mut bad = s.report.clone();
        bad.subclass = 99;
        let result = check_edit(
            &mut AutoCommit::new(),
            s.writer.device,
            |d| write_report(d, &bad).unwrap(),
            &s.writer,
            None,
        );
        assert_eq!(result.as_ref().map_err(Refusal::status), Err(422));

        let handler = Writer {
            rights: SyncRights::for_roles(&[Role::DepartmentHandler]),
            ..s.writer
        };
        let result = check_edit(
            &mut AutoCommit::new(),
            s.writer.device,
            |d| write_report(d, &s.report).unwrap(),
            &handler,
            None,
        );
        assert_eq!(result, Err(Refusal::MayNotReport));
    }

    #[test]
    fn a_hidden_conflicting_write_to_the_workflow_is_still_seen() {
        let s = setup();
        let mut stored = AutoCommit::new();
        write_report(&mut stored, &s.report).unwrap();
        let owner = Owner {
            user: s.writer.user,
            device: s.writer.device,
        };
        let forge = |d: &mut AutoCommit| {
            d.put_object(ROOT, WORKFLOW, ObjType::Map).unwrap();
        };
        assert_eq!(
            check_edit(&mut stored, s.writer.device, forge, &s.writer, Some(&owner)),
            Err(Refusal::ServerOnly(WORKFLOW.into()))
        );
    }

    #[test]
    fn a_document_without_a_report_is_refused() {
        let s = setup();
        let only_commands = |d: &mut AutoCommit| {
            let cmd = DeviceCommand {
                id: uuid::Uuid::now_v7(),
                kind: CommandKind::Withdraw,
                note: String::new(),
                at: Timestamp(1),
            };
            append_command(d, s.writer.device, &cmd).unwrap()
        };
        assert_eq!(
            check_edit(
                &mut AutoCommit::new(),
                s.writer.device,
                only_commands,
                &s.writer,
                None
            ),
            Err(Refusal::NoReport)
        );
    }
}
