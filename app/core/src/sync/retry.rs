//! Retrying a sync with exponential backoff, only when waiting can help (network, 5xx), and the
//! one backoff policy of the app: the automatic sync of the shell waits by it too.

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
                    tokio::time::sleep(Backoff::doubling(first_delay).delay(retry)).await;
                    retry += 1;
                }
                result => return result,
            }
        }
    }
}

/// Waiting before retries: `first`, doubled for each retry after it, never above `cap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub cap: Duration,
}

impl Backoff {
    /// Doubling without a cap.
    pub const fn doubling(first: Duration) -> Backoff {
        Backoff {
            first,
            cap: Duration::MAX,
        }
    }

    /// The wait before retry number `retry` (0-based).
    pub fn delay(&self, retry: u32) -> Duration {
        self.first
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double() {
        let doubling = Backoff::doubling(Duration::from_millis(100));
        let ms = |retry| doubling.delay(retry).as_millis();
        assert_eq!([ms(0), ms(1), ms(2), ms(5)], [100, 200, 400, 3200]);
        assert_eq!(
            Backoff::doubling(Duration::MAX).delay(3),
            Duration::MAX,
            "saturates, never panics"
        );
        let capped = Backoff {
            first: Duration::from_secs(5),
            cap: Duration::from_secs(300),
        };
        let secs: Vec<u64> = (0..8).map(|r| capped.delay(r).as_secs()).collect();
        assert_eq!(secs, [5, 10, 20, 40, 80, 160, 300, 300]);
        assert_eq!(capped.delay(u32::MAX), Duration::from_secs(300));
    }
}
