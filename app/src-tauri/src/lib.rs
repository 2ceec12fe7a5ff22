//! 城管通 field app: the thin Tauri v2 shell over `cgt_client`. The only crate that knows
//! Tauri. It opens the store, reads the desktop configuration from the environment, starts the
//! automatic sync and the patrol recorder, and exposes the commands (`commands`) the UI calls;
//! everything else is the client library's.

mod background;
mod commands;
mod config;
mod error;
mod locator;
mod recorder;
mod shell;
#[cfg(test)]
mod ui_types;
mod views;

use background::AutoSync;
use cgt_client::Client;
use config::AppConfig;
use error::AppError;
use locator::Locator;
use recorder::Recorder;
use shell::Shell;
use std::sync::Arc;
use tauri::Manager;

/// The store's file name inside the data directory; photos go beside it.
const STORE_FILE: &str = "cgt.sqlite3";

/// Runs the app until its window closes.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let config = match AppConfig::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("城管通: {e}");
            std::process::exit(2);
        }
    };
    tauri::Builder::default()
        .plugin(tauri_plugin_geolocation::init())
        .setup(move |app| {
            let shell = open_shell(app.handle(), config)?;
            app.manage(shell);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::session::startup,
            commands::session::login,
            commands::report::locate,
            commands::report::report_options,
            commands::report::components_near,
            commands::report::submit_report,
            commands::report::save_draft,
            commands::report::load_draft,
            commands::report::discard_draft,
            commands::history::my_reports,
            commands::history::report_detail,
            commands::tasks::my_tasks,
            commands::tasks::task_detail,
            commands::tasks::submit_task,
            commands::sync::sync_overview,
            commands::sync::sync_now,
            commands::sync::network_changed,
            commands::patrol::today_patrol,
            commands::patrol::start_shift,
            commands::patrol::end_shift,
        ])
        .run(tauri::generate_context!())
        .expect("城管通 could not start its window");
}

fn open_shell(app: &tauri::AppHandle, config: AppConfig) -> Result<Shell, AppError> {
    let data_dir = match &config.data_dir {
        Some(dir) => dir.clone(),
        None => app
            .path()
            .app_data_dir()
            .map_err(|e| AppError::DataDir(e.to_string()))?,
    };
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| AppError::DataDir(format!("{}: {e}", data_dir.display())))?;
    let client = Client::open(data_dir.join(STORE_FILE))?;
    let position = Arc::new(Locator::from_config(app, &config.position)?);
    tracing::info!(data_dir = %data_dir.display(), position = %config.position, "城管通 started");
    Ok(Shell {
        auto_sync: AutoSync::start(app.clone(), client.clone()),
        // Resumes recording by itself when the store has a shift open (app restarted mid-shift).
        recorder: Recorder::start(client.clone(), position.clone(), config.record_interval),
        client,
        config,
        position,
    })
}
