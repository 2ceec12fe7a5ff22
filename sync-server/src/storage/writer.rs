//! The writer thread: owns the write connection and commits queued jobs in groups.
//!
//! Each job runs inside its own savepoint of the group transaction, so a failing job rolls back
//! alone; callers hear back only after the group's COMMIT (one fsync for the whole group).

use super::StorageError;
use rusqlite::{Connection, TransactionBehavior};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::thread::JoinHandle;

/// Most jobs committed in one transaction.
const MAX_GROUP: usize = 512;

type Finish = Box<dyn FnOnce(Result<(), StorageError>) + Send>;

/// A job's outcome inside the transaction, and how to report the final result.
struct Completion {
    ok: bool,
    finish: Finish,
}

type Job = Box<dyn FnOnce(&Connection) -> Completion + Send>;

pub(super) struct WriterHandle {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl WriterHandle {
    pub(super) fn spawn(conn: Connection) -> Result<WriterHandle, StorageError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("cgt-db-writer".into())
            .spawn(move || run_writer(conn, queue))
            .map_err(|e| StorageError::Commit(format!("cannot start writer thread: {e}")))?;
        Ok(WriterHandle {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    pub(super) fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StorageError> + Send + 'static,
    ) -> Result<T, StorageError> {
        let (reply, answer) = mpsc::sync_channel::<Result<T, StorageError>>(1);
        let job: Job = Box::new(move |conn| {
            let result = f(conn);
            Completion {
                ok: result.is_ok(),
                finish: Box::new(move |committed| {
                    let _ = reply.send(committed.and(result));
                }),
            }
        });
        self.jobs
            .as_ref()
            .ok_or(StorageError::WriterGone)?
            .send(job)
            .map_err(|_| StorageError::WriterGone)?;
        answer.recv().map_err(|_| StorageError::WriterGone)?
    }
}

impl Drop for WriterHandle {
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run_writer(mut conn: Connection, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        commit_group(&mut conn, group);
    }
}

fn commit_group(conn: &mut Connection, group: Vec<Job>) {
    let mut finishes = Vec::with_capacity(group.len());
    let committed = (|| -> Result<(), rusqlite::Error> {
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for job in group {
            let savepoint = tx.savepoint()?;
            match catch_unwind(AssertUnwindSafe(|| job(&savepoint))) {
                Ok(completion) => {
                    if completion.ok {
                        savepoint.commit()?;
                    }
                    finishes.push(completion.finish);
                }
                Err(_) => tracing::error!("a storage write panicked; its changes were rolled back"),
            }
        }
        tx.commit()
    })();
    if let Err(e) = &committed {
        tracing::error!(error = %e, "group commit failed");
    }
    for finish in finishes {
        finish(
            committed
                .as_ref()
                .map_err(|e| StorageError::Commit(e.to_string()))
                .copied(),
        );
    }
}
