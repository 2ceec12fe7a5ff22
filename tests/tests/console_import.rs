//! 数据导入 in chromium: the admin checks and confirms work grids from CSV, sees a Shapefile of
//! unit grids with mistakes refused with its problems listed and on the map, and confirms the
//! corrected file; the API then holds the imported grids, and the page exports them.

mod common;

use cgt_tests::browser::{run_scenario, screenshots_dir};
use cgt_tests::fixtures::DEMO_PASSWORD;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use cgt_tests::survey;
use common::server_binary;

const WORK_GRIDS: &str = "code,name,inspector\n\
    320508101001901,北湖一号工作网格,inspector01\n\
    320508101001902,北湖二号工作网格,inspector02\n";

#[tokio::test]
async fn the_admin_checks_sees_problems_on_the_map_and_imports() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let work_grid = |col: u32, _row: u32| {
        if col < 2 {
            "320508101001901"
        } else {
            "320508101001902"
        }
        .to_string()
    };
    let work_grids = dir.path().join("work-grids.csv");
    std::fs::write(&work_grids, WORK_GRIDS)?;
    let mut wrong = survey::lattice(4, 3, work_grid);
    wrong[3].code = "32050810100100".into();
    wrong[5].ring = survey::square(1, 1, 20.0);
    let wrong_zip = dir.path().join("wrong.zip");
    std::fs::write(
        &wrong_zip,
        survey::unit_grids_shapefile(dir.path(), &wrong)?,
    )?;
    let grids_zip = dir.path().join("grids.zip");
    let grids = survey::lattice(4, 3, work_grid);
    std::fs::write(
        &grids_zip,
        survey::unit_grids_shapefile(dir.path(), &grids)?,
    )?;

    let shots = screenshots_dir("console-import")?;
    println!("screenshots: {}", shots.display());
    let path = |p: &std::path::Path| p.to_string_lossy().to_string();
    let (work_grids, wrong_zip, grids_zip) =
        (path(&work_grids), path(&wrong_zip), path(&grids_zip));
    let seen = tokio::task::spawn_blocking({
        let (url, shots) = (url.clone(), shots.clone());
        move || {
            run_scenario(
                "import_page",
                &url,
                &shots,
                &[
                    ("CGT_DEMO_PASSWORD", DEMO_PASSWORD),
                    ("CGT_WORK_GRIDS", &work_grids),
                    ("CGT_WRONG_GRIDS", &wrong_zip),
                    ("CGT_GRIDS", &grids_zip),
                ],
            )
        }
    })
    .await??;
    println!("{seen:#}");
    let text = |key: &str| seen[key].as_str().unwrap_or_default().to_string();
    assert!(text("workGridsChecked").contains("校验通过"), "{seen}");
    assert!(text("workGridsApplied").contains("已导入"), "{seen}");
    assert!(text("wrongChecked").contains("1 个错误"), "{seen}");
    assert_eq!(
        seen["confirmDisabled"], true,
        "a file with errors cannot be confirmed"
    );
    let kinds = seen["problemKinds"].to_string();
    for kind in ["编码错误", "网格重叠", "网格间空隙"] {
        assert!(kinds.contains(kind), "{kind}: {kinds}");
    }
    assert!(text("summary").contains("EPSG:4549"), "{seen}");
    assert!(text("fixedChecked").contains("校验通过"), "{seen}");
    assert!(text("gridsApplied").contains("已导入"), "{seen}");
    assert_eq!(seen["exported"], "unit-grids.gpkg", "{seen}");
    assert!(seen["exportedBytes"].as_u64().unwrap_or(0) > 4096, "{seen}");
    for shot in ["import-problems.png", "import-applied.png"] {
        assert!(shots.join(shot).is_file(), "{shot}");
    }

    let admin = Staff::login(&url, "admin").await?;
    let (status, listed) = admin
        .get("/api/v1/admin/unit-grids?work_grid=320508101001902")
        .await?;
    assert_eq!(status, 200);
    assert_eq!(listed.as_array().map(Vec::len), Some(6), "{listed}");
    Ok(())
}
