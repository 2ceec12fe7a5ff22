//! Photos on the device and their upload, against a scripted stand-in for the server's photo
//! endpoints: chunks from the server's offset, conflicts, refusals, lost answers, no network.

use super::model::{PhotoState, SyncProgress};
use crate::Client;
use crate::error::ClientError;
use crate::http::Http;
use crate::model::SyncReport;
use crate::store::docs;
use crate::testing::{Fixture, T0, garbage_report};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post};
use cgt_shared::{DocId, Position};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A JPEG-looking photo of `len` bytes (the stand-in does not decode it).
fn photo(seed: u8, len: usize) -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect();
    bytes[..2].copy_from_slice(&[0xFF, 0xD8]);
    bytes
}

fn sha(bytes: &[u8]) -> String {
    super::files::sha256_hex(bytes)
}

fn here() -> Position {
    Position::new(31.3158, 120.6190, 8.0)
}

/// A report of the logged-in inspector with `photos` added, a second apart.
fn report_with(f: &Fixture, photos: &[&[u8]]) -> DocId {
    let id = f.client.create_report(garbage_report()).unwrap().id;
    for bytes in photos {
        f.client.add_photo(id, bytes.to_vec(), T0, here()).unwrap();
        f.clock.advance(1_000);
    }
    id
}

/// Marks the report as stored by the server, as a push would have.
fn mark_synced(client: &Client, id: DocId) {
    client
        .inner
        .store
        .write(|tx| {
            let heads = docs::get(tx, id)?.unwrap().heads;
            docs::mark_stored(tx, id, &heads, Some(T0))
        })
        .unwrap();
}

#[derive(Default)]
struct Upload {
    size: u64,
    bytes: Vec<u8>,
}

/// The server's photo endpoints, in memory, with knobs for the failures of the field.
#[derive(Default)]
struct Script {
    uploads: HashMap<String, Upload>,
    stored: HashMap<String, Vec<u8>>,
    max_bytes: u64,
    chunk_bytes: u64,
    /// The chunk answer with this number (1-based, over all chunks) is lost after storing.
    lose_answer_of_chunk: Option<usize>,
    /// Every chunk is answered 409 with the offset it already had: no progress, ever.
    stuck: bool,
    chunks: usize,
    /// Requests, as `METHOD offset`.
    log: Vec<String>,
}

type Shared = Arc<Mutex<Script>>;

struct StandIn {
    url: String,
    script: Shared,
}

impl StandIn {
    async fn start(edit: impl FnOnce(&mut Script)) -> StandIn {
        let mut script = Script {
            max_bytes: 8 << 20,
            chunk_bytes: 64 << 10,
            ..Script::default()
        };
        edit(&mut script);
        let script = Arc::new(Mutex::new(script));
        let app = Router::new()
            .route("/api/v1/photos/{sha}/upload", post(start))
            .route("/api/v1/photos/{sha}", patch(append))
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        StandIn { url, script }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Script) -> T) -> T {
        f(&mut self.script.lock().unwrap())
    }

    fn stored(&self, sha: &str) -> Option<Vec<u8>> {
        self.with(|s| s.stored.get(sha).cloned())
    }

    fn log(&self) -> Vec<String> {
        self.with(|s| std::mem::take(&mut s.log))
    }
}

fn answer(s: &Script, sha: &str) -> Value {
    let (offset, size, complete) = match (s.stored.get(sha), s.uploads.get(sha)) {
        (Some(bytes), _) => (bytes.len() as u64, bytes.len() as u64, true),
        (None, Some(u)) => (u.bytes.len() as u64, u.size, false),
        (None, None) => (0, 0, false),
    };
    json!({ "offset": offset, "size": size, "max_bytes": s.max_bytes,
            "chunk_bytes": s.chunk_bytes, "complete": complete })
}

