//! Growing delays after failures: the first `free` failures cost nothing, then each one locks
//! the key for twice as long as the last, up to `max_delay`. A key forgets its failures after
//! `forget_after` without one. Pure: the caller passes the clock.

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Failures allowed before the first delay.
    pub free: u32,
    /// The delay after the first failure beyond `free`.
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// A key with no failure for this long starts afresh.
    pub forget_after: Duration,
}

/// Failures of one key (an account or an address).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    /// Milliseconds; the time of the last failure.
    pub last_ms: i64,
    /// Milliseconds; attempts before this are refused unheard.
    pub locked_until_ms: i64,
}

impl Policy {
    /// Whether an attempt may be heard now; otherwise how long to wait.
    pub fn admit(&self, failures: &Failures, now_ms: i64) -> Result<(), Duration> {
        if now_ms < failures.locked_until_ms {
            let wait = u64::try_from(failures.locked_until_ms - now_ms).unwrap_or(0);
            Err(Duration::from_millis(wait))
        } else {
            Ok(())
        }
    }

    /// Records a failure; returns the delay it imposes, if any.
    pub fn fail(&self, failures: &mut Failures, now_ms: i64) -> Option<Duration> {
        if self.forgotten(failures, now_ms) {
            *failures = Failures::default();
        }
        failures.count = failures.count.saturating_add(1);
        failures.last_ms = now_ms;
        let beyond = failures.count.checked_sub(self.free).filter(|&n| n > 0)?;
        let doubling = 2u32.saturating_pow(beyond - 1);
        let delay = self
            .first_delay
            .saturating_mul(doubling)
            .min(self.max_delay);
        let delay_ms = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
        failures.locked_until_ms = now_ms.saturating_add(delay_ms);
        Some(delay)
    }

    /// Whether the key's record can be dropped: no failure for `forget_after`.
    pub fn forgotten(&self, failures: &Failures, now_ms: i64) -> bool {
        let forget_ms = i64::try_from(self.forget_after.as_millis()).unwrap_or(i64::MAX);
        now_ms >= failures.locked_until_ms && now_ms.saturating_sub(failures.last_ms) >= forget_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        free: 3,
        first_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(60),
        forget_after: Duration::from_secs(900),
    };

    #[test]
    fn delays_start_after_the_free_failures_and_double_up_to_the_cap() {
        let mut f = Failures::default();
        let mut now = 0;
        let mut delays = Vec::new();
        for _ in 0..12 {
            assert_eq!(POLICY.admit(&f, now), Ok(()));
            delays.push(POLICY.fail(&mut f, now).map(|d| d.as_secs()));
            now += 61_000;
        }
        let expected = [
            None,
            None,
            None,
            Some(1),
            Some(2),
            Some(4),
            Some(8),
            Some(16),
        ];
        assert_eq!(delays[..8], expected);
        assert_eq!(delays[8], Some(32));
        assert!(delays[9..].iter().all(|d| *d == Some(60)));
    }

    #[test]
    fn a_locked_key_is_refused_with_the_time_left() {
        let mut f = Failures::default();
        for _ in 0..4 {
            POLICY.fail(&mut f, 10_000);
        }
        assert_eq!(POLICY.admit(&f, 10_400), Err(Duration::from_millis(600)));
        assert_eq!(POLICY.admit(&f, 11_000), Ok(()));
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_spell() {
        let mut f = Failures::default();
        for _ in 0..5 {
            POLICY.fail(&mut f, 0);
        }
        assert!(!POLICY.forgotten(&f, 899_999));
        assert!(POLICY.forgotten(&f, 900_000));
        assert_eq!(POLICY.fail(&mut f, 900_000), None);
        assert_eq!(f.count, 1);
    }

    #[test]
    fn extreme_counts_and_clocks_do_not_overflow() {
        let mut f = Failures {
            count: u32::MAX - 1,
            last_ms: i64::MAX - 5,
            locked_until_ms: 0,
        };
        assert_eq!(
            POLICY.fail(&mut f, i64::MAX - 1),
            Some(Duration::from_secs(60))
        );
        assert_eq!(f.locked_until_ms, i64::MAX);
        assert!(POLICY.admit(&f, i64::MAX - 1).is_err());
    }
}
