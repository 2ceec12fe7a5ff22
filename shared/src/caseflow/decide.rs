//! `decide`: may this actor take this action on a case in this state, and which events record
//! it. An illegal action is refused with an error that names the state and the role.

use super::action::{Action, ActionKind, Actor, CaseFacts};
use super::state::CaseState;
use crate::caseflow::event::{CaseStatus, EventData, EventKind};
use crate::report::{MAX_PHOTOS, PhotoRef};
use crate::role::Role;
use std::fmt;

/// Longest reason or note accepted, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// Longest single extension, in working hours (about three months of working days).
pub const MAX_EXTENSION_HOURS: i64 = 8 * 66;

/// An event to append, before the server stamps who and when on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub kind: EventKind,
    pub data: EventData,
}

impl Draft {
    fn new(kind: EventKind) -> Draft {
        Draft {
            kind,
            data: EventData::default(),
        }
    }

    fn with(kind: EventKind, data: EventData) -> Draft {
        Draft { kind, data }
    }
}

/// Why an action was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The role never takes this action.
    Role,
    /// Not in this status.
    State,
    /// The task belongs to another inspector.
    NotAssignee,
    /// The case is another department's.
    OtherDepartment,
    /// Only the reporter may.
    NotReporter,
    /// 挂账: only 恢复 and 督办 while on hold.
    OnHold,
    /// The case waits for an admin to resolve a conflict.
    InConflict,
    /// Already done (督办 twice, a second 延期 request).
    AlreadyDone,
    /// A parameter is invalid.
    Invalid(String),
}

/// A refused action: which, in which state, for which role, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkflowError {
    pub action: ActionKind,
    pub status: CaseStatus,
    pub role: Role,
    pub reason: Refused,
}

impl WorkflowError {
    /// The HTTP status that fits: 403 for who, 409 for state, 422 for parameters.
    pub fn http_status(&self) -> u16 {
        match self.reason {
            Refused::Role
            | Refused::NotAssignee
            | Refused::OtherDepartment
            | Refused::NotReporter => 403,
            Refused::State | Refused::OnHold | Refused::InConflict | Refused::AlreadyDone => 409,
            Refused::Invalid(_) => 422,
        }
    }

    /// Whether the refusal is about the case's state (so a device command that was legal when it
    /// was made may have raced another action).
    pub fn is_state_race(&self) -> bool {
        matches!(
            self.reason,
            Refused::State | Refused::NotAssignee | Refused::OtherDepartment | Refused::AlreadyDone
        )
    }
}

impl fmt::Display for WorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match &self.reason {
            Refused::Role => "该角色无此操作权限".to_string(),
            Refused::State => "当前状态不允许此操作".to_string(),
            Refused::NotAssignee => "任务未指派给本人".to_string(),
            Refused::OtherDepartment => "案件不属于本部门".to_string(),
            Refused::NotReporter => "只有上报人可以操作".to_string(),
            Refused::OnHold => "案件已挂账,请先恢复".to_string(),
            Refused::InConflict => "案件存在冲突,等待管理员处理".to_string(),
            Refused::AlreadyDone => "已执行过此操作".to_string(),
            Refused::Invalid(reason) => reason.clone(),
        };
        write!(
            f,
            "「{}」({}) 在案件状态「{}」({}) 下不能「{}」({}): {why}",
            self.role.label(),
            self.role.as_str(),
            self.status.label(),
            self.status.as_str(),
            self.action.label(),
            self.action.as_str(),
        )
    }
}

impl std::error::Error for WorkflowError {}

