//! Retrying a sync with exponential backoff, only when waiting can help (network, 5xx).

use crate::client::Client;
use crate::error::ClientError;
use crate::model::SyncReport;
use std::time::Duration;

impl Client {
    /// Up to `attempts` syncs, waiting `first_delay`, then twice as long each time, between
    /// them. A refusal (4xx, logged out) is returned at once: retrying would not change it.
    pub async fn sync_with_retry(
        &self,
        attempts: u32,
        first_delay: Duration,
    ) -> Result<SyncReport, ClientError> {
        let mut retry = 0;
        loop {
            match self.sync().await {
                Err(e) if e.is_transient() && retry + 1 < attempts => {
                    tokio::time::sleep(backoff(first_delay, retry)).await;
                    retry += 1;
                }
                result => return result,
            }
        }
    }
}

/// The wait before retry number `retry` (0-based).
fn backoff(first: Duration, retry: u32) -> Duration {
    first.saturating_mul(2u32.saturating_pow(retry))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double() {
        let ms = |retry| backoff(Duration::from_millis(100), retry).as_millis();
        assert_eq!([ms(0), ms(1), ms(2), ms(5)], [100, 200, 400, 3200]);
        assert_eq!(
            backoff(Duration::MAX, 3),
            Duration::MAX,
            "saturates, never panics"
        );
    }
}
