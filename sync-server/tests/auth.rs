//! Logging in and out, sessions and devices, and who may call what.

mod common;

use axum::http::{Method, StatusCode};
use common::{PASSWORD, Server};
use serde_json::json;

#[tokio::test]
async fn login_outcomes() {
    let server = Server::new();
    let cases: [(&str, serde_json::Value, StatusCode, &str); 9] = [
        (
            "field login",
            json!({"username": "insp1", "password": PASSWORD, "device_name": "Mate 60"}),
            StatusCode::OK,
            "",
        ),
        (
            "console login",
            json!({"username": "operator", "password": PASSWORD}),
            StatusCode::OK,
            "",
        ),
        (
            "wrong password",
            json!({"username": "insp1", "password": "nope nope"}),
            StatusCode::UNAUTHORIZED,
            "用户名或密码错误",
        ),
        (
            "unknown user",
            json!({"username": "ghost", "password": PASSWORD}),
            StatusCode::UNAUTHORIZED,
            "用户名或密码错误",
        ),
        (
            "console role asking for a device",
            json!({"username": "operator", "password": PASSWORD, "device_name": "x"}),
            StatusCode::FORBIDDEN,
            "受理员",
        ),
        (
            "admin asking for a device",
            json!({"username": "admin", "password": PASSWORD, "device_name": "x"}),
            StatusCode::FORBIDDEN,
            "系统管理员",
        ),
        (
            "missing password",
            json!({"username": "insp1"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "请求数据字段无效",
        ),
        (
            "device id that is not a uuid",
            json!({"username": "insp1", "password": PASSWORD, "device_name": "x", "device_id": "42"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "请求数据字段无效",
        ),
        (
            "empty username",
            json!({"username": "", "password": PASSWORD}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "用户名",
        ),
    ];
    for (name, body, status, message) in cases {
        let reply = server
            .json(Method::POST, "/api/v1/auth/login", None, Some(body))
            .await;
        assert_eq!(
            reply.status,
            status,
            "{name}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        if status == StatusCode::OK {
            let json = reply.json();
            assert_eq!(json["token"].as_str().unwrap().len(), 64, "{name}");
            assert!(json["roles"].is_array(), "{name}");
        } else {
            assert!(reply.error().contains(message), "{name}: {}", reply.error());
        }
    }
}

#[tokio::test]
async fn me_logout_and_expiry() {
    let server = Server::new();
    let field = server.login("insp1", Some("Mate 60")).await;
    let lower_case_scheme = axum::http::Request::get("/api/v1/me")
        .header("authorization", format!("bearer {}", field.token))
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(server.call(lower_case_scheme).await.status, StatusCode::OK);
    let me = server.get("/api/v1/me", &field.token).await.json();
    assert_eq!(me["username"], "insp1");
    assert_eq!(me["roles"], json!(["inspector"]));
    assert_eq!(me["device_id"], json!(field.device.unwrap()));

    let console = server.login("operator", None).await;
    assert_eq!(console.device, None);
    let reply = server
        .json(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&console.token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = server.get("/api/v1/me", &console.token).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.error().contains("已退出"));

    let db = rusqlite::Connection::open(server.dir.path().join("cgt.sqlite3")).unwrap();
    db.execute("UPDATE sessions SET expires_at = 1", [])
        .unwrap();
    let reply = server.get("/api/v1/me", &field.token).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.error().contains("过期"));
}

#[tokio::test]
async fn a_device_keeps_its_id_and_a_revoked_device_is_shut_out() {
    let server = Server::new();
    let admin = server.login("admin", None).await;
    let first = server.login("insp1", Some("Mate 60")).await;
    let device = first.device.unwrap();

    let again = server
        .try_login("insp1", Some("Mate 60"), Some(device))
        .await
        .json();
    assert_eq!(again["device_id"], json!(device));
    let stolen = server
        .try_login("insp2", Some("Mate 60"), Some(device))
        .await
        .json();
    assert_ne!(
        stolen["device_id"],
        json!(device),
        "another user's device id is not reused"
    );

    let reply = server
        .json(
            Method::POST,
            &format!("/api/v1/devices/{device}/revoke"),
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.json()["revoked_at"].is_i64());

    let reply = server.get("/api/v1/me", &first.token).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.error().contains("设备已被停用,请重新登录"));
    let reply = server
        .try_login("insp1", Some("Mate 60"), Some(device))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.error().contains("设备已被停用"));

    let devices = server.get("/api/v1/devices", &admin.token).await.json();
    let listed = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == json!(device))
        .unwrap();
    assert_eq!(listed["username"], "insp1");
    assert_eq!(listed["app_version"], "0.1.0-test");
    assert!(listed["revoked_at"].is_i64());

    let reply = server
        .json(
            Method::POST,
            "/api/v1/devices/not-a-uuid/revoke",
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let unknown = cgt_shared::DeviceId::new();
    let reply = server
        .json(
            Method::POST,
            &format!("/api/v1/devices/{unknown}/revoke"),
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

const ENDPOINTS: [(Method, &str); 11] = [
    (Method::POST, "/api/v1/auth/logout"),
    (Method::GET, "/api/v1/me"),
    (Method::GET, "/api/v1/stats"),
    (Method::GET, "/api/v1/devices"),
    (
        Method::POST,
        "/api/v1/devices/0192b3c4-0000-7000-8000-000000000000/revoke",
    ),
    (Method::GET, "/api/v1/refusals"),
    (
        Method::GET,
        "/api/v1/docs/0192b3c4-0000-7000-8000-000000000000",
    ),
    (Method::POST, "/api/v1/sync/push"),
    (Method::POST, "/api/v1/sync/pull"),
    (Method::POST, "/api/v1/sync/status"),
    (Method::GET, "/api/v1/refusals?limit=5"),
];

#[tokio::test]
async fn every_endpoint_wants_a_valid_token() {
    let server = Server::new();
    for token in [None, Some("garbage"), Some(&*"ab".repeat(32))] {
        for (method, path) in ENDPOINTS {
            let reply = server.json(method.clone(), path, token, None).await;
            assert_eq!(
                reply.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with {token:?}"
            );
            assert!(!reply.error().is_empty());
        }
    }
}

#[tokio::test]
async fn roles_gate_admin_and_sync_endpoints() {
    let server = Server::new();
    let inspector = server.login("insp1", Some("Mate 60")).await;
    let operator = server.login("operator", None).await;
    let console_inspector = server.login("insp1", None).await;
    for login in [&inspector, &operator] {
        for path in ["/api/v1/stats", "/api/v1/devices", "/api/v1/refusals"] {
            let reply = server.get(path, &login.token).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
            assert!(reply.error().contains("系统管理员"));
        }
        let id = cgt_shared::DeviceId::new();
        let reply = server
            .json(
                Method::POST,
                &format!("/api/v1/devices/{id}/revoke"),
                Some(&login.token),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
    }
    for login in [&operator, &console_inspector] {
        for path in [
            cgt_shared::wire::PUSH_PATH,
            cgt_shared::wire::PULL_PATH,
            cgt_shared::wire::STATUS_PATH,
        ] {
            let reply = server.sync(path, &login.token, Vec::new()).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
            assert!(
                reply.error().contains("同步") || reply.error().contains("设备"),
                "{}",
                reply.error()
            );
        }
    }
    let admin = server.login("admin", None).await;
    let reply = server.get("/api/v1/refusals?limit=0", &admin.token).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = server
        .get("/api/v1/refusals?limit=many", &admin.token)
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.error().contains("查询参数无效"));
}

#[tokio::test]
async fn add_user_refuses_bad_accounts_and_duplicates() {
    let server = Server::new();
    let settings = &server.settings;
    let roles = &[cgt_shared::Role::Inspector];
    assert!(cgt_server::create_user(settings, "insp1", "重复", PASSWORD, roles).is_err());
    assert!(cgt_server::create_user(settings, "Bad Name", "x", PASSWORD, roles).is_err());
    assert!(cgt_server::create_user(settings, "newbie", "新人", "short", roles).is_err());
    assert!(cgt_server::create_user(settings, "newbie", "新人", PASSWORD, &[]).is_err());
    cgt_server::create_user(settings, "newbie", "新人", PASSWORD, roles).unwrap();
    server.login("newbie", Some("平板")).await;
}
