//! Two server processes against one PostgreSQL database, as behind a load balancer: a login
//! made at one works at the other, a report pushed to one is in the other's queue, and
//! workflow steps taken at both at once on the same cases are all kept (the documents are
//! held across processes from load to commit, not only within one), and wrong passwords
//! counted at one lock the account at the other. Thirty phones syncing to either instance at
//! random, through a SIGKILL of one of them, converge with nothing lost or stored twice, and a
//! photo upload cut at one instance resumes at the other. Runs in the suite's PostgreSQL pass;
//! an embedded file belongs to one process.

mod common;

use cgt_shared::DocId;
use cgt_tests::database::POSTGRES_VAR;
use cgt_tests::fixtures::{new_report, rng};
use cgt_tests::proxy::{Cut, Proxy};
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::*;
use rand::Rng;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CASES: usize = 60;
/// The chunk size the server asks for.
const CHUNK: u64 = 256 << 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_database_and_lose_no_step() -> anyhow::Result<()> {
    if std::env::var_os(POSTGRES_VAR).is_none() {
        eprintln!("two instances share a PostgreSQL store only; this pass is embedded");
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let first = ServerProcess::start(&server_binary(), &dir.path().join("a"))?;
    let second = ServerProcess::start_sharing(
        &server_binary(),
        &dir.path().join("b"),
        &dir.path().join("a"),
    )?;
    let (a, b) = (first.url(), second.url());

    // A phone syncs with the second instance.
    let phone = logged_in(dir.path(), "phone", &b, "inspector01").await?;
    let mut rng = rng(20261207);
    let ids: Vec<DocId> = (0..CASES)
        .map(|_| phone.create_report(new_report(&mut rng)).map(|r| r.id))
        .collect::<Result<_, _>>()?;
    phone.sync().await?;

    // A login made at the first instance holds at the second.
    let operator = Staff::login(&a, "operator1").await?;
    let operator_at_b = Staff::with_token(&b, operator.token());
    let (status, queue) = operator_at_b.get("/api/v1/cases?per_page=100").await?;
    assert_eq!(status, 200, "{queue}");
    assert_eq!(queue["total"], CASES, "{queue}");

    // 受理 at the first instance and 督办 at the second, on the same cases at the same time.
    let leader = Staff::login(&b, "leader1").await?;
    let accept = async {
        for id in &ids {
            operator
                .expect(&format!("/api/v1/cases/{id}/accept"), json!({}), 200)
                .await?;
        }
        anyhow::Ok(())
    };
    let supervise = async {
        for id in ids.iter().rev() {
            leader
                .expect(&format!("/api/v1/cases/{id}/supervise"), json!({}), 200)
                .await?;
        }
        anyhow::Ok(())
    };
    let (accepted, supervised) = tokio::join!(accept, supervise);
    accepted?;
    supervised?;

    for id in &ids {
        for (instance, staff) in [("a", &operator), ("b", &operator_at_b)] {
            let (status, detail) = staff.get(&format!("/api/v1/cases/{id}")).await?;
            assert_eq!(status, 200, "{detail}");
            let case = &detail["case"];
            assert_eq!(case["status"], "accepted", "{instance}: {detail}");
            assert_eq!(case["supervised"], true, "{instance}: {detail}");
        }
    }

    // Wrong passwords counted at one instance lock the account at the other.
    let http = reqwest::Client::new();
    let attempt = |url: &str, password: &str| {
        http.post(format!("{url}/api/v1/auth/login"))
            .json(&json!({ "username": "handler1", "password": password }))
            .send()
    };
    for _ in 0..6 {
        assert_eq!(
            attempt(&a, "not-the-password").await?.status().as_u16(),
            401
        );
    }
    let locked = attempt(&b, cgt_tests::fixtures::DEMO_PASSWORD).await?;
    assert_eq!(
        locked.status().as_u16(),
        429,
        "the lock holds at the other instance"
    );
    assert!(locked.headers().contains_key("retry-after"));

    // The phone hears of both steps, whichever instance wrote them.
    phone.sync().await?;
    let admin = cgt_tests::admin::Admin::login(&a).await?;
    for id in &ids {
        assert_same_on_server(&admin, &phone, *id).await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_devices_on_two_instances_converge_through_a_kill() -> anyhow::Result<()> {
    if std::env::var_os(POSTGRES_VAR).is_none() {
        eprintln!("two instances share a PostgreSQL store only; this pass is embedded");
        return Ok(());
    }
    const PHONES: usize = 30;
    const ROUNDS: usize = 4;
    const EACH: usize = 3;
    let dir = tempfile::tempdir()?;
    let first = Arc::new(Mutex::new(ServerProcess::start(
        &server_binary(),
        &dir.path().join("a"),
    )?));
    let second = ServerProcess::start_sharing(
        &server_binary(),
        &dir.path().join("b"),
        &dir.path().join("a"),
    )?;
    let urls = [first.lock().expect("server").url(), second.url()];
    let mut rng = rng(30);
    let mut phones = Vec::new();
    for i in 0..PHONES {
        let inspector = format!("inspector{:02}", i % 12 + 1);
        let phone = logged_in(dir.path(), &format!("p{i}"), &urls[i % 2], &inspector).await?;
        phones.push(phone);
    }
    let (mut created, mut unanswered) = (0, 0);
    for round in 0..ROUNDS {
        // Mid-way through the third round the first instance is killed (SIGKILL), pushes in
        // flight; it comes back for the fourth.
        let killer = (round == 2).then(|| {
            let first = Arc::clone(&first);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(150));
                first.lock().expect("server").kill();
            })
        });
        if round == 3 {
            first.lock().expect("server").restart()?;
        }
        for phone in &phones {
            for _ in 0..EACH {
                phone.create_report(new_report(&mut rng))?;
                created += 1;
            }
            phone.set_server_url(&urls[rng.random_range(0..2)])?;
            // An instance that is down answers nothing: the reports wait on the phone.
            if phone.sync().await.is_err() {
                unanswered += 1;
            }
        }
        if let Some(killer) = killer {
            killer.join().expect("killer");
        }
    }

    assert!(unanswered > 0, "the kill cut some syncs");

    // Both instances up: every phone syncs until nothing waits.
    for (i, phone) in phones.iter().enumerate() {
        for attempt in 0..4 {
            phone.set_server_url(&urls[(i + attempt) % 2])?;
            if phone.sync().await.is_ok() && phone.pending()?.is_empty() {
                break;
            }
        }
        assert!(phone.pending()?.is_empty(), "phone {i} still holds reports");
    }
    let admin = cgt_tests::admin::Admin::login(&urls[1]).await?;
    assert_eq!(
        admin.doc_count().await?,
        created,
        "every report kept, none twice"
    );
    for phone in &phones {
        phone.sync().await?;
        for id in phone.doc_ids()? {
            assert_same_on_server(&admin, phone, id).await?;
        }
    }
    Ok(())
}

