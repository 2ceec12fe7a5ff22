//! The state every command shares: the client, the configuration, the position source, the
//! automatic sync and the patrol recorder.

use crate::background::AutoSync;
use crate::config::AppConfig;
use crate::error::AppError;
use crate::locator::Locator;
use crate::recorder::Recorder;
use cgt_client::{Client, Clock, SystemClock};
use cgt_shared::Position;
use std::sync::Arc;

pub struct Shell {
    pub client: Client,
    pub config: AppConfig,
    pub position: Arc<Locator>,
    pub auto_sync: AutoSync,
    pub recorder: Recorder,
}

impl Shell {
    /// Where the device is now, or [`AppError::NoFix`].
    pub fn position_now(&self) -> Result<Position, AppError> {
        self.position
            .current(SystemClock.now())
            .ok_or(AppError::NoFix)
    }
}
