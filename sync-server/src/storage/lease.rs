//! A hold on documents against the other server processes sharing a store, from loading a
//! document until its new version is committed. Within one process the striped
//! `sync::locks::DocLocks` serialize; a lease extends that to every process.

/// Released when dropped.
pub struct DocLease {
    release: Option<Box<dyn FnOnce() + Send>>,
}

impl DocLease {
    /// The lease of a store only one process opens (the embedded file): the in-process locks
    /// already serialize every writer, so there is nothing to hold or release.
    pub fn single_process() -> DocLease {
        DocLease { release: None }
    }

    /// A lease that runs `release` when dropped.
    pub(super) fn held(release: impl FnOnce() + Send + 'static) -> DocLease {
        DocLease {
            release: Some(Box::new(release)),
        }
    }
}

impl Drop for DocLease {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            release();
        }
    }
}