async fn start(State(script): State<Shared>, Path(sha): Path<String>, body: Bytes) -> Response {
    let mut s = script.lock().unwrap();
    let size = serde_json::from_slice::<Value>(&body).unwrap()["size"]
        .as_u64()
        .unwrap();
    s.log.push("start".into());
    if !s.stored.contains_key(&sha) {
        if size > s.max_bytes {
            let body = json!({ "error": "照片过大", "max_bytes": s.max_bytes });
            return (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response();
        }
        s.uploads.entry(sha.clone()).or_insert(Upload {
            size,
            bytes: Vec::new(),
        });
    }
    axum::Json(answer(&s, &sha)).into_response()
}

async fn append(
    State(script): State<Shared>,
    Path(sha): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut s = script.lock().unwrap();
    let claimed: u64 = headers["upload-offset"].to_str().unwrap().parse().unwrap();
    s.log.push(format!("chunk {claimed}"));
    s.chunks += 1;
    let lose = s.lose_answer_of_chunk == Some(s.chunks);
    let stuck = s.stuck;
    let upload = s.uploads.get_mut(&sha).unwrap();
    if stuck || claimed != upload.bytes.len() as u64 {
        let body = json!({ "error": "上传位置不一致", "offset": upload.bytes.len() });
        return (StatusCode::CONFLICT, axum::Json(body)).into_response();
    }
    upload.bytes.extend_from_slice(&body);
    if upload.bytes.len() as u64 == upload.size {
        let done = s.uploads.remove(&sha).unwrap();
        s.stored.insert(sha.clone(), done.bytes);
    }
    if lose {
        // Headers go out, then the connection dies: the device never reads the answer.
        let broken = futures::stream::once(async {
            Err::<Bytes, _>(std::io::Error::other("connection reset"))
        });
        return Response::new(Body::from_stream(broken));
    }
    axum::Json(answer(&s, &sha)).into_response()
}

/// Runs the photo phase of a sync against `url`.
async fn upload(client: &Client, url: &str) -> SyncReport {
    let mut http = Http::new(&client.inner.http, url, Some("token"));
    let mut report = SyncReport::default();
    client.upload_photos(&mut http, &mut report).await.unwrap();
    report
}

#[test]
fn a_photo_is_stored_queued_and_referenced_before_add_returns() {
    let f = Fixture::new();
    f.login();
    let id = f.client.create_report(garbage_report()).unwrap().id;
    let bytes = photo(1, 300_000);
    let added = f.client.add_photo(id, bytes.clone(), T0, here()).unwrap();
    assert_eq!(added.sha256, sha(&bytes));
    let again = f.client.add_photo(id, bytes.clone(), T0, here()).unwrap();
    assert_eq!(again, added);

    let reopened = f.reopen();
    let report = reopened.report(id).unwrap().unwrap().report;
    assert_eq!(report.photos.last(), Some(&added));
    assert_eq!(
        report.photos.len(),
        2,
        "the fixture's photo and this one, once"
    );
    assert_eq!(reopened.photo(&added.sha256).unwrap(), Some(bytes));
    assert_eq!(reopened.photo(&"0".repeat(64)).unwrap(), None);
    let pending = reopened.pending_photos().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].report_id, pending[0].size, pending[0].uploaded),
        (id, 300_000, 0)
    );
    assert_eq!(pending[0].state, PhotoState::Pending);
    assert_eq!(pending[0].reason.as_deref(), Some("等待所属上报先上传"));
}

#[test]
fn a_photo_the_report_cannot_take_is_not_queued() {
    let f = Fixture::new();
    f.login();
    let bytes = photo(2, 1000);
    assert!(matches!(
        f.client.add_photo(DocId::new(), bytes.clone(), T0, here()),
        Err(ClientError::NotFound)
    ));
    let id = f.client.create_report(garbage_report()).unwrap().id;
    assert!(matches!(
        f.client.add_photo(id, b"GIF89a".to_vec(), T0, here()),
        Err(ClientError::InvalidPhoto(_))
    ));
    assert!(matches!(
        f.client
            .add_photo(id, bytes.clone(), T0, Position::new(0.0, 0.0, 5.0)),
        Err(ClientError::Position(_))
    ));
    f.client.withdraw_report(id, "重复上报").unwrap();
    let before = f.client.doc_bytes(id).unwrap();
    assert!(matches!(
        f.client.add_photo(id, bytes, T0, here()),
        Err(ClientError::WithdrawPending)
    ));
    assert_eq!(f.client.doc_bytes(id).unwrap(), before);
    assert!(f.client.pending_photos().unwrap().is_empty());
}

