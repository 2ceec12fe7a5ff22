//! The admin manages people: a new inspector is created and can log in on the console and on
//! a phone; nobody else may touch accounts; bad requests are refused with a reason; a
//! deactivated user is logged out at once, and a password reset ends the old sessions.

mod common;

use cgt_tests::raw;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::server_binary;
use reqwest::Method;
use serde_json::{Value, json};

const USERS: &str = "/api/v1/admin/users";
const PASSWORD: &str = "field-pass-2026";

/// The status a GET of `path` answers, with a bearer token or without.
async fn status_of(url: &str, path: &str, token: Option<&str>) -> anyhow::Result<u16> {
    let mut request = reqwest::Client::new().get(format!("{url}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    Ok(request.send().await?.status().as_u16())
}

/// The status `GET /api/v1/me` answers for a bearer token.
async fn me_status(url: &str, token: &str) -> anyhow::Result<u16> {
    status_of(url, "/api/v1/me", Some(token)).await
}

async fn login_status(url: &str, username: &str, password: &str) -> anyhow::Result<u16> {
    Ok(raw::login(url, username, password, None).await?.0)
}

fn find<'a>(users: &'a Value, username: &str) -> &'a Value {
    users
        .as_array()
        .and_then(|all| all.iter().find(|u| u["username"] == username))
        .unwrap_or_else(|| panic!("{username} not listed: {users}"))
}

/// Sends `body` and asserts the status and that the Chinese error names the problem.
async fn refused(
    admin: &Staff,
    method: Method,
    path: &str,
    body: Value,
    status: u16,
    says: &str,
) -> anyhow::Result<()> {
    let (got, answer) = admin.send(method, path, body.clone()).await?;
    assert_eq!(got, status, "{path} {body}: {answer}");
    let error = answer["error"].as_str().unwrap_or_default();
    assert!(error.contains(says), "{path} {body}: {error}");
    Ok(())
}

fn new_inspector() -> Value {
    json!({
        "username": "inspector13",
        "display_name": " 新人 ",
        "password": PASSWORD,
        "roles": ["inspector"],
    })
}

