//! The web console (指挥中心控制台): the single-page app built from `sync-server/console/`,
//! served as static files at `/console/`; `/` sends browsers there; `/api/v1/map-config`
//! tells signed-in users where the map tiles come from and in which system they are drawn.

use super::openapi::LoggedIn;
use crate::auth::Session;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::get;
use axum::{Json, Router};
use cgt_shared::gcj02::PositionSystem;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const PATH: &str = "/console/";

#[derive(serde::Serialize, ToSchema)]
pub struct MapConfig {
    /// An XYZ tile URL template, or `null` for the built-in vector basemap.
    tile_url: Option<String>,
    /// The system of the tiles; over `gcj02` tiles our WGS84 layers are drawn converted.
    tile_system: PositionSystem,
}

/// The map settings of the console (any signed-in user).
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(map_config))
        .routes(routes!(super::map_points::convert))
}

/// Where the map tiles come from.
#[utoipa::path(get, path = "/api/v1/map-config", tag = "meta",
    responses((status = 200, body = MapConfig), LoggedIn))]
async fn map_config(State(state): State<AppState>, _session: Session) -> Json<MapConfig> {
    Json(MapConfig {
        tile_url: state.settings().map_tile_url.clone(),
        tile_system: state.settings().map_tile_system,
    })
}

pub fn routes(dir: &Path) -> Router<AppState> {
    let index = dir.join("index.html");
    let router = Router::new().route("/", get(|| async { Redirect::to(PATH) }));
    if index.is_file() {
        router.nest_service(
            "/console",
            ServeDir::new(dir)
                .append_index_html_on_directories(true)
                .fallback(ServeFile::new(index)),
        )
    } else {
        let missing = format!(
            "控制台尚未构建 (console not built: run `npm ci && npm run build` in \
             sync-server/console, or set CGT_CONSOLE_DIR; looked in {})",
            dir.display()
        );
        let answer = move || {
            let missing = missing.clone();
            async move { ApiError::new(StatusCode::SERVICE_UNAVAILABLE, missing) }
        };
        router
            .route("/console", get(answer.clone()))
            .route("/console/{*rest}", get(answer))
    }
}
