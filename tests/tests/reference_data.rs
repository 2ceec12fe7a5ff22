//! An inspector's day with reference data: log in and sync with signal, lose it, then find the
//! unit grid they stand in and the components around them with no server at all, and report a
//! broken component picked from that list. Meanwhile the centre moves one component and retires
//! another; the next sync brings just those two rows.

mod common;

use cgt_client::{ComponentView, NewReport};
use cgt_server::reference::{ComponentChange, put_component, retire_component};
use cgt_shared::{Kind, Position};
use cgt_tests::server_process::ServerProcess;
use common::*;

const RADIUS_M: f64 = 150.0;

/// The middle of a ring's bounding box.
fn centre(ring: &[[f64; 2]]) -> Position {
    let lons = ring.iter().map(|p| p[0]);
    let lats = ring.iter().map(|p| p[1]);
    let (w, e) = (
        lons.clone().fold(f64::MAX, f64::min),
        lons.fold(f64::MIN, f64::max),
    );
    let (s, n) = (
        lats.clone().fold(f64::MAX, f64::min),
        lats.fold(f64::MIN, f64::max),
    );
    Position::new((s + n) / 2.0, (w + e) / 2.0, 5.0)
}

fn assert_nearest_first(near: &[ComponentView], here: Position, radius_m: f64) {
    for pair in near.windows(2) {
        assert!(pair[0].distance_m <= pair[1].distance_m, "{pair:?}");
    }
    for c in near {
        assert!(c.distance_m <= radius_m, "{c:?}");
        assert!((here.distance_m(&c.position) - c.distance_m).abs() < 1e-6);
        assert_eq!((c.class, c.subclass), (c.id.class(), c.id.subclass()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inspector_finds_grids_and_components_offline_and_gets_changes_by_delta()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let client = logged_in(dir.path(), "inspector01", &server.url(), "inspector01").await?;
    assert_eq!(client.reference_state()?.version, 0);

    let first = client
        .sync()
        .await?
        .reference
        .expect("reference data downloaded");
    assert!(first.full);
    println!(
        "inspector01 full reference download: {} rows, {} bytes on the wire (gzip)",
        first.changed_rows, first.bytes_received
    );
    assert!(first.bytes_received < 48 << 10, "{first:?}");
    let grids = client.my_work_grids()?;
    assert_eq!(grids.len(), 1);
    assert_eq!(grids[0].code.as_str(), "320508001001901");
    assert_eq!(grids[0].unit_grids.len(), 36);

    // No signal from here on.
    server.kill();
    let grid = &grids[0].unit_grids[13];
    let here = centre(&grid.polygon);
    assert_eq!(client.unit_grid_at(here)?, Some(grid.code.clone()));
    let beijing = Position::new(39.9087, 116.3975, 5.0);
    assert_eq!(client.unit_grid_at(beijing)?, None);
    // On the edge two grids share, the smaller code wins.
    let west = &grids[0].unit_grids[12];
    let edge = grid.polygon.iter().map(|p| p[0]).fold(f64::MAX, f64::min);
    let on_edge = Position::new(here.lat, edge, 5.0);
    assert_eq!(client.unit_grid_at(on_edge)?, Some(west.code.clone()));

    let near = client.components_near(here, RADIUS_M, None)?;
    assert!(
        near.len() >= 5,
        "{} components within {RADIUS_M} m",
        near.len()
    );
    assert_nearest_first(&near, here, RADIUS_M);
    let wider = client.components_near(here, 2.0 * RADIUS_M, None)?;
    assert!(wider.len() > near.len());
    assert!(near.iter().all(|c| wider.contains(c)));

    let nearest = near[0].clone();
    let same_class = client.components_near(here, 2.0 * RADIUS_M, Some((nearest.class, 0)))?;
    assert!(same_class.iter().all(|c| c.class == nearest.class));
    assert!(same_class.contains(&nearest));
    let exact = (nearest.class, nearest.subclass);
    let same_kind = client.components_near(here, 2.0 * RADIUS_M, Some(exact))?;
    assert!(same_kind.iter().all(|c| (c.class, c.subclass) == exact));
    assert_eq!(
        same_kind.len(),
        wider
            .iter()
            .filter(|c| (c.class, c.subclass) == exact)
            .count()
    );

    // Report the nearest component, with the grid found offline.
    let report = client.create_report(NewReport {
        kind: Kind::Component,
        class: nearest.class,
        subclass: nearest.subclass,
        description: format!("{}破损,需要更换", nearest.name),
        position: here,
        unit_grid: client.unit_grid_at(nearest.position)?.expect("in my grid"),
        component_id: Some(nearest.id.clone()),
        photos: Vec::new(),
        self_handled: false,
    })?;

    // The centre moves the nearest component by about five metres and retires the next one.
    let settings = cgt_tests::database::test_settings(server.data_dir())?;
    let moved = ComponentChange {
        id: nearest.id.clone(),
        lon: nearest.position.lon,
        lat: nearest.position.lat + 0.000_045,
        unit_grid: report.unit_grid.clone(),
        owner_department: None,
        maintainer_department: None,
    };
    put_component(&settings, moved)?;
    assert!(retire_component(&settings, &near[1].id)?.is_some());

    server.restart()?;
    let sync = client.sync().await?;
    assert_eq!(sync.stored, 1);
    let delta = sync.reference.expect("delta downloaded");
    assert!(!delta.full);
    assert_eq!(delta.changed_rows, 2);
    assert_eq!(delta.version, first.version + 2);
    assert_eq!(client.reference_state()?.error, None);

    server.kill();
    let after = client.components_near(here, RADIUS_M, None)?;
    assert_nearest_first(&after, here, RADIUS_M);
    assert!(after.iter().all(|c| c.id != near[1].id));
    let moved = after
        .iter()
        .find(|c| c.id == nearest.id)
        .expect("still near");
    assert!((moved.position.distance_m(&nearest.position) - 5.0).abs() < 0.1);
    assert_eq!(after.len(), near.len() - 1);

    // Offline, an update fails, says why, and what is held stays.
    assert!(client.update_reference().await.is_err());
    let state = client.reference_state()?;
    assert_eq!(state.version, delta.version);
    assert!(state.error.is_some());
    assert_eq!(client.unit_grid_at(here)?, Some(grid.code.clone()));
    Ok(())
}
