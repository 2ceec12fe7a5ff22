//! The sync endpoints: push (streamed frames, each committed as soon as it is whole), pull and
//! status. Bodies are binary wire messages; CPU and database work runs on the blocking pool.

use super::blocking;
use super::extract::{QueryParams, pending_counts, require_sync_content_type};
use super::openapi::{Binary, LoggedIn, SyncRefusals};
use crate::auth::DeviceSession;
use crate::clock;
use crate::error::ApiError;
use crate::state::AppState;
use crate::sync::LOAD_BATCH;
use crate::sync::feed::feed_entries;
use crate::sync::merge::PushBudget;
use crate::sync::push::{FrameError, process_frame};
use crate::sync::serve::{doc_update, knows_all};
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use cgt_shared::DocId;
use cgt_shared::wire::{
    self, FrameReader, Limits, Message, PullRequest, PullResponse, PushResponse, StatusRequest,
    StatusResponse, WireError, decode, encode,
};
use cgt_shared::wire::{PULL_PATH, PUSH_PATH, STATUS_PATH};
use futures::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;

const ZSTD_LEVEL: i32 = 3;
/// Raw change bytes one pull answer carries at most (at least one document is always sent):
/// keeps the answer under the decoder's default message limit. The device pulls the rest next.
const PULL_BUDGET: usize = 6 << 20;

fn wire_limits(max_body: usize) -> Limits {
    let default = Limits::default();
    Limits {
        max_message: default.max_message.min(max_body),
        ..default
    }
}

fn sync_response<M: Message>(message: &M) -> Response {
    (
        [(CONTENT_TYPE, wire::CONTENT_TYPE)],
        encode(message, ZSTD_LEVEL),
    )
        .into_response()
}

impl From<FrameError> for ApiError {
    fn from(e: FrameError) -> ApiError {
        match e {
            FrameError::Wire(e) => e.into(),
            FrameError::Storage(e) => e.into(),
        }
    }
}

/// A push body opens with a frame length (4 bytes) and the message magic (3 bytes).
const OPENING: usize = 7;

/// Refuses a body that is not frames of sync messages as soon as its first bytes arrive, rather
/// than reading whatever it starts with as a (huge) frame length.
fn check_opening(opening: &[u8]) -> Result<(), ApiError> {
    match opening.get(4..OPENING) {
        Some(magic) if magic != b"CGT" => Err(WireError::BadMagic.into()),
        _ => Ok(()),
    }
}

/// Lets a sync request through once its session, parameters and content type are good. A
/// refused request's body is still read (up to the limit) and discarded before the answer goes
/// out: a server that stops reading mid-upload makes the client see a reset, not the 401/415.
async fn admit<T>(
    checks: Result<T, ApiError>,
    headers: &HeaderMap,
    body: Body,
    max_body: usize,
) -> Result<(T, Body), ApiError> {
    match checks.and_then(|t| require_sync_content_type(headers).map(|()| t)) {
        Ok(t) => Ok((t, body)),
        Err(error) => {
            drain(&mut body.into_data_stream(), max_body).await;
            Err(error)
        }
    }
}

/// An admitted request's whole body, within the limit (pull and status are small).
async fn whole_body(
    caller: Result<DeviceSession, ApiError>,
    headers: &HeaderMap,
    body: Body,
    max_body: usize,
) -> Result<(DeviceSession, axum::body::Bytes), ApiError> {
    let (caller, body) = admit(caller, headers, body, max_body).await?;
    record_caller(&caller);
    let bytes = axum::body::to_bytes(body, max_body)
        .await
        .map_err(|_| ApiError::too_large(max_body))?;
    Ok((caller, bytes))
}

/// Names the caller in the request's log span.
fn record_caller(caller: &DeviceSession) {
    let span = tracing::Span::current();
    span.record("user", caller.session.username.as_str());
    span.record("device", tracing::field::display(caller.device));
}

/// Discards up to `budget` more bytes of a body whose request already failed.
async fn drain(stream: &mut axum::body::BodyDataStream, budget: usize) {
    let mut left = budget;
    while let Some(Ok(chunk)) = stream.next().await {
        if chunk.len() >= left {
            return;
        }
        left -= chunk.len();
    }
}

#[derive(Clone, Copy, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PushQuery {
    /// The feed cursor the device holds (0 for none): the answer lists what changed after it.
    #[serde(default)]
    pub since: u64,
}

/// Pushes changes: a stream of length-prefixed `PushRequest` frames (postcard, optionally
/// zstd), each committed as soon as it is whole; the answer (`PushResponse`) acknowledges each
/// document, lists refusals and the feed of changes after `since`.
#[utoipa::path(post, path = PUSH_PATH, tag = "sync", params(PushQuery,
        ("cgt-pending" = Option<String>, Header, description = "what the device holds to send: `reports=N,photos=N,oldest=MS`")),
    request_body(content = Binary, content_type = "application/x-cgt-sync"),
    responses((status = 200, content_type = "application/x-cgt-sync", body = Binary),
        SyncRefusals, LoggedIn))]
