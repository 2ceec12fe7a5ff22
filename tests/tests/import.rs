//! A real city moves in: its survey results in CGCS2000 / 3° Gauss–Krüger zone 120°E
//! (EPSG:4549) replace the demo city. Work grids come as CSV and unit grids as a zipped
//! Shapefile with a GBK attribute table through the admin API; components as a GeoPackage
//! through `cgt-server import`. Each file with mistakes is reported (with places on the map)
//! and not imported; corrected, it is; re-imported unchanged, nothing changes; changed, the
//! phone gets exactly the change by its next delta and finds the right unit grid offline a
//! metre either side of the grids' edges.

mod common;

use cgt_server::crs::Conversion;
use cgt_shared::Position;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use cgt_tests::survey::{
    self, ComponentFeature, ORIGIN, ORIGIN_WGS84, SIDE_M, UnitGridFeature, middle, square,
};
use common::*;
use serde_json::Value;
use std::path::Path;

const WORK_GRIDS: &str = "code,name,inspector\n\
    320508101001901,北湖一号工作网格,inspector01\n\
    320508101001902,北湖二号工作网格,inspector02\n";

/// 4 × 3 unit grids; the two western columns are inspector01's work grid.
fn grids() -> Vec<UnitGridFeature> {
    survey::lattice(4, 3, |col, _| {
        if col < 2 {
            "320508101001901"
        } else {
            "320508101001902"
        }
        .to_string()
    })
}

/// Two components in each unit grid, 30 m either side of its middle (serials from 900001,
/// apart from the demo city's).
fn components() -> Vec<ComponentFeature> {
    let mut all = Vec::new();
    for row in 0..3 {
        for col in 0..4 {
            let [x, y] = middle(col, row);
            for dx in [-30.0, 30.0] {
                all.push(ComponentFeature {
                    code: format!("3205080101{:06}", 900_001 + all.len()),
                    owner: "szglc".into(),
                    maintainer: "hwc".into(),
                    at: [x + dx, y],
                });
            }
        }
    }
    all
}

fn kinds(report: &Value, severity: &str) -> Vec<(String, u64)> {
    report["problems"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["severity"] == severity)
        .map(|p| {
            let kind = p["kind"].as_str().unwrap_or_default().to_string();
            (kind, p["feature"].as_u64().unwrap_or(0))
        })
        .collect()
}

