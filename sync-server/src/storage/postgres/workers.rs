//! The connection workers: a fixed number of threads, each owning one PostgreSQL connection
//! (reconnected when it breaks), taking jobs from one queue. The port's methods block; running
//! them here keeps the blocking driver off every async runtime and bounds the connections a
//! server opens.

use super::super::StorageError;
use postgres::{Client, NoTls};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};

type Job = Box<dyn FnOnce(Result<&mut Client, StorageError>) + Send>;

pub(super) struct Workers {
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl Workers {
    /// Starts `count` workers connecting to `url`. One connection is made before this
    /// returns, so a wrong address fails at start, not at the first request. Connections are
    /// made on the workers' threads only: the driver blocks on a runtime of its own, which
    /// must not run inside a caller's.
    pub(super) fn start(url: &str, count: usize) -> Result<Workers, StorageError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..count.max(1) {
            let queue = Arc::clone(&queue);
            let url = url.to_owned();
            std::thread::Builder::new()
                .name(format!("cgt-pg-{n}"))
                .spawn(move || run_worker(&url, &queue))
                .map_err(|e| {
                    StorageError::Commit(format!("cannot start a database worker: {e}"))
                })?;
        }
        let workers = Workers {
            jobs: Mutex::new(jobs),
        };
        workers.run(|_| Ok(()))?;
        Ok(workers)
    }

    /// Runs `f` on a worker's connection and waits for its result.
    pub(super) fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, StorageError> + Send + 'static,
    ) -> Result<T, StorageError> {
        let (reply, answer) = mpsc::sync_channel::<Result<T, StorageError>>(1);
        self.submit(move |client| {
            let _ = reply.send(client.and_then(f));
        })?;
        answer.recv().map_err(|_| StorageError::WriterGone)?
    }

    /// Queues `job` for the next free worker without waiting for it.
    pub(super) fn submit(
        &self,
        job: impl FnOnce(Result<&mut Client, StorageError>) + Send + 'static,
    ) -> Result<(), StorageError> {
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(Box::new(job))
            .map_err(|_| StorageError::WriterGone)
    }
}

fn run_worker(url: &str, queue: &Mutex<mpsc::Receiver<Job>>) {
    let mut client: Option<Client> = None;
    loop {
        let job = match queue.lock().unwrap_or_else(PoisonError::into_inner).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        if client.as_ref().is_none_or(Client::is_closed) {
            client = None;
            match Client::connect(url, NoTls) {
                Ok(fresh) => client = Some(fresh),
                Err(e) => {
                    job(Err(e.into()));
                    continue;
                }
            }
        }
        if let Some(connected) = client.as_mut() {
            let outcome = catch_unwind(AssertUnwindSafe(|| job(Ok(connected))));
            if outcome.is_err() {
                // The connection may be mid-transaction: start afresh with the next job.
                client = None;
            }
        }
    }
}
