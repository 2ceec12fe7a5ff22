//! Request extractors whose rejections are JSON errors: JSON bodies, query and path
//! parameters, the content type of binary sync bodies, and the pending counts a device reports.

use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use cgt_shared::wire::{self, PENDING_HEADER, PendingCounts};

/// A JSON request body; malformed or oversized bodies answer 400/413/415/422 as JSON.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct JsonBody<T>(pub T);

/// Query parameters; bad ones answer 400 as JSON.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct QueryParams<T>(pub T);

/// Path parameters; unparsable ones (a malformed id) answer 400 as JSON.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct PathParam<T>(pub T);

/// 415 unless the request declares the sync content type.
pub fn require_sync_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let declared = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim);
    if declared.is_some_and(|t| t.eq_ignore_ascii_case(wire::CONTENT_TYPE)) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "请求必须是同步数据 (expected Content-Type: {})",
                wire::CONTENT_TYPE
            ),
        ))
    }
}

/// The counts of the optional `cgt-pending` header; a header that is present but not valid
/// answers 400 naming what is wrong with it.
pub fn pending_counts(headers: &HeaderMap) -> Result<Option<PendingCounts>, ApiError> {
    let Some(value) = headers.get(PENDING_HEADER) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| {
        ApiError::bad_request(format!("{PENDING_HEADER} 不是文本 (header is not ASCII)"))
    })?;
    PendingCounts::parse_header(text)
        .map(Some)
        .map_err(|e| ApiError::bad_request(format!("{PENDING_HEADER}: {e}")))
}
