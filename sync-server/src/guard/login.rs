//! What stands between a login request and argon2: growing delays per account and per address
//! after wrong passwords (a locked key is refused unheard, so 200 wrong passwords in a row do not
//! each get a fresh try), and a bounded pool of password hashers with a bounded queue, so that a
//! login flood cannot take the cores and memory that sync and reads need.

use super::backoff::{Failures, Policy};
use super::keyed::Keyed;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// Accounts: five free tries, then 1 s, 2 s, 4 s … up to 15 minutes.
pub(super) const ACCOUNT_POLICY: Policy = Policy {
    free: 5,
    first_delay: Duration::from_secs(1),
    max_delay: Duration::from_secs(15 * 60),
    forget_after: Duration::from_secs(30 * 60),
};
/// Addresses: a carrier NAT puts many inspectors behind one address, so more free tries.
pub(super) const ADDRESS_POLICY: Policy = Policy {
    free: 30,
    first_delay: Duration::from_secs(1),
    max_delay: Duration::from_secs(15 * 60),
    forget_after: Duration::from_secs(30 * 60),
};
const TRACKED_KEYS: usize = 100_000;
/// Logins waiting for a hasher beyond this are told to come back.
const MAX_WAITING: usize = 32;

/// Why a login is not heard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Throttled {
    /// Too many wrong passwords for this account or from this address.
    Locked { retry_after: Duration },
    /// Every hasher is busy and the queue is full.
    Busy,
}

/// A delay a failure imposed, for the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lockout {
    /// `account:<name>` or `address:<addr>`.
    pub subject: String,
    pub failures: u32,
    pub delay: Duration,
}

pub struct LoginGuard {
    accounts: Keyed<Failures>,
    addresses: Keyed<Failures>,
    hashers: Semaphore,
    waiting: AtomicUsize,
}

impl LoginGuard {
    /// `hashers` password checks run at once (at most the number of cores).
    pub fn new(hashers: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        LoginGuard {
            accounts: Keyed::new(TRACKED_KEYS),
            addresses: Keyed::new(TRACKED_KEYS),
            hashers: Semaphore::new(hashers.clamp(1, cores)),
            waiting: AtomicUsize::new(0),
        }
    }

    /// Refuses a login from a locked account or address before anything is spent on it.
    pub fn admit(&self, username: &str, address: &str, now_ms: i64) -> Result<(), Throttled> {
        let account = self
            .accounts
            .get(&account_key(username))
            .unwrap_or_default();
        let from = self.addresses.get(address).unwrap_or_default();
        let locked = [
            ACCOUNT_POLICY.admit(&account, now_ms),
            ADDRESS_POLICY.admit(&from, now_ms),
        ];
        match locked.into_iter().filter_map(Result::err).max() {
            Some(retry_after) => Err(Throttled::Locked { retry_after }),
            None => Ok(()),
        }
    }

    /// Waits for a free hasher (held until the permit drops), or refuses when too many logins
    /// wait already.
    pub async fn hasher(&self) -> Result<SemaphorePermit<'_>, Throttled> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(Throttled::Busy);
        }
        let permit = self.hashers.acquire().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        permit.map_err(|_| Throttled::Busy)
    }

    /// Records a wrong password; returns the delays it imposed.
    pub fn failed(&self, username: &str, address: &str, now_ms: i64) -> Vec<Lockout> {
        let account = account_key(username);
        let mut lockouts = Vec::new();
        for (table, policy, key, kind) in [
            (&self.accounts, &ACCOUNT_POLICY, account.as_str(), "account"),
            (&self.addresses, &ADDRESS_POLICY, address, "address"),
        ] {
            let stale = |f: &Failures| policy.forgotten(f, now_ms);
            let imposed = table.with(key, Failures::default, stale, |f| {
                policy.fail(f, now_ms).map(|delay| (f.count, delay))
            });
            if let Some((failures, delay)) = imposed {
                lockouts.push(Lockout {
                    subject: format!("{kind}:{key}"),
                    failures,
                    delay,
                });
            }
        }
        lockouts
    }

    /// A right password clears the account's failures (not the address's: one valid account
    /// must not reset the count of an address that guesses at others).
    pub fn succeeded(&self, username: &str) {
        self.accounts.remove(&account_key(username));
    }
}

pub(super) fn account_key(username: &str) -> String {
    username.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_locks_after_its_free_tries_whatever_the_address() {
        let guard = LoginGuard::new(1);
        for i in 0..5 {
            assert!(
                guard
                    .admit("Inspector01", &format!("10.0.0.{i}"), 0)
                    .is_ok()
            );
            assert!(
                guard
                    .failed("inspector01", &format!("10.0.0.{i}"), 0)
                    .is_empty()
            );
        }
        let lockouts = guard.failed("inspector01", "10.0.0.9", 0);
        assert_eq!(lockouts.len(), 1);
        assert_eq!(lockouts[0].subject, "account:inspector01");
        assert_eq!(
            guard.admit("INSPECTOR01", "10.9.9.9", 500),
            Err(Throttled::Locked {
                retry_after: Duration::from_millis(500)
            })
        );
        assert!(guard.admit("inspector02", "10.9.9.9", 500).is_ok());
        assert!(guard.admit("inspector01", "10.9.9.9", 1000).is_ok());
    }

    #[test]
    fn an_address_locks_after_guessing_at_many_accounts() {
        let guard = LoginGuard::new(1);
        for i in 0..30 {
            guard.failed(&format!("user{i}"), "10.0.0.1", 0);
        }
        assert!(guard.admit("someone", "10.0.0.1", 0).is_ok());
        let lockouts = guard.failed("user99", "10.0.0.1", 0);
        assert_eq!(lockouts[0].subject, "address:10.0.0.1");
        assert!(guard.admit("someone", "10.0.0.1", 10).is_err());
        assert!(guard.admit("someone", "10.0.0.2", 10).is_ok());
    }

    #[test]
    fn success_clears_the_account_only() {
        let guard = LoginGuard::new(1);
        for _ in 0..6 {
            guard.failed("a", "10.0.0.1", 0);
        }
        guard.succeeded("a");
        assert!(guard.admit("a", "10.0.0.2", 0).is_ok());
        assert_eq!(guard.addresses.get("10.0.0.1").unwrap().count, 6);
    }

    #[tokio::test]
    async fn the_hasher_queue_is_bounded() {
        let guard = LoginGuard::new(1);
        let held = guard.hasher().await.unwrap();
        guard.waiting.store(MAX_WAITING, Ordering::SeqCst);
        assert_eq!(guard.hasher().await.err(), Some(Throttled::Busy));
        guard.waiting.store(0, Ordering::SeqCst);
        drop(held);
        assert!(guard.hasher().await.is_ok());
    }
}
