//! `login-flood`: 20 devices sync while a flood of wrong logins (64 concurrent callers, each
//! request from another loopback address, so per-address delays do not simply stop it) hits the
//! same server. The devices' p99 sync latency with the flood is compared with the same run
//! without it. Bounded: the flood stops when the devices are done, or after its time limit.

use super::percentile;
use crate::fixtures::{new_report, rng};
use crate::inprocess::InProcessServer;
use cgt_client::Client;
use serde_json::{Value, json};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const DEVICES: usize = 20;
const FLOODERS: usize = 64;
const ADDRESSES: usize = 1024;
const FLOOD_LIMIT: Duration = Duration::from_secs(120);

/// What the flood sent and how it was answered.
#[derive(Default)]
struct FloodCount {
    sent: AtomicUsize,
    heard: AtomicUsize,
    throttled: AtomicUsize,
}

pub fn run(rounds: usize) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let server = InProcessServer::start(&dir.path().join("server"), false, 2)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let clients = super::devices(&server, &runtime, dir.path(), "flood", DEVICES)?;
    let rounds = rounds.max(2) * 2;
    let quiet = runtime.block_on(sync_rounds(&clients, rounds, 0))?;
    eprintln!("quiet: {} syncs", quiet.len());
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(FloodCount::default());
    let flood = runtime.spawn(flood(server.url(), stop.clone(), count.clone()));
    let flooded = runtime.block_on(async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        sync_rounds(&clients, rounds, 1_000).await
    })?;
    stop.store(true, Ordering::SeqCst);
    runtime.block_on(flood)??;
    eprintln!("flood: {} syncs", flooded.len());
    let p99_quiet = percentile(&mut quiet.clone(), 0.99);
    let p99_flood = percentile(&mut flooded.clone(), 0.99);
    Ok(json!({
        "scenario": "login-flood",
        "devices": DEVICES,
        "syncs_per_phase": quiet.len(),
        "flood_callers": FLOODERS,
        "flood_logins": count.sent.load(Ordering::SeqCst),
        "flood_heard": count.heard.load(Ordering::SeqCst),
        "flood_throttled": count.throttled.load(Ordering::SeqCst),
        "p99_ms_quiet": p99_quiet.round(),
        "p99_ms_flood": p99_flood.round(),
        "p99_ratio": ((p99_flood / p99_quiet) * 100.0).round() / 100.0,
    }))
}

/// Every device makes a report and syncs, `rounds` times; the sync latencies in ms.
async fn sync_rounds(clients: &[Client], rounds: usize, seed: u64) -> anyhow::Result<Vec<f64>> {
    let mut latencies = Vec::new();
    for round in 0..rounds {
        let tasks: Vec<_> = clients
            .iter()
            .cloned()
            .enumerate()
            .map(|(d, client)| {
                let mut rng = rng(seed + (round * DEVICES + d) as u64);
                tokio::spawn(async move {
                    client.create_report(new_report(&mut rng))?;
                    let t = Instant::now();
                    let report = client.sync().await?;
                    anyhow::ensure!(report.stored == 1, "stored {}", report.stored);
                    Ok(t.elapsed().as_secs_f64() * 1000.0)
                })
            })
            .collect();
        for task in tasks {
            latencies.push(task.await??);
        }
    }
    Ok(latencies)
}

/// Wrong logins from many loopback addresses until `stop` or the time limit.
async fn flood(url: String, stop: Arc<AtomicBool>, count: Arc<FloodCount>) -> anyhow::Result<()> {
    let started = Instant::now();
    let clients: Vec<reqwest::Client> = (0..ADDRESSES)
        .map(|i| {
            let address = Ipv4Addr::new(127, 1, (i / 250) as u8, (i % 250 + 1) as u8);
            reqwest::Client::builder()
                .local_address(IpAddr::V4(address))
                .build()
        })
        .collect::<Result<_, _>>()?;
    let clients = Arc::new(clients);
    let tasks: Vec<_> = (0..FLOODERS)
        .map(|f| {
            let (url, stop, count, clients) = (url.clone(), stop.clone(), count.clone(), clients.clone());
            tokio::spawn(async move {
                let mut n = f;
                while !stop.load(Ordering::SeqCst) && started.elapsed() < FLOOD_LIMIT {
                    let http = &clients[n % ADDRESSES];
                    let body = json!({ "username": format!("guess{}", n % 5000), "password": "wrong-password" });
                    count.sent.fetch_add(1, Ordering::SeqCst);
                    match http.post(format!("{url}/api/v1/auth/login")).json(&body).send().await {
                        Ok(r) if r.status().as_u16() == 401 => count.heard.fetch_add(1, Ordering::SeqCst),
                        Ok(_) => count.throttled.fetch_add(1, Ordering::SeqCst),
                        Err(_) => 0,
                    };
                    n += FLOODERS;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await?;
    }
    Ok(())
}
