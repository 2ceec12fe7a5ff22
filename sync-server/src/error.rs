//! The error every handler returns: an HTTP status and a JSON body `{"error": "…"}` whose
//! message is Chinese first with an English detail. Internal failures are logged in full and
//! answered with a generic message, so nothing internal leaks to clients.

use crate::storage::StorageError;
use axum::Json;
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cgt_shared::wire::WireError;
use serde::Serialize;
use std::fmt;
use utoipa::ToSchema;

/// The body of every error: a Chinese message with an English detail in parentheses.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    #[schema(example = "请先登录 (missing bearer token)")]
    pub error: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// Seconds, sent as `Retry-After` (throttled or busy answers).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 429, or 503 when `busy`: come back after `wait` (rounded up to whole seconds).
    pub fn throttled(wait: std::time::Duration, busy: bool) -> ApiError {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let seconds = seconds.max(1);
        let (status, message) = if busy {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("服务器繁忙, 请 {seconds} 秒后重试 (busy, retry later)"),
            )
        } else {
            (
                StatusCode::TOO_MANY_REQUESTS,
                format!("尝试过于频繁, 请 {seconds} 秒后重试 (too many attempts)"),
            )
        };
        ApiError {
            status,
            message,
            retry_after: Some(seconds),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("请求体过大,上限 {limit} 字节 (request body exceeds {limit} bytes)"),
        )
    }

    /// Logs `error` and answers 500 without details.
    pub fn internal(error: impl fmt::Display) -> ApiError {
        tracing::error!(%error, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "服务器内部错误,请稍后重试 (internal server error)",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(ErrorBody {
                error: self.message,
            }),
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> ApiError {
        match e {
            StorageError::UsernameTaken(_) => ApiError::new(StatusCode::CONFLICT, e.to_string()),
            StorageError::UnstorableText(_) => ApiError::bad_request(e.to_string()),
            StorageError::UnknownDepartment(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<WireError> for ApiError {
    fn from(e: WireError) -> ApiError {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
        ApiError::new(status, format!("同步数据无效: {e}"))
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let detail = rejection.body_text();
        let message = match &rejection {
            JsonRejection::JsonDataError(_) => format!("请求数据字段无效 ({detail})"),
            JsonRejection::JsonSyntaxError(_) => format!("请求不是有效的 JSON ({detail})"),
            JsonRejection::MissingJsonContentType(_) => {
                "请求必须是 JSON (expected Content-Type: application/json)".to_string()
            }
            JsonRejection::BytesRejection(bytes) => return bytes_rejection(bytes),
            _ => format!("请求无效 ({detail})"),
        };
        ApiError::new(rejection.status(), message)
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> ApiError {
        bytes_rejection(&rejection)
    }
}

fn bytes_rejection(rejection: &BytesRejection) -> ApiError {
    let status = rejection.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(status, format!("请求体过大 ({})", rejection.body_text()))
    } else {
        ApiError::new(
            status,
            format!("请求体读取失败 ({})", rejection.body_text()),
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::bad_request(format!("查询参数无效 ({})", rejection.body_text()))
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::bad_request(format!("路径参数无效 ({})", rejection.body_text()))
    }
}
