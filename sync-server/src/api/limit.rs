//! Refuses a request whose declared body size is over the limit before reading any of it,
//! with the JSON error every other failure uses (not a plain-text 413).

use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn reject_declared_oversize(
    State(max_body): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(len) if len > max_body as u64 => ApiError::too_large(max_body).into_response(),
        _ => next.run(request).await,
    }
}
