//! Request extractors whose rejections are JSON errors: JSON bodies, query and path
//! parameters, and the content type of binary sync bodies.

use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use cgt_shared::wire;

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
