//! Automatic sync: a task that syncs when something is waiting to be sent, every few minutes
//! anyway (to receive news from the centre), at once when the UI reports the network is back,
//! and after a failure again with a growing delay. Every sync, automatic or asked for, tells
//! the UI its photo upload progress and its outcome through events.

use crate::views::SyncOutcome;
use cgt_client::{Backoff, Client, ClientError, SyncReport};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Emitter};
use tokio::sync::Notify;

/// Event with the `SyncProgress` of photo uploads, while a sync sends them.
pub const PROGRESS_EVENT: &str = "sync-progress";
/// Event with the `SyncOutcome` of every sync.
pub const FINISHED_EVENT: &str = "sync-finished";

/// Between syncs when all went well.
const IDLE_INTERVAL: Duration = Duration::from_secs(120);
/// Retries after failures that waiting may fix: 5 s, doubled each time, at most 5 min.
const RETRY: Backoff = Backoff {
    first: Duration::from_secs(5),
    cap: Duration::from_secs(300),
};

/// The handle the commands hold: wake the task, ask whether a sync is running.
#[derive(Clone)]
pub struct AutoSync {
    wake: Arc<Notify>,
    running: Arc<AtomicBool>,
    client: Client,
    app: AppHandle,
}

impl AutoSync {
    /// Starts the background task on Tauri's runtime.
    pub fn start(app: AppHandle, client: Client) -> AutoSync {
        let auto = AutoSync {
            wake: Arc::new(Notify::new()),
            running: Arc::new(AtomicBool::new(false)),
            client,
            app,
        };
        let task = auto.clone();
        tauri::async_runtime::spawn(async move { task.run().await });
        auto
    }

    /// Asks for a sync soon: the network came back, or something new waits to be sent.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    async fn run(&self) {
        let mut delay = IDLE_INTERVAL;
        let mut failures = 0;
        loop {
            // A wake that came while syncing is kept by `Notify`, so no request is lost.
            if self.has_work() {
                let outcome = self.sync().await;
                (delay, failures) = next_delay(failures, outcome.as_ref().map(|_| ()));
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(delay) => {}
            }
        }
    }

    /// Whether an automatic sync makes sense: someone is logged in.
    fn has_work(&self) -> bool {
        matches!(self.client.session(), Ok(Some(_)))
    }

    /// One sync, with progress events while photos upload and an outcome event at the end.
    pub async fn sync(&self) -> Result<SyncReport, ClientError> {
        self.running.store(true, Ordering::SeqCst);
        let mut progress = self.client.sync_progress();
        let app = self.app.clone();
        let forward = tauri::async_runtime::spawn(async move {
            while progress.changed().await.is_ok() {
                let now = *progress.borrow_and_update();
                let _ = app.emit(PROGRESS_EVENT, now);
            }
        });
        let result = self.client.sync().await;
        forward.abort();
        self.running.store(false, Ordering::SeqCst);
        let _ = self
            .app
            .emit(FINISHED_EVENT, SyncOutcome::of(result.as_ref()));
        if let Err(e) = &result {
            tracing::info!(error = %e, "sync failed");
        }
        result
    }
}

/// The wait before the next automatic sync and the failures in a row to remember, after a
/// sync that ended with `outcome` following `failures` transient failures: a failure that
/// waiting can fix is retried by [`RETRY`]; anything else waits the idle interval.
fn next_delay(failures: u32, outcome: Result<(), &ClientError>) -> (Duration, u32) {
    match outcome {
        Err(e) if e.is_transient() => (RETRY.delay(failures), failures.saturating_add(1)),
        _ => (IDLE_INTERVAL, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_and_a_success_resets() {
        let offline = ClientError::Network("网络不可用".into());
        let mut failures = 0;
        let mut waits = Vec::new();
        for _ in 0..8 {
            let (wait, next) = next_delay(failures, Err(&offline));
            waits.push(wait.as_secs());
            failures = next;
        }
        assert_eq!(waits, [5, 10, 20, 40, 80, 160, 300, 300]);
        assert_eq!(next_delay(failures, Ok(())), (IDLE_INTERVAL, 0));
        assert_eq!(
            next_delay(failures, Err(&ClientError::Unauthorized)),
            (IDLE_INTERVAL, 0),
            "a refusal is not retried sooner: waiting will not fix it"
        );
    }
}
