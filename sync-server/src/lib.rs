//! 城管通 (Chengguantong) sync server: authentication, durable storage of case documents,
//! authorized CRDT sync for field devices, an admin API, and a demo city.
//!
//! Entry points: [`launch`] serves on a bound listener until a shutdown future resolves;
//! [`app`] builds the router for in-process tests; [`cli::run`] is the whole binary.

mod api;
mod auth;
pub mod backup;
mod caseflow;
pub mod cli;
mod clock;
pub mod crs;
pub mod demo;
mod error;
mod export;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod guard;
pub mod import;
mod migrate;
mod photos;
pub mod reference;
pub mod settings;
mod state;
mod storage;
mod sync;
mod tracks;

pub use api::{app, document as openapi_document};
pub use photos::{PhotoBlobs, PhotoHash, open_blobs};
pub use settings::Settings;
pub use state::{AppState, StartError};
pub use storage::DB_FILE;
pub use tracks::demo::DEMO_VEHICLES;

use anyhow::Context;
use cgt_shared::{Role, UserId};
use std::future::Future;

/// Opens and migrates storage (seeding the demo city if `settings.demo` and the database has
/// no users), then serves on `listener` until `shutdown` resolves.
pub async fn launch(
    settings: Settings,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let state = tokio::task::spawn_blocking(move || AppState::open(settings))
        .await
        .context("startup task failed")??;
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("server failed")
}

/// Creates a user in the store `settings` name (opening and migrating it).
pub fn create_user(
    settings: &Settings,
    username: &str,
    display_name: &str,
    password: &str,
    roles: &[Role],
) -> anyhow::Result<UserId> {
    let storage = storage::open_store(settings)?;
    let account = auth::account::NewAccount {
        username: username.to_string(),
        display_name: display_name.to_string(),
        password: password.to_string(),
        roles: roles.to_vec(),
        department: None,
    };
    Ok(auth::account::create(
        storage.as_ref(),
        account,
        clock::now(),
    )?)
}
