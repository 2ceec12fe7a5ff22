//! 核实 and 核查 tasks on the device: a case the centre assigned to this inspector reaches the
//! device by sync; the result is appended as a command of this device, durable before the call
//! returns, and the server checks and answers it (with the same rules as the console) on the
//! next sync.

use crate::client::Client;
use crate::error::ClientError;
use crate::reports::save_local_change;
use crate::store::docs;
use crate::view::summary;
use cgt_shared::caseflow::CaseState;
use cgt_shared::caseflow::command::{CommandKind, DeviceCommand};
use cgt_shared::caseflow::event::{EventKind, WorkflowEvent};
use cgt_shared::doc::commands::{append_command, pending_commands};
use cgt_shared::doc::device_actor;
use cgt_shared::doc::report_part::{has_report, read_report};
use cgt_shared::doc::workflow::read_events;
use cgt_shared::{CategoryTable, DeviceId, DocId, Report, Timestamp, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The two kinds of on-site task an inspector receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// 核实: does the reported problem exist?
    Verify,
    /// 核查: was it fixed?
    Check,
}

impl TaskKind {
    pub fn label(self) -> &'static str {
        match self {
            TaskKind::Verify => "核实",
            TaskKind::Check => "核查",
        }
    }
}

/// An open task of mine, as the 任务 list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskView {
    /// The case (document) id.
    pub id: DocId,
    pub kind: TaskKind,
    /// 核实 / 核查
    pub label: String,
    /// One line, e.g. `事件 0102 暴露垃圾: 路口垃圾桶满溢`.
    pub summary: String,
    /// The subclass name, e.g. 暴露垃圾.
    pub category: String,
    /// The case's report: description, position, unit grid, photos.
    pub report: Report,
    /// When the centre assigned the task.
    pub assigned_at: Timestamp,
    /// The centre's note on the assignment.
    pub note: String,
}

/// The task of a case that is mine to do, from its history and its unanswered commands: a
/// 核实 or 核查 assigned to `me` and still open, for which no result has been sent yet (a
/// result refused by the server leaves the task open again). Pure.
pub(crate) fn open_task(
    events: &[WorkflowEvent],
    pending: &[(DeviceId, DeviceCommand)],
    me: UserId,
) -> Option<(TaskKind, Timestamp)> {
    let state = CaseState::fold(events);
    let (kind, assigned_at) = if state.verify_assignee == Some(me) {
        (TaskKind::Verify, state.verify_assigned_at?)
    } else if state.check_assignee == Some(me) {
        (TaskKind::Check, state.check_assigned_at?)
    } else {
        return None;
    };
    let sent = pending.iter().any(|(_, c)| {
        matches!(
            (kind, &c.kind),
            (TaskKind::Verify, CommandKind::Verify { .. })
                | (TaskKind::Check, CommandKind::Check { .. })
        )
    });
    (!sent).then_some((kind, assigned_at))
}

/// The note of the latest assignment of `kind`.
fn assignment_note(events: &[WorkflowEvent], kind: TaskKind) -> String {
    let wanted = match kind {
        TaskKind::Verify => EventKind::VerifyAssigned,
        TaskKind::Check => EventKind::CheckAssigned,
    };
    events
        .iter()
        .rev()
        .find(|e| e.kind == wanted)
        .map(|e| e.note.clone())
        .unwrap_or_default()
}

impl Client {
    /// My open 核实 and 核查 tasks on this device, oldest assignment first. Works offline: the
    /// tasks are derived from the case documents the last sync brought.
    pub fn tasks(&self) -> Result<Vec<TaskView>, ClientError> {
        let (session, _) = self.require_session()?;
        let rows = self.inner.store.read(docs::all)?;
        let table = CategoryTable::builtin();
        let mut tasks = Vec::new();
        for row in &rows {
            let doc = row.load()?;
            if !has_report(&doc) {
                continue;
            }
            let events = read_events(&doc)?;
            let pending = pending_commands(&doc)?;
            let Some((kind, assigned_at)) = open_task(&events, &pending, session.user_id) else {
                continue;
            };
            let report = read_report(&doc, row.id)?;
            let category = table
                .subclass(report.kind, report.class, report.subclass)
                .map(|s| s.name.clone())
                .unwrap_or_else(|_| "未知类别".to_string());
            tasks.push(TaskView {
                id: row.id,
                kind,
                label: kind.label().to_string(),
                summary: summary(&report),
                category,
                note: assignment_note(&events, kind),
                report,
                assigned_at,
            });
        }
        tasks.sort_by_key(|t| (t.assigned_at, t.id));
        Ok(tasks)
    }

    /// Sends a 核实 result: whether the reported problem exists, with on-site photos.
    pub fn submit_verification(
        &self,
        id: DocId,
        exists: bool,
        photos: Vec<String>,
        note: &str,
    ) -> Result<(), ClientError> {
        self.append_task_command(id, CommandKind::Verify { exists, photos }, note)
    }

    /// Sends a 核查 result: whether the fix passed, with on-site photos.
    pub fn submit_check(
        &self,
        id: DocId,
        passed: bool,
        photos: Vec<String>,
        note: &str,
    ) -> Result<(), ClientError> {
        self.append_task_command(id, CommandKind::Check { passed, photos }, note)
    }

