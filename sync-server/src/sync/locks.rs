//! Per-document serialization: striped locks held from loading a stored document until its
//! merged version is committed, so concurrent pushes of one document never lose an update.

use crate::storage::DocLease;
use cgt_shared::DocId;
use std::sync::{Mutex, MutexGuard, PoisonError};

const STRIPES: usize = 1024;

pub struct DocLocks {
    stripes: Vec<Mutex<()>>,
}

impl Default for DocLocks {
    fn default() -> DocLocks {
        DocLocks {
            stripes: (0..STRIPES).map(|_| Mutex::new(())).collect(),
        }
    }
}

impl DocLocks {
    /// Locks every stripe the documents fall in, in ascending order (so two callers can never
    /// wait on each other), and holds them until the guards are dropped.
    pub fn lock_all(&self, ids: impl IntoIterator<Item = DocId>) -> Vec<MutexGuard<'_, ()>> {
        let mut stripes: Vec<usize> = ids.into_iter().map(stripe_of).collect();
        stripes.sort_unstable();
        stripes.dedup();
        stripes
            .into_iter()
            .map(|i| {
                self.stripes[i]
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
            })
            .collect()
    }
}

/// Documents held in this process and against every other process sharing the store.
pub struct DocGuard<'a> {
    /// Declared first, so dropped first: other processes may go on before this one's waiters.
    _lease: DocLease,
    _local: Vec<MutexGuard<'a, ()>>,
}

impl<'a> DocGuard<'a> {
    pub fn new(local: Vec<MutexGuard<'a, ()>>, lease: DocLease) -> DocGuard<'a> {
        DocGuard {
            _lease: lease,
            _local: local,
        }
    }
}

fn stripe_of(id: DocId) -> usize {
    let bytes = id.as_bytes();
    let mut tail = [0u8; 8];
    tail.copy_from_slice(&bytes[8..]);
    (u64::from_le_bytes(tail) % STRIPES as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[test]
    fn repeated_ids_lock_once() {
        let locks = DocLocks::default();
        let id = DocId::new();
        assert_eq!(locks.lock_all([id, id, id]).len(), 1);
    }

    #[test]
    fn a_second_writer_of_the_same_document_waits() {
        let locks = Arc::new(DocLocks::default());
        let id = DocId::new();
        let held = locks.lock_all([id]);
        let entered = Arc::new(AtomicBool::new(false));
        let waiter = {
            let (locks, entered) = (locks.clone(), entered.clone());
            std::thread::spawn(move || {
                let _guards = locks.lock_all([DocId::new(), id]);
                entered.store(true, Ordering::SeqCst);
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!entered.load(Ordering::SeqCst));
        drop(held);
        waiter.join().unwrap();
        assert!(entered.load(Ordering::SeqCst));
    }
}
