//! The Tauri commands: the UI's only way into Rust. Each calls the client library and returns
//! a serializable view or an [`AppError`](crate::error::AppError).

pub mod history;
pub mod patrol;
pub mod report;
pub mod session;
pub mod sync;
pub mod tasks;

use crate::error::AppError;

/// Runs CPU-heavy or blocking store work off the async runtime's worker threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(work).await?
}
