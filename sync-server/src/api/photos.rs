//! The photo endpoints: start or resume an upload (`POST …/{sha256}/upload`), append a chunk
//! (`PATCH …/{sha256}`), fetch a photo (`GET …/{sha256}`) or its thumbnail (`GET …/thumb`).
//! Uploading needs a device session; viewing, any session of a user who may read a report
//! referencing the photo, or of the centre's roles (who read every case).
//!
//! Errors are JSON like the rest of the API, with what the client needs to go on: the
//! server's `offset` on a 409, the limit (`max_bytes` or `chunk_bytes`) on a 413.

use super::blocking;
use super::cases::in_centre;
use super::extract::{JsonBody, PathParam};
use crate::auth::{DeviceSession, Session};
use crate::error::ApiError;
use crate::photos::{CHUNK_BYTES, PhotoError, PhotoHash, UploadState, Uploader};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub const PATH: &str = "/api/v1/photos/{sha256}";
pub const UPLOAD_PATH: &str = "/api/v1/photos/{sha256}/upload";
pub const THUMB_PATH: &str = "/api/v1/photos/{sha256}/thumb";
/// The content type of a chunk, as in the tus protocol.
pub const CHUNK_CONTENT_TYPE: &str = "application/offset+octet-stream";
pub const UPLOAD_OFFSET: &str = "upload-offset";
/// Photos never change under their name.
const IMMUTABLE: &str = "private, max-age=31536000, immutable";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(UPLOAD_PATH, post(start))
        .route(PATH, get(photo).patch(append))
        .route(THUMB_PATH, get(thumbnail))
}

#[derive(Debug, Deserialize)]
pub struct StartRequest {
    /// Bytes of the photo.
    pub size: u64,
}

/// A failed photo request: an [`ApiError`] plus the fields the client continues from.
#[derive(Debug)]
pub struct PhotoFailure {
    error: ApiError,
    extra: Option<(&'static str, u64)>,
}

impl From<ApiError> for PhotoFailure {
    fn from(error: ApiError) -> PhotoFailure {
        PhotoFailure { error, extra: None }
    }
}

impl From<PhotoError> for PhotoFailure {
    fn from(e: PhotoError) -> PhotoFailure {
        let (status, extra) = match &e {
            PhotoError::BadHash
            | PhotoError::EmptySize
            | PhotoError::BadOffsetHeader
            | PhotoError::EmptyChunk
            | PhotoError::BeyondSize { .. } => (StatusCode::BAD_REQUEST, None),
            PhotoError::NotReferenced => (StatusCode::FORBIDDEN, None),
            PhotoError::NotFound | PhotoError::NoUpload => (StatusCode::NOT_FOUND, None),
            PhotoError::HeldByAnotherDevice => (StatusCode::CONFLICT, None),
            PhotoError::OffsetMismatch { offset } => {
                (StatusCode::CONFLICT, Some(("offset", *offset)))
            }
            PhotoError::TooLarge { limit, .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, Some(("max_bytes", *limit)))
            }
            PhotoError::ChunkTooLarge { limit } => {
                (StatusCode::PAYLOAD_TOO_LARGE, Some(("chunk_bytes", *limit)))
            }
            PhotoError::NotJpeg => (StatusCode::UNSUPPORTED_MEDIA_TYPE, None),
            PhotoError::HashMismatch
            | PhotoError::Undecodable(_)
            | PhotoError::Dimensions(_)
            | PhotoError::HeaderNotInFirstChunk => (StatusCode::UNPROCESSABLE_ENTITY, None),
            PhotoError::Storage(_) | PhotoError::Io(_) => return ApiError::internal(e).into(),
        };
        PhotoFailure {
            error: ApiError::new(status, e.to_string()),
            extra,
        }
    }
}

impl IntoResponse for PhotoFailure {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.error.message });
        if let Some((key, value)) = self.extra {
            body[key] = json!(value);
        }
        (self.error.status, Json(body)).into_response()
    }
}

