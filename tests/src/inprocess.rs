//! The server inside the test process, on its own Tokio runtime, for benchmarks and tests
//! that need no process control.

use cgt_server::Settings;
use std::net::SocketAddr;
use std::path::Path;
use tokio::sync::oneshot;

pub struct InProcessServer {
    pub addr: SocketAddr,
    pub settings: Settings,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl InProcessServer {
    /// Starts the server on a runtime of `workers` threads, on a free port.
    pub fn start(data_dir: &Path, demo: bool, workers: usize) -> anyhow::Result<InProcessServer> {
        InProcessServer::start_at(data_dir, demo, workers, "127.0.0.1:0".parse()?)
    }

    /// Starts the server listening on `addr`, e.g. the port of a server stopped before (dropping
    /// an `InProcessServer` stops it).
    pub fn start_at(
        data_dir: &Path,
        demo: bool,
        workers: usize,
        addr: SocketAddr,
    ) -> anyhow::Result<InProcessServer> {
        let mut settings = crate::database::test_settings(data_dir)?;
        settings.demo = demo;
        let (stop, stopped) = oneshot::channel::<()>();
        let (ready, bound) = std::sync::mpsc::channel();
        let launch_settings = settings.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::bind(addr).await {
                    Ok(listener) => listener,
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                ready.send(listener.local_addr()).expect("ready");
                cgt_server::launch(launch_settings, listener, async {
                    let _ = stopped.await;
                })
                .await
                .expect("server runs");
            });
        });
        let addr = bound.recv()??;
        let server = InProcessServer {
            addr,
            settings,
            stop: Some(stop),
            thread: Some(thread),
        };
        wait_healthy(&server.url())?;
        Ok(server)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

fn wait_healthy(url: &str) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        for _ in 0..600 {
            if let Ok(r) = reqwest::get(format!("{url}/healthz")).await
                && r.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        anyhow::bail!("server at {url} never became healthy")
    })
}

impl Drop for InProcessServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
