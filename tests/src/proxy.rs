//! A TCP proxy between a client and the server that counts the bytes crossing it and can cut
//! connections part-way, in either direction — a dropped mobile connection on demand.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A one-shot cut: after this many more bytes in a direction, on whichever connection carries
/// them (clients reuse pooled connections), that connection is dropped.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cut {
    /// Bytes from client to server before the cut.
    pub upload_after: Option<u64>,
    /// Bytes from server to client before the cut.
    pub download_after: Option<u64>,
}

#[derive(Default)]
struct Shared {
    up: AtomicU64,
    down: AtomicU64,
    accepted: AtomicU64,
    cuts_done: AtomicU64,
    cut: Mutex<Cut>,
    upstream: Mutex<Option<SocketAddr>>,
}

/// The proxy runs on a thread and runtime of its own, so it works from sync and async callers.
pub struct Proxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    pub fn start(upstream: SocketAddr) -> anyhow::Result<Proxy> {
        let shared = Arc::new(Shared::default());
        *shared.upstream.lock().expect("lock") = Some(upstream);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, bound) = std::sync::mpsc::channel();
        let accept_shared = shared.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("proxy runtime");
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                ready
                    .send(listener.local_addr().expect("addr"))
                    .expect("ready");
                let accept = async {
                    while let Ok((client, _)) = listener.accept().await {
                        let shared = accept_shared.clone();
                        tokio::spawn(async move {
                            let _ = relay(client, shared).await;
                        });
                    }
                };
                tokio::select! {
                    _ = accept => {},
                    _ = stopped => {},
                }
            });
        });
        let addr = bound.recv()?;
        Ok(Proxy {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Points the proxy at a restarted server.
    pub fn set_upstream(&self, upstream: SocketAddr) {
        *self.shared.upstream.lock().expect("lock") = Some(upstream);
    }

    pub fn set_cut(&self, cut: Cut) {
        *self.shared.cut.lock().expect("lock") = cut;
    }

    /// Bytes relayed (client→server, server→client) since the last reset.
    pub fn bytes(&self) -> (u64, u64) {
        (
            self.shared.up.load(Ordering::SeqCst),
            self.shared.down.load(Ordering::SeqCst),
        )
    }

    pub fn reset_counters(&self) {
        self.shared.up.store(0, Ordering::SeqCst);
        self.shared.down.store(0, Ordering::SeqCst);
    }

    pub fn cuts_done(&self) -> u64 {
        self.shared.cuts_done.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn relay(client: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    shared.accepted.fetch_add(1, Ordering::SeqCst);
    let upstream = shared.upstream.lock().expect("lock").expect("upstream set");
    let server = TcpStream::connect(upstream).await?;
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let up = pump(client_read, server_write, shared.clone(), true);
    let down = pump(server_read, client_write, shared.clone(), false);
    // When either direction is cut, drop both halves: the connection is gone.
    tokio::select! {
        _ = up => {},
        _ = down => {},
    }
    Ok(())
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    shared: Arc<Shared>,
    upload: bool,
) -> std::io::Result<()> {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let n = from.read(&mut buffer).await?;
        if n == 0 {
            return to.shutdown().await;
        }
        let (allowed, cut_now) = take_budget(&shared, upload, n);
        to.write_all(&buffer[..allowed]).await?;
        let counter = if upload { &shared.up } else { &shared.down };
        counter.fetch_add(allowed as u64, Ordering::SeqCst);
        if cut_now {
            shared.cuts_done.fetch_add(1, Ordering::SeqCst);
            return Ok(());
        }
    }
}

/// How many of `n` bytes may pass, and whether the cut happens after them.
fn take_budget(shared: &Shared, upload: bool, n: usize) -> (usize, bool) {
    let mut cut = shared.cut.lock().expect("lock");
    let left = if upload {
        &mut cut.upload_after
    } else {
        &mut cut.download_after
    };
    match left {
        None => (n, false),
        Some(l) if (*l as usize) > n => {
            *l -= n as u64;
            (n, false)
        }
        Some(l) => {
            let allowed = *l as usize;
            *left = None;
            (allowed, true)
        }
    }
}