#[tokio::test]
async fn photos_go_up_in_the_servers_chunks_and_leave_the_queue_when_confirmed() {
    let server = StandIn::start(|_| {}).await;
    let f = Fixture::new();
    f.login();
    let (first, second) = (photo(3, 200_000), photo(4, 150_000));
    let id = report_with(&f, &[&first, &second]);
    let progress = f.client.sync_progress();

    let waiting = upload(&f.client, &server.url).await;
    assert_eq!(
        waiting.photos_uploaded, 0,
        "the report has not reached the server"
    );
    assert_eq!(waiting.photos_waiting, 2);
    assert!(server.log().is_empty());

    mark_synced(&f.client, id);
    let sync = upload(&f.client, &server.url).await;
    assert_eq!(sync.photos_uploaded, 2);
    assert_eq!(sync.photos_waiting, 0);
    assert_eq!(sync.photo_bytes_sent, 350_000);
    assert_eq!(server.stored(&sha(&first)), Some(first.clone()));
    assert_eq!(server.stored(&sha(&second)), Some(second));
    assert_eq!(
        server.log(),
        [
            "start",
            "chunk 0",
            "chunk 65536",
            "chunk 131072",
            "chunk 196608"
        ]
        .into_iter()
        .chain(["start", "chunk 0", "chunk 65536", "chunk 131072"])
        .collect::<Vec<_>>()
    );
    assert!(f.client.pending_photos().unwrap().is_empty());
    assert_eq!(
        *progress.borrow(),
        SyncProgress {
            photos_total: 2,
            photos_done: 2,
            bytes_total: 350_000,
            bytes_done: 350_000,
        }
    );
    assert_eq!(
        f.client.photo(&sha(&first)).unwrap(),
        Some(first),
        "kept for display"
    );

    let nothing = upload(&f.client, &server.url).await;
    assert_eq!((nothing.round_trips, nothing.photos_uploaded), (0, 0));
}

#[tokio::test]
async fn a_photo_whose_last_answer_was_lost_stays_queued_until_the_server_confirms() {
    let server = StandIn::start(|s| s.lose_answer_of_chunk = Some(4)).await;
    let f = Fixture::new();
    f.login();
    let bytes = photo(5, 200_000);
    let id = report_with(&f, &[&bytes]);
    mark_synced(&f.client, id);

    let cut = upload(&f.client, &server.url).await;
    assert_eq!(cut.photos_uploaded, 0);
    assert_eq!(
        server.stored(&sha(&bytes)),
        Some(bytes.clone()),
        "the server has it"
    );
    let pending = f.client.pending_photos().unwrap();
    assert_eq!(pending.len(), 1, "but never said so");
    assert_eq!(pending[0].uploaded, 196_608);
    assert_eq!(
        pending[0].reason.as_deref(),
        Some("网络中断,下次同步从 0.2 MB 处继续上传")
    );

    let reopened = f.reopen();
    let next = upload(&reopened, &server.url).await;
    assert_eq!(next.photos_uploaded, 1);
    assert_eq!(next.photo_bytes_sent, 0, "nothing is sent again");
    assert_eq!(
        server.log(),
        [
            "start",
            "chunk 0",
            "chunk 65536",
            "chunk 131072",
            "chunk 196608",
            "start"
        ]
    );
    assert!(reopened.pending_photos().unwrap().is_empty());
}

#[tokio::test]
async fn a_conflict_continues_from_the_servers_offset() {
    let server = StandIn::start(|_| {}).await;
    let f = Fixture::new();
    f.login();
    let bytes = photo(6, 200_000);
    let name = sha(&bytes);
    let id = report_with(&f, &[&bytes]);
    mark_synced(&f.client, id);
    // An earlier chunk arrived although its answer did not, and the device believes otherwise.
    f.client
        .inner
        .store
        .write(|tx| super::queue::set_offset(tx, &name, 131_072))
        .unwrap();
    server.with(|s| {
        s.uploads.insert(
            name.clone(),
            Upload {
                size: 200_000,
                bytes: bytes[..65_536].to_vec(),
            },
        )
    });

    let sync = upload(&f.client, &server.url).await;
    assert_eq!(sync.photos_uploaded, 1);
    assert_eq!(server.stored(&name), Some(bytes));
    assert_eq!(
        server.log(),
        ["start", "chunk 65536", "chunk 131072", "chunk 196608"],
        "the start answer's offset wins over the device's record"
    );
}