    fn append_task_command(
        &self,
        id: DocId,
        kind: CommandKind,
        note: &str,
    ) -> Result<(), ClientError> {
        let (session, _) = self.require_session()?;
        let now = self.inner.clock.now();
        self.inner.store.write(|tx| {
            let mut row = docs::get(tx, id)?.ok_or(ClientError::NotFound)?;
            let mut doc = row.load()?.with_actor(device_actor(session.device_id));
            if !has_report(&doc) {
                return Err(ClientError::NotFound);
            }
            let command = DeviceCommand {
                id: uuid::Uuid::now_v7(),
                kind,
                note: note.trim().to_string(),
                at: now,
            };
            append_command(&mut doc, session.device_id, &command)?;
            doc.commit();
            save_local_change(tx, &mut row, &mut doc, now)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Fixture, garbage_report};
    use cgt_shared::caseflow::event::EventData;
    use uuid::Uuid;

    fn event(kind: EventKind, at: i64, assignee: Option<UserId>) -> WorkflowEvent {
        WorkflowEvent {
            kind,
            at: Timestamp(at),
            user: None,
            role: None,
            note: String::new(),
            command: None,
            data: EventData {
                assignee,
                passed: Some(true),
                ..EventData::default()
            },
        }
    }

    fn result(kind: CommandKind) -> (DeviceId, DeviceCommand) {
        let command = DeviceCommand {
            id: Uuid::now_v7(),
            kind,
            note: String::new(),
            at: Timestamp(50),
        };
        (DeviceId::new(), command)
    }

    #[test]
    fn a_task_is_mine_while_assigned_to_me_and_no_result_is_on_its_way() {
        let me = UserId::new();
        let other = UserId::new();
        let dispatched = vec![
            event(EventKind::Accepted, 1, None),
            event(EventKind::Registered, 2, None),
            event(EventKind::Dispatched, 3, None),
            event(EventKind::Handled, 4, None),
        ];
        let mut checking = dispatched.clone();
        checking.push(event(EventKind::CheckAssigned, 5, Some(me)));

        assert_eq!(open_task(&dispatched, &[], me), None);
        assert_eq!(
            open_task(&checking, &[], me),
            Some((TaskKind::Check, Timestamp(5)))
        );
        assert_eq!(open_task(&checking, &[], other), None);

        // A 核查 result sent and not yet answered: nothing left to do.
        let sent = result(CommandKind::Check {
            passed: true,
            photos: vec![],
        });
        assert_eq!(open_task(&checking, &[sent], me), None);
        // A 核实 result does not answer a 核查 task.
        let wrong = result(CommandKind::Verify {
            exists: true,
            photos: vec![],
        });
        assert_eq!(
            open_task(&checking, &[wrong], me),
            Some((TaskKind::Check, Timestamp(5)))
        );

        let mut checked = checking.clone();
        checked.push(event(EventKind::Checked, 6, None));
        assert_eq!(open_task(&checked, &[], me), None);
    }

    #[test]
    fn a_verification_task_is_listed_until_verified() {
        let me = UserId::new();
        let mut history = vec![
            event(EventKind::Received, 1, None),
            event(EventKind::VerifyAssigned, 2, Some(me)),
        ];
        assert_eq!(
            open_task(&history, &[], me),
            Some((TaskKind::Verify, Timestamp(2)))
        );
        // The server refused a result (answered, so no longer pending): still open.
        history.push(event(EventKind::CommandRefused, 3, None));
        assert_eq!(
            open_task(&history, &[], me),
            Some((TaskKind::Verify, Timestamp(2)))
        );
        history.push(event(EventKind::Verified, 4, None));
        assert_eq!(open_task(&history, &[], me), None);
    }

    #[test]
    fn a_task_photo_is_queued_without_touching_the_report_and_waits_for_the_result() {
        let f = Fixture::new();
        f.login();
        let report = f.client.create_report(garbage_report()).unwrap();
        let camera = cgt_photo::sample::street_scene_jpeg(1200, 900, 90, 3);
        let sha = f.client.capture_task_photo(report.id, &camera).unwrap();

        let stored = f.client.photo(&sha).unwrap().unwrap();
        assert_eq!(cgt_photo::sha256_hex(&stored), sha);
        let view = f.client.report(report.id).unwrap().unwrap();
        assert_eq!(view.report.photos, report.photos);
        let queued = f.client.pending_photos().unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].report_id, report.id);
        assert_eq!(queued[0].reason.as_deref(), Some("等待所属上报先上传"));

        f.client
            .submit_check(report.id, true, vec![sha.clone()], "已清理")
            .unwrap();
        let view = f.client.report(report.id).unwrap().unwrap();
        assert_eq!(view.report.photos, report.photos);
        let queued = f.client.pending_photos().unwrap();
        assert_eq!(queued[0].sha256, sha);
        // Referenced by the result now; still waiting for the document to reach the server.
        assert_eq!(queued[0].reason.as_deref(), Some("等待所属上报先上传"));
        assert!(f.client.tasks().unwrap().is_empty());
    }
}
