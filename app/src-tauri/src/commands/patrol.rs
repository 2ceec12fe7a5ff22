//! 巡查: 上班 / 下班 and today's patrol. The recording itself is the background recorder's
//! (`crate::recorder`); these commands open and close the shift and wake it.

use super::blocking;
use crate::error::AppError;
use crate::shell::Shell;
use crate::views::PatrolView;
use tauri::State;

fn view(shell: &Shell) -> Result<PatrolView, AppError> {
    Ok(PatrolView::of(
        shell.client.today_patrol()?,
        shell.recorder.problem(),
        shell.config.record_interval.as_secs_f64(),
    ))
}

#[tauri::command]
pub async fn today_patrol(shell: State<'_, Shell>) -> Result<PatrolView, AppError> {
    view(&shell)
}

/// 上班: opens a shift (or keeps the open one) and records its first point at once.
#[tauri::command]
pub async fn start_shift(shell: State<'_, Shell>) -> Result<PatrolView, AppError> {
    let recorder = shell.recorder.clone();
    let client = shell.client.clone();
    blocking(move || {
        client.start_shift()?;
        recorder.sample();
        Ok(())
    })
    .await?;
    shell.recorder.wake();
    view(&shell)
}

/// 下班: records a last point, closes the shift (the recorder stops by itself) and asks the
/// automatic sync to send the track.
#[tauri::command]
pub async fn end_shift(shell: State<'_, Shell>) -> Result<PatrolView, AppError> {
    let recorder = shell.recorder.clone();
    let client = shell.client.clone();
    blocking(move || {
        recorder.sample();
        client.end_shift()?;
        Ok(())
    })
    .await?;
    shell.auto_sync.wake();
    view(&shell)
}
