//! Bombs against the real server binary running under a memory limit (`prlimit --as`): each is
//! answered with its 4xx, and after each the server still answers `/healthz`, its peak RSS stays
//! well under the limit, and a normal device sync succeeds.

mod common;

use cgt_client::Client;
use cgt_shared::DocId;
use cgt_shared::doc::new_report_doc;
use cgt_shared::report::PhotoRef;
use cgt_shared::wire::{self, DocOutcome, DocPush, PushFrame};
use cgt_tests::bombs;
use cgt_tests::fixtures::{DEMO_PASSWORD, new_report, report_by, rng};
use cgt_tests::raw;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::*;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::json;
use std::io::Write;

/// The address space the server may map.
const MEMORY_LIMIT: u64 = 1 << 30;
/// The peak RSS the server must stay under, whatever it was sent.
const RSS_CEILING_KIB: u64 = 512 << 10;

struct Target {
    server: ServerProcess,
    url: String,
    device: raw::Login,
    phone: Client,
    seed: u64,
}

impl Target {
    /// The server is alive, has not grown past the ceiling, and a real device still syncs.
    async fn still_serving(&mut self, what: &str) -> anyhow::Result<()> {
        assert!(self.server.is_running(), "{what}: the server died");
        let health = reqwest::get(format!("{}/healthz", self.url)).await?;
        assert_eq!(health.status().as_u16(), 200, "{what}: /healthz");
        let memory = self.server.memory()?;
        assert!(
            memory.peak_rss_kib < RSS_CEILING_KIB,
            "{what}: peak RSS {} KiB",
            memory.peak_rss_kib
        );
        self.seed += 1;
        self.phone.create_report(new_report(&mut rng(self.seed)))?;
        let sync = self.phone.sync().await?;
        assert_eq!(sync.stored, 1, "{what}: a normal sync after it");
        eprintln!(
            "{what}: answered, RSS {} KiB (peak {} KiB)",
            memory.rss_kib, memory.peak_rss_kib
        );
        Ok(())
    }

    /// Pushes one document whose changes are `changes`; the server's outcome for it.
    async fn push_changes(&self, changes: Vec<u8>) -> anyhow::Result<DocOutcome> {
        let answer =
            raw::push_docs(&self.url, &self.device.token, vec![(DocId::new(), changes)]).await?;
        Ok(answer.outcomes.into_iter().next().expect("one outcome"))
    }

    async fn post(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> anyhow::Result<u16> {
        let mut request = reqwest::Client::new()
            .post(format!("{}{path}", self.url))
            .bearer_auth(&self.device.token)
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Ok(request.send().await?.status().as_u16())
    }
}

fn refused_with(outcome: &DocOutcome, statuses: &[u16]) -> bool {
    matches!(outcome, DocOutcome::Refused { status, .. } if statuses.contains(status))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bombs_are_refused_under_a_memory_limit() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start_limited(
        &server_binary(),
        &dir.path().join("server"),
        Some(MEMORY_LIMIT),
    )?;
    let url = server.url();
    let (_, device, text) =
        raw::login(&url, "inspector07", DEMO_PASSWORD, Some("攻击者的手机")).await?;
    let device = device.ok_or_else(|| anyhow::anyhow!("login: {text}"))?;
    let phone = logged_in(dir.path(), "honest", &url, "inspector08").await?;
    let mut target = Target {
        server,
        url,
        device,
        phone,
        seed: 0,
    };
    target.still_serving("baseline").await?;

    // Automerge: 2 GiB of zeros in a compressed change chunk, a document chunk whose deflated
    // column inflates to 1 GiB, a change declaring 5 million run-length-encoded operations.
    let outcome = target
        .push_changes(bombs::compressed_change(2 << 30))
        .await?;
    assert!(refused_with(&outcome, &[413, 422]), "{outcome:?}");
    target
        .still_serving("deflate in a compressed change chunk")
        .await?;
    let outcome = target
        .push_changes(bombs::document_with_inflated_column(1 << 30))
        .await?;
    assert!(refused_with(&outcome, &[413]), "{outcome:?}");
    target
        .still_serving("document chunk with an inflated column")
        .await?;
    let outcome = target
        .push_changes(bombs::rle_ops_change(5_000_000))
        .await?;
    assert!(refused_with(&outcome, &[413]), "{outcome:?}");
    target
        .still_serving("change with 5 million RLE operations")
        .await?;

    // The rest of a frame is still processed: a bomb beside a good report.
    let report = report_by(
        target.device.user_id,
        target.device.device_id.expect("device"),
        77,
    );
    let frame = PushFrame {
        docs: vec![
            DocPush {
                id: DocId::new(),
                base: vec![],
                heads: vec![],
                changes: bombs::rle_ops_change(1_000_000),
            },
            DocPush {
                id: report.id,
                base: vec![],
                heads: vec![],
                changes: new_report_doc(&report)?.save(),
            },
        ],
    };
    let body = wire::encode_frames([wire::encode(&frame, 3).as_slice()]);
    let (status, bytes) =
        raw::post(&target.url, wire::PUSH_PATH, &target.device.token, body).await?;
    assert_eq!(status, 200);
    let answer: wire::PushResponse = wire::decode(&bytes, &wire::Limits::default())?;
    assert!(
        refused_with(&answer.outcomes[0], &[413]),
        "{:?}",
        answer.outcomes
    );
    assert_eq!(answer.outcomes[1], DocOutcome::Stored);
    target.still_serving("a bomb beside a good report").await?;

    // A zstd frame that lies about its length, either way.
    for (what, frame) in [
        (
            "zstd inflating past its declared length",
            bombs::lying_zstd_frame(1 << 30, 1000),
        ),
        (
            "zstd declaring far more than it holds",
            bombs::lying_zstd_frame(1000, 60 << 20),
        ),
    ] {
        let body = wire::encode_frames([frame.as_slice()]);
        let (status, _) =
            raw::post(&target.url, wire::PUSH_PATH, &target.device.token, body).await?;
        assert_eq!(status, 400, "{what}");
        target.still_serving(what).await?;
    }

    // gzip bodies are not inflated: a 1 GiB gzip bomb is just a body that is not JSON.
    let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        gzip.write_all(&zeros)?;
    }
    let gzip = gzip.finish()?;
    let status = target
        .post(
            "/api/v1/auth/login",
            &[
                ("content-type", "application/json"),
                ("content-encoding", "gzip"),
            ],
            gzip,
        )
        .await?;
    assert!((400..500).contains(&status), "gzip body: {status}");
    target.still_serving("gzip bomb body").await?;

