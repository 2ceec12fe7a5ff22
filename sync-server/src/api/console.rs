//! The web console (指挥中心控制台): the single-page app built from `sync-server/console/`,
//! served as static files at `/console/`; `/` sends browsers there; `/api/v1/map-config`
//! tells signed-in users where the map tiles come from.

use crate::auth::Session;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::get;
use axum::{Json, Router};
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

pub const PATH: &str = "/console/";

#[derive(serde::Serialize)]
pub struct MapConfig {
    tile_url: Option<String>,
}

async fn map_config(State(state): State<AppState>, _session: Session) -> Json<MapConfig> {
    Json(MapConfig {
        tile_url: state.settings().map_tile_url.clone(),
    })
}

pub fn routes(dir: &Path) -> Router<AppState> {
    let index = dir.join("index.html");
    let router = Router::new()
        .route("/", get(|| async { Redirect::to(PATH) }))
        .route("/api/v1/map-config", get(map_config));
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
