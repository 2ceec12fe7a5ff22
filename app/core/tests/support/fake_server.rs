//! An in-memory stand-in for the sync server, speaking the protocol of `cgt_shared::wire`
//! with knobs for the failures a field device meets: refusals, lost answers, lost data,
//! revoked devices, 5xx trouble. It checks no rights beyond the token.

use automerge::{ActorId, AutoCommit, ChangeHash};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use cgt_shared::caseflow::command::{Issuer, answer_command};
use cgt_shared::caseflow::{Actor, CaseFacts};
use cgt_shared::doc::commands::pending_commands;
use cgt_shared::doc::report_part::read_report;
use cgt_shared::doc::workflow::{append_event, read_events};
use cgt_shared::wire::{
    self, DocOutcome, DocPush, DocUpdate, FeedEntry, FrameReader, Limits, Message, PullRequest,
    PullResponse, PushFrame, PushResponse, StatusRequest, StatusResponse, from_wire, to_wire,
};
use cgt_shared::{DeviceId, DocId, Report, Role, Timestamp, UserId};
use serde::Deserialize;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

pub const USERNAME: &str = "zhangsan";
pub const PASSWORD: &str = "mima-123";
/// A report whose description contains this is refused.
pub const REFUSE_MARKER: &str = "测试拒收";
pub const SERVER_TIME: Timestamp = Timestamp(1_790_000_100_000);

pub struct FakeServer {
    pub url: String,
    pub user_id: UserId,
    state: Arc<Mutex<ServerState>>,
}

#[derive(Default)]
struct ServerState {
    user_id: Option<UserId>,
    /// token → device
    tokens: HashMap<String, DeviceId>,
    docs: HashMap<DocId, StoredDoc>,
    seq: u64,
    /// Paths of every request, in order.
    requests: Vec<String>,
    /// Every document pushed, as received.
    pushed: Vec<DocPush>,
    /// Device ids sent with login requests.
    login_device_ids: Vec<Option<DeviceId>>,
    /// Statuses to answer the next requests with, doing nothing.
    fail_next: VecDeque<u16>,
    lose_next_push_answer: bool,
    /// Most documents in one pull answer, as a size budget would cut it.
    pull_answer_docs: Option<usize>,
}

struct StoredDoc {
    doc: AutoCommit,
    seq: u64,
    received_at: Timestamp,
}

type Shared = Arc<Mutex<ServerState>>;