    // A JPEG whose header declares 60000×60000, referenced by a stored report.
    let bomb = bombs::jpeg_declaring(60_000, 60_000);
    let sha = cgt_photo::sha256_hex(&bomb);
    let mut report = report_by(
        target.device.user_id,
        target.device.device_id.expect("device"),
        78,
    );
    report.photos = vec![PhotoRef {
        sha256: sha.clone(),
    }];
    let stored = raw::push_docs(
        &target.url,
        &target.device.token,
        vec![(report.id, new_report_doc(&report)?.save())],
    )
    .await?;
    assert_eq!(stored.outcomes, vec![DocOutcome::Stored]);
    let size = serde_json::to_vec(&json!({ "size": bomb.len() }))?;
    let json_type = [("content-type", "application/json")];
    assert_eq!(
        target
            .post(&format!("/api/v1/photos/{sha}/upload"), &json_type, size)
            .await?,
        200
    );
    let chunk = reqwest::Client::new()
        .patch(format!("{}/api/v1/photos/{sha}", target.url))
        .bearer_auth(&target.device.token)
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", "0")
        .body(bomb)
        .send()
        .await?;
    assert_eq!(chunk.status().as_u16(), 422, "{}", chunk.text().await?);
    target.still_serving("JPEG declaring 60000×60000").await?;

    // JSON: nested 100,000 deep, and 16 MB of array for a case action.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let status = target
        .post("/api/v1/auth/login", &json_type, deep.into_bytes())
        .await?;
    assert!((400..500).contains(&status), "deep JSON: {status}");
    let operator = Staff::login(&target.url, "operator1").await?;
    let huge = format!("[{}0]", "0,".repeat(8 << 20));
    let response = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/cases/{}/accept",
            target.url,
            DocId::new()
        ))
        .bearer_auth(operator.token())
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 413);
    target.still_serving("deep and huge JSON").await?;

    // Open311 with a 10 MB description; OsmAnd with numbers no position has.
    let admin = Staff::login(&target.url, "admin").await?;
    let key = admin.api_key("open311").await?;
    let description = "井".repeat(3_500_000);
    let form = [
        ("api_key", key.as_str()),
        ("service_code", "event-01-02"),
        ("lat", "31.3105"),
        ("long", "120.6210"),
        ("description", description.as_str()),
    ];
    let response = reqwest::Client::new()
        .post(format!("{}/open311/v2/requests.json", target.url))
        .form(&form)
        .send()
        .await?;
    assert!(
        (400..500).contains(&response.status().as_u16()),
        "10 MB description"
    );
    for params in [
        "lat=NaN&lon=120.6",
        "lat=inf&lon=-inf",
        "lat=1e308&lon=1e308",
        "lat=31.3&lon=120.6&speed=1e308",
    ] {
        let response = reqwest::get(format!(
            "{}/api/v1/osmand?id=ZT-SU-E1234&key=demo-muck-truck-key-2026&{params}",
            target.url
        ))
        .await?;
        assert_eq!(response.status().as_u16(), 400, "{params}");
    }
    target.still_serving("Open311 and OsmAnd").await?;
    Ok(())
}
