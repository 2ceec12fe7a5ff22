//! Every failure is a JSON error with a clear status, never a plain-text default or a 500.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::Server;

fn login_request(content_type: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut request = Request::post("/api/v1/auth/login");
    if let Some(t) = content_type {
        request = request.header(header::CONTENT_TYPE, t);
    }
    request.body(body.into()).unwrap()
}

#[tokio::test]
async fn bad_requests_answer_json() {
    let server = Server::with(|s| s.max_body_bytes = 4096);
    let big = format!(
        "{{\"username\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(5000)
    );
    let declared_big = Request::post("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, "999999")
        .body(Body::from("{}"))
        .unwrap();
    let cases: Vec<(&str, Request<Body>, StatusCode, &str)> = vec![
        (
            "malformed JSON",
            login_request(Some("application/json"), "{\"username\":"),
            StatusCode::BAD_REQUEST,
            "JSON",
        ),
        (
            "not JSON",
            login_request(Some("text/plain"), "hi"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "JSON",
        ),
        (
            "no content type",
            login_request(None, "{}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "JSON",
        ),
        (
            "wrong field type",
            login_request(
                Some("application/json"),
                "{\"username\": 1, \"password\": \"x\"}",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "字段",
        ),
        (
            "body over the limit",
            login_request(Some("application/json"), big),
            StatusCode::PAYLOAD_TOO_LARGE,
            "过大",
        ),
        (
            "declared body over the limit",
            declared_big,
            StatusCode::PAYLOAD_TOO_LARGE,
            "过大",
        ),
        (
            "unknown endpoint",
            Request::get("/api/v2/everything")
                .body(Body::empty())
                .unwrap(),
            StatusCode::NOT_FOUND,
            "接口不存在",
        ),
        (
            "wrong method",
            Request::delete("/api/v1/auth/login")
                .body(Body::empty())
                .unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "方法",
        ),
    ];
    for (name, request, status, fragment) in cases {
        let reply = server.call(request).await;
        assert_eq!(
            reply.status,
            status,
            "{name}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_eq!(
            reply.content_type.as_deref(),
            Some("application/json"),
            "{name}"
        );
        assert!(
            reply.error().contains(fragment),
            "{name}: {}",
            reply.error()
        );
    }
    let health = server.json(Method::GET, "/healthz", None, None).await;
    assert_eq!(
        (health.status, &health.body[..]),
        (StatusCode::OK, &b"ok"[..])
    );
}

#[tokio::test]
async fn malformed_ids_and_unknown_documents() {
    let server = Server::new();
    let admin = server.login("admin", None).await;
    let reply = server.get("/api/v1/docs/not-a-uuid", &admin.token).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.error().contains("路径参数无效"));
    let reply = server
        .get(
            &format!("/api/v1/docs/{}", cgt_shared::DocId::new()),
            &admin.token,
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let insp = server.login("insp1", Some("Mate 60")).await;
    for path in [cgt_shared::wire::PULL_PATH, cgt_shared::wire::STATUS_PATH] {
        let reply = server
            .sync(
                path,
                &insp.token,
                b"CGT\x01\x03\x00\x05\x00\x00\x00garbage".to_vec(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(reply.error().contains("同步数据无效"));
        let pushed_as_pull = server
            .sync(
                path,
                &insp.token,
                cgt_shared::wire::encode(&cgt_shared::wire::PushFrame { docs: vec![] }, 3),
            )
            .await;
        assert_eq!(pushed_as_pull.status, StatusCode::BAD_REQUEST, "{path}");
    }
}
