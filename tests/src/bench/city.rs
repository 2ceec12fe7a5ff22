//! A real city's scale: the seed-scale demo city (1,305 unit grids, 408,000 components).
//!
//! - `import-components`: its 408,000 components from a GeoPackage in CGCS2000 / 3° GK zone
//!   120°E (EPSG:4549), checked (dry run) and then imported into a store holding its grids but
//!   none of its components in service — in a child process of its own, whose peak resident
//!   memory is the figure. On PostgreSQL when `CGT_TEST_POSTGRES` names a server.
//! - `reference-snapshot`: an inspector's first reference download (one work grid of 29 unit
//!   grids and about 9,000 components) through the real HTTP endpoint.
//! - `grid-lookup`: the client library, holding that download, finding the unit grid of a
//!   point and the components within 50 m of it.

use super::median;
use crate::inprocess::InProcessServer;
use crate::server_process::process_memory;
use crate::survey::{self, ComponentFeature};
use cgt_server::Settings;
use cgt_server::crs::Conversion;
use cgt_server::demo::DemoScale;
use cgt_server::import::{Layer, Request};
use cgt_shared::Position;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Instant;

const DEMO_PASSWORD: &str = cgt_server::demo::DEMO_PASSWORD;
/// The scenario the `import-components` parent runs in its child process.
pub const IMPORT_CHILD: &str = "import-components-child";

fn seeded(dir: &Path) -> anyhow::Result<Settings> {
    let mut settings = crate::database::test_settings(dir)?;
    settings.demo_scale = DemoScale::Seed;
    let at = Instant::now();
    cgt_server::demo::seed_store(&settings)?;
    eprintln!(
        "seed-scale city seeded in {:.1} s",
        at.elapsed().as_secs_f64()
    );
    Ok(settings)
}

/// The components of the store: id, WGS84 position, owner and maintainer department codes.
const COMPONENTS: &str = "SELECT c.id, c.lon, c.lat, o.code, m.code FROM components c
    JOIN departments o ON o.id = c.owner_department
    JOIN departments m ON m.id = c.maintainer_department";
const RETIRE_ALL: &str = "UPDATE components SET retired = 1";

type Row = (String, [f64; 2], String, String);

/// Runs `RETIRE_ALL` on the store, and reads its components first when asked.
fn components_then_retire(settings: &Settings, read: bool) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    match &settings.database_url {
        Some(url) => {
            let mut db = postgres::Client::connect(url, postgres::NoTls)?;
            if read {
                for r in db.query(COMPONENTS, &[])? {
                    rows.push((
                        r.try_get(0)?,
                        [r.try_get(1)?, r.try_get(2)?],
                        r.try_get(3)?,
                        r.try_get(4)?,
                    ));
                }
            }
            db.execute(RETIRE_ALL, &[])?;
        }
        None => {
            let db = rusqlite::Connection::open(settings.data_dir.join(cgt_server::DB_FILE))?;
            if read {
                let mut statement = db.prepare(COMPONENTS)?;
                let mut query = statement.query([])?;
                while let Some(r) = query.next()? {
                    rows.push((r.get(0)?, [r.get(1)?, r.get(2)?], r.get(3)?, r.get(4)?));
                }
            }
            db.execute(RETIRE_ALL, [])?;
        }
    }
    Ok(rows)
}

