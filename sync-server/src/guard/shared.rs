//! The wrong-password records every server process shares, kept in the store: a lock taken at
//! one instance holds at every instance behind the same load balancer, and survives a
//! restart. The in-process [`LoginGuard`](super::LoginGuard) still answers first, without
//! touching the store; these records are asked next and hold the count that matters.

use super::backoff::{Failures, Policy};
use super::login::{ACCOUNT_POLICY, ADDRESS_POLICY, Lockout, Throttled, account_key};
use crate::storage::{LoginFailureStore, StorageError};

/// The keys of a login's records and their policies: the account's, then the address's.
fn subjects(username: &str, address: &str) -> [(String, Policy); 2] {
    [
        (format!("account:{}", account_key(username)), ACCOUNT_POLICY),
        (format!("address:{address}"), ADDRESS_POLICY),
    ]
}

/// Refuses a login the shared records lock.
pub fn admit(
    store: &dyn LoginFailureStore,
    username: &str,
    address: &str,
    now_ms: i64,
) -> Result<Result<(), Throttled>, StorageError> {
    let subjects = subjects(username, address);
    let keys: Vec<String> = subjects.iter().map(|(key, _)| key.clone()).collect();
    let records = store.login_failures(&keys)?;
    let wait = subjects
        .iter()
        .zip(&records)
        .filter_map(|((_, policy), failures)| policy.admit(failures, now_ms).err())
        .max();
    Ok(match wait {
        Some(retry_after) => Err(Throttled::Locked { retry_after }),
        None => Ok(()),
    })
}

/// Records a wrong password in both shared records; answers the delays it imposed.
pub fn failed(
    store: &dyn LoginFailureStore,
    username: &str,
    address: &str,
    now_ms: i64,
) -> Result<Vec<Lockout>, StorageError> {
    let mut lockouts = Vec::new();
    for (key, policy) in subjects(username, address) {
        let forget_ms = i64::try_from(policy.forget_after.as_millis()).unwrap_or(i64::MAX);
        let failures: Failures = store.record_login_failure(
            key.clone(),
            Box::new(move |f| {
                policy.fail(f, now_ms);
            }),
            now_ms.saturating_sub(forget_ms),
        )?;
        if let Err(delay) = policy.admit(&failures, now_ms) {
            lockouts.push(Lockout {
                subject: key,
                failures: failures.count,
                delay,
            });
        }
    }
    Ok(lockouts)
}

/// A right password clears the account's shared record (not the address's).
pub fn succeeded(store: &dyn LoginFailureStore, username: &str) -> Result<(), StorageError> {
    store.clear_login_failures(format!("account:{}", account_key(username)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Storage;

    #[test]
    fn a_lock_is_in_the_store_for_every_process_and_success_clears_the_account_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Storage::open(dir.path()).unwrap();
        for i in 0..5 {
            let address = format!("10.0.0.{i}");
            assert!(admit(&store, "Inspector01", &address, 0).unwrap().is_ok());
            assert!(
                failed(&store, "inspector01", &address, 0)
                    .unwrap()
                    .is_empty()
            );
        }
        let lockouts = failed(&store, "inspector01", "10.0.0.9", 0).unwrap();
        assert_eq!(lockouts.len(), 1);
        assert_eq!(lockouts[0].subject, "account:inspector01");
        assert_eq!(lockouts[0].failures, 6);
        // A second process opening the same store sees the lock.
        let other = Storage::open(dir.path()).unwrap();
        assert_eq!(
            admit(&other, "INSPECTOR01", "10.9.9.9", 500).unwrap(),
            Err(Throttled::Locked {
                retry_after: std::time::Duration::from_millis(500)
            })
        );
        assert!(
            admit(&other, "inspector02", "10.9.9.9", 500)
                .unwrap()
                .is_ok()
        );
        succeeded(&other, "inspector01").unwrap();
        assert!(
            admit(&store, "inspector01", "10.0.0.9", 600)
                .unwrap()
                .is_ok()
        );
        let address = store
            .login_failures(&["address:10.0.0.9".to_string()])
            .unwrap();
        assert_eq!(address[0].count, 1);
    }

    #[test]
    fn records_of_the_last_half_hour_are_all_that_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Storage::open(dir.path()).unwrap();
        failed(&store, "old", "10.0.0.1", 0).unwrap();
        let half_hour = 30 * 60 * 1000;
        failed(&store, "new", "10.0.0.2", half_hour + 1).unwrap();
        let kept = store
            .login_failures(&["account:old".to_string(), "account:new".to_string()])
            .unwrap();
        assert_eq!(kept[0], Failures::default());
        assert_eq!(kept[1].count, 1);
    }
}
