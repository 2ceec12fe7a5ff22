//! Merging one pushed document into the server's copy. Pure: the caller loads the stored copy
//! and writes the result, so every rule here is tested without a database.
//!
//! The steps: access check, fork and load the changes, missing dependencies, replay detection,
//! authorization of the new changes (by the authenticated writer, never the actor ids), and the
//! server's answers to pending device commands, written with the server's own actor.

use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit};
use cgt_shared::caseflow::command::{Issuer, answer_command};
use cgt_shared::caseflow::event::WorkflowEvent;
use cgt_shared::caseflow::{Actor, CaseFacts};
use cgt_shared::doc::DocError;
use cgt_shared::doc::authz::{Owner, Writer, authorize};
use cgt_shared::doc::commands::pending_commands;
use cgt_shared::doc::report_part::read_report;
use cgt_shared::doc::workflow::{append_event, read_events};
use cgt_shared::wire::{DocPush, Head, from_wire, to_wire};
use cgt_shared::{CategoryTable, Report, Role, Timestamp};
use std::panic::{AssertUnwindSafe, catch_unwind};

mod budget;
pub use budget::PushBudget;

/// Everything a merge depends on besides the document.
pub struct MergeContext<'a> {
    pub writer: Writer,
    /// The role the writer acts in, recorded on the events answering its commands.
    pub role: Role,
    /// The writer's department (for a 处置人员's commands).
    pub department: Option<i64>,
    pub server_actor: &'a ActorId,
    pub table: &'a CategoryTable,
    pub now: Timestamp,
}

/// The server's copy before the push.
#[derive(Clone, Copy, Debug)]
pub struct Existing<'a> {
    pub bytes: &'a [u8],
    pub owner: Owner,
    /// Whether the writer's user may read (and so touch) the document.
    pub readable: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Merged {
    /// Every pushed change was already stored (a replay).
    Unchanged { device_heads: Vec<Head> },
    /// The push builds on changes the server lacks.
    MissingDeps,
    /// Nothing is stored; `changes` are the refused change hashes.
    Refused {
        status: u16,
        reason: String,
        changes: Vec<Head>,
    },
    /// The merged document to store.
    Stored {
        bytes: Vec<u8>,
        heads: Vec<Head>,
        /// The heads the device has now (before any server write).
        device_heads: Vec<Head>,
        owner: Owner,
        /// How many device commands the server answered.
        answered: usize,
        /// The report and history after the merge, for the case summary.
        case: Option<Box<(Report, Vec<WorkflowEvent>)>>,
    },
}

pub const NO_ACCESS: &str = "无权访问该文档 (no access to this document)";

fn refused(status: u16, reason: impl Into<String>, changes: Vec<Head>) -> Merged {
    Merged::Refused {
        status,
        reason: reason.into(),
        changes,
    }
}

/// [`merge`], with a panic inside Automerge (hostile input can cause one) turned into a refusal.
/// The pushed bytes must have passed [`PushBudget::admit`]: Automerge itself inflates and
/// expands without bounds.
pub fn merge_guarded(existing: Option<Existing<'_>>, push: &DocPush, cx: &MergeContext) -> Merged {
    catch_unwind(AssertUnwindSafe(|| merge(existing, push, cx))).unwrap_or_else(|_| {
        tracing::warn!(doc = %push.id, "automerge panicked on a pushed document");
        refused(
            422,
            "变更数据损坏 (changes could not be decoded)",
            Vec::new(),
        )
    })
}

