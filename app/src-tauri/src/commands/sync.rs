//! The 同步 screen: what is waiting and why, and the 立即同步 button. The UI also reports the
//! network coming back, which wakes the automatic sync.

use crate::error::AppError;
use crate::shell::Shell;
use crate::views::{SyncOutcome, SyncOverview};
use tauri::State;

#[tauri::command]
pub async fn sync_overview(shell: State<'_, Shell>) -> Result<SyncOverview, AppError> {
    let client = &shell.client;
    let photos = client.pending_photos()?;
    Ok(SyncOverview {
        pending: client.pending()?,
        photo_bytes: photos.iter().map(|p| p.size - p.uploaded.min(p.size)).sum(),
        photos,
        last: client.last_sync()?,
        reference: client.reference_state()?,
        running: shell.auto_sync.is_running(),
        progress: *client.sync_progress().borrow(),
    })
}

/// Syncs now; a failure is an outcome to show, not an error of the command.
#[tauri::command]
pub async fn sync_now(shell: State<'_, Shell>) -> Result<SyncOutcome, AppError> {
    let result = shell.auto_sync.sync().await;
    Ok(SyncOutcome::of(result.as_ref()))
}

/// The webview saw the network come and go (`online` / `offline` events).
#[tauri::command]
pub async fn network_changed(shell: State<'_, Shell>, online: bool) -> Result<(), AppError> {
    if online {
        shell.auto_sync.wake();
    }
    Ok(())
}
