//! Photos over a connection that keeps dropping: two ~1.5 MB photos of one report, the upload
//! cut part-way again and again. Every sync resumes from the server's offset instead of starting
//! over; a photo leaves the device's queue only once the server confirmed it; the server says
//! which photos of the report have arrived, and in the end holds each exactly once.

mod common;

use cgt_client::Client;
use cgt_shared::{DocId, Position, Timestamp};
use cgt_tests::admin::Admin;
use cgt_tests::fixtures::{DEMO_PASSWORD, new_report, rng};
use cgt_tests::proxy::{Cut, Proxy};
use cgt_tests::server_process::ServerProcess;
use common::*;
use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, Rgb, RgbImage};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The chunk size the server asks for.
const CHUNK: u64 = 256 << 10;

/// A real photo-sized JPEG: a gradient under fine noise, so it neither compresses to nothing
/// nor exceeds the server's limit.
fn photo(seed: u64) -> Vec<u8> {
    let mut rng = rng(seed);
    let image = RgbImage::from_fn(2000, 1500, |x, y| {
        let noise: i16 = rng.random_range(-12..=12);
        let channel = |base: u32| (base as i16 + noise).clamp(0, 255) as u8;
        Rgb([
            channel(x * 255 / 2000),
            channel(y * 255 / 1500),
            channel((x + y) % 256),
        ])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 95)
        .encode_image(&image)
        .expect("encodes");
    out
}

/// The connection drops after `bytes` more bytes to the server.
fn up(bytes: u64) -> Cut {
    Cut {
        upload_after: Some(bytes),
        download_after: None,
    }
}

/// The connection drops after `bytes` more bytes from the server.
fn down(bytes: u64) -> Cut {
    Cut {
        upload_after: None,
        download_after: Some(bytes),
    }
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What the server's document view says about the report's photos: sha256 → arrived.
async fn arrivals(admin: &Admin, id: DocId) -> anyhow::Result<BTreeMap<String, bool>> {
    let view = admin.doc(id).await?.expect("the report is on the server");
    Ok(view["photos"]
        .as_array()
        .expect("photos")
        .iter()
        .map(|p| {
            let sha = p["sha256"].as_str().expect("sha256").to_string();
            (sha, p["arrived"].as_bool().expect("arrived"))
        })
        .collect())
}

/// Bytes of each photo the device still has to send (size − what the server confirmed).
fn remaining(client: &Client) -> anyhow::Result<BTreeMap<String, u64>> {
    Ok(client
        .pending_photos()?
        .into_iter()
        .map(|p| (p.sha256, p.size - p.uploaded))
        .collect())
}

/// Each photo of `names` is stored whole under its name, with no upload of it left under way,
/// wherever the server keeps photos; in the data folder, which can be listed, nothing else is
/// stored either.
fn assert_stored_exactly(data_dir: &Path, names: &[String]) -> anyhow::Result<()> {
    let blobs = cgt_tests::database::photo_blobs(data_dir)?;
    for name in names {
        let hash = cgt_server::PhotoHash::try_from(name.clone())?;
        assert!(
            blobs.stored_matches(&hash)?,
            "{name} holds what its name says"
        );
        assert_eq!(blobs.partial_len(&hash)?, None, "{name}: no upload left");
    }
    if cgt_tests::database::photo_store_url(data_dir).is_some() {
        return Ok(());
    }
    let mut stored = stored_photo_names(data_dir)?;
    stored.sort();
    let mut expected = names.to_vec();
    expected.sort();
    assert_eq!(stored, expected, "each photo stored exactly once");
    assert_eq!(
        std::fs::read_dir(data_dir.join("photos/partial"))?.count(),
        0
    );
    Ok(())
}

/// The names of the photo files in the data folder, `photos/ab/cd/<sha256>.jpg`: not partial
/// uploads, not thumbnails.
fn stored_photo_names(data_dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::new();
    for first in std::fs::read_dir(data_dir.join("photos"))? {
        let first = first?.path();
        let name = first
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if name == "partial" || name == "thumbs" {
            continue;
        }
        for second in std::fs::read_dir(&first)? {
            for file in std::fs::read_dir(second?.path())? {
                let path = file?.path();
                names.push(
                    path.file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .to_string(),
                );
            }
        }
    }
    Ok(names)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_cut_part_way_resume_and_arrive_exactly_once() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let proxy = Proxy::start(server.addr)?;
    let client = logged_in(dir.path(), "phone", &proxy.url(), "inspector03").await?;
    let admin = Admin::login(&server.url()).await?;

    let report = client.create_report(new_report(&mut rng(30)))?;
    let photos = [photo(1), photo(2)];
    let total: u64 = photos.iter().map(|p| p.len() as u64).sum();
    for bytes in &photos {
        assert!(
            (1_000_000..3_000_000).contains(&bytes.len()),
            "a photo-sized JPEG: {} bytes",
            bytes.len()
        );
        let at = Position::new(31.3158, 120.6190, 6.0);
        client.add_photo(report.id, bytes.clone(), Timestamp(1_790_000_000_000), at)?;
    }
    let names: Vec<String> = photos.iter().map(|p| sha(p)).collect();

    // Uploads cut at different points (the push before them is a few KB), and answers lost on
    // the way back.
    let cuts = [
        up(300_000),
        up(900_000),
        down(1_500),
        up(450_000),
        up(400_000),
    ];
    let mut sent = 0;
    for (attempt, cut) in cuts.into_iter().enumerate() {
        let before = remaining(&client)?;
        proxy.set_cut(cut);
        let result = client.sync().await;
        assert_eq!(
            proxy.cuts_done(),
            attempt as u64 + 1,
            "cut {attempt} happened"
        );
        let after = remaining(&client)?;
        let arrived = arrivals(&admin, report.id).await?;
        if attempt == 0 {
            assert_eq!(
                arrived.values().filter(|&&a| a).count(),
                0,
                "before completion the server says the photos have not arrived"
            );
            let sync = result.as_ref().expect("the report went up before the cut");
            assert_eq!(sync.photos_waiting, 2);
            let first = client.pending_photos()?.remove(0);
            assert!(first.uploaded > 0, "the first chunk was confirmed");
            let reason = first.reason.expect("the cut is explained");
            assert!(reason.starts_with("网络中断,下次同步从"), "{reason}");
        }
        for name in &names {
            // Never dropped unconfirmed: a photo the device no longer queues has arrived.
            if !after.contains_key(name) {
                assert!(arrived[name], "{name} left the queue but did not arrive");
            }
        }
        if let Ok(sync) = &result {
            assert!(sync.bytes_sent >= sync.photo_bytes_sent);
            // Resumed, not restarted: what went out is what was missing, plus at most the one
            // chunk the cut interrupted.
            let missing: u64 = before.values().sum();
            let progress: u64 = missing - after.values().sum::<u64>();
            assert!(
                sync.photo_bytes_sent <= progress + CHUNK,
                "attempt {attempt}: sent {} for {progress} bytes of progress",
                sync.photo_bytes_sent
            );
            if attempt > 0 {
                assert!(
                    sync.photo_bytes_sent < total / 2,
                    "attempt {attempt} resent too much: {}",
                    sync.photo_bytes_sent
                );
            }
            sent += sync.photo_bytes_sent;
        }
    }

    let last = client.sync().await?;
    sent += last.photo_bytes_sent;
    assert!(client.pending_photos()?.is_empty(), "the queue is empty");
    assert_eq!(last.photos_waiting, 0);
    assert!(
        sent <= total + cuts.len() as u64 * CHUNK,
        "{sent} photo bytes sent for {total}"
    );
    let arrived = arrivals(&admin, report.id).await?;
    for name in &names {
        assert!(arrived[name], "{name} arrived");
    }

    assert_stored_exactly(server.data_dir(), &names)?;

    // The inspector sees the photos from the console too; the device keeps its copies.
    let (_, login, text) =
        cgt_tests::raw::login(&server.url(), "inspector03", DEMO_PASSWORD, None).await?;
    let token = login
        .ok_or_else(|| anyhow::anyhow!("console login: {text}"))?
        .token;
    let http = reqwest::Client::new();
    for (name, bytes) in names.iter().zip(&photos) {
        let base = format!("{}/api/v1/photos/{name}", server.url());
        let full = http.get(&base).bearer_auth(&token).send().await?;
        assert_eq!(full.status(), 200);
        assert_eq!(full.bytes().await?.as_ref(), bytes.as_slice());
        let thumb = http
            .get(format!("{base}/thumb"))
            .bearer_auth(&token)
            .send()
            .await?;
        assert_eq!(thumb.status(), 200);
        let small = image::load_from_memory_with_format(&thumb.bytes().await?, ImageFormat::Jpeg)?;
        assert_eq!((small.width(), small.height()), (320, 240));
        assert_eq!(client.photo(name)?.as_ref(), Some(bytes));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_upload_keeps_what_it_confirmed() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let client = logged_in(dir.path(), "phone", &server.url(), "inspector04").await?;
    let report = client.create_report(new_report(&mut rng(31)))?;
    let photos = [photo(3), photo(4)];
    for bytes in &photos {
        let at = Position::new(31.3101, 120.6200, 4.0);
        client.add_photo(report.id, bytes.clone(), Timestamp(1_790_000_000_000), at)?;
    }

    let mut progress = client.sync_progress();
    let syncing = {
        let client = client.clone();
        tokio::spawn(async move { client.sync().await })
    };
    let wait = progress.wait_for(|p| p.bytes_done >= 600_000);
    tokio::time::timeout(std::time::Duration::from_secs(60), wait).await??;
    server.kill();
    let interrupted = syncing.await??;
    assert!(interrupted.photos_waiting > 0, "{interrupted:?}");
    let confirmed_missing: u64 = remaining(&client)?.values().sum();
    assert!(client.pending_photos()?.iter().any(|p| p.uploaded > 0));

    server.restart()?;
    let resumed = client.sync().await?;
    assert!(
        resumed.photo_bytes_sent <= confirmed_missing,
        "what the server had confirmed is not sent again: {} > {confirmed_missing}",
        resumed.photo_bytes_sent
    );
    assert!(client.pending_photos()?.is_empty());
    let admin = Admin::login(&server.url()).await?;
    assert!(arrivals(&admin, report.id).await?.values().all(|&a| a));
    let names: Vec<String> = photos.iter().map(|p| sha(p)).collect();
    assert_stored_exactly(server.data_dir(), &names)?;
    Ok(())
}
