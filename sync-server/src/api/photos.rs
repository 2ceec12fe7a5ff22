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
use super::openapi::Binary;
use crate::auth::{DeviceSession, Session};
use crate::error::ApiError;
use crate::photos::{CHUNK_BYTES, PhotoError, PhotoHash, UploadState, Uploader};
use crate::state::AppState;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cgt_shared::wire::photo::{
    CHUNK_CONTENT_TYPE, PATH, PhotoErrorBody, StartRequest, THUMB_PATH, UPLOAD_OFFSET, UPLOAD_PATH,
};
use std::collections::BTreeMap;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{Ref, RefOr};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Photos never change under their name.
const IMMUTABLE: &str = "private, max-age=31536000, immutable";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(photo, append))
        .routes(routes!(thumbnail))
}

/// The answers a photo request can meet besides success.
struct PhotoErrors;

impl utoipa::IntoResponses for PhotoErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        [
            (400, "照片名、大小或偏移无效 (bad name, size or Upload-Offset)"),
            (401, "未登录 (missing or unknown token)"),
            (403, "无权访问该照片, 或不是现场设备 (not a device, or no report of the caller names the photo)"),
            (404, "照片或上传不存在 (no such photo or upload)"),
            (409, "偏移不符 (offset mismatch; `offset` says where to go on) or held by another device"),
            (413, "照片或数据块过大 (`max_bytes` or `chunk_bytes` gives the limit)"),
            (415, "类型不符 (expected JSON, application/offset+octet-stream or a JPEG)"),
            (422, "照片无效 (hash mismatch, not decodable, dimensions over the limit)"),
            (500, "服务器内部错误 (internal error)"),
        ]
        .into_iter()
        .map(|(status, description)| {
            let response = ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("PhotoErrorBody")))
                        .build(),
                )
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
    }
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
        let mut body = PhotoErrorBody {
            error: self.error.message,
            offset: None,
            max_bytes: None,
            chunk_bytes: None,
        };
        match self.extra {
            Some(("offset", n)) => body.offset = Some(n),
            Some(("max_bytes", n)) => body.max_bytes = Some(n),
            Some((_, n)) => body.chunk_bytes = Some(n),
            None => {}
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

/// Starts or resumes the upload of a photo a report of the caller names; the answer says where
/// to go on from (`offset`), or that the photo is already complete.
#[utoipa::path(post, path = UPLOAD_PATH, tag = "photos",
    params(("sha256" = PhotoHash, Path)),
    request_body = StartRequest,
    responses((status = 200, body = UploadState), PhotoErrors))]
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

/// Appends one chunk at `Upload-Offset`; the last chunk makes the server verify the whole photo
/// against its name and store it.
#[utoipa::path(patch, path = PATH, tag = "photos",
    params(("sha256" = PhotoHash, Path),
        ("upload-offset" = u64, Header, description = "where this chunk starts")),
    request_body(content = Binary, content_type = "application/offset+octet-stream"),
    responses((status = 200, body = UploadState), PhotoErrors))]
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

/// The photo itself (immutable under its name).
#[utoipa::path(get, path = PATH, tag = "photos",
    params(("sha256" = PhotoHash, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Binary), PhotoErrors))]
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

/// A thumbnail of the photo (the pipeline's thumbnail size on the long edge).
#[utoipa::path(get, path = THUMB_PATH, tag = "photos",
    params(("sha256" = PhotoHash, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Binary), PhotoErrors))]
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