#[tokio::test]
async fn an_admin_creates_changes_and_deactivates_users() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), dir.path())?;
    let url = server.url();
    let admin = Staff::login(&url, "admin").await?;

    let (status, users) = admin.get(USERS).await?;
    assert_eq!(status, 200, "{users}");
    assert_eq!(users.as_array().map(Vec::len), Some(21), "{users}");
    assert!(!users.to_string().contains("argon2"), "{users}");
    assert!(users[0].get("password_hash").is_none(), "{users}");
    assert_eq!(
        find(&users, "inspector01")["work_grids"],
        json!(["320508001001901"])
    );
    assert_eq!(find(&users, "handler1")["department_name"], "市政管理处");

    // An API key's system user is no person to manage.
    admin
        .expect(
            "/api/v1/admin/api-keys",
            json!({ "name": "12319 网站", "channel": "open311" }),
            201,
        )
        .await?;
    assert_eq!(admin.get(USERS).await?.1.as_array().map(Vec::len), Some(21));

    // Requests that break a rule.
    let with = |field: &str, value: Value| {
        let mut body = new_inspector();
        body[field] = value;
        body
    };
    let bad = [
        (with("password", json!("short")), 422, "密码至少 8 个字符"),
        (with("roles", json!(["root"])), 422, "未知角色 \"root\""),
        (with("roles", json!([])), 422, "至少需要一个角色"),
        (with("username", json!("inspector01")), 409, "用户名已存在"),
        (with("username", json!("Bad Name")), 422, "用户名无效"),
        (with("display_name", json!("  ")), 422, "姓名不能为空"),
        (with("department_id", json!(99)), 422, "部门 99 不存在"),
        (with("admin", json!(true)), 422, "请求数据字段无效"),
        (json!({ "username": "x" }), 422, "请求数据字段无效"),
    ];
    for (body, status, says) in bad {
        refused(&admin, Method::POST, USERS, body, status, says).await?;
    }

    // A new inspector, who can then log in on the console and on a phone.
    let created = admin.expect(USERS, new_inspector(), 201).await?;
    assert_eq!(created["display_name"], "新人");
    assert_eq!(created["roles"], json!(["inspector"]));
    assert_eq!(created["active"], json!(true));
    assert!(created.get("password_hash").is_none(), "{created}");
    let id = created["id"].as_str().expect("id").to_string();
    let user_path = format!("{USERS}/{id}");
    let newcomer = Staff::login_with(&url, "inspector13", PASSWORD).await?;
    let (status, me) = newcomer.get("/api/v1/me").await?;
    assert_eq!((status, me["display_name"].as_str()), (200, Some("新人")));
    let (status, phone, text) = raw::login(&url, "inspector13", PASSWORD, Some("新手机")).await?;
    assert_eq!(status, 200, "{text}");
    let phone = phone.expect("field login").token;
    assert_eq!(admin.get(USERS).await?.1.as_array().map(Vec::len), Some(22));

    // Nobody but an admin may list, create or change accounts.
    for (username, password) in [("operator1", None), ("inspector13", Some(PASSWORD))] {
        let other = match password {
            Some(p) => Staff::login_with(&url, username, p).await?,
            None => Staff::login(&url, username).await?,
        };
        assert_eq!(other.get(USERS).await?.0, 403, "{username}");
        let mut body = new_inspector();
        body["username"] = json!("sneaky");
        refused(&other, Method::POST, USERS, body, 403, "系统管理员").await?;
        let promote = json!({ "roles": ["admin"] });
        refused(
            &other,
            Method::PATCH,
            &user_path,
            promote,
            403,
            "系统管理员",
        )
        .await?;
        let reset = json!({ "password": "taken-over-1" });
        let reset_path = format!("{user_path}/password");
        refused(&other, Method::POST, &reset_path, reset, 403, "系统管理员").await?;
    }
    assert_eq!(status_of(&url, USERS, None).await?, 401);

    // Changes take effect on the user's next request.
    let change =
        json!({ "display_name": "新人甲", "roles": ["inspector", "leader"], "department_id": 2 });
    let (status, changed) = admin.send(Method::PATCH, &user_path, change).await?;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["roles"], json!(["inspector", "leader"]));
    assert_eq!(changed["department_name"], "环卫处");
    let (_, me) = newcomer.get("/api/v1/me").await?;
    assert_eq!(me["roles"], json!(["inspector", "leader"]));
    let (_, changed) = admin
        .send(Method::PATCH, &user_path, json!({ "department_id": null }))
        .await?;
    assert_eq!(
        (&changed["department_id"], &changed["display_name"]),
        (&Value::Null, &json!("新人甲"))
    );
    let missing = format!("{USERS}/{}", uuid_like());
    refused(
        &admin,
        Method::PATCH,
        &missing,
        json!({}),
        404,
        "用户不存在",
    )
    .await?;
    let malformed = format!("{USERS}/not-an-id");
    refused(
        &admin,
        Method::PATCH,
        &malformed,
        json!({}),
        400,
        "路径参数无效",
    )
    .await?;
    let roles = json!({ "roles": ["inspector", "janitor"] });
    refused(&admin, Method::PATCH, &user_path, roles, 422, "未知角色").await?;

    // The admin cannot lock themselves out.
    let (_, me) = admin.get("/api/v1/me").await?;
    let own = format!("{USERS}/{}", me["user_id"].as_str().expect("user id"));
    let off = json!({ "active": false });
    refused(&admin, Method::PATCH, &own, off, 422, "不能停用自己的账号").await?;
    let demote = json!({ "roles": ["leader"] });
    refused(
        &admin,
        Method::PATCH,
        &own,
        demote,
        422,
        "不能取消自己的系统管理员角色",
    )
    .await?;

    // Deactivated: both sessions stop working at once and logging in is refused; switched
    // back on, the old sessions stay ended.
    let (status, off) = admin
        .send(Method::PATCH, &user_path, json!({ "active": false }))
        .await?;
    assert_eq!((status, &off["active"]), (200, &json!(false)), "{off}");
    assert_eq!(me_status(&url, newcomer.token()).await?, 401);
    assert_eq!(me_status(&url, &phone).await?, 401);
    assert_eq!(login_status(&url, "inspector13", PASSWORD).await?, 403);
    admin
        .send(Method::PATCH, &user_path, json!({ "active": true }))
        .await?;
    assert_eq!(me_status(&url, newcomer.token()).await?, 401);
    let again = Staff::login_with(&url, "inspector13", PASSWORD).await?;
    assert_eq!(me_status(&url, again.token()).await?, 200);

    // A password reset: too short is refused; then only the new password works and the
    // session opened with the old one ends.
    let reset = format!("{user_path}/password");
    let short = json!({ "password": "1234567" });
    refused(&admin, Method::POST, &reset, short, 422, "密码至少").await?;
    let (status, _) = admin
        .post(&reset, json!({ "password": "new-field-pass" }))
        .await?;
    assert_eq!(status, 200);
    assert_eq!(me_status(&url, again.token()).await?, 401);
    assert_eq!(login_status(&url, "inspector13", PASSWORD).await?, 401);
    assert_eq!(
        login_status(&url, "inspector13", "new-field-pass").await?,
        200
    );

    let (_, spec) = admin.get("/api/v1/openapi.json").await?;
    for path in [
        USERS,
        "/api/v1/admin/users/{id}",
        "/api/v1/admin/users/{id}/password",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} documented");
    }
    Ok(())
}

/// A well-formed user id that no user has.
fn uuid_like() -> String {
    cgt_shared::UserId::new().to_string()
}
