//! Automatic sync: a task that syncs when something is waiting to be sent, every few minutes
//! anyway (to receive news from the centre), at once when the UI reports the network is back,
//! and after a failure again with a growing delay. Every sync, automatic or asked for, tells
//! the UI its photo upload progress and its outcome through events.

use crate::views::SyncOutcome;
use cgt_client::{Client, ClientError, SyncReport};
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
/// The first retry after a failure that waiting may fix; doubled each time, up to the cap.
const FIRST_RETRY: Duration = Duration::from_secs(5);
const MAX_RETRY: Duration = Duration::from_secs(300);

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
        let mut retry = None;
        loop {
            // A wake that came while syncing is kept by `Notify`, so no request is lost.
            if self.has_work() {
                let outcome = self.sync().await;
                (delay, retry) = next_delay(retry, outcome.as_ref().map(|_| ()));
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

/// The wait before the next automatic sync and the retry delay to remember, after a sync that
/// ended with `outcome`: a failure that waiting can fix is retried sooner and sooner less often;
/// anything else waits the idle interval.
fn next_delay(
    retry: Option<Duration>,
    outcome: Result<(), &ClientError>,
) -> (Duration, Option<Duration>) {
    match outcome {
        Err(e) if e.is_transient() => {
            let next = retry.map_or(FIRST_RETRY, |d| (d * 2).min(MAX_RETRY));
            (next, Some(next))
        }
        _ => (IDLE_INTERVAL, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_and_a_success_resets() {
        let offline = ClientError::Network("网络不可用".into());
        let mut retry = None;
        let mut waits = Vec::new();
        for _ in 0..8 {
            let (wait, next) = next_delay(retry, Err(&offline));
            waits.push(wait.as_secs());
            retry = next;
        }
        assert_eq!(waits, [5, 10, 20, 40, 80, 160, 300, 300]);
        assert_eq!(next_delay(retry, Ok(())), (IDLE_INTERVAL, None));
        assert_eq!(
            next_delay(retry, Err(&ClientError::Unauthorized)),
            (IDLE_INTERVAL, None),
            "a refusal is not retried sooner: waiting will not fix it"
        );
    }
}
