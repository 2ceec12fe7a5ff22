//! A token bucket: `burst` requests at once, then `per_minute` on average. Pure: the caller
//! passes the clock in milliseconds.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub per_minute: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bucket {
    tokens: f64,
    at_ms: i64,
}

impl Rate {
    pub fn full(&self, now_ms: i64) -> Bucket {
        Bucket {
            tokens: f64::from(self.burst),
            at_ms: now_ms,
        }
    }

    /// Takes a token if there is one; otherwise the milliseconds until there is.
    pub fn take(&self, bucket: &mut Bucket, now_ms: i64) -> Result<(), u64> {
        let elapsed = now_ms.saturating_sub(bucket.at_ms).max(0) as f64;
        let per_ms = f64::from(self.per_minute) / 60_000.0;
        bucket.tokens = (bucket.tokens + elapsed * per_ms).min(f64::from(self.burst));
        bucket.at_ms = bucket.at_ms.max(now_ms);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else if per_ms > 0.0 {
            Err(((1.0 - bucket.tokens) / per_ms).ceil() as u64)
        } else {
            Err(u64::MAX)
        }
    }

    /// Whether a token is there, without taking it; otherwise the milliseconds until there is.
    pub fn peek(&self, bucket: &Bucket, now_ms: i64) -> Result<(), u64> {
        self.take(&mut bucket.clone(), now_ms)
    }

    /// Whether a bucket has refilled completely (its record can be dropped).
    pub fn is_full(&self, bucket: &Bucket, now_ms: i64) -> bool {
        let mut probe = bucket.clone();
        let _ = self.take(&mut probe, now_ms);
        probe.tokens + 1.0 >= f64::from(self.burst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_average_rate() {
        let rate = Rate {
            burst: 3,
            per_minute: 60,
        };
        let mut b = rate.full(0);
        assert_eq!(rate.take(&mut b, 0), Ok(()));
        assert_eq!(rate.take(&mut b, 0), Ok(()));
        assert_eq!(rate.take(&mut b, 0), Ok(()));
        assert_eq!(rate.take(&mut b, 0), Err(1000));
        assert_eq!(rate.take(&mut b, 500), Err(500));
        assert_eq!(rate.take(&mut b, 1000), Ok(()));
        assert!(!rate.is_full(&b, 1000));
        assert!(rate.is_full(&b, 4000));
    }

    #[test]
    fn clocks_going_backwards_do_not_mint_tokens() {
        let rate = Rate {
            burst: 1,
            per_minute: 1,
        };
        let mut b = rate.full(10_000);
        assert_eq!(rate.take(&mut b, 10_000), Ok(()));
        assert!(rate.take(&mut b, 0).is_err());
        assert!(rate.take(&mut b, i64::MIN).is_err());
    }
}
