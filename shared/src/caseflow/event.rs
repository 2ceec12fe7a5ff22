//! The vocabulary of the case loop's history: what happened to a case (the event kinds, each
//! one step of the loop), its data, the case statuses and the status a history folds into.
//! Pure; the `workflow` part of the Automerge document (`crate::doc::workflow`) stores it.

use super::ConflictOutcome;
use crate::ids::{DocId, UserId};
use crate::role::Role;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// What happened to a case. Each kind is one step of the case loop (see `crate::caseflow`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum EventKind {
    /// 撤回: the reporter withdrew the report before it was accepted.
    Withdrawn,
    /// A device command the server could not carry out; the note says why.
    CommandRefused,
    /// 来源登记: a case entered by the centre (hotline, video, public, sensor); `data.source`.
    Received,
    /// 受理
    Accepted,
    /// 核实任务派发: `data.assignee` is to confirm a public complaint on site.
    VerifyAssigned,
    /// 核实结果: `data.passed` says whether the problem exists.
    Verified,
    /// 立案
    Registered,
    /// 不予立案 / 作废, the note gives the reason.
    Rejected,
    /// 重复案件关联: `data.duplicate_of`.
    DuplicateLinked,
    /// 派遣 to `data.department`.
    Dispatched,
    /// 处置反馈 with `data.photos`.
    Handled,
    /// 延期申请 of `data.hours` working hours.
    ExtensionRequested,
    /// 延期批准
    ExtensionApproved,
    /// 延期驳回
    ExtensionDenied,
    /// 回退: the department returns the case as not theirs; it waits for re-dispatch.
    Returned,
    /// 挂账
    Held,
    /// 挂账恢复
    Resumed,
    /// 核查任务派发 to `data.assignee`.
    CheckAssigned,
    /// 核查结果: `data.passed`; a failure is 返工 (rework by the same department).
    Checked,
    /// 结案
    Closed,
    /// 督办
    Supervised,
    /// 冲突: incompatible concurrent actions; an admin decides.
    ConflictMarked,
    /// 冲突已处理
    ConflictResolved,
    /// 群众满意度回访: `data.satisfaction`.
    SatisfactionRated,
    /// 主动处理加分: `data.bonus_tenths` tenths of a point for `data.department`.
    ProactiveCredited,
    /// A kind written by a newer server; kept and shown, ignored by status derivation.
    Other(String),
}

const KINDS: [(EventKind, &str, &str); 25] = [
    (EventKind::Withdrawn, "withdrawn", "撤回"),
    (EventKind::CommandRefused, "command_refused", "指令未执行"),
    (EventKind::Received, "received", "来源登记"),
    (EventKind::Accepted, "accepted", "受理"),
    (EventKind::VerifyAssigned, "verify_assigned", "派发核实"),
    (EventKind::Verified, "verified", "核实"),
    (EventKind::Registered, "registered", "立案"),
    (EventKind::Rejected, "rejected", "不予立案"),
    (EventKind::DuplicateLinked, "duplicate_linked", "重复关联"),
    (EventKind::Dispatched, "dispatched", "派遣"),
    (EventKind::Handled, "handled", "处置反馈"),
    (
        EventKind::ExtensionRequested,
        "extension_requested",
        "申请延期",
    ),
    (
        EventKind::ExtensionApproved,
        "extension_approved",
        "批准延期",
    ),
    (EventKind::ExtensionDenied, "extension_denied", "驳回延期"),
    (EventKind::Returned, "returned", "回退"),
    (EventKind::Held, "held", "挂账"),
    (EventKind::Resumed, "resumed", "恢复"),
    (EventKind::CheckAssigned, "check_assigned", "派发核查"),
    (EventKind::Checked, "checked", "核查"),
    (EventKind::Closed, "closed", "结案"),
    (EventKind::Supervised, "supervised", "督办"),
    (EventKind::ConflictMarked, "conflict_marked", "标记冲突"),
    (EventKind::ConflictResolved, "conflict_resolved", "冲突处理"),
    (
        EventKind::SatisfactionRated,
        "satisfaction_rated",
        "满意度回访",
    ),
    (
        EventKind::ProactiveCredited,
        "proactive_credited",
        "主动处理加分",
    ),
];

impl EventKind {
    pub fn as_str(&self) -> &str {
        match self {
            EventKind::Other(s) => s,
            known => KINDS
                .iter()
                .find(|(k, _, _)| k == known)
                .map_or("", |(_, code, _)| code),
        }
    }

    pub fn parse(s: &str) -> EventKind {
        KINDS
            .iter()
            .find(|(_, code, _)| *code == s)
            .map_or_else(|| EventKind::Other(s.to_string()), |(k, _, _)| k.clone())
    }

