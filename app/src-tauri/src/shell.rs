//! The state every command shares: the client, the configuration, the position source and the
//! automatic sync.

use crate::background::AutoSync;
use crate::config::AppConfig;
use crate::error::AppError;
use cgt_client::position::PositionSource;
use cgt_client::{Client, Clock, SystemClock};
use cgt_shared::Position;

pub struct Shell {
    pub client: Client,
    pub config: AppConfig,
    pub position: PositionSource,
    pub auto_sync: AutoSync,
}

impl Shell {
    /// Where the device is now, or [`AppError::NoFix`].
    pub fn position_now(&self) -> Result<Position, AppError> {
        self.position
            .current(SystemClock.now())
            .ok_or(AppError::NoFix)
    }
}