fn uploader(device: &DeviceSession) -> Uploader {
    Uploader {
        user: device.session.user,
        device: device.device,
    }
}

#[tracing::instrument(skip_all, fields(user = %device.session.username, photo = %hash, size = request.size))]
async fn start(
    State(state): State<AppState>,
    device: DeviceSession,
    PathParam(hash): PathParam<PhotoHash>,
    JsonBody(request): JsonBody<StartRequest>,
) -> Result<Json<UploadState>, PhotoFailure> {
    let who = uploader(&device);
    let answer = blocking(move || {
        Ok(state
            .photos()
            .start(state.storage(), &hash, request.size, who))
    })
    .await??;
    Ok(Json(answer))
}

#[tracing::instrument(skip_all, fields(user = %device.session.username, photo = %hash))]
async fn append(
    State(state): State<AppState>,
    device: DeviceSession,
    PathParam(hash): PathParam<PhotoHash>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<UploadState>, PhotoFailure> {
    let claimed = upload_offset(&headers)?;
    require_chunk_content_type(&headers)?;
    let chunk = read_chunk(&headers, body).await?;
    let who = uploader(&device);
    let answer = blocking(move || {
        Ok(state
            .photos()
            .append(state.storage(), &hash, claimed, &chunk, who))
    })
    .await??;
    Ok(Json(answer))
}

fn upload_offset(headers: &HeaderMap) -> Result<u64, PhotoError> {
    headers
        .get(UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or(PhotoError::BadOffsetHeader)
}

fn require_chunk_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let declared = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim);
    if declared.is_some_and(|t| t.eq_ignore_ascii_case(CHUNK_CONTENT_TYPE)) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("照片数据块的类型必须是 {CHUNK_CONTENT_TYPE} (unexpected Content-Type)"),
        ))
    }
}

/// Reads a chunk of at most [`CHUNK_BYTES`], refusing a larger declared one before reading it.
/// A body cut off part-way is an error here, so nothing of it is appended.
async fn read_chunk(headers: &HeaderMap, body: Body) -> Result<Bytes, PhotoFailure> {
    let too_large = || PhotoError::ChunkTooLarge { limit: CHUNK_BYTES };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > CHUNK_BYTES) {
        return Err(too_large().into());
    }
    let limit = usize::try_from(CHUNK_BYTES).unwrap_or(usize::MAX);
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let over = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if over {
            too_large().into()
        } else {
            ApiError::bad_request(format!("照片数据块读取失败 ({e})")).into()
        }
    })
}

#[tracing::instrument(skip_all, fields(user = %session.username, photo = %hash))]
async fn photo(
    State(state): State<AppState>,
    session: Session,
    PathParam(hash): PathParam<PhotoHash>,
) -> Result<Response, PhotoFailure> {
    let sees_all = in_centre(&session);
    let tag = format!("\"{hash}\"");
    let bytes = blocking(move || {
        Ok(state
            .photos()
            .jpeg(state.storage(), &hash, session.user, sees_all))
    })
    .await??;
    Ok(jpeg_response(bytes, Some(tag)))
}

#[tracing::instrument(skip_all, fields(user = %session.username, photo = %hash))]
async fn thumbnail(
    State(state): State<AppState>,
    session: Session,
    PathParam(hash): PathParam<PhotoHash>,
) -> Result<Response, PhotoFailure> {
    let sees_all = in_centre(&session);
    let bytes = blocking(move || {
        Ok(state
            .photos()
            .thumbnail(state.storage(), &hash, session.user, sees_all))
    })
    .await??;
    Ok(jpeg_response(bytes, None))
}

fn jpeg_response(bytes: Vec<u8>, etag: Option<String>) -> Response {
    let mut response = (
        [(CONTENT_TYPE, "image/jpeg"), (CACHE_CONTROL, IMMUTABLE)],
        bytes,
    )
        .into_response();
    if let Some(tag) = etag.and_then(|t| t.parse().ok()) {
        response.headers_mut().insert(ETAG, tag);
    }
    response
}