#[tokio::test]
async fn a_refused_photo_says_why_and_does_not_hold_up_the_others() {
    let server = StandIn::start(|s| s.max_bytes = 180_000).await;
    let f = Fixture::new();
    f.login();
    let (large, small) = (photo(7, 200_000), photo(8, 100_000));
    let id = report_with(&f, &[&large, &small]);
    mark_synced(&f.client, id);

    let sync = upload(&f.client, &server.url).await;
    assert_eq!((sync.photos_uploaded, sync.photos_waiting), (1, 1));
    assert_eq!(server.stored(&sha(&small)), Some(small));
    let pending = f.client.pending_photos().unwrap();
    assert_eq!(pending[0].sha256, sha(&large));
    assert_eq!(pending[0].state, PhotoState::Failed);
    assert_eq!(
        pending[0].reason.as_deref(),
        Some("照片超过服务器上限 0.2 MB")
    );

    // The limit was raised: the next sync sends it.
    server.with(|s| s.max_bytes = 8 << 20);
    assert_eq!(upload(&f.client, &server.url).await.photos_uploaded, 1);
    assert!(f.client.pending_photos().unwrap().is_empty());
}

#[tokio::test]
async fn without_network_the_photos_wait_and_say_why() {
    let f = Fixture::new();
    f.login();
    let (first, second) = (photo(9, 1000), photo(10, 1000));
    let id = report_with(&f, &[&first, &second]);
    mark_synced(&f.client, id);

    let sync = upload(&f.client, "http://127.0.0.1:1").await;
    assert_eq!((sync.photos_uploaded, sync.photos_waiting), (0, 2));
    let pending = f.client.pending_photos().unwrap();
    assert_eq!(
        pending[0].reason.as_deref(),
        Some("网络中断,下次同步时上传")
    );
    assert_eq!(pending[1].reason, None, "not tried: the network was gone");
    assert!(pending.iter().all(|p| p.state == PhotoState::Pending));
}

#[tokio::test]
async fn a_damaged_photo_file_is_reported_not_sent() {
    let server = StandIn::start(|_| {}).await;
    let f = Fixture::new();
    f.login();
    let bytes = photo(11, 1000);
    let id = report_with(&f, &[&bytes]);
    mark_synced(&f.client, id);
    let folder = f.client.inner.store.path().with_file_name("photos");
    let path = folder.join(format!("{}.jpg", sha(&bytes)));
    std::fs::write(&path, b"\xFF\xD8 overwritten").unwrap();

    let sync = upload(&f.client, &server.url).await;
    assert_eq!(sync.photos_uploaded, 0);
    assert!(server.log().is_empty());
    let pending = f.client.pending_photos().unwrap();
    assert_eq!(pending[0].state, PhotoState::Failed);
    assert!(
        pending[0]
            .reason
            .as_deref()
            .unwrap()
            .starts_with("本机照片文件已损坏")
    );
}

#[tokio::test]
async fn a_server_that_takes_no_bytes_is_not_fed_forever() {
    let server = StandIn::start(|s| s.stuck = true).await;
    let f = Fixture::new();
    f.login();
    let bytes = photo(12, 100_000);
    let id = report_with(&f, &[&bytes]);
    mark_synced(&f.client, id);

    let sync = upload(&f.client, &server.url).await;
    assert_eq!(sync.photos_uploaded, 0);
    assert_eq!(server.log().len(), 1 + 3, "a start and three chunks");
    let pending = f.client.pending_photos().unwrap();
    assert_eq!(pending[0].state, PhotoState::Pending);
    assert!(
        pending[0]
            .reason
            .as_deref()
            .unwrap()
            .starts_with("服务器没有接收数据")
    );
}
