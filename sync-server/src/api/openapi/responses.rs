//! The error answers every handler shares, as reusable OpenAPI response sets, and the schemas
//! of bodies that are not JSON.

use std::collections::BTreeMap;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{Ref, RefOr, Schema};
use utoipa::{IntoResponses, PartialSchema, ToSchema};

/// Raw bytes: sync frames, photo chunks, JPEG answers.
pub struct Binary;

impl PartialSchema for Binary {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type("application/octet-stream")
            .into()
    }
}

impl ToSchema for Binary {}

fn error(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

fn set(entries: &[(u16, &str)]) -> BTreeMap<String, RefOr<Response>> {
    entries
        .iter()
        .map(|(status, description)| (status.to_string(), error(description)))
        .collect()
}

const BAD_REQUEST: (u16, &str) = (400, "请求参数无效 (malformed parameter or body)");
const TOO_LARGE: (u16, &str) = (413, "请求体过大 (body larger than the server accepts)");
const INTERNAL: (u16, &str) = (500, "服务器内部错误 (internal error; details are logged)");
const NO_LOGIN: (u16, &str) = (
    401,
    "未登录或登录已失效 (missing, unknown, expired or revoked token)",
);

/// What any request can meet: a malformed parameter, an oversized body, an internal failure.
pub struct Anyone;

impl IntoResponses for Anyone {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[BAD_REQUEST, TOO_LARGE, INTERNAL])
    }
}

/// [`Anyone`] plus 401 for a route that needs a bearer token.
pub struct LoggedIn;

impl IntoResponses for LoggedIn {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[BAD_REQUEST, NO_LOGIN, TOO_LARGE, INTERNAL])
    }
}

/// 403: the caller lacks the role (checked before the body is read) or the right to the item.
pub struct Forbidden;

impl IntoResponses for Forbidden {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[(403, "无权限 (the caller's roles do not allow this)")])
    }
}

/// 404: the item named in the path does not exist (or is not visible to the caller).
pub struct NotFound;

impl IntoResponses for NotFound {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[(404, "不存在 (no such item)")])
    }
}

/// A JSON body: 415 without the JSON content type, 422 when a field has the wrong type or
/// value.
pub struct JsonInput;

impl IntoResponses for JsonInput {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[
            (
                415,
                "请求必须是 JSON (expected Content-Type: application/json)",
            ),
            (422, "请求数据字段无效 (a field is missing or out of range)"),
        ])
    }
}

/// The refusals of a binary sync body: not a device (403), not sync data (415), a damaged
/// message or an unsupported protocol version (422).
pub struct SyncRefusals;

impl IntoResponses for SyncRefusals {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[
            (
                403,
                "不是现场设备, 或设备已停用 (not a field device, or the device is revoked)",
            ),
            (
                415,
                "请求必须是同步数据 (expected Content-Type: application/x-cgt-sync)",
            ),
            (
                422,
                "同步数据无效 (unsupported protocol version or damaged message)",
            ),
        ])
    }
}

/// 429 (too many attempts from this client) and 503 (busy); both carry `Retry-After`.
pub struct RateLimited;

impl IntoResponses for RateLimited {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[
            (429, "尝试过于频繁 (too many attempts; see Retry-After)"),
            (503, "服务器繁忙 (busy; see Retry-After)"),
        ])
    }
}
