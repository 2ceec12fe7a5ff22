//! What a person asks to do with a case, and who is asking.

use crate::caseflow::event::Satisfaction;
use crate::ids::{DocId, UserId};
use crate::role::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The acting user as the server authenticated them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    /// The role the user acts in for this action.
    pub role: Role,
    /// The department of a 处置人员.
    pub department: Option<i64>,
}

/// Facts of the case that are not in its history: from the report part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseFacts {
    pub reporter: UserId,
    /// 自处理: the inspector fixed it on the spot.
    pub self_handled: bool,
}

/// One step of the loop with its parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// 受理; public complaints need the inspector who is to 核实.
    Accept {
        verifier: Option<UserId>,
    },
    /// 派发核实 (again) to another inspector.
    AssignVerify {
        inspector: UserId,
    },
    /// 核实结果 from the assigned inspector.
    Verify {
        exists: bool,
        #[serde(default)]
        photos: Vec<String>,
    },
    /// 立案
    Register,
    /// 不予立案 / 作废
    Reject {
        reason: String,
    },
    /// 重复关联
    LinkDuplicate {
        of: DocId,
    },
    /// 派遣
    Dispatch {
        department: i64,
    },
    /// 处置反馈 with after-photos.
    Handle {
        photos: Vec<String>,
    },
    /// 申请延期 by working hours.
    RequestExtension {
        hours: i64,
    },
    ApproveExtension,
    DenyExtension,
    /// 回退: not this department's case.
    Return {
        reason: String,
    },
    /// 挂账
    Hold,
    /// 恢复
    Resume,
    /// 派发核查
    AssignCheck {
        inspector: UserId,
    },
    /// 核查结果 from the assigned inspector; a failure sends the case back (返工).
    Check {
        passed: bool,
        #[serde(default)]
        photos: Vec<String>,
    },
    /// 结案
    Close,
    /// 督办
    Supervise,
    /// 冲突处理 by an admin.
    ResolveConflict,
    /// 满意度回访
    RateSatisfaction {
        satisfaction: Satisfaction,
    },
    /// 主动处理加分 for the case's department (0.5–2 points, in tenths).
    CreditProactive {
        bonus_tenths: i64,
    },
    /// 撤回 by the reporter.
    Withdraw,
}

/// The name of an action, without parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Accept,
    AssignVerify,
    Verify,
    Register,
    Reject,
    LinkDuplicate,
    Dispatch,
    Handle,
    RequestExtension,
    ApproveExtension,
    DenyExtension,
    Return,
    Hold,
    Resume,
    AssignCheck,
    Check,
    Close,
    Supervise,
    ResolveConflict,
    RateSatisfaction,
    CreditProactive,
    Withdraw,
}

