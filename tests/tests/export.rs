//! The admin exports the components for the city's GIS: in WGS84, and in CGCS2000 / 3° Gauss–
//! Krüger zone 120°E (EPSG:4549) converted by PROJ, where distances between components agree
//! with their great-circle distances in WGS84. Only the admin may; an unknown system is a 400.

mod common;

use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::*;

/// The rows of an export: id and `[x, y]`.
fn rows(csv: &str) -> Vec<(String, [f64; 2])> {
    csv.lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let number = |i: usize| cells[i].parse::<f64>().unwrap_or(f64::NAN);
            (cells[0].to_string(), [number(4), number(5)])
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn components_go_out_in_wgs84_or_the_citys_system() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let admin = Staff::login(&server.url(), "admin").await?;
    let path = "/api/v1/admin/export/components.csv";

    let (status, wgs84) = admin.get_bytes(path).await?;
    assert_eq!(status, 200);
    let wgs84 = rows(std::str::from_utf8(&wgs84)?);
    assert_eq!(wgs84.len(), 5_000, "every component of the demo city");

    let (status, zone) = admin.get_bytes(&format!("{path}?crs=EPSG:4549")).await?;
    assert_eq!(status, 200);
    let zone = rows(std::str::from_utf8(&zone)?);
    assert_eq!(zone.len(), wgs84.len());
    for ((id, lon_lat), (same, xy)) in wgs84.iter().zip(&zone).step_by(499) {
        assert_eq!(id, same);
        assert!((120.0..121.0).contains(&lon_lat[0]), "{lon_lat:?}");
        assert!((500_000.0..620_000.0).contains(&xy[0]), "{id}: {xy:?}");
        assert!((3_400_000.0..3_520_000.0).contains(&xy[1]), "{id}: {xy:?}");
    }
    // Near the zone's central meridian the projection keeps distances on the ellipsoid to a
    // few parts in 1e5 (geodesic distance: a sphere's would be off by up to 0.3 %).
    let (first, last) = (0, wgs84.len() - 1);
    let point = |[lon, lat]: [f64; 2]| geo::Point::new(lon, lat);
    let on_ground =
        geo::Distance::distance(&geo::Geodesic, point(wgs84[first].1), point(wgs84[last].1));
    let on_grid = (zone[first].1[0] - zone[last].1[0]).hypot(zone[first].1[1] - zone[last].1[1]);
    assert!(on_ground > 100.0, "{on_ground}");
    assert!(
        (on_grid - on_ground).abs() < on_ground * 1e-4,
        "{on_grid} m on the grid, {on_ground} m on the ground"
    );

    let (status, body) = admin.get_bytes(&format!("{path}?crs=EPSG:0")).await?;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("无法识别"));
    let operator = Staff::login(&server.url(), "operator1").await?;
    let (status, _) = operator.get_bytes(path).await?;
    assert_eq!(status, 403);
    Ok(())
}

/// Grids go out as GeoPackage in EPSG:4549 and come back in through the import unchanged;
/// work grids go out as GeoJSON outlined by their unit grids; cases as CSV with their status,
/// department and times.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grids_and_cases_go_out_as_gis_files_and_grids_come_back_unchanged() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let admin = Staff::login(&server.url(), "admin").await?;

    let (status, gpkg) = admin
        .get_bytes("/api/v1/admin/export/unit-grids.gpkg?crs=EPSG:4549")
        .await?;
    assert_eq!(status, 200);
    assert!(gpkg.starts_with(b"SQLite format 3\0"));
    let (status, report) = admin
        .post_bytes("/api/v1/admin/import/unit-grids", gpkg)
        .await?;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["declared_crs"], "EPSG:4549", "{report}");
    assert_eq!(report["changes"]["unchanged"], 432, "{report}");
    assert_eq!(report["changes"]["changed"], 0, "{report}");
    assert_eq!(report["errors"], 0, "{report}");

    let (status, body) = admin
        .get_bytes("/api/v1/admin/export/work-grids.geojson")
        .await?;
    assert_eq!(status, 200);
    let work_grids: serde_json::Value = serde_json::from_slice(&body)?;
    let features = work_grids["features"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(features.len(), 12);
    assert_eq!(features[0]["geometry"]["type"], "MultiPolygon");
    assert_eq!(features[0]["properties"]["unit_grids"], 36);
    assert!(
        features[0]["properties"]["inspector"]
            .as_str()
            .is_some_and(|u| u.starts_with("inspector"))
    );
    assert!(
        work_grids.get("crs").is_none(),
        "WGS84 GeoJSON names no system"
    );

    let phone = logged_in(dir.path(), "phone", &server.url(), "inspector01").await?;
    phone.create_report(cgt_tests::fixtures::garbage_report())?;
    phone.sync().await?;
    let (status, csv) = admin
        .get_bytes("/api/v1/admin/export/cases.csv?crs=EPSG:4549")
        .await?;
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv)?;
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or_default();
    assert!(header.starts_with("case_id,source,status,"), "{header}");
    assert!(
        header.contains("reported_at") && header.ends_with(",x,y"),
        "{header}"
    );
    let row = lines.next().unwrap_or_default();
    assert!(row.contains("+08:00"), "reported in China time: {row}");
    let x: f64 = row
        .rsplit(',')
        .nth(1)
        .and_then(|x| x.parse().ok())
        .unwrap_or(f64::NAN);
    assert!((500_000.0..620_000.0).contains(&x), "{row}");
    assert_eq!(lines.next(), None);

    let (status, _) = admin
        .get_bytes("/api/v1/admin/export/cases.csv?from=2026-13-01")
        .await?;
    assert_eq!(status, 400);
    let (status, _) = admin.get_bytes("/api/v1/admin/export/people.csv").await?;
    assert_eq!(status, 404);
    Ok(())
}
