//! Devices report what they still hold to send. A phone with two reports, two photos and a
//! patrol segment loses the answer to its push: the devices API shows what it held when that
//! sync began. Its next sync is cut during the photos: the API shows what that sync left (the
//! photos), reported at its end. A crafted report of negative or absurd counts is refused with
//! a 400 and changes nothing; a device that reports nothing (an older app) still syncs.

mod common;

use cgt_client::Client;
use cgt_client::position;
use cgt_shared::Timestamp;
use cgt_shared::wire::{self, PENDING_HEADER, PendingCounts};
use cgt_tests::admin::Admin;
use cgt_tests::fixtures::{DEMO_PASSWORD, garbage_report, walk_gpx};
use cgt_tests::proxy::{Cut, Proxy};
use cgt_tests::raw;
use cgt_tests::server_process::ServerProcess;
use common::*;
use serde_json::Value;

/// The counts as the devices API lists them.
fn listed(device: &Value) -> Option<PendingCounts> {
    let pending = &device["pending"];
    let count = |key: &str| pending[key].as_u64();
    Some(PendingCounts {
        reports: u32::try_from(count("reports")?).ok()?,
        photos: u32::try_from(count("photos")?).ok()?,
        photo_bytes: count("photo_bytes")?,
        track_segments: u32::try_from(count("track_segments")?).ok()?,
        failed: u32::try_from(count("failed")?).ok()?,
    })
}

async fn listed_for(admin: &Admin, client: &Client) -> anyhow::Result<Value> {
    admin
        .device(client.session()?.expect("logged in").device_id)
        .await
}

/// A request of a device with `pending` as its header value: an empty push (it only asks for
/// the feed) or the reference data. Returns the status and the body.
async fn with_header(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    push: bool,
    pending: Option<&str>,
) -> anyhow::Result<(u16, String)> {
    let mut request = if push {
        http.post(format!("{url}{}", wire::PUSH_PATH))
            .header("content-type", wire::CONTENT_TYPE)
    } else {
        http.get(format!("{url}/api/v1/reference"))
    };
    if let Some(value) = pending {
        request = request.header(PENDING_HEADER, value);
    }
    let response = request.bearer_auth(token).send().await?;
    Ok((response.status().as_u16(), response.text().await?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_show_what_they_still_hold_to_send() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let proxy = Proxy::start(server.addr)?;
    let phone = logged_in(dir.path(), "phone", &proxy.url(), "inspector03").await?;
    let admin = Admin::login(&server.url()).await?;
    assert_eq!(
        listed_for(&admin, &phone).await?["pending"],
        Value::Null,
        "nothing reported before the first sync"
    );

    let with_photos = phone.create_report(garbage_report())?;
    phone.create_report(garbage_report())?;
    for seed in [1, 2] {
        let camera = cgt_photo::sample::street_scene_jpeg(2000, 1500, 90, seed);
        phone.capture_photo(with_photos.id, &camera)?;
    }
    let start = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    let start = start.as_millis() as i64 - 120_000;
    let gpx = dir.path().join("walk.gpx");
    std::fs::write(&gpx, walk_gpx(start, 60))?;
    let source = position::from_config(&format!("gpx:{}", gpx.display()))?;
    phone.start_shift()?;
    phone.record_from(&source, Timestamp(start), Timestamp(start + 59_000), 1_000)?;
    let before = phone.pending_counts()?;
    assert_eq!(
        (before.reports, before.photos, before.track_segments),
        (2, 2, 1)
    );

    // The push arrives, its answer does not: the server has the counts the sync began with.
    proxy.set_cut(Cut {
        upload_after: None,
        download_after: Some(100),
    });
    assert!(phone.sync().await.is_err(), "the answer was lost");
    let device = listed_for(&admin, &phone).await?;
    assert_eq!(listed(&device), Some(before), "{device}");
    let first_report = device["pending"]["reported_at"].as_i64().expect("time");
    assert_eq!(
        device["pending"]["pending_since"].as_i64(),
        Some(first_report)
    );

    // The next sync stores the reports and the segment but is cut during the photos: the
    // reference update that ends it reports the photos still waiting.
    proxy.set_cut(Cut {
        upload_after: Some(150_000),
        download_after: None,
    });
    let sync = phone.sync().await?;
    assert_eq!(proxy.cuts_done(), 2, "both cuts happened");
    assert!(sync.photos_waiting >= 1, "{sync:?}");
    let after = phone.pending_counts()?;
    assert_eq!(
        (after.reports, after.track_segments, after.failed),
        (0, 0, 0)
    );
    assert!(after.photos >= 1 && after.photo_bytes > 0, "{after:?}");
    let device = listed_for(&admin, &phone).await?;
    assert_eq!(listed(&device), Some(after), "{device}");
    assert!(device["pending"]["reported_at"].as_i64() >= Some(first_report));
    assert_eq!(
        device["pending"]["pending_since"].as_i64(),
        Some(first_report),
        "still pending since the first report"
    );
    assert_eq!(device["warning"], Value::Null, "{device}");

    // Crafted reports: refused whole, before the body is read, and nothing changes.
    let (_, login, text) = raw::login(
        &server.url(),
        "inspector03",
        DEMO_PASSWORD,
        Some("接口测试机"),
    )
    .await?;
    let login = login.ok_or_else(|| anyhow::anyhow!("login: {text}"))?;
    let http = reqwest::Client::new();
    for (push, bad) in [
        (true, "reports=-1"),
        (true, "photos=1000001"),
        (true, "photo_bytes=abc"),
        (true, "reports=1;reports=2"),
        (false, "failed=-3"),
    ] {
        let (status, body) =
            with_header(&http, &server.url(), &login.token, push, Some(bad)).await?;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.contains(PENDING_HEADER), "{bad}: {body}");
    }
    let crafted = admin
        .device(login.device_id.expect("a field login"))
        .await?;
    assert_eq!(crafted["pending"], Value::Null, "{crafted}");

    // A device that reports nothing syncs as before and leaves the last report standing; a good
    // report replaces it.
    let (status, body) = with_header(&http, &server.url(), &login.token, true, None).await?;
    assert_eq!(status, 200, "{body}");
    let good = "reports=3;photos=1;photo_bytes=2097152;track_segments=0;failed=1";
    let (status, body) = with_header(&http, &server.url(), &login.token, true, Some(good)).await?;
    assert_eq!(status, 200, "{body}");
    let crafted = admin
        .device(login.device_id.expect("a field login"))
        .await?;
    assert_eq!(listed(&crafted), Some(PendingCounts::parse_header(good)?));
    let (status, body) = with_header(&http, &server.url(), &login.token, true, None).await?;
    assert_eq!(status, 200, "{body}");
    let crafted = admin
        .device(login.device_id.expect("a field login"))
        .await?;
    assert_eq!(listed(&crafted), Some(PendingCounts::parse_header(good)?));
    assert_eq!(
        listed(&listed_for(&admin, &phone).await?),
        Some(after),
        "another device's reports leave the phone's alone"
    );
    Ok(())
}