    /// The Chinese name shown in a case's history.
    pub fn label(&self) -> &str {
        KINDS
            .iter()
            .find(|(k, _, _)| k == self)
            .map_or("其他", |(_, _, label)| label)
    }
}

/// 群众满意度: the citizen's rating of a closed public complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// 满意
    Satisfied,
    /// 基本满意
    Basic,
    /// 不满意
    Unsatisfied,
}

impl Satisfaction {
    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Basic => "basic",
            Satisfaction::Unsatisfied => "unsatisfied",
        }
    }

    pub fn parse(s: &str) -> Option<Satisfaction> {
        [
            Satisfaction::Satisfied,
            Satisfaction::Basic,
            Satisfaction::Unsatisfied,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// Counts towards 群众满意率 (满意 and 基本满意).
    pub fn counts_as_satisfied(self) -> bool {
        !matches!(self, Satisfaction::Unsatisfied)
    }
}

/// The details an event carries besides who and when; absent fields are `None` / empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventData {
    /// Case source of a `received` event (`crate::caseflow::Source` code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<UserId>,
    /// SHA-256 of photos attached to the step (处置 after-photo, 核查 photo).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<DocId>,
    /// Working hours of an extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<Satisfaction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonus_tenths: Option<i64>,
    /// How an admin settled a conflict (`crate::caseflow::conflict`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<ConflictOutcome>,
    /// Indices of earlier events an adopting resolution set aside.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supersedes: Vec<usize>,
}

/// One entry of a case's history: who, in which role, when, why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WorkflowEvent {
    pub kind: EventKind,
    pub at: Timestamp,
    pub user: Option<UserId>,
    pub role: Option<Role>,
    pub note: String,
    /// The device command this event answers, if any.
    pub command: Option<Uuid>,
    #[serde(default)]
    #[schema(required = true)]
    pub data: EventData,
}

/// The status of a case as derived from its history (the standard loop of domain.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// 已上报: stored by the server, waiting for the centre.
    Reported,
    /// 已撤回
    Withdrawn,
    /// 待核实: a public complaint waits for an inspector's on-site confirmation.
    Verifying,
    /// 已受理, waiting for 立案.
    Accepted,
    /// 不予立案 / 作废
    Rejected,
    /// 重复案件 (linked to another case)
    Duplicate,
    /// 已立案, waiting for 派遣 (also after a 回退).
    Registered,
    /// 处置中: dispatched to a department (also during 返工).
    Dispatched,
    /// 已处置, waiting for a 核查 task.
    Handled,
    /// 待核查: an inspector is to check the fix.
    Checking,
    /// 核查通过, waiting for 结案.
    CheckPassed,
    /// 已结案
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 12] = [
        CaseStatus::Reported,
        CaseStatus::Withdrawn,
        CaseStatus::Verifying,
        CaseStatus::Accepted,
        CaseStatus::Rejected,
        CaseStatus::Duplicate,
        CaseStatus::Registered,
        CaseStatus::Dispatched,
        CaseStatus::Handled,
        CaseStatus::Checking,
        CaseStatus::CheckPassed,
        CaseStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Reported => "reported",
            CaseStatus::Withdrawn => "withdrawn",
            CaseStatus::Verifying => "verifying",
            CaseStatus::Accepted => "accepted",
            CaseStatus::Rejected => "rejected",
            CaseStatus::Duplicate => "duplicate",
            CaseStatus::Registered => "registered",
            CaseStatus::Dispatched => "dispatched",
            CaseStatus::Handled => "handled",
            CaseStatus::Checking => "checking",
            CaseStatus::CheckPassed => "check_passed",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Reported => "已上报",
            CaseStatus::Withdrawn => "已撤回",
            CaseStatus::Verifying => "待核实",
            CaseStatus::Accepted => "已受理",
            CaseStatus::Rejected => "不予立案",
            CaseStatus::Duplicate => "重复案件",
            CaseStatus::Registered => "待派遣",
            CaseStatus::Dispatched => "处置中",
            CaseStatus::Handled => "已处置",
            CaseStatus::Checking => "待核查",
            CaseStatus::CheckPassed => "待结案",
            CaseStatus::Closed => "已结案",
        }
    }

    /// A report can be withdrawn only before the centre has acted on it.
    pub fn may_withdraw(self) -> bool {
        matches!(self, CaseStatus::Reported)
    }

    /// Finished: nothing more happens in the loop.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CaseStatus::Withdrawn
                | CaseStatus::Rejected
                | CaseStatus::Duplicate
                | CaseStatus::Closed
        )
    }
}

/// Folds the history into a status. Pure: the same events always give the same status.
pub fn derive_status(events: &[WorkflowEvent]) -> CaseStatus {
    super::CaseState::fold(events).status
}
