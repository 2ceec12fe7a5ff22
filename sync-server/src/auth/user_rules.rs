//! What a valid account looks like: username, display name, password and roles, and which
//! changes an admin may not make to their own account. Pure.

use cgt_shared::Role;

pub const MIN_PASSWORD_CHARS: usize = 8;
/// Argon2 hashes whatever it is given: bound the work a login can cause.
pub const MAX_PASSWORD_BYTES: usize = 1024;
pub const MAX_USERNAME_CHARS: usize = 64;
pub const MAX_DISPLAY_NAME_CHARS: usize = 50;

/// Usernames are lower-case ASCII letters, digits, `.`, `_` and `-`.
pub fn check_username(username: &str) -> Result<(), String> {
    let ok = !username.is_empty()
        && username.len() <= MAX_USERNAME_CHARS
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "用户名无效: \"{}\" (1–{MAX_USERNAME_CHARS} lower-case letters, digits, . _ -)",
            username.chars().take(80).collect::<String>()
        ))
    }
}

pub fn check_new_account(
    username: &str,
    display_name: &str,
    password: &str,
    roles: &[Role],
) -> Result<(), String> {
    check_username(username)?;
    check_display_name(display_name)?;
    check_password(password)?;
    check_roles(roles)
}

/// The display name, trimmed, is 1–50 characters.
pub fn check_display_name(display_name: &str) -> Result<(), String> {
    let name_chars = display_name.trim().chars().count();
    if name_chars == 0 || name_chars > MAX_DISPLAY_NAME_CHARS {
        return Err(format!(
            "姓名不能为空且不超过 {MAX_DISPLAY_NAME_CHARS} 字 (display name must be 1–{MAX_DISPLAY_NAME_CHARS} characters)"
        ));
    }
    if cgt_shared::text::has_control(display_name) {
        return Err("姓名不能含有控制字符 (display name has control characters)".to_string());
    }
    Ok(())
}

pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(format!(
            "密码至少 {MIN_PASSWORD_CHARS} 个字符 (password must be {MIN_PASSWORD_CHARS}+ characters, at most {MAX_PASSWORD_BYTES} bytes)"
        ));
    }
    Ok(())
}

pub fn check_roles(roles: &[Role]) -> Result<(), String> {
    if roles.is_empty() {
        return Err("至少需要一个角色 (at least one role is required)".into());
    }
    Ok(())
}

/// A role by its name (`inspector`, `shift_leader` …), or a message listing the known ones.
pub fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text.trim()).ok_or_else(|| {
        let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!(
            "未知角色 {text:?} (unknown role; one of: {})",
            known.join(", ")
        )
    })
}

/// Roles by name, each once, in the order given; at least one.
pub fn parse_roles<S: AsRef<str>>(names: &[S]) -> Result<Vec<Role>, String> {
    let mut roles = Vec::with_capacity(names.len());
    for name in names {
        let role = parse_role(name.as_ref())?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    check_roles(&roles)?;
    Ok(roles)
}

/// An admin changing their own account may not lock themselves out: deactivating it or
/// dropping the admin role is refused. This also keeps at least one active admin, since only
/// an admin can change accounts.
pub fn check_own_change(active: Option<bool>, roles: Option<&[Role]>) -> Result<(), String> {
    if active == Some(false) {
        return Err("不能停用自己的账号 (you cannot deactivate your own account)".into());
    }
    if roles.is_some_and(|roles| !roles.contains(&Role::Admin)) {
        return Err("不能取消自己的系统管理员角色 (you cannot remove your own admin role)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_table() {
        let check = |u: &str, n: &str, p: &str, roles: &[Role], ok: bool| {
            assert_eq!(check_new_account(u, n, p, roles).is_ok(), ok, "{u} {n} {p}");
        };
        let r = &[Role::Inspector];
        check("inspector01", "王强", "cgt-demo-2026", r, true);
        check("a.b-c_d", "x", "12345678", r, true);
        check("", "王强", "cgt-demo-2026", r, false);
        check("Inspector", "王强", "cgt-demo-2026", r, false);
        check("王强", "王强", "cgt-demo-2026", r, false);
        check(&"a".repeat(65), "王强", "cgt-demo-2026", r, false);
        check("inspector01", "  ", "cgt-demo-2026", r, false);
        check("inspector01", "王强", "short", r, false);
        check("inspector01", "王强", &"p".repeat(1025), r, false);
        check("inspector01", "王强", "cgt-demo-2026", &[], false);
    }

    #[test]
    fn role_names() {
        let check = |names: &[&str], expected: Result<Vec<Role>, &str>| match expected {
            Ok(roles) => assert_eq!(parse_roles(names), Ok(roles), "{names:?}"),
            Err(part) => {
                let message = parse_roles(names).unwrap_err();
                assert!(message.contains(part), "{names:?}: {message}");
            }
        };
        check(&["inspector"], Ok(vec![Role::Inspector]));
        check(
            &["admin", " leader ", "admin"],
            Ok(vec![Role::Admin, Role::Leader]),
        );
        check(&["root"], Err("未知角色 \"root\""));
        check(&["Inspector"], Err("shift_leader"));
        check(&[], Err("至少需要一个角色"));
    }

    #[test]
    fn an_admin_cannot_lock_themselves_out() {
        let check = |active, roles: Option<&[Role]>, ok: bool| {
            assert_eq!(
                check_own_change(active, roles).is_ok(),
                ok,
                "{active:?} {roles:?}"
            );
        };
        check(None, None, true);
        check(Some(true), Some(&[Role::Admin, Role::Leader]), true);
        check(Some(false), None, false);
        check(None, Some(&[Role::Leader]), false);
    }
}
