//! The OpenAPI 3.1 document of the API, generated from the handlers' `#[utoipa::path]`
//! annotations and the wire types' `ToSchema` derives: the routes are registered through
//! [`OpenApiRouter`], so a route cannot be served without being documented. The served document
//! is also checked in as `data/openapi.json`; a test fails when the two differ.

mod responses;

pub use responses::{
    Anyone, Binary, Forbidden, JsonInput, LoggedIn, NotFound, RateLimited, SyncRefusals,
};

use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::error::ErrorBody;
use crate::state::AppState;
use cgt_shared::wire::photo::PhotoErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "城管通 sync server",
        description = "The whole HTTP API of the 城管通 server: sync for field devices, the case loop for the console, reference data, tracks, vehicles, Open311 GeoReport v2 and the OsmAnd protocol. Every answer other than the binary sync and photo bodies is JSON (Open311 also XML); every error is `{\"error\": \"…\"}` with a Chinese message and an English detail. Authenticate with `Authorization: Bearer <token>` from `POST /api/v1/auth/login`.",
        license(name = "MIT OR Apache-2.0")
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(ErrorBody, PhotoErrorBody))
)]
struct Root;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))),
        );
    }
}

/// An empty router that collects the document of the routes added to it.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(Root::openapi())
}

/// The document as served, pretty-printed with a final newline.
pub fn render(doc: &Document) -> String {
    let mut text = doc.to_pretty_json().unwrap_or_else(|e| {
        tracing::error!(error = %e, "the OpenAPI document does not serialize");
        String::from("{}")
    });
    text.push('\n');
    text
}

#[cfg(test)]
mod tests;