#[tracing::instrument(skip_all, fields(user, device))]
pub async fn push(
    State(state): State<AppState>,
    caller: Result<DeviceSession, ApiError>,
    query: Result<QueryParams<PushQuery>, ApiError>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let max_body = state.settings().max_body_bytes;
    let checks = caller.and_then(|c| query.map(|QueryParams(q)| (c, q)));
    let checks = checks.and_then(|t| pending_counts(&headers).map(|p| (t, p)));
    let (((caller, query), pending), body) = admit(checks, &headers, body, max_body).await?;
    record_caller(&caller);
    let limits = wire_limits(max_body);
    let mut reader = FrameReader::new(limits.max_message);
    let mut stream = body.into_data_stream();
    let (mut received, mut frames) = (0usize, 0usize);
    let (mut outcomes, mut pushed) = (Vec::new(), Vec::new());
    let mut opening = Vec::with_capacity(OPENING);
    let mut budget = PushBudget::default();
    let receiving = async {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::bad_request(format!("请求体不完整 (body read failed: {e})"))
            })?;
            received += chunk.len();
            if received > max_body {
                return Err(ApiError::too_large(max_body));
            }
            if opening.len() < OPENING {
                let take = (OPENING - opening.len()).min(chunk.len());
                opening.extend_from_slice(&chunk[..take]);
                check_opening(&opening)?;
            }
            reader.feed(&chunk);
            while let Some(frame) = reader.next_frame()? {
                let (state, caller) = (state.clone(), caller.clone());
                let mut left = budget;
                let (result, left) = blocking(move || {
                    let result = process_frame(&state, &caller, &frame, &limits, &mut left)?;
                    Ok((result, left))
                })
                .await?;
                budget = left;
                frames += 1;
                outcomes.extend(result.outcomes);
                pushed.extend(result.pushed);
            }
        }
        reader.finish().map_err(ApiError::from)
    }
    .await;
    if let Err(error) = receiving {
        // Read what the client is still sending so that it gets this answer, not a reset.
        drain(&mut stream, max_body.saturating_sub(received)).await;
        return Err(error);
    }
    tracing::debug!(frames, docs = outcomes.len(), "push stored");
    let storage = state.store();
    let (user, device) = (caller.writer.user, caller.device);
    blocking(move || {
        // A push with frames already recorded the sync with its documents.
        if frames == 0 || pending.is_some() {
            storage.record_sync(device, clock::now(), pending)?;
        }
        let (rows, cursor) = storage.feed(user, query.since)?;
        Ok(sync_response(&PushResponse {
            server_time: clock::now(),
            outcomes,
            feed: feed_entries(rows, &pushed),
            cursor,
        }))
    })
    .await
}

/// Pulls documents: a `PullRequest` naming documents and the heads the device has; the answer
/// (`PullResponse`) carries the changes it lacks, up to a size budget (ask again for the rest).
#[utoipa::path(post, path = PULL_PATH, tag = "sync",
    request_body(content = Binary, content_type = "application/x-cgt-sync"),
    responses((status = 200, content_type = "application/x-cgt-sync", body = Binary),
        SyncRefusals, LoggedIn))]
#[tracing::instrument(skip_all, fields(user, device))]
pub async fn pull(
    State(state): State<AppState>,
    caller: Result<DeviceSession, ApiError>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let max_body = state.settings().max_body_bytes;
    let (caller, body) = whole_body(caller, &headers, body, max_body).await?;
    let limits = wire_limits(max_body);
    let storage = state.store();
    let user = caller.writer.user;
    blocking(move || {
        let request: PullRequest = decode(&body, &limits)?;
        let (mut docs, mut bytes) = (Vec::new(), 0usize);
        'wants: for wants in request.wants.chunks(LOAD_BATCH) {
            let ids: Vec<DocId> = wants.iter().map(|w| w.id).collect();
            let rows = storage.docs(&ids, user)?;
            for want in wants {
                if bytes >= PULL_BUDGET {
                    break 'wants;
                }
                let Some(row) = rows.get(&want.id).filter(|r| r.doc.readable) else {
                    continue;
                };
                match doc_update(want.id, &row.doc, &want.have) {
                    Ok(update) => {
                        bytes += update.changes.len();
                        docs.push(update);
                    }
                    Err(e) => {
                        tracing::error!(doc = %want.id, error = %e, "stored document does not load")
                    }
                }
            }
        }
        Ok(sync_response(&PullResponse { docs }))
    })
    .await
}

/// Asks which documents the server holds in full: a `StatusRequest` of ids and heads; the
/// answer (`StatusResponse`) says, for each, whether the server knows all those heads.
#[utoipa::path(post, path = STATUS_PATH, tag = "sync",
    request_body(content = Binary, content_type = "application/x-cgt-sync"),
    responses((status = 200, content_type = "application/x-cgt-sync", body = Binary),
        SyncRefusals, LoggedIn))]
#[tracing::instrument(skip_all, fields(user, device))]
pub async fn status(
    State(state): State<AppState>,
    caller: Result<DeviceSession, ApiError>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let max_body = state.settings().max_body_bytes;
    let (caller, body) = whole_body(caller, &headers, body, max_body).await?;
    let limits = wire_limits(max_body);
    let storage = state.store();
    let user = caller.writer.user;
    blocking(move || {
        let request: StatusRequest = decode(&body, &limits)?;
        let mut stored = Vec::with_capacity(request.docs.len());
        for entries in request.docs.chunks(LOAD_BATCH) {
            let ids: Vec<DocId> = entries.iter().map(|e| e.id).collect();
            let rows = storage.docs(&ids, user)?;
            for entry in entries {
                let row = rows.get(&entry.id).filter(|r| r.doc.readable);
                stored.push(row.is_some_and(|r| knows_all(&r.doc, &entry.heads).unwrap_or(false)));
            }
        }
        Ok(sync_response(&StatusResponse { stored }))
    })
    .await
}
