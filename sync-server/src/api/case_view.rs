//! The JSON shapes of cases for the console: list items with warning colours, the detail with
//! history and the actions the caller may take. Chinese labels beside every code users see.

use crate::storage::CaseListRow;
use cgt_shared::caseflow::calendar::WorkCalendar;
use cgt_shared::caseflow::event::WorkflowEvent;
use cgt_shared::caseflow::limits::Warning;
use cgt_shared::caseflow::superseded;
use cgt_shared::caseflow::{ActionKind, ConflictOutcome};
use cgt_shared::{CategoryTable, Kind, Timestamp, UserId};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// A case in a list, with its running step's warning.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseItem {
    #[serde(flatten)]
    pub row: CaseListRow,
    pub status_label: &'static str,
    pub source_label: &'static str,
    pub category_label: String,
    pub step_label: Option<&'static str>,
    pub warning: Option<Warning>,
    pub warning_label: Option<&'static str>,
}

/// Green / yellow / red of the running step at `now`: the deadline already includes holds
/// and extensions, so the working time left against the step's limit decides.
pub fn warning_at(row: &CaseListRow, calendar: &WorkCalendar, now: Timestamp) -> Option<Warning> {
    let (deadline, limit) = (row.step_deadline?, row.step_limit_ms?);
    if row.on_hold {
        let left = calendar.working_ms(row.step_started_at.unwrap_or(now).max(now), deadline);
        return Some(Warning::of(limit - left, limit));
    }
    if now > deadline {
        return Some(Warning::Red);
    }
    Some(Warning::of(
        limit - calendar.working_ms(now, deadline),
        limit,
    ))
}

pub fn case_item(
    row: CaseListRow,
    table: &CategoryTable,
    calendar: &WorkCalendar,
    now: Timestamp,
) -> CaseItem {
    let warning = warning_at(&row, calendar, now);
    let kind = Kind::parse(&row.kind).unwrap_or(Kind::Event);
    let category_label = table.subclass(kind, row.class, row.subclass).map_or_else(
        |_| "未知类别".to_string(),
        |s| {
            format!(
                "{}{:02}{:02} {}",
                kind.label(),
                row.class,
                row.subclass,
                s.name
            )
        },
    );
    CaseItem {
        status_label: row.status.label(),
        source_label: row.source.label(),
        category_label,
        step_label: row.step.map(|s| s.label()),
        warning,
        warning_label: warning.map(Warning::label),
        row,
    }
}

/// One entry of the history timeline.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// Position in the history (what a resolution's `supersedes` names).
    pub index: usize,
    #[serde(flatten)]
    pub event: WorkflowEvent,
    pub kind_label: String,
    pub role_label: Option<&'static str>,
    pub user_name: Option<String>,
    /// Set aside by an admin's 采纳设备操作; kept in the history, no longer in force.
    pub superseded: bool,
    pub outcome_label: Option<&'static str>,
}

pub fn history(events: Vec<WorkflowEvent>, names: &HashMap<UserId, String>) -> Vec<HistoryEntry> {
    let set_aside = superseded(&events);
    events
        .into_iter()
        .zip(set_aside)
        .enumerate()
        .map(|(index, (event, superseded))| HistoryEntry {
            index,
            kind_label: event.kind.label().to_string(),
            role_label: event.role.map(|r| r.label()),
            user_name: event.user.and_then(|u| names.get(&u).cloned()),
            outcome_label: event.data.outcome.map(ConflictOutcome::label),
            superseded,
            event,
        })
        .collect()
}

/// An action button: code and label.
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
pub struct ActionButton {
    pub action: ActionKind,
    pub label: &'static str,
}

pub fn buttons(kinds: Vec<ActionKind>) -> Vec<ActionButton> {
    kinds
        .into_iter()
        .map(|action| ActionButton {
            action,
            label: action.label(),
        })
        .collect()
}
