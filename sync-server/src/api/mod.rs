//! The HTTP API: the router and one module of handlers per area.

mod admin;
mod auth;
mod case_photos;
mod case_view;
mod cases;
mod conflicts;
mod console;
mod docs;
mod evaluation;
mod export;
mod extract;
mod headers;
mod import;
mod intake;
mod key_gate;
mod limit;
mod map_points;
mod open311;
mod open311_form;
pub(crate) mod open311_xml;
pub mod openapi;
mod photos;
mod reference;
mod reference_admin;
mod sync;
mod tracks;
mod users;
mod vehicles;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::any::Any;
use std::sync::LazyLock;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[cfg(feature = "fuzzing")]
pub(crate) use open311::form as open311_request_form;

/// `{"ok": true}`: the answer of an action that has nothing else to say.
#[derive(Serialize, ToSchema)]
pub struct Done {
    pub ok: bool,
}

/// Every route of the API, each with its documentation.
fn documented() -> OpenApiRouter<AppState> {
    openapi::router()
        .routes(routes!(healthz))
        .routes(routes!(openapi_json))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(admin::stats))
        .routes(routes!(admin::devices))
        .routes(routes!(admin::revoke_device))
        .routes(routes!(admin::refusals))
        .routes(routes!(admin::security_events))
        .routes(routes!(docs::view))
        .routes(routes!(cases::queue, cases::create))
        .routes(routes!(cases::detail))
        .routes(routes!(cases::suggestions))
        .routes(routes!(conflicts::view))
        .routes(routes!(case_photos::attach))
        .routes(routes!(case_photos::departments))
        .routes(routes!(cases::action))
        .routes(routes!(cases::supervision))
        .routes(routes!(cases::conflicts))
        .routes(routes!(evaluation::departments))
        .routes(routes!(evaluation::inspectors))
        .routes(routes!(evaluation::areas))
        .routes(routes!(intake::create_key))
        .routes(routes!(intake::sensor_alarm))
        .routes(routes!(sync::push))
        .routes(routes!(sync::pull))
        .routes(routes!(sync::status))
        .merge(reference::routes())
        .merge(open311::routes())
        .merge(photos::routes())
        .merge(tracks::routes())
        .merge(vehicles::routes())
        .merge(users::routes())
        .merge(reference_admin::routes())
        .merge(export::routes())
        .merge(import::routes())
        .merge(console::api())
}

/// The OpenAPI document of every route, as served at `/api/v1/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = documented().split_for_parts().1;
    open311::xml_twins(&mut doc);
    doc
}

static DOCUMENT: LazyLock<String> = LazyLock::new(|| openapi::render(&document()));

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let max_body = state.settings().max_body_bytes;
    let console = console::routes(&state.settings().console_dir);
    let policy = headers::content_security_policy(state.settings().map_tile_url.as_deref());
    let policy = HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("frame-ancestors 'none'"));
    let (api, _) = documented().split_for_parts();
    api.merge(console)
        .fallback(|| async { ApiError::not_found("接口不存在 (no such endpoint)") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "请求方法不支持 (method not allowed)",
            )
        })
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            max_body,
            limit::reject_declared_oversize,
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::map_response(move |response: Response| {
            let policy = policy.clone();
            async move { headers::add(&policy, response) }
        }))
        .layer(TraceLayer::new_for_http().make_span_with(headers::request_span))
        .with_state(state)
}

/// Liveness: answers `ok` while the server runs.
#[utoipa::path(get, path = "/healthz", tag = "meta", security(()),
    responses((status = 200, content_type = "text/plain", body = String)))]
async fn healthz() -> &'static str {
    "ok"
}

/// This document: the full list of the API's routes.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "OpenAPI 3.1", body = serde_json::Value)))]
async fn openapi_json() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
}

/// Runs blocking work (SQLite, argon2, Automerge) on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
}

fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("panic");
    ApiError::internal(format!("handler panicked: {detail}")).into_response()
}