/// Whether `actor` may take an action of `kind` now, parameters aside.
pub fn permits(
    state: &CaseState,
    facts: &CaseFacts,
    actor: &Actor,
    kind: ActionKind,
) -> Result<(), WorkflowError> {
    let refuse = |reason| {
        Err(WorkflowError {
            action: kind,
            status: state.status,
            role: actor.role,
            reason,
        })
    };
    if !kind.roles().contains(&actor.role) {
        return refuse(Refused::Role);
    }
    let always = matches!(kind, ActionKind::Supervise | ActionKind::ResolveConflict);
    if state.in_conflict && !always {
        return refuse(Refused::InConflict);
    }
    if state.on_hold() && !always && kind != ActionKind::Resume {
        return refuse(Refused::OnHold);
    }
    use CaseStatus as S;
    let status = state.status;
    let in_status = |allowed: &[CaseStatus]| allowed.contains(&status);
    let own_department = actor.department.is_some() && actor.department == state.department;
    let state_ok = match kind {
        ActionKind::Accept => in_status(&[S::Reported]),
        ActionKind::AssignVerify => in_status(&[S::Verifying]),
        ActionKind::Verify => {
            if !in_status(&[S::Verifying]) {
                false
            } else if state.verify_assignee != Some(actor.user) {
                return refuse(Refused::NotAssignee);
            } else {
                true
            }
        }
        ActionKind::Register => in_status(&[S::Accepted]),
        ActionKind::Reject | ActionKind::LinkDuplicate => in_status(&[S::Reported, S::Accepted]),
        ActionKind::Dispatch => in_status(&[S::Registered]),
        ActionKind::Handle | ActionKind::Return | ActionKind::RequestExtension => {
            if !in_status(&[S::Dispatched]) {
                false
            } else if !own_department {
                return refuse(Refused::OtherDepartment);
            } else if kind == ActionKind::RequestExtension && state.extension_requested.is_some() {
                return refuse(Refused::AlreadyDone);
            } else {
                true
            }
        }
        ActionKind::ApproveExtension | ActionKind::DenyExtension => {
            in_status(&[S::Dispatched]) && state.extension_requested.is_some()
        }
        ActionKind::Hold => in_status(&[S::Registered, S::Dispatched]),
        ActionKind::Resume => state.on_hold(),
        ActionKind::AssignCheck => in_status(&[S::Handled, S::Checking]),
        ActionKind::Check => {
            if !in_status(&[S::Checking]) {
                false
            } else if state.check_assignee != Some(actor.user) {
                return refuse(Refused::NotAssignee);
            } else {
                true
            }
        }
        ActionKind::Close => {
            in_status(&[S::CheckPassed]) || (status == S::Handled && facts.self_handled)
        }
        ActionKind::Supervise => {
            if state.supervised && !status.is_final() {
                return refuse(Refused::AlreadyDone);
            }
            !status.is_final()
        }
        ActionKind::ResolveConflict => state.in_conflict,
        ActionKind::RateSatisfaction => {
            if status == S::Closed && state.satisfaction.is_some() {
                return refuse(Refused::AlreadyDone);
            }
            status == S::Closed && state.source.is_public_complaint()
        }
        ActionKind::CreditProactive => {
            state.department.is_some() && !status.is_final() || status == S::Closed
        }
        ActionKind::Withdraw => {
            if facts.reporter != actor.user {
                return refuse(Refused::NotReporter);
            }
            status.may_withdraw()
        }
    };
    if state_ok {
        Ok(())
    } else {
        refuse(Refused::State)
    }
}

/// The actions `actor` may take on the case now (for the console's buttons).
pub fn allowed_actions(state: &CaseState, facts: &CaseFacts, actor: &Actor) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|&kind| permits(state, facts, actor, kind).is_ok())
        .collect()
}