impl ActionKind {
    pub const ALL: [ActionKind; 22] = [
        ActionKind::Accept,
        ActionKind::AssignVerify,
        ActionKind::Verify,
        ActionKind::Register,
        ActionKind::Reject,
        ActionKind::LinkDuplicate,
        ActionKind::Dispatch,
        ActionKind::Handle,
        ActionKind::RequestExtension,
        ActionKind::ApproveExtension,
        ActionKind::DenyExtension,
        ActionKind::Return,
        ActionKind::Hold,
        ActionKind::Resume,
        ActionKind::AssignCheck,
        ActionKind::Check,
        ActionKind::Close,
        ActionKind::Supervise,
        ActionKind::ResolveConflict,
        ActionKind::RateSatisfaction,
        ActionKind::CreditProactive,
        ActionKind::Withdraw,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Accept => "accept",
            ActionKind::AssignVerify => "assign_verify",
            ActionKind::Verify => "verify",
            ActionKind::Register => "register",
            ActionKind::Reject => "reject",
            ActionKind::LinkDuplicate => "link_duplicate",
            ActionKind::Dispatch => "dispatch",
            ActionKind::Handle => "handle",
            ActionKind::RequestExtension => "request_extension",
            ActionKind::ApproveExtension => "approve_extension",
            ActionKind::DenyExtension => "deny_extension",
            ActionKind::Return => "return",
            ActionKind::Hold => "hold",
            ActionKind::Resume => "resume",
            ActionKind::AssignCheck => "assign_check",
            ActionKind::Check => "check",
            ActionKind::Close => "close",
            ActionKind::Supervise => "supervise",
            ActionKind::ResolveConflict => "resolve_conflict",
            ActionKind::RateSatisfaction => "rate_satisfaction",
            ActionKind::CreditProactive => "credit_proactive",
            ActionKind::Withdraw => "withdraw",
        }
    }

    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionKind::Accept => "受理",
            ActionKind::AssignVerify => "派发核实",
            ActionKind::Verify => "核实",
            ActionKind::Register => "立案",
            ActionKind::Reject => "不予立案",
            ActionKind::LinkDuplicate => "重复关联",
            ActionKind::Dispatch => "派遣",
            ActionKind::Handle => "处置反馈",
            ActionKind::RequestExtension => "申请延期",
            ActionKind::ApproveExtension => "批准延期",
            ActionKind::DenyExtension => "驳回延期",
            ActionKind::Return => "回退",
            ActionKind::Hold => "挂账",
            ActionKind::Resume => "恢复",
            ActionKind::AssignCheck => "派发核查",
            ActionKind::Check => "核查",
            ActionKind::Close => "结案",
            ActionKind::Supervise => "督办",
            ActionKind::ResolveConflict => "冲突处理",
            ActionKind::RateSatisfaction => "满意度回访",
            ActionKind::CreditProactive => "主动处理加分",
            ActionKind::Withdraw => "撤回",
        }
    }

    /// The roles that may take this action at all.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            ActionKind::Accept | ActionKind::AssignVerify | ActionKind::RateSatisfaction => {
                &[Operator]
            }
            ActionKind::Verify | ActionKind::Check | ActionKind::Withdraw => &[Inspector],
            ActionKind::Register | ActionKind::Reject | ActionKind::Close => &[ShiftLeader],
            ActionKind::LinkDuplicate => &[Operator, ShiftLeader],
            ActionKind::Dispatch | ActionKind::ApproveExtension | ActionKind::DenyExtension => {
                &[Dispatcher]
            }
            ActionKind::Handle | ActionKind::RequestExtension | ActionKind::Return => {
                &[DepartmentHandler]
            }
            ActionKind::Hold | ActionKind::Resume => &[Dispatcher, ShiftLeader],
            ActionKind::AssignCheck => &[Operator, Dispatcher],
            ActionKind::Supervise | ActionKind::CreditProactive => &[Leader],
            ActionKind::ResolveConflict => &[Admin],
        }
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Accept { .. } => ActionKind::Accept,
            Action::AssignVerify { .. } => ActionKind::AssignVerify,
            Action::Verify { .. } => ActionKind::Verify,
            Action::Register => ActionKind::Register,
            Action::Reject { .. } => ActionKind::Reject,
            Action::LinkDuplicate { .. } => ActionKind::LinkDuplicate,
            Action::Dispatch { .. } => ActionKind::Dispatch,
            Action::Handle { .. } => ActionKind::Handle,
            Action::RequestExtension { .. } => ActionKind::RequestExtension,
            Action::ApproveExtension => ActionKind::ApproveExtension,
            Action::DenyExtension => ActionKind::DenyExtension,
            Action::Return { .. } => ActionKind::Return,
            Action::Hold => ActionKind::Hold,
            Action::Resume => ActionKind::Resume,
            Action::AssignCheck { .. } => ActionKind::AssignCheck,
            Action::Check { .. } => ActionKind::Check,
            Action::Close => ActionKind::Close,
            Action::Supervise => ActionKind::Supervise,
            Action::ResolveConflict => ActionKind::ResolveConflict,
            Action::RateSatisfaction { .. } => ActionKind::RateSatisfaction,
            Action::CreditProactive { .. } => ActionKind::CreditProactive,
            Action::Withdraw => ActionKind::Withdraw,
        }
    }
}
