//! Refuses a request whose declared body size is over the limit before processing any of it,
//! with the JSON error every other failure uses (not a plain-text 413).
//!
//! The body is still read and discarded up to [`DRAIN_CAP`]: a server that answers while the
//! client is still sending makes most clients see a broken connection instead of the 413.
//! Beyond the cap the answer goes out at once (such a client is not ours).

use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

/// Most bytes read and discarded to deliver a 413.
const DRAIN_CAP: u64 = 64 << 20;

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
        Some(len) if len > max_body as u64 => {
            if len <= DRAIN_CAP {
                let mut body = request.into_body().into_data_stream();
                while let Some(Ok(_)) = body.next().await {}
            }
            ApiError::too_large(max_body).into_response()
        }
        _ => next.run(request).await,
    }
}
