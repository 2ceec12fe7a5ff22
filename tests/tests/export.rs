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
