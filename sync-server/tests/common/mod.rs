//! Test fixtures: a server in a temporary folder driven in-process with `oneshot`, a few users,
//! and helpers that speak the JSON and binary sync APIs.

#![allow(dead_code)]

use automerge::AutoCommit;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode, header};
use cgt_server::{AppState, Settings, app, create_user};
use cgt_shared::doc::new_report_doc;
use cgt_shared::geo::Position;
use cgt_shared::report::PhotoRef;
use cgt_shared::wire::{
    self, DocPush, Limits, Message, PullRequest, PullResponse, PushFrame, PushResponse,
    StatusRequest, StatusResponse, decode, encode, encode_frames,
};
use cgt_shared::{DeviceId, DocId, Kind, Report, Role, Timestamp, UserId};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tempfile::TempDir;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

/// The users every test server has: username and roles.
pub const USERS: [(&str, &[Role]); 6] = [
    ("admin", &[Role::Admin]),
    ("insp1", &[Role::Inspector]),
    ("insp2", &[Role::Inspector]),
    ("operator", &[Role::Operator]),
    ("handler", &[Role::DepartmentHandler]),
    ("boss", &[Role::Admin, Role::Inspector]),
];

pub struct Server {
    pub app: Router,
    pub dir: TempDir,
    pub settings: Settings,
}

/// A logged-in session.
#[derive(Clone, Debug)]
pub struct Login {
    pub token: String,
    pub user: UserId,
    pub device: Option<DeviceId>,
}

pub struct Reply {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {:?} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The `error` message of a JSON error answer, checking it is one.
    pub fn error(&self) -> String {
        let json = self.json();
        json["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error message in {json}"))
            .to_string()
    }

    pub fn message<M: Message>(&self) -> M {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.content_type.as_deref(), Some(wire::CONTENT_TYPE));
        decode(&self.body, &Limits::default()).unwrap()
    }
}

impl Server {
    pub fn new() -> Server {
        Server::with(|_| {})
    }

    pub fn with(edit: impl FnOnce(&mut Settings)) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_test(dir.path());
        edit(&mut settings);
        for (username, roles) in USERS {
            create_user(
                &settings,
                username,
                &format!("{username} 测试"),
                PASSWORD,
                roles,
            )
            .unwrap();
        }
        let state = AppState::open(settings.clone()).unwrap();
        Server {
            app: app(state),
            dir,
            settings,
        }
    }

    pub async fn call(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string());
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            content_type,
            body,
        }
    }

    pub async fn json(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(v) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.call(request.body(body).unwrap()).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.json(Method::GET, path, Some(token), None).await
    }

    pub async fn try_login(
        &self,
        username: &str,
        device: Option<&str>,
        device_id: Option<DeviceId>,
    ) -> Reply {
        let mut body = json!({ "username": username, "password": PASSWORD });
        if let Some(name) = device {
            body["device_name"] = json!(name);
            body["app_version"] = json!("0.1.0-test");
        }
        if let Some(id) = device_id {
            body["device_id"] = json!(id);
        }
        self.json(Method::POST, "/api/v1/auth/login", None, Some(body))
            .await
    }

    /// Logs in; `device` names the field device (a console session when `None`).
    pub async fn login(&self, username: &str, device: Option<&str>) -> Login {
        let reply = self.try_login(username, device, None).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        let json = reply.json();
        Login {
            token: json["token"].as_str().unwrap().to_string(),
            user: json["user_id"].as_str().unwrap().parse().unwrap(),
            device: json["device_id"].as_str().map(|d| d.parse().unwrap()),
        }
    }

    pub async fn sync(&self, path: &str, token: &str, body: impl Into<Body>) -> Reply {
        let request = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, wire::CONTENT_TYPE)
            .body(body.into())
            .unwrap();
        self.call(request).await
    }

    /// Pushes one frame per element of `frames`.
    pub async fn push(&self, login: &Login, since: u64, frames: &[PushFrame]) -> Reply {
        let encoded: Vec<Vec<u8>> = frames.iter().map(|f| encode(f, 3)).collect();
        let body = encode_frames(encoded.iter().map(Vec::as_slice));
        self.sync(
            &format!("{}?since={since}", wire::PUSH_PATH),
            &login.token,
            body,
        )
        .await
    }

    pub async fn push_docs(&self, login: &Login, since: u64, docs: Vec<DocPush>) -> PushResponse {
        self.push(login, since, &[PushFrame { docs }])
            .await
            .message()
    }

    pub async fn pull(&self, login: &Login, request: &PullRequest) -> PullResponse {
        self.sync(wire::PULL_PATH, &login.token, encode(request, 3))
            .await
            .message()
    }

    pub async fn status(&self, login: &Login, request: &StatusRequest) -> StatusResponse {
        self.sync(wire::STATUS_PATH, &login.token, encode(request, 3))
            .await
            .message()
    }

    /// The admin's JSON view of a document.
    pub async fn doc(&self, admin: &Login, id: DocId) -> Reply {
        self.get(&format!("/api/v1/docs/{id}"), &admin.token).await
    }

    pub async fn refusals(&self, admin: &Login) -> Vec<Value> {
        let reply = self.get("/api/v1/refusals", &admin.token).await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json().as_array().unwrap().clone()
    }
}

/// A valid 暴露垃圾 report by `login`'s user and device.
pub fn report(login: &Login) -> Report {
    Report {
        id: DocId::new(),
        kind: Kind::Event,
        class: 1,
        subclass: 2,
        description: "平江路人行道上有暴露垃圾".into(),
        position: Position::new(31.3155, 120.6301, 6.0),
        unit_grid: "320508001002005".parse().unwrap(),
        component_id: None,
        photos: vec![PhotoRef {
            sha256: "cd".repeat(32),
        }],
        reporter: login.user,
        device: login.device.expect("a device login"),
        device_time: cgt_shared::Timestamp(now_ms()),
        self_handled: false,
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The document of `report` and the push of all of it.
pub fn new_doc(report: &Report) -> (AutoCommit, DocPush) {
    let mut doc = new_report_doc(report).unwrap();
    let push = whole(&mut doc, report.id);
    (doc, push)
}

pub fn whole(doc: &mut AutoCommit, id: DocId) -> DocPush {
    DocPush {
        id,
        base: vec![],
        heads: vec![],
        changes: doc.save(),
    }
}

/// The changes of `doc` after `base`, as a push.
pub fn after(doc: &mut AutoCommit, id: DocId, base: &[automerge::ChangeHash]) -> DocPush {
    DocPush {
        id,
        base: wire::to_wire(base),
        heads: wire::to_wire(&doc.get_heads()),
        changes: doc.save_after(base),
    }
}

pub fn timestamp_now() -> Timestamp {
    Timestamp(now_ms())
}