pub fn merge(existing: Option<Existing<'_>>, push: &DocPush, cx: &MergeContext) -> Merged {
    if existing.is_some_and(|e| !e.readable) {
        return refused(403, NO_ACCESS, Vec::new());
    }
    let mut doc = match existing {
        None => AutoCommit::new(),
        Some(e) => match AutoCommit::load(e.bytes) {
            Ok(doc) => doc,
            Err(err) => {
                tracing::error!(doc = %push.id, error = %err, "stored document does not load");
                return refused(
                    500,
                    "服务器无法读取该文档 (stored document is unreadable)",
                    Vec::new(),
                );
            }
        },
    };
    let old_heads = doc.get_heads();
    if let Err(e) = doc.load_incremental(&push.changes) {
        return refused(422, format!("变更数据损坏 ({e})"), Vec::new());
    }
    let device_heads = match device_heads(push, existing.is_none(), &mut doc) {
        Ok(heads) => heads,
        Err(reason) => return refused(422, reason, Vec::new()),
    };
    if !doc.get_missing_deps(&from_wire(&device_heads)).is_empty() {
        return Merged::MissingDeps;
    }
    let new = doc.get_changes(&old_heads);
    let changes: Vec<Head> = new.iter().map(|c| c.hash().0).collect();
    let owner = match existing {
        Some(e) => e.owner,
        None if new.is_empty() => {
            return refused(
                422,
                "新文档没有上报内容 (a new document must carry a report)",
                changes,
            );
        }
        None => Owner {
            user: cx.writer.user,
            device: cx.writer.device,
        },
    };
    if new.is_empty() {
        return Merged::Unchanged { device_heads };
    }
    let stored_owner = existing.map(|e| e.owner);
    if let Err(refusal) = authorize(
        &doc,
        &new,
        &cx.writer,
        stored_owner.as_ref(),
        cx.table,
        cx.now,
    ) {
        return refused(refusal.status(), refusal.to_string(), changes);
    }
    let report = read_report(&doc, push.id).ok();
    let self_handled = report.as_ref().is_some_and(|r| r.self_handled);
    let answered = match answer_commands(&mut doc, cx, &owner, self_handled) {
        Ok(n) => n,
        Err(e) => return refused(422, format!("指令无效 ({e})"), changes),
    };
    let case = report.and_then(|r| read_events(&doc).ok().map(|events| Box::new((r, events))));
    Merged::Stored {
        bytes: doc.save(),
        heads: to_wire(&doc.get_heads()),
        device_heads,
        owner,
        answered,
        case,
    }
}

/// The device's heads: as sent, or (for a whole-document push) those of the payload itself.
fn device_heads(
    push: &DocPush,
    is_new: bool,
    merged: &mut AutoCommit,
) -> Result<Vec<Head>, String> {
    if !push.heads.is_empty() {
        let mut heads = push.heads.clone();
        heads.sort_unstable();
        heads.dedup();
        return Ok(heads);
    }
    if !push.base.is_empty() {
        return Err("缺少设备版本 (heads must be sent when base is not empty)".into());
    }
    if is_new {
        return Ok(to_wire(&merged.get_heads()));
    }
    AutoCommit::load(&push.changes)
        .map(|mut own| to_wire(&own.get_heads()))
        .map_err(|e| format!("变更数据损坏 ({e})"))
}

/// Appends the server's answer to each pending command of the writer's device.
fn answer_commands(
    doc: &mut AutoCommit,
    cx: &MergeContext,
    owner: &Owner,
    self_handled: bool,
) -> Result<usize, DocError> {
    let pending: Vec<_> = pending_commands(doc)?
        .into_iter()
        .filter(|(device, _)| *device == cx.writer.device)
        .collect();
    if pending.is_empty() {
        return Ok(0);
    }
    let mut history = read_events(doc)?;
    let issuer = Issuer {
        actor: Actor {
            user: cx.writer.user,
            role: cx.role,
            department: cx.department,
        },
        facts: CaseFacts {
            reporter: owner.user,
            self_handled,
        },
    };
    doc.set_actor(cx.server_actor.clone());
    for (_, command) in &pending {
        for event in answer_command(&history, issuer, command, cx.now) {
            append_event(doc, &event)?;
            history.push(event);
        }
    }
    doc.commit_with(CommitOptions::default().with_time(cx.now.millis() / 1000));
    Ok(pending.len())
}

#[cfg(test)]
mod tests;