/// A photo's upload moves between the instances, as a load balancer may send each request of
/// a phone on one bar of signal anywhere: the connection drops part-way at the first, the
/// phone resumes at the second from the offset the first confirmed (the chunks are in the
/// shared object store, the offset in the shared database), the first is killed, and the photo
/// is stored once, whole, and served by both. Needs the suite's object store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_upload_resumes_at_the_other_instance() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let shared = dir.path().join("a");
    if cgt_tests::database::photo_store_url(&shared).is_none() {
        eprintln!("photos are shared by instances through the object store; none in this pass");
        return Ok(());
    }
    let mut first = ServerProcess::start(&server_binary(), &shared)?;
    let second = ServerProcess::start_sharing(&server_binary(), &dir.path().join("b"), &shared)?;
    let proxy = Proxy::start(first.addr)?;
    let phone = logged_in(dir.path(), "phone", &proxy.url(), "inspector05").await?;
    let report = phone.create_report(new_report(&mut rng(77)))?;
    let photo = cgt_photo::sample::street_scene_jpeg(2400, 1800, 95, 5);
    let size = photo.len() as u64;
    assert!(size > 3 * CHUNK, "a photo of several chunks: {size} bytes");
    let at = cgt_shared::Position::new(31.3101, 120.6200, 4.0);
    phone.add_photo(
        report.id,
        photo.clone(),
        cgt_shared::Timestamp(1_790_000_000_000),
        at,
    )?;

    proxy.set_cut(Cut {
        upload_after: Some(2 * CHUNK),
        download_after: None,
    });
    let cut = phone.sync().await?;
    assert_eq!(cut.photos_waiting, 1, "{cut:?}");
    let confirmed = phone.pending_photos()?[0].uploaded;
    assert!(confirmed > 0, "the first instance confirmed a chunk");

    proxy.set_upstream(second.addr);
    first.kill();
    let resumed = phone.sync().await?;
    assert_eq!(resumed.photos_waiting, 0, "{resumed:?}");
    assert!(
        resumed.photo_bytes_sent <= size - confirmed,
        "resumed at the other instance, not restarted: {} bytes sent, {} were missing",
        resumed.photo_bytes_sent,
        size - confirmed
    );

    let blobs = cgt_tests::database::photo_blobs(&shared)?;
    let hash = cgt_server::PhotoHash::of_bytes(&photo);
    assert!(blobs.stored_matches(&hash)?, "stored whole under its name");
    assert_eq!(blobs.partial_len(&hash)?, None, "no chunks left behind");
    first.restart()?;
    for url in [first.url(), second.url()] {
        let operator = Staff::login(&url, "operator1").await?;
        let (status, bytes) = operator
            .get_bytes(&format!("/api/v1/photos/{hash}"))
            .await?;
        assert_eq!(status, 200, "{url}");
        assert!(bytes == photo, "{url} serves the photo the phone took");
    }
    Ok(())
}
