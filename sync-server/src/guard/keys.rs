//! Rate limits of the endpoints that authenticate with a key (OsmAnd positions, sensor alarms,
//! Open311): every request counts against its address; a wrong key counts again, so an address
//! guessing keys is soon refused without a database look-up; a right key counts against the key,
//! so one stolen key cannot flood the case loop. All checks come before the single writer.

use super::bucket::{Bucket, Rate};
use super::keyed::Keyed;
use std::time::Duration;

const PER_ADDRESS: Rate = Rate {
    burst: 120,
    per_minute: 1200,
};
const WRONG_KEYS_PER_ADDRESS: Rate = Rate {
    burst: 20,
    per_minute: 30,
};
const PER_KEY: Rate = Rate {
    burst: 120,
    per_minute: 600,
};
const TRACKED_KEYS: usize = 100_000;

pub struct KeyGuard {
    addresses: Keyed<Bucket>,
    wrong_keys: Keyed<Bucket>,
    keys: Keyed<Bucket>,
}

impl Default for KeyGuard {
    fn default() -> Self {
        KeyGuard {
            addresses: Keyed::new(TRACKED_KEYS),
            wrong_keys: Keyed::new(TRACKED_KEYS),
            keys: Keyed::new(TRACKED_KEYS),
        }
    }
}

fn take(table: &Keyed<Bucket>, rate: &Rate, key: &str, now_ms: i64) -> Result<(), Duration> {
    table
        .with(
            key,
            || rate.full(now_ms),
            |b| rate.is_full(b, now_ms),
            |b| rate.take(b, now_ms),
        )
        .map_err(Duration::from_millis)
}

impl KeyGuard {
    /// Before the key is looked up: the address's request budget, and whether it may still try
    /// a key at all.
    pub fn before_lookup(&self, address: &str, now_ms: i64) -> Result<(), Duration> {
        take(&self.addresses, &PER_ADDRESS, address, now_ms)?;
        match self.wrong_keys.get(address) {
            Some(bucket) => WRONG_KEYS_PER_ADDRESS
                .peek(&bucket, now_ms)
                .map_err(Duration::from_millis),
            None => Ok(()),
        }
    }

    /// A key that matched nothing.
    pub fn wrong_key(&self, address: &str, now_ms: i64) {
        let _ = take(&self.wrong_keys, &WRONG_KEYS_PER_ADDRESS, address, now_ms);
    }

    /// A key that matched: its own request budget.
    pub fn accepted(&self, key_id: &str, now_ms: i64) -> Result<(), Duration> {
        take(&self.keys, &PER_KEY, key_id, now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_guessing_keys_is_refused_before_any_lookup() {
        let guard = KeyGuard::default();
        for _ in 0..WRONG_KEYS_PER_ADDRESS.burst {
            assert!(guard.before_lookup("10.0.0.1", 0).is_ok());
            guard.wrong_key("10.0.0.1", 0);
        }
        assert!(guard.before_lookup("10.0.0.1", 0).is_err());
        assert!(guard.before_lookup("10.0.0.2", 0).is_ok());
        assert!(guard.before_lookup("10.0.0.1", 2_000).is_ok());
    }

    #[test]
    fn one_key_and_one_address_have_their_own_budgets() {
        let guard = KeyGuard::default();
        for _ in 0..PER_KEY.burst {
            assert!(guard.accepted("vehicle:A", 0).is_ok());
        }
        assert!(guard.accepted("vehicle:A", 0).is_err());
        assert!(guard.accepted("vehicle:B", 0).is_ok());
        for _ in 0..PER_ADDRESS.burst {
            assert!(guard.before_lookup("10.0.0.3", 0).is_ok());
        }
        assert!(guard.before_lookup("10.0.0.3", 0).is_err());
    }
}
