//! The roles of a city-management centre and what each may do over sync.
//!
//! The workflow itself (who may 立案, 派遣 …) is decided elsewhere; here roles gate sync rights:
//! who may register a device, write reports, and write device commands.

use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 监督员 / 信息采集员: patrols a work grid, reports problems, does 核实 / 核查 tasks.
    Inspector,
    /// 受理员 / 座席员: accepts reports from every channel.
    Operator,
    /// 值班长: registers (立案) or rejects cases, closes them (结案).
    ShiftLeader,
    /// 派遣员: dispatches cases to departments.
    Dispatcher,
    /// 专业部门处置人员: handles cases, sends feedback; may work offline in the field.
    DepartmentHandler,
    /// 巡查主管: watches inspectors, replays tracks.
    PatrolSupervisor,
    /// 领导: supervises overdue cases (督办), reads rankings.
    Leader,
    /// 系统管理员: users, devices, reference data, sync conflicts.
    Admin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Inspector,
        Role::Operator,
        Role::ShiftLeader,
        Role::Dispatcher,
        Role::DepartmentHandler,
        Role::PatrolSupervisor,
        Role::Leader,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Inspector => "inspector",
            Role::Operator => "operator",
            Role::ShiftLeader => "shift_leader",
            Role::Dispatcher => "dispatcher",
            Role::DepartmentHandler => "department_handler",
            Role::PatrolSupervisor => "patrol_supervisor",
            Role::Leader => "leader",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Inspector => "监督员",
            Role::Operator => "受理员",
            Role::ShiftLeader => "值班长",
            Role::Dispatcher => "派遣员",
            Role::DepartmentHandler => "处置人员",
            Role::PatrolSupervisor => "巡查主管",
            Role::Leader => "领导",
            Role::Admin => "系统管理员",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a user's roles allow over sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncRights {
    /// May register a field device and sync at all (field roles only).
    pub may_sync: bool,
    /// May create and edit reports (问题上报) from a device.
    pub may_report: bool,
    /// May write device commands (withdraw a report, later task results) on documents it can see.
    pub may_command: bool,
}

impl SyncRights {
    pub fn for_roles(roles: &[Role]) -> SyncRights {
        let has = |r| roles.contains(&r);
        let field = has(Role::Inspector) || has(Role::DepartmentHandler);
        SyncRights {
            may_sync: field,
            may_report: has(Role::Inspector),
            may_command: field,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(roles: &[Role], sync: bool, report: bool) {
        let r = SyncRights::for_roles(roles);
        assert_eq!((r.may_sync, r.may_report), (sync, report), "{roles:?}");
    }

    #[test]
    fn rights_by_role() {
        check(&[Role::Inspector], true, true);
        check(&[Role::DepartmentHandler], true, false);
        check(&[Role::Operator], false, false);
        check(&[Role::ShiftLeader], false, false);
        check(&[Role::Dispatcher], false, false);
        check(&[Role::PatrolSupervisor], false, false);
        check(&[Role::Leader], false, false);
        check(&[Role::Admin], false, false);
        check(&[Role::Admin, Role::Inspector], true, true);
        check(&[], false, false);
    }

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
