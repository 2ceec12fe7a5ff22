//! First run: what the app starts with, and login with device registration.

use crate::error::AppError;
use crate::shell::Shell;
use crate::views::Startup;
use cgt_client::Session;
use tauri::State;

#[tauri::command]
pub async fn startup(shell: State<'_, Shell>) -> Result<Startup, AppError> {
    Ok(Startup {
        session: shell.client.session()?,
        default_server_url: shell.config.server_url.clone(),
        accuracy_warning_m: shell.config.accuracy_warning_m,
    })
}

/// Logs in and registers this device (needs signal once), then syncs at once so the reference
/// data (grids, components, categories) is on the phone before it goes offline.
#[tauri::command]
pub async fn login(
    shell: State<'_, Shell>,
    server_url: String,
    username: String,
    password: String,
) -> Result<Session, AppError> {
    let device_name = format!("城管通 {}", std::env::consts::OS);
    let session = shell
        .client
        .login(&server_url, &username, &password, &device_name)
        .await?;
    shell.auto_sync.wake();
    Ok(session)
}