/// Runs `cgt-server import` of the components `file` against the server's store.
fn import(data_dir: &Path, file: &Path, extra: &[&str]) -> anyhow::Result<(bool, String)> {
    let mut command = std::process::Command::new(server_binary());
    command
        .args(["import", "--layer", "components", "--file"])
        .arg(file)
        .arg("--data-dir")
        .arg(data_dir)
        .args(extra)
        .envs(cgt_tests::database::server_env(data_dir)?);
    run_command(&mut command)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_city_in_cgcs2000_is_checked_imported_and_found_offline() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let data_dir = dir.path().join("server");
    let server = ServerProcess::start(&server_binary(), &data_dir)?;
    let admin = Staff::login(&server.url(), "admin").await?;
    let to_wgs84 = Conversion::to_wgs84("EPSG:4549")?;

    // Work grids (CSV, WGS84 by default — no coordinates at all).
    let path = "/api/v1/admin/import/work-grids";
    let (status, report) = admin.post_bytes(path, WORK_GRIDS.into()).await?;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["changes"]["new"], 2, "{report}");
    assert_eq!(
        report["changes"]["retired"], 12,
        "the demo city's work grids"
    );
    assert_eq!(report["errors"], 0, "{report}");
    assert!(
        report["applied_version"].is_null(),
        "a dry run writes nothing"
    );
    let (_, report) = admin
        .post_bytes(&format!("{path}?apply=true"), WORK_GRIDS.into())
        .await?;
    assert!(report["applied_version"].as_u64().is_some(), "{report}");

    // Unit grids with mistakes: a short code, a duplicated one, an unknown work grid, and one
    // grid shifted 20 m east (overlapping its neighbour, leaving a strip no grid covers).
    let mut wrong = grids();
    wrong[3].code = "32050810100100".into();
    wrong[11].code = wrong[10].code.clone();
    wrong[8].work_grid = "320508101001909".into();
    wrong[5].ring = square(1, 1, 20.0);
    let shapefile = survey::unit_grids_shapefile(dir.path(), &wrong)?;
    let path = "/api/v1/admin/import/unit-grids?crs=EPSG:4549&apply=true";
    let (status, report) = admin.post_bytes(path, shapefile).await?;
    assert_eq!(status, 200, "{report}");
    assert!(
        report["applied_version"].is_null(),
        "errors keep it out: {report}"
    );
    assert_eq!(
        kinds(&report, "error"),
        [
            ("bad_code".to_string(), 4),
            ("unknown_work_grid".to_string(), 9),
            ("duplicate_code".to_string(), 12)
        ]
    );
    let warnings = kinds(&report, "warning");
    assert!(
        warnings.contains(&("overlap".to_string(), 6)),
        "{warnings:?}"
    );
    let gap = report["problems"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["kind"] == "gap"))
        .expect("the strip west of the shifted grid is a gap");
    let [gap_lon, gap_lat] =
        [gap["position"][0].as_f64(), gap["position"][1].as_f64()].map(|v| v.unwrap_or(f64::NAN));
    let strip = to_wgs84.convert([ORIGIN[0] + SIDE_M + 10.0, ORIGIN[1] + 1.5 * SIDE_M])?;
    assert!(
        (gap_lon - strip[0]).abs() < 2e-4 && (gap_lat - strip[1]).abs() < 2e-3,
        "gap shown at ({gap_lon}, {gap_lat}), the strip is at {strip:?}"
    );

    let shapefile = survey::unit_grids_shapefile(dir.path(), &grids())?;
    let (status, report) = admin.post_bytes(path, shapefile).await?;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["errors"], 0, "{report}");
    assert_eq!(report["changes"]["new"], 12);
    assert_eq!(
        report["changes"]["retired"], 432,
        "the demo city's unit grids"
    );
    assert!(report["applied_version"].as_u64().is_some(), "{report}");
    let (_, listed) = admin
        .get("/api/v1/admin/unit-grids?work_grid=320508101001901")
        .await?;
    let listed = listed.as_array().cloned().unwrap_or_default();
    assert_eq!(listed.len(), 6);
    assert_eq!(listed[0]["street"], "北湖街道", "the GBK table read as GBK");
    assert_eq!(listed[0]["community"], "人民路社区");
    // The corner where pyproj puts it, and the stored outline where PROJ puts its corners.
    let corner = to_wgs84.convert(ORIGIN)?;
    assert!(
        (corner[0] - ORIGIN_WGS84[0]).abs() < 2e-7 && (corner[1] - ORIGIN_WGS84[1]).abs() < 2e-7
    );
    let corners = square(0, 0, 0.0)
        .into_iter()
        .map(|p| to_wgs84.convert(p))
        .collect::<Result<Vec<_>, _>>()?;
    let low = |i: usize| corners.iter().map(|c| c[i]).fold(f64::MAX, f64::min);
    let high = |i: usize| corners.iter().map(|c| c[i]).fold(f64::MIN, f64::max);
    let bbox: Vec<f64> = (0..4)
        .map(|i| listed[0]["bbox"][i].as_f64().unwrap_or(f64::NAN))
        .collect();
    let expected = [low(0), low(1), high(0), high(1)];
    for (got, want) in bbox.iter().zip(expected) {
        assert!((got - want).abs() < 2e-7, "{bbox:?} against {expected:?}");
    }

    // Components with mistakes, by the command line: one 5 km away, one of an unknown
    // department, one whose code names another county.
    let mut wrong = components();
    wrong[0].at[0] += 5_000.0;
    wrong[1].owner = "nosuch".into();
    wrong[2].code = "1101010101000003".into();
    let file = dir.path().join("components.gpkg");
    survey::components_geopackage(&file, &wrong)?;
    let (ok, output) = import(&data_dir, &file, &["--apply"])?;
    assert!(!ok, "{output}");
    for expected in [
        "不在任何单元网格内",
        "部门 nosuch 不存在",
        "行政区划",
        "3 个错误",
    ] {
        assert!(output.contains(expected), "{expected}: {output}");
    }

    let file = dir.path().join("components-fixed.gpkg");
    survey::components_geopackage(&file, &components())?;
    let (ok, output) = import(&data_dir, &file, &[])?;
    assert!(ok && output.contains("校验通过"), "{output}");
    let (ok, output) = import(&data_dir, &file, &["--apply"])?;
    assert!(
        ok && output.contains("新增 24") && output.contains("停用 5000"),
        "{output}"
    );

    let phone = logged_in(dir.path(), "inspector01", &server.url(), "inspector01").await?;
    phone.sync().await?;
    let at = |x: f64, y: f64| -> anyhow::Result<Position> {
        let [lon, lat] = to_wgs84.convert([x, y])?;
        Ok(Position::new(lat, lon, 5.0))
    };
    let edge_x = ORIGIN[0] + SIDE_M;
    let edge_y = ORIGIN[1] + SIDE_M;
    let mid = ORIGIN[1] + SIDE_M / 2.0;
    for (x, y, grid) in [
        (edge_x - 1.0, mid, "320508101001001"),
        (edge_x + 1.0, mid, "320508101001002"),
        (ORIGIN[0] + 100.0, edge_y - 1.0, "320508101001001"),
        (ORIGIN[0] + 100.0, edge_y + 1.0, "320508101001005"),
        (edge_x + 1.0, edge_y + 1.0, "320508101001006"),
    ] {
        let found = phone.unit_grid_at(at(x, y)?)?;
        assert_eq!(found.as_ref().map(|g| g.as_str()), Some(grid), "({x}, {y})");
    }
    let near = phone.components_near(at(middle(0, 0)[0], middle(0, 0)[1])?, 50.0, None)?;
    assert_eq!(near.len(), 2, "{near:?}");

    // The same file again changes nothing; then one component moved and one gone.
    let report_file = dir.path().join("report.json");
    let report_arg = report_file.to_string_lossy().to_string();
    let (ok, output) = import(&data_dir, &file, &["--apply", "--report", &report_arg])?;
    assert!(ok, "{output}");
    let report: Value = serde_json::from_slice(&std::fs::read(&report_file)?)?;
    assert_eq!(report["changes"]["unchanged"], 24, "{report}");
    assert_eq!(report["changes"]["new"], 0);
    assert_eq!(report["changes"]["changed"], 0);
    let mut changed = components();
    changed[0].at[1] += 10.0;
    changed.remove(1);
    let file = dir.path().join("components-changed.gpkg");
    survey::components_geopackage(&file, &changed)?;
    let (ok, output) = import(&data_dir, &file, &["--apply"])?;
    assert!(
        ok && output.contains("修改 1") && output.contains("停用 1"),
        "{output}"
    );
    let delta = phone.sync().await?.reference.expect("a reference delta");
    assert!(!delta.full);
    assert_eq!(delta.changed_rows, 2, "{delta:?}");
    let near = phone.components_near(at(middle(0, 0)[0], middle(0, 0)[1])?, 50.0, None)?;
    assert_eq!(near.len(), 1, "{near:?}");

    let operator = Staff::login(&server.url(), "operator1").await?;
    let (status, _) = operator
        .post_bytes("/api/v1/admin/import/components", Vec::new())
        .await?;
    assert_eq!(status, 403);
    let (status, _) = admin
        .post_bytes(
            "/api/v1/admin/import/components",
            b"\x00\x01garbage".to_vec(),
        )
        .await?;
    assert_eq!(status, 422);
    Ok(())
}