/// Every component of the store in EPSG:4549 as a GeoPackage, as a city's GIS would hand them
/// over; then retires them all in the store, so the import brings every one back.
fn export_and_retire(settings: &Settings, gpkg: &Path) -> anyhow::Result<usize> {
    let to_survey = Conversion::from_wgs84("EPSG:4549")?;
    let components = components_then_retire(settings, true)?
        .into_iter()
        .map(|(code, lon_lat, owner, maintainer)| {
            Ok(ComponentFeature {
                code,
                owner,
                maintainer,
                at: to_survey.convert(lon_lat)?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    survey::components_geopackage(gpkg, &components)?;
    Ok(components.len())
}

pub fn import_components(runs: usize) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let settings = seeded(dir.path())?;
    let gpkg = dir.path().join("components.gpkg");
    let count = export_and_retire(&settings, &gpkg)?;
    let bytes = std::fs::metadata(&gpkg)?.len();
    let (mut seconds, mut dry, mut rss) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs.max(1) {
        if run > 0 {
            components_then_retire(&settings, false)?;
        }
        let out = std::process::Command::new(std::env::current_exe()?)
            .arg(IMPORT_CHILD)
            .arg(dir.path())
            .arg(&gpkg)
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "import child: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let figures: Value = serde_json::from_slice(&out.stdout)?;
        anyhow::ensure!(figures["imported"] == count, "{figures}");
        seconds.push(figures["seconds"].as_f64().unwrap_or(f64::NAN));
        dry.push(figures["dry_run_seconds"].as_f64().unwrap_or(f64::NAN));
        rss.push(figures["peak_rss_mb"].as_f64().unwrap_or(f64::NAN));
        eprintln!("run {run}: {figures}");
    }
    let round = |x: f64| (x * 100.0).round() / 100.0;
    Ok(json!({
        "scenario": "import-components",
        "components": count,
        "file_mb": round(bytes as f64 / 1e6),
        "seconds": round(median(&mut seconds)),
        "dry_run_seconds": round(median(&mut dry)),
        "peak_rss_mb": round(median(&mut rss)),
    }))
}

/// The child of `import-components`: a dry run, then the import, of the GeoPackage at `gpkg`
/// into the store under `data_dir`; prints its figures with its own peak resident memory.
pub fn import_child(data_dir: &Path, gpkg: &Path) -> anyhow::Result<Value> {
    let settings = crate::database::test_settings(data_dir)?;
    let quiet = |_: &str| {};
    let at = Instant::now();
    let check = |apply| Request {
        layer: Layer::Components,
        crs: None,
        apply,
    };
    let report = cgt_server::import::run_path(&settings, gpkg, None, &check(false), &quiet)?;
    anyhow::ensure!(report.errors == 0, "{:?}", report.problems.first());
    let dry_run = at.elapsed().as_secs_f64();
    let report = cgt_server::import::run_path(&settings, gpkg, None, &check(true), &quiet)?;
    anyhow::ensure!(report.applied_version.is_some(), "not applied");
    Ok(json!({
        "imported": report.changes.changed + report.changes.new,
        "seconds": at.elapsed().as_secs_f64(),
        "dry_run_seconds": dry_run,
        "peak_rss_mb": process_memory(std::process::id())?.peak_rss_kib as f64 / 1024.0,
    }))
}

/// A seed-scale server and inspector01's client after its first download.
struct Downloaded {
    _server: InProcessServer,
    client: cgt_client::Client,
    bytes: u64,
    seconds: f64,
}

fn first_download(
    dir: &Path,
    server: InProcessServer,
    runtime: &tokio::runtime::Runtime,
    name: &str,
) -> anyhow::Result<Downloaded> {
    let client = cgt_client::Client::open(dir.join(format!("{name}.sqlite3")))?;
    runtime.block_on(client.login(&server.url(), "inspector01", DEMO_PASSWORD, name))?;
    let at = Instant::now();
    let update = runtime.block_on(client.update_reference())?;
    let seconds = at.elapsed().as_secs_f64();
    anyhow::ensure!(update.full, "a first download is a snapshot");
    Ok(Downloaded {
        _server: server,
        client,
        bytes: update.bytes_received,
        seconds,
    })
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

pub fn reference_snapshot(runs: usize) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    seeded(&dir.path().join("server"))?;
    let runtime = runtime()?;
    let (mut bytes, mut seconds) = (0, Vec::new());
    let mut server = Some(InProcessServer::start(
        &dir.path().join("server"),
        false,
        2,
    )?);
    for run in 0..runs.max(1) {
        let s = server.take().expect("the server is handed back each run");
        let downloaded = first_download(dir.path(), s, &runtime, &format!("phone{run}"))?;
        bytes = downloaded.bytes;
        seconds.push(downloaded.seconds);
        server = Some(downloaded._server);
    }
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    Ok(json!({
        "scenario": "reference-snapshot",
        "bytes": bytes,
        "seconds": round(median(&mut seconds)),
    }))
}

pub fn grid_lookup(runs: usize) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    seeded(&dir.path().join("server"))?;
    let runtime = runtime()?;
    let server = InProcessServer::start(&dir.path().join("server"), false, 2)?;
    let phone = first_download(dir.path(), server, &runtime, "phone")?;
    let grids = phone.client.my_work_grids()?;
    let area = grids
        .iter()
        .flat_map(|w| &w.unit_grids)
        .filter_map(|g| cgt_shared::geometry::bbox(&g.polygon))
        .reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })
        .ok_or_else(|| anyhow::anyhow!("inspector01 holds no unit grid"))?;
    let mut rng = StdRng::seed_from_u64(7);
    let (mut lookup_us, mut near_us, mut found, mut nearby) = (Vec::new(), Vec::new(), 0, 0);
    for _ in 0..(runs.max(1) * 200) {
        let at = Position::new(
            rng.random_range(area[1]..area[3]),
            rng.random_range(area[0]..area[2]),
            5.0,
        );
        let started = Instant::now();
        found += usize::from(phone.client.unit_grid_at(at)?.is_some());
        lookup_us.push(started.elapsed().as_secs_f64() * 1e6);
        let started = Instant::now();
        nearby += phone.client.components_near(at, 50.0, None)?.len();
        near_us.push(started.elapsed().as_secs_f64() * 1e6);
    }
    let samples = lookup_us.len();
    let round = |x: f64| (x * 10.0).round() / 10.0;
    Ok(json!({
        "scenario": "grid-lookup",
        "unit_grids_held": grids.iter().map(|w| w.unit_grids.len()).sum::<usize>(),
        "points": samples,
        "found_share": (found as f64 / samples as f64 * 1000.0).round() / 1000.0,
        "components_per_50m": round(nearby as f64 / samples as f64),
        "median_us": round(median(&mut lookup_us)),
        "near_median_us": round(median(&mut near_us)),
    }))
}
