//! An embedded installation moves to PostgreSQL: `cgt-server migrate-to-postgres` copies and
//! checks every table, a second run changes nothing, and the server started on PostgreSQL
//! with the same data folder carries on — the phone's login, its reports, the centre's steps
//! and the photos are all there (copied into the object store when the pass has one), and the
//! phone syncs on as before. Runs in the suite's PostgreSQL pass (it needs a PostgreSQL
//! server).

mod common;

use cgt_shared::Timestamp;
use cgt_shared::geo::Position;
use cgt_tests::admin::Admin;
use cgt_tests::database::{POSTGRES_VAR, database_url, photo_env, photo_store_url};
use cgt_tests::fixtures::{new_report, rng};
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::*;
use serde_json::json;
use std::path::Path;
use std::process::Command;

/// Runs the migration into `url` and the object store of `target`'s photos, if the pass has
/// one.
fn migrate(data: &Path, url: &str, target: &Path) -> anyhow::Result<(bool, String)> {
    run_command(
        Command::new(server_binary())
            .args(["migrate-to-postgres", "--data-dir"])
            .arg(data)
            .args(["--to", url])
            .envs(photo_env(target))
            .env("RUST_LOG", "warn"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedded_city_moves_to_postgres_and_carries_on() -> anyhow::Result<()> {
    if std::env::var_os(POSTGRES_VAR).is_none() {
        eprintln!("migrate-to-postgres needs a PostgreSQL server; this pass is embedded");
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("server");
    let mut embedded = ServerProcess::start_embedded(&server_binary(), &data)?;
    let phone = logged_in(dir.path(), "phone", &embedded.url(), "inspector02").await?;
    let mut rng = rng(12);
    let mut reports = Vec::new();
    for _ in 0..5 {
        reports.push(phone.create_report(new_report(&mut rng))?.id);
    }
    let photo = cgt_photo::sample::street_scene_jpeg(640, 480, 85, 3);
    let at = Position::new(31.3158, 120.6190, 6.0);
    phone.add_photo(reports[0], photo, Timestamp(1_790_000_000_000), at)?;
    let mut waiting = usize::MAX;
    for _ in 0..5 {
        waiting = phone.sync().await?.photos_waiting;
        if waiting == 0 {
            break;
        }
    }
    assert_eq!(waiting, 0, "the photo reached the embedded server");
    let operator = Staff::login(&embedded.url(), "operator1").await?;
    operator
        .expect(
            &format!("/api/v1/cases/{}/accept", reports[1]),
            json!({}),
            200,
        )
        .await?;
    phone.sync().await?;
    embedded.kill();

    let target = dir.path().join("postgres");
    let url = database_url(&target)?.expect("the PostgreSQL pass names a server");
    let (ok, first) = migrate(&data, &url, &target)?;
    assert!(ok, "{first}");
    for table in ["docs", "cases", "users", "sessions", "photos", "meta"] {
        assert!(
            first.lines().any(|l| l.starts_with(table)),
            "{table} in {first}"
        );
    }
    let (ok, again) = migrate(&data, &url, &target)?;
    assert!(ok, "{again}");
    let tables = |out: &str| -> Vec<String> {
        out.lines()
            .filter(|l| l.contains(" 行  sha256 "))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(tables(&first), tables(&again), "the tables hold the same");
    if photo_store_url(&target).is_some() {
        assert!(first.contains("本次复制 1 张"), "{first}");
        assert!(
            again.contains("本次复制 0 张"),
            "a second run copies nothing new: {again}"
        );
        assert!(again.contains("已有 1 张"), "{again}");
    }

    // The same data folder (photos), now on PostgreSQL.
    let server = ServerProcess::start_sharing(&server_binary(), &data, &target)?;
    phone.set_server_url(&server.url())?;
    reports.push(phone.create_report(new_report(&mut rng))?.id);
    phone.sync().await?;
    assert!(phone.pending()?.is_empty());
    let admin = Admin::login(&server.url()).await?;
    assert_eq!(admin.doc_count().await?, reports.len());
    for id in &reports {
        assert_same_on_server(&admin, &phone, *id).await?;
    }
    let operator = Staff::login(&server.url(), "operator1").await?;
    let (status, detail) = operator
        .get(&format!("/api/v1/cases/{}", reports[1]))
        .await?;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["case"]["status"], "accepted", "{detail}");
    let view = admin.doc(reports[0]).await?.expect("the report moved");
    assert_eq!(view["photos"][0]["arrived"], true, "{view}");
    let sha = view["photos"][0]["sha256"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (status, bytes) = operator.get_bytes(&format!("/api/v1/photos/{sha}")).await?;
    assert_eq!(status, 200);
    assert_eq!(
        cgt_server::PhotoHash::of_bytes(&bytes).as_str(),
        sha,
        "the photo the server hands out is the one the phone took"
    );
    Ok(())
}
