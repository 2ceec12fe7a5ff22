//! Whether a stored session still authenticates its bearer, and whether a caller may sync or
//! needs a role. Pure: the extractors turn the answers into HTTP errors.

use crate::storage::SessionRecord;
use cgt_shared::{Role, SyncRights, Timestamp};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionProblem {
    Revoked,
    Expired,
    UserDisabled,
    DeviceRevoked,
}

impl SessionProblem {
    pub fn message(self) -> &'static str {
        match self {
            SessionProblem::Revoked => "登录已退出,请重新登录 (session was logged out)",
            SessionProblem::Expired => "登录已过期,请重新登录 (session expired)",
            SessionProblem::UserDisabled => "账号已停用 (account disabled)",
            SessionProblem::DeviceRevoked => "设备已被停用,请重新登录 (device revoked)",
        }
    }
}

pub fn check_session(session: &SessionRecord, now: Timestamp) -> Result<(), SessionProblem> {
    if session.revoked {
        Err(SessionProblem::Revoked)
    } else if session.expires_at <= now {
        Err(SessionProblem::Expired)
    } else if !session.user.active {
        Err(SessionProblem::UserDisabled)
    } else if session.device_revoked {
        Err(SessionProblem::DeviceRevoked)
    } else {
        Ok(())
    }
}

/// The role a field user acts in when the server records what they asked for.
pub fn field_role(roles: &[Role]) -> Option<Role> {
    roles
        .iter()
        .copied()
        .find(|r| matches!(r, Role::Inspector | Role::DepartmentHandler))
}

/// The refusal for roles that may not sync, naming them.
pub fn may_sync(roles: &[Role]) -> Result<(), String> {
    if SyncRights::for_roles(roles).may_sync {
        return Ok(());
    }
    let labels: Vec<&str> = roles.iter().map(|r| r.label()).collect();
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Err(format!(
        "角色「{}」不能使用移动端同步,需要监督员或处置人员角色 (roles [{}] may not sync)",
        labels.join("、"),
        names.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::accounts::UserRecord;
    use cgt_shared::UserId;

    fn session() -> SessionRecord {
        SessionRecord {
            user: UserRecord {
                id: UserId::new(),
                username: "inspector01".into(),
                display_name: "王强".into(),
                password_hash: String::new(),
                roles: vec![Role::Inspector],
                active: true,
            },
            device: None,
            device_revoked: false,
            expires_at: Timestamp(100),
            revoked: false,
        }
    }

    #[test]
    fn session_table() {
        let check = |edit: fn(&mut SessionRecord), now, expected| {
            let mut s = session();
            edit(&mut s);
            assert_eq!(check_session(&s, Timestamp(now)), expected);
        };
        check(|_| {}, 99, Ok(()));
        check(|_| {}, 100, Err(SessionProblem::Expired));
        check(|s| s.revoked = true, 1, Err(SessionProblem::Revoked));
        check(
            |s| s.user.active = false,
            1,
            Err(SessionProblem::UserDisabled),
        );
        check(
            |s| s.device_revoked = true,
            1,
            Err(SessionProblem::DeviceRevoked),
        );
    }

    #[test]
    fn sync_and_field_roles() {
        assert!(may_sync(&[Role::Inspector]).is_ok());
        let refusal = may_sync(&[Role::Operator, Role::Leader]).unwrap_err();
        assert!(refusal.contains("受理员、领导"), "{refusal}");
        assert_eq!(
            field_role(&[Role::Admin, Role::DepartmentHandler]),
            Some(Role::DepartmentHandler)
        );
        assert_eq!(field_role(&[Role::Admin]), None);
    }
}