/// Checks the action against the state and the actor's role and returns the events recording it.
pub fn decide(
    state: &CaseState,
    facts: &CaseFacts,
    actor: &Actor,
    action: &Action,
) -> Result<Vec<Draft>, WorkflowError> {
    let kind = action.kind();
    permits(state, facts, actor, kind)?;
    let invalid = |reason: &str| WorkflowError {
        action: kind,
        status: state.status,
        role: actor.role,
        reason: Refused::Invalid(reason.to_string()),
    };
    let check_photos = |photos: &[String], required: bool| {
        if required && photos.is_empty() {
            return Err(invalid("需要至少一张照片 (a photo is required)"));
        }
        if photos.len() > MAX_PHOTOS {
            return Err(invalid("照片过多 (too many photos)"));
        }
        let bad = photos
            .iter()
            .any(|p| !PhotoRef { sha256: p.clone() }.is_valid());
        if bad {
            return Err(invalid("照片摘要无效 (photos must be SHA-256 hex)"));
        }
        Ok(photos.to_vec())
    };
    let check_reason = |reason: &str| {
        let chars = reason.trim().chars().count();
        if chars == 0 {
            Err(invalid("必须填写原因 (a reason is required)"))
        } else if chars > MAX_REASON_CHARS {
            Err(invalid("原因过长 (reason too long)"))
        } else {
            Ok(())
        }
    };
    let assignee = |user| EventData {
        assignee: Some(user),
        ..EventData::default()
    };
    let drafts = match action {
        Action::Accept { verifier } => {
            let mut drafts = vec![Draft::new(EventKind::Accepted)];
            match verifier {
                Some(user) => drafts.push(Draft::with(EventKind::VerifyAssigned, assignee(*user))),
                None if state.source.is_public_complaint() => {
                    return Err(invalid(
                        "公众举报须指派核实监督员 (a public complaint needs a verifier)",
                    ));
                }
                None => {}
            }
            drafts
        }
        Action::AssignVerify { inspector } => {
            vec![Draft::with(EventKind::VerifyAssigned, assignee(*inspector))]
        }
        Action::Verify { exists, photos } => vec![Draft::with(
            EventKind::Verified,
            EventData {
                passed: Some(*exists),
                photos: check_photos(photos, false)?,
                ..EventData::default()
            },
        )],
        Action::Register if facts.self_handled => vec![
            Draft::new(EventKind::Registered),
            Draft::new(EventKind::Handled),
        ],
        Action::Register => vec![Draft::new(EventKind::Registered)],
        Action::Reject { reason } => {
            check_reason(reason)?;
            vec![Draft::new(EventKind::Rejected)]
        }
        Action::LinkDuplicate { of } => vec![Draft::with(
            EventKind::DuplicateLinked,
            EventData {
                duplicate_of: Some(*of),
                ..EventData::default()
            },
        )],
        Action::Dispatch { department } => {
            if *department <= 0 {
                return Err(invalid("部门无效 (no such department)"));
            }
            vec![Draft::with(
                EventKind::Dispatched,
                EventData {
                    department: Some(*department),
                    ..EventData::default()
                },
            )]
        }
        Action::Handle { photos } => vec![Draft::with(
            EventKind::Handled,
            EventData {
                photos: check_photos(photos, true)?,
                department: state.department,
                ..EventData::default()
            },
        )],
        Action::RequestExtension { hours } => {
            if !(1..=MAX_EXTENSION_HOURS).contains(hours) {
                return Err(invalid(
                    "延期工作时须在 1…528 之间 (extension hours out of range)",
                ));
            }
            vec![Draft::with(
                EventKind::ExtensionRequested,
                EventData {
                    hours: Some(*hours),
                    ..EventData::default()
                },
            )]
        }
        Action::ApproveExtension => vec![Draft::with(
            EventKind::ExtensionApproved,
            EventData {
                hours: state.extension_requested,
                ..EventData::default()
            },
        )],
        Action::DenyExtension => vec![Draft::new(EventKind::ExtensionDenied)],
        Action::Return { reason } => {
            check_reason(reason)?;
            vec![Draft::new(EventKind::Returned)]
        }
        Action::Hold => vec![Draft::new(EventKind::Held)],
        Action::Resume => vec![Draft::new(EventKind::Resumed)],
        Action::AssignCheck { inspector } => {
            vec![Draft::with(EventKind::CheckAssigned, assignee(*inspector))]
        }
        Action::Check { passed, photos } => vec![Draft::with(
            EventKind::Checked,
            EventData {
                passed: Some(*passed),
                photos: check_photos(photos, false)?,
                department: state.department,
                ..EventData::default()
            },
        )],
        Action::Close => vec![Draft::new(EventKind::Closed)],
        Action::Supervise => vec![Draft::new(EventKind::Supervised)],
        Action::ResolveConflict => vec![Draft::new(EventKind::ConflictResolved)],
        Action::RateSatisfaction { satisfaction } => vec![Draft::with(
            EventKind::SatisfactionRated,
            EventData {
                satisfaction: Some(*satisfaction),
                ..EventData::default()
            },
        )],
        Action::CreditProactive { bonus_tenths } => {
            if !(5..=20).contains(bonus_tenths) {
                return Err(invalid(
                    "加分须在 0.5…2 分之间 (bonus must be 0.5–2 points)",
                ));
            }
            vec![Draft::with(
                EventKind::ProactiveCredited,
                EventData {
                    department: state.department,
                    bonus_tenths: Some(*bonus_tenths),
                    ..EventData::default()
                },
            )]
        }
        Action::Withdraw => vec![Draft::new(EventKind::Withdrawn)],
    };
    Ok(drafts)
}