impl FakeServer {
    pub async fn start() -> FakeServer {
        let user_id = UserId::new();
        let state = Arc::new(Mutex::new(ServerState {
            user_id: Some(user_id),
            ..ServerState::default()
        }));
        let app = Router::new()
            .route(cgt_client::LOGIN_PATH, post(login))
            .route(wire::PUSH_PATH, post(push))
            .route(wire::PULL_PATH, post(pull))
            .route(wire::STATUS_PATH, post(status))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeServer {
            url,
            user_id,
            state,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut ServerState) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    pub fn report(&self, id: DocId) -> Option<Report> {
        self.with(|s| s.docs.get(&id).map(|d| read_report(&d.doc, id).unwrap()))
    }

    pub fn doc_count(&self) -> usize {
        self.with(|s| s.docs.len())
    }

    pub fn requests(&self) -> Vec<String> {
        self.with(|s| std::mem::take(&mut s.requests))
    }

    pub fn pushed(&self) -> Vec<DocPush> {
        self.with(|s| std::mem::take(&mut s.pushed))
    }

    pub fn login_device_ids(&self) -> Vec<Option<DeviceId>> {
        self.with(|s| s.login_device_ids.clone())
    }

    pub fn fail_next(&self, statuses: &[u16]) {
        self.with(|s| s.fail_next.extend(statuses));
    }

    /// The next push is stored, but its answer never reaches the device.
    pub fn lose_next_push_answer(&self) {
        self.with(|s| s.lose_next_push_answer = true);
    }

    pub fn limit_pull_answers(&self, docs: usize) {
        self.with(|s| s.pull_answer_docs = Some(docs));
    }

    /// Forgets a document, as a server restored from an older backup would.
    pub fn forget(&self, id: DocId) {
        self.with(|s| s.docs.remove(&id));
    }

    pub fn revoke_all_devices(&self) {
        self.with(|s| s.tokens.clear());
    }

    /// Answers every pending command of the document, as the workflow would.
    pub fn answer_commands(&self, id: DocId) {
        self.with(|s| {
            s.seq += 1;
            let seq = s.seq;
            let user = s.user_id.unwrap();
            let stored = s.docs.get_mut(&id).unwrap();
            let history = read_events(&stored.doc).unwrap();
            let issuer = Issuer {
                actor: Actor {
                    user,
                    role: Role::Inspector,
                    department: None,
                },
                facts: CaseFacts {
                    reporter: user,
                    self_handled: false,
                },
            };
            for (_, command) in pending_commands(&stored.doc).unwrap() {
                for event in answer_command(&history, issuer, &command, SERVER_TIME) {
                    append_event(&mut stored.doc, &event).unwrap();
                }
            }
            stored.doc.commit();
            stored.seq = seq;
        });
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, format!(r#"{{"error":"{message}"}}"#)).into_response()
}

fn message<M: Message>(m: &M) -> Response {
    wire::encode(m, 3).into_response()
}

/// Records the request; the answer instead of running it, for an injected failure or a bad
/// token.
fn turn_away(s: &mut ServerState, path: &str, headers: &HeaderMap) -> Option<Response> {
    s.requests.push(path.to_string());
    if let Some(status) = s.fail_next.pop_front() {
        return Some(error(StatusCode::from_u16(status).unwrap(), "注入的故障"));
    }
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match token {
        Some(token) if s.tokens.contains_key(token) => None,
        _ => Some(error(StatusCode::UNAUTHORIZED, "设备已停用")),
    }
}

#[derive(Deserialize)]
struct LoginBody {
    username: String,
    password: String,
    device_name: String,
    app_version: String,
    device_id: Option<DeviceId>,
}

async fn login(State(state): State<Shared>, body: Bytes) -> Response {
    let request: LoginBody = serde_json::from_slice(&body).unwrap();
    assert!(!request.device_name.is_empty() && !request.app_version.is_empty());
    let mut s = state.lock().unwrap();
    s.requests.push(cgt_client::LOGIN_PATH.to_string());
    s.login_device_ids.push(request.device_id);
    if request.username != USERNAME || request.password != PASSWORD {
        return error(StatusCode::UNAUTHORIZED, "用户名或密码错误");
    }
    let device = request.device_id.unwrap_or_default();
    let token = format!("token-{}", DocId::new());
    s.tokens.insert(token.clone(), device);
    let body = serde_json::json!({
        "token": token,
        "user_id": s.user_id.unwrap(),
        "username": USERNAME,
        "display_name": "张三",
        "roles": ["inspector"],
        "device_id": device,
    });
    (StatusCode::OK, body.to_string()).into_response()
}

#[derive(Deserialize)]
struct Since {
    since: u64,
}

async fn push(
    State(state): State<Shared>,
    Query(since): Query<Since>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut s = state.lock().unwrap();
    if let Some(response) = turn_away(&mut s, wire::PUSH_PATH, &headers) {
        return response;
    }
    let mut reader = FrameReader::new(Limits::default().max_message);
    reader.feed(&body);
    let mut outcomes = Vec::new();
    while let Some(frame) = reader.next_frame().unwrap() {
        let frame: PushFrame = wire::decode(&frame, &Limits::default()).unwrap();
        for doc in frame.docs {
            outcomes.push(s.store(&doc));
            s.pushed.push(doc);
        }
    }
    reader.finish().unwrap();
    if std::mem::take(&mut s.lose_next_push_answer) {
        return error(StatusCode::BAD_GATEWAY, "连接中断");
    }
    let feed = s
        .docs
        .iter_mut()
        .filter(|(_, d)| d.seq > since.since)
        .map(|(id, d)| FeedEntry {
            id: *id,
            heads: to_wire(&d.doc.get_heads()),
        })
        .collect();
    message(&PushResponse {
        server_time: SERVER_TIME,
        outcomes,
        feed,
        cursor: s.seq,
    })
}

impl ServerState {
    fn store(&mut self, push: &DocPush) -> DocOutcome {
        let mut doc = match self.docs.get_mut(&push.id) {
            Some(stored) => {
                let base = from_wire(&push.base);
                if !base
                    .iter()
                    .all(|h| stored.doc.get_change_by_hash(h).is_some())
                {
                    return DocOutcome::MissingDeps;
                }
                stored.doc.fork()
            }
            None if push.base.is_empty() => AutoCommit::new(),
            None => return DocOutcome::MissingDeps,
        };
        doc.load_incremental(&push.changes).unwrap();
        let report = read_report(&doc, push.id).unwrap();
        if report.description.contains(REFUSE_MARKER) {
            return DocOutcome::Refused {
                status: 422,
                reason: "上报内容无效: 测试拒收".into(),
            };
        }
        self.seq += 1;
        let received_at = self
            .docs
            .get(&push.id)
            .map_or(SERVER_TIME, |d| d.received_at);
        let doc = doc.with_actor(ActorId::from(vec![0xFF; 16]));
        self.docs.insert(
            push.id,
            StoredDoc {
                doc,
                seq: self.seq,
                received_at,
            },
        );
        DocOutcome::Stored
    }
}

async fn pull(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut s = state.lock().unwrap();
    if let Some(response) = turn_away(&mut s, wire::PULL_PATH, &headers) {
        return response;
    }
    let request: PullRequest = wire::decode(&body, &Limits::default()).unwrap();
    let most = s.pull_answer_docs.unwrap_or(usize::MAX);
    let docs = request
        .wants
        .iter()
        .take(most)
        .filter_map(|want| {
            let stored = s.docs.get_mut(&want.id)?;
            Some(DocUpdate {
                id: want.id,
                changes: if want.have.is_empty() {
                    stored.doc.save()
                } else {
                    stored.doc.save_after(&from_wire(&want.have))
                },
                heads: to_wire(&stored.doc.get_heads()),
                received_at: stored.received_at,
            })
        })
        .collect();
    message(&PullResponse { docs })
}

async fn status(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut s = state.lock().unwrap();
    if let Some(response) = turn_away(&mut s, wire::STATUS_PATH, &headers) {
        return response;
    }
    let request: StatusRequest = wire::decode(&body, &Limits::default()).unwrap();
    let stored = request
        .docs
        .iter()
        .map(|entry| {
            s.docs.get_mut(&entry.id).is_some_and(|d| {
                entry
                    .heads
                    .iter()
                    .all(|h| d.doc.get_change_by_hash(&ChangeHash(*h)).is_some())
            })
        })
        .collect();
    message(&StatusResponse { stored })
}
