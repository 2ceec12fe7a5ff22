//! Importing a city's base data — departments, work grids, unit grids, components — from the
//! files its survey delivers (GeoJSON, Shapefile, GeoPackage, CSV) in any system PROJ knows,
//! or GCJ-02. Every import is first a dry run: the features are read, converted to WGS84,
//! checked against each other and against what the store holds, and a report lists what
//! would change and every problem with its place. Confirmed, the same checks run again and,
//! without errors, the plan is written at one new reference version: rows upserted by their
//! code, rows the file no longer has retired, never deleted; phones get the change with their
//! next reference delta. Re-importing an unchanged file changes nothing.

mod convert;
pub mod files;
mod layer;
mod plan;
pub mod report;
pub(crate) mod rows;
pub(crate) mod topology;

pub use layer::{Field, Layer};
pub use report::{Changes, ImportReport, Problem, ProblemKind, Severity};

use crate::crs::CrsError;
use crate::settings::Settings;
use crate::storage::{Applied, StorageError, Store, open_store};
use cgt_shared::Role;
use convert::ToWgs84;
use files::{FeatureFile, FileError, Format};
use plan::{Inspector, Planned};
use std::path::Path;
use thiserror::Error;

/// What the import of one file is asked to do.
#[derive(Clone, Debug)]
pub struct Request {
    pub layer: Layer,
    /// The system the file's coordinates are in; when absent, what the file declares (GeoJSON
    /// without a declaration, and a table without coordinates, are taken as WGS84).
    pub crs: Option<String>,
    /// Write the plan if the checks find no error; otherwise only report.
    pub apply: bool,
}

#[derive(Debug, Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("文件未声明坐标系,请指定 crs (e.g. EPSG:4549, or survey for the city's system)")]
    NoSystem,
    #[error("文件中没有要素 (the file holds no features): nothing is imported from it")]
    Empty,
    #[error(transparent)]
    System(#[from] CrsError),
    #[error("导入期间参考数据已被修改,请重新校验 (the reference data changed; check again)")]
    Stale,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Imports the file at `path` (`table` its layer, when it holds several) into the store
/// `settings` name: the command line's `cgt-server import`, and tools.
pub fn run_path(
    settings: &Settings,
    path: &Path,
    table: Option<&str>,
    request: &Request,
    progress: &dyn Fn(&str),
) -> anyhow::Result<ImportReport> {
    progress(&format!("读取 {}", path.display()));
    let file = files::read_path(path, table)?;
    let store = open_store(settings)?;
    Ok(run(store.as_ref(), file, request, progress)?)
}

/// Checks `file` as a layer of `request.layer` and, when asked and without errors, writes it.
/// `progress` hears each stage (the CLI prints it).
pub fn run(
    store: &dyn Store,
    file: FeatureFile,
    request: &Request,
    progress: &dyn Fn(&str),
) -> Result<ImportReport, ImportError> {
    if file.features.is_empty() {
        return Err(ImportError::Empty);
    }
    let system = request
        .crs
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| file.declared_crs.clone())
        .or_else(|| {
            let no_coordinates = file.features.iter().all(|f| f.geometry.is_none());
            (file.format == Format::GeoJson || no_coordinates).then(|| "EPSG:4326".to_string())
        })
        .ok_or(ImportError::NoSystem)?;
    let to_wgs84 = ToWgs84::new(&system)?;
    let total = file.features.len() as u64;
    progress(&format!(
        "换算 {} 个要素 ({system} → WGS84)",
        file.features.len()
    ));
    let mut problems = Vec::new();
    let mut features = Vec::with_capacity(file.features.len());
    for (number, mut feature) in (1..).zip(file.features) {
        if let Some(geometry) = &feature.geometry {
            match to_wgs84.geometry(geometry) {
                Ok(converted) => feature.geometry = Some(converted),
                Err(e) => {
                    problems
                        .push(Problem::error(ProblemKind::Unconvertible, e.to_string()).at(number));
                    continue;
                }
            }
        }
        features.push((number, feature));
    }
    progress("校验");
    let base = store.import_base()?;
    let codes = file_codes(&features);
    let planned = match request.layer {
        Layer::Departments => checked(&features, rows::department, |r| {
            plan::departments(r, &base, &codes)
        }),
        Layer::WorkGrids => {
            let inspectors = inspectors(store)?;
            checked(&features, rows::work_grid, |r| {
                plan::work_grids(r, &base, &inspectors, &codes)
            })
        }
        Layer::UnitGrids => checked(&features, rows::unit_grid, |r| {
            plan::unit_grids(r, &base, &codes)
        }),
        Layer::Components => checked(&features, rows::component, |r| {
            plan::components(r, &base, &codes)
        }),
    };
    problems.extend(planned.problems);
    let (errors, warnings) = ImportReport::list(&mut problems);
    let applied_version = if request.apply && errors == 0 {
        progress("写入");
        match store.apply_import(planned.plan)? {
            Applied::At(version) => Some(version),
            Applied::Stale => return Err(ImportError::Stale),
        }
    } else {
        None
    };
    Ok(ImportReport {
        layer: request.layer,
        format: file.format.name().to_string(),
        crs: system,
        declared_crs: file.declared_crs,
        features: total,
        changes: planned.changes,
        errors,
        warnings,
        problems,
        applied_version,
    })
}

