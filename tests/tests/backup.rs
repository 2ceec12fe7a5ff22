//! Backing up an embedded installation while it serves: the copy is a data folder a server
//! starts from with the report and its photo; a second run copies nothing new; a photo lost
//! from the backup is copied again; a mistyped data folder is refused, and a photo missing
//! from the data folder fails the run by name.

mod common;

use cgt_shared::{Position, Timestamp};
use cgt_tests::admin::Admin;
use cgt_tests::fixtures::{new_report, rng};
use cgt_tests::server_process::ServerProcess;
use common::*;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;

fn small_photo() -> Vec<u8> {
    let image = RgbImage::from_fn(640, 480, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&image)
        .expect("encodes");
    out
}

/// Runs `cgt-server backup`; its exit status and what it printed.
fn backup(data: &Path, to: &Path) -> anyhow::Result<(bool, String)> {
    run_command(
        Command::new(server_binary())
            .args(["backup", "--data-dir"])
            .arg(data)
            .arg("--to")
            .arg(to),
    )
}

fn photo_file(data: &Path, sha: &str) -> std::path::PathBuf {
    data.join("photos")
        .join(&sha[..2])
        .join(&sha[2..4])
        .join(format!("{sha}.jpg"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_serves_the_report_and_its_photo() -> anyhow::Result<()> {
    if std::env::var_os(cgt_tests::database::POSTGRES_VAR).is_some() {
        eprintln!("`cgt-server backup` copies the embedded store; this pass runs on PostgreSQL");
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let (data, copy) = (dir.path().join("server"), dir.path().join("backup"));
    let server = ServerProcess::start(&server_binary(), &data)?;
    let client = logged_in(dir.path(), "phone", &server.url(), "inspector03").await?;
    let report = client.create_report(new_report(&mut rng(7)))?;
    let photo = small_photo();
    let sha = hex::encode(Sha256::digest(&photo));
    let at = Position::new(31.3158, 120.6190, 6.0);
    client.add_photo(report.id, photo.clone(), Timestamp(1_790_000_000_000), at)?;
    let mut waiting = usize::MAX;
    for _ in 0..5 {
        waiting = client.sync().await?.photos_waiting;
        if waiting == 0 {
            break;
        }
    }
    assert_eq!(waiting, 0, "the photo reached the server");

    let (ok, printed) = backup(&data, &copy)?;
    assert!(ok, "{printed}");
    assert!(printed.contains("照片 1 张 (本次复制 1 张"), "{printed}");
    assert_eq!(std::fs::read(photo_file(&copy, &sha))?, photo);

    let (ok, printed) = backup(&data, &copy)?;
    assert!(ok, "{printed}");
    assert!(
        printed.contains("本次复制 0 张"),
        "a second run copies nothing: {printed}"
    );

    std::fs::remove_file(photo_file(&copy, &sha))?;
    let (ok, printed) = backup(&data, &copy)?;
    assert!(ok && printed.contains("本次复制 1 张"), "{printed}");

    // The backup is a data folder: a server started on it has the report and its photo.
    let restored = ServerProcess::start(&server_binary(), &copy)?;
    let admin = Admin::login(&restored.url()).await?;
    let view = admin
        .doc(report.id)
        .await?
        .expect("the report is in the backup");
    assert_eq!(view["photos"][0]["sha256"], sha.as_str(), "{view}");
    assert_eq!(view["photos"][0]["arrived"], true, "{view}");
    drop(restored);

    // A mistyped data folder is refused; nothing is created there.
    let typo = dir.path().join("serve");
    let (ok, printed) = backup(&typo, &dir.path().join("elsewhere"))?;
    assert!(!ok && printed.contains("没有数据库"), "{printed}");
    assert!(!typo.exists());

    // A photo the database records but the data folder lost fails the run, by name.
    std::fs::remove_file(photo_file(&data, &sha))?;
    std::fs::remove_file(photo_file(&copy, &sha))?;
    let (ok, printed) = backup(&data, &copy)?;
    assert!(!ok, "{printed}");
    assert!(printed.contains(&sha), "{printed}");
    Ok(())
}
