//! A TCP proxy between a client and the server that counts the bytes crossing it and can cut
//! connections part-way, in either direction — a dropped mobile connection on demand.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// When to cut: the next `connections` connections are cut after this many bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cut {
    pub connections: u32,
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

pub struct Proxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    _runtime: tokio::runtime::Runtime,
}

impl Proxy {
    pub fn start(upstream: SocketAddr) -> anyhow::Result<Proxy> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let shared = Arc::new(Shared::default());
        *shared.upstream.lock().expect("lock") = Some(upstream);
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        let accept_shared = shared.clone();
        runtime.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let shared = accept_shared.clone();
                tokio::spawn(async move {
                    let _ = relay(client, shared).await;
                });
            }
        });
        Ok(Proxy {
            addr,
            shared,
            _runtime: runtime,
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

async fn relay(client: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    shared.accepted.fetch_add(1, Ordering::SeqCst);
    let cut = {
        let mut cut = shared.cut.lock().expect("lock");
        if cut.connections > 0 {
            cut.connections -= 1;
            Some(*cut)
        } else {
            None
        }
    };
    let upstream = shared.upstream.lock().expect("lock").expect("upstream set");
    let server = TcpStream::connect(upstream).await?;
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let up_limit = cut.and_then(|c| c.upload_after);
    let down_limit = cut.and_then(|c| c.download_after);
    let up = pump(client_read, server_write, up_limit, shared.clone(), true);
    let down = pump(server_read, client_write, down_limit, shared.clone(), false);
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
    limit: Option<u64>,
    shared: Arc<Shared>,
    upload: bool,
) -> std::io::Result<()> {
    let mut buffer = vec![0u8; 16 * 1024];
    let mut sent = 0u64;
    loop {
        let n = from.read(&mut buffer).await?;
        if n == 0 {
            return to.shutdown().await;
        }
        let allowed = limit.map_or(n as u64, |l| (l - sent).min(n as u64)) as usize;
        to.write_all(&buffer[..allowed]).await?;
        sent += allowed as u64;
        let counter = if upload { &shared.up } else { &shared.down };
        counter.fetch_add(allowed as u64, Ordering::SeqCst);
        if limit.is_some_and(|l| sent >= l) {
            shared.cuts_done.fetch_add(1, Ordering::SeqCst);
            return Ok(());
        }
    }
}
