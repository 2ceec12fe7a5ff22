//! The patrol recorder: while a shift is open (上班 until 下班), a task samples the position
//! source every `CGT_RECORD_INTERVAL_S` seconds and offers the fix to
//! `Client::record_position`, which filters it and writes it to SQLite before returning, so a
//! killed app loses at most one interval. The open shift lives in the store, so the task
//! resumes recording by itself when the app starts with a shift open. On desktop the source is
//! the simulated one (`CGT_POSITION`): a GPX file replays against the wall clock as time passes.

use crate::locator::Locator;
use cgt_client::{Client, ClientError, Clock, SystemClock};
use cgt_shared::track::TrackPoint;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::Notify;

/// The handle the commands hold: wake the task after 上班, sample once now, ask what went wrong.
#[derive(Clone)]
pub struct Recorder {
    client: Client,
    position: Arc<Locator>,
    interval: Duration,
    wake: Arc<Notify>,
    /// Why the last sample was not recorded (no fix, store error); cleared by the next success.
    problem: Arc<Mutex<Option<String>>>,
}

impl Recorder {
    /// Starts the background task on Tauri's runtime.
    pub fn start(client: Client, position: Arc<Locator>, interval: Duration) -> Recorder {
        let recorder = Recorder {
            client,
            position,
            interval,
            wake: Arc::new(Notify::new()),
            problem: Arc::new(Mutex::new(None)),
        };
        let task = recorder.clone();
        tauri::async_runtime::spawn(async move { task.run().await });
        recorder
    }

    /// A shift was opened: record at once and keep recording.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Why recording is not working right now, if the last sample failed.
    pub fn problem(&self) -> Option<String> {
        self.problem
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn run(&self) {
        loop {
            let on_shift = matches!(self.client.current_shift(), Ok(Some(_)));
            if on_shift {
                let this = self.clone();
                if let Err(e) = tauri::async_runtime::spawn_blocking(move || this.sample()).await {
                    tracing::warn!(error = %e, "recorder sample task failed");
                }
                tokio::select! {
                    () = self.wake.notified() => {}
                    () = tokio::time::sleep(self.interval) => {}
                }
            } else {
                // Off shift: nothing to sample until 上班 wakes the task.
                self.wake.notified().await;
            }
        }
    }

    /// Samples the position source now and offers the fix to the store. Blocking (SQLite).
    pub fn sample(&self) {
        let now = SystemClock.now();
        let problem = match self.position.current(now) {
            None => Some("暂时无法定位,请到开阔处".to_string()),
            Some(position) => match self.client.record_position(TrackPoint::at(now, position)) {
                Ok(_) | Err(ClientError::NotOnShift) => None,
                Err(e) => {
                    tracing::warn!(error = %e, "recording a position failed");
                    Some(format!("轨迹点未能保存: {e}"))
                }
            },
        };
        *self.problem.lock().unwrap_or_else(PoisonError::into_inner) = problem;
    }
}