/// Every code the file writes, whether or not its feature makes a row.
fn file_codes(features: &[(u64, files::Feature)]) -> std::collections::HashSet<String> {
    features
        .iter()
        .filter_map(|(_, f)| {
            Field::Code
                .names()
                .iter()
                .find_map(|n| f.attributes.get(*n))
        })
        .cloned()
        .collect()
}

/// Reads the rows of a layer, then plans them; problems of both stages together.
fn checked<T>(
    features: &[(u64, files::Feature)],
    read: impl Fn(u64, &files::Feature) -> Result<rows::Numbered<T>, Vec<Problem>>,
    plan: impl FnOnce(Vec<rows::Numbered<T>>) -> Planned,
) -> Planned {
    let (rows, mut problems) = rows::read_all(features, read);
    let mut planned = plan(rows);
    problems.append(&mut planned.problems);
    planned.problems = problems;
    planned
}

fn inspectors(store: &dyn Store) -> Result<Vec<Inspector>, StorageError> {
    Ok(store
        .users()?
        .into_iter()
        .filter(|u| u.active && u.roles.contains(&Role::Inspector))
        .map(|u| Inspector {
            id: u.id,
            username: u.username,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example city in `sync-server/data/examples/city/` (the README's walk-through) comes
    /// in clean, layer by layer, and a second time changes nothing.
    #[test]
    fn the_example_city_imports_cleanly_and_idempotently() {
        let dir = tempfile::tempdir().unwrap();
        let storage = crate::storage::Storage::open(dir.path()).unwrap();
        let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/examples/city");
        let steps = [
            (Layer::Departments, "departments.csv", None, 3),
            (Layer::WorkGrids, "work-grids.csv", None, 2),
            (Layer::UnitGrids, "unit-grids.geojson", None, 6),
            (Layer::Components, "components.csv", Some("EPSG:4549"), 12),
        ];
        for again in [false, true] {
            for (layer, name, crs, count) in &steps {
                let bytes = std::fs::read(examples.join(name)).unwrap();
                let request = Request {
                    layer: *layer,
                    crs: crs.map(str::to_string),
                    apply: true,
                };
                let file = files::read(&bytes, None).unwrap();
                let report = run(&storage, file, &request, &|_| {}).unwrap();
                assert_eq!(
                    (report.errors, report.warnings),
                    (0, 0),
                    "{name}: {:?}",
                    report.problems
                );
                let expected = if again {
                    Changes {
                        unchanged: *count,
                        ..Changes::default()
                    }
                } else {
                    Changes {
                        new: *count,
                        ..Changes::default()
                    }
                };
                assert_eq!(report.changes, expected, "{name}");
                assert!(report.applied_version.is_some());
            }
        }
    }
}
