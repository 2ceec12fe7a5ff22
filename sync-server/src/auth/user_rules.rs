//! What a valid account looks like: username, display name, password and roles. Pure.

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
    let name_chars = display_name.trim().chars().count();
    if name_chars == 0 || name_chars > MAX_DISPLAY_NAME_CHARS {
        return Err(format!(
            "姓名不能为空且不超过 {MAX_DISPLAY_NAME_CHARS} 字 (display name must be 1–{MAX_DISPLAY_NAME_CHARS} characters)"
        ));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(format!(
            "密码至少 {MIN_PASSWORD_CHARS} 个字符 (password must be {MIN_PASSWORD_CHARS}+ characters, at most {MAX_PASSWORD_BYTES} bytes)"
        ));
    }
    if roles.is_empty() {
        return Err("至少需要一个角色 (at least one role is required)".into());
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
}
