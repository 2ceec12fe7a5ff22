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
mod extract;
mod headers;
mod intake;
mod key_gate;
mod limit;
mod open311;
mod open311_form;
pub(crate) mod open311_xml;
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
use axum::routing::{get, post};
use cgt_shared::wire::{PULL_PATH, PUSH_PATH, STATUS_PATH};
use std::any::Any;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

#[cfg(feature = "fuzzing")]
pub(crate) use open311::form as open311_request_form;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let max_body = state.settings().max_body_bytes;
    let console = console::routes(&state.settings().console_dir);
    let policy = headers::content_security_policy(state.settings().map_tile_url.as_deref());
    let policy = HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("frame-ancestors 'none'"));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/me", get(auth::me))
        .route("/api/v1/stats", get(admin::stats))
        .route("/api/v1/devices", get(admin::devices))
        .route("/api/v1/devices/{id}/revoke", post(admin::revoke_device))
        .route("/api/v1/refusals", get(admin::refusals))
        .route("/api/v1/security-events", get(admin::security_events))
        .route("/api/v1/docs/{id}", get(docs::view))
        .route("/api/v1/cases", get(cases::queue).post(cases::create))
        .route("/api/v1/cases/{id}", get(cases::detail))
        .route("/api/v1/cases/{id}/suggestions", get(cases::suggestions))
        .route("/api/v1/cases/{id}/conflict", get(conflicts::view))
        .route("/api/v1/cases/{id}/photos", post(case_photos::attach))
        .route("/api/v1/departments", get(case_photos::departments))
        .route("/api/v1/cases/{id}/{action}", post(cases::action))
        .route("/api/v1/supervision", get(cases::supervision))
        .route("/api/v1/conflicts", get(cases::conflicts))
        .route(
            "/api/v1/evaluation/departments",
            get(evaluation::departments),
        )
        .route("/api/v1/evaluation/inspectors", get(evaluation::inspectors))
        .route("/api/v1/evaluation/areas", get(evaluation::areas))
        .route("/api/v1/admin/api-keys", post(intake::create_key))
        .route("/api/v1/sensors/alarms", post(intake::sensor_alarm))
        .route("/api/v1/openapi.json", get(openapi))
        .route(PUSH_PATH, post(sync::push))
        .route(PULL_PATH, post(sync::pull))
        .route(STATUS_PATH, post(sync::status))
        .route(reference::PATH, reference::route())
        .merge(open311::routes())
        .merge(photos::routes())
        .merge(tracks::routes())
        .merge(vehicles::routes())
        .merge(users::routes())
        .merge(reference_admin::routes())
        .merge(console)
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

/// The OpenAPI 3 document of this API.
async fn openapi() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        include_str!("../../data/openapi.json"),
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
