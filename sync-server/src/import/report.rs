//! The validation report of an import, what a person acts on before confirming it: counts of
//! what would change and each problem with the feature, the code and a place on the map.

use super::layer::Layer;
use cgt_shared::geometry::{LonLat, Point};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Problems listed in one report; the counts cover all of them.
pub const MAX_LISTED: usize = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The import cannot be confirmed until it is fixed.
    Error,
    /// Shown; the import may go ahead.
    Warning,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A required attribute is absent or empty.
    MissingField,
    /// A 15/16-digit code of the wrong shape.
    BadCode,
    /// The same code twice in the file.
    DuplicateCode,
    /// No geometry, or not the kind the layer needs (a point for a component, one polygon for
    /// a unit grid).
    WrongGeometry,
    /// PROJ could not convert a coordinate (a wrong system, most often).
    Unconvertible,
    /// A polygon that crosses itself or has too few vertices.
    InvalidPolygon,
    /// Two unit grids cover the same ground.
    Overlap,
    /// Ground between unit grids that no unit grid covers.
    Gap,
    /// A component in no unit grid.
    OutsideGrids,
    /// A component whose code names another county than the unit grid it stands in, or whose
    /// declared unit grid is not the one it stands in.
    GridContradictsCode,
    UnknownDepartment,
    UnknownWorkGrid,
    /// The username is no active inspector.
    UnknownInspector,
    /// A row the file no longer has is retired while rows in service still refer to it.
    RetiresInUse,
}

/// One problem, located for the map when it has a place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    pub severity: Severity,
    pub kind: ProblemKind,
    /// The feature's number in the file, from 1.
    pub feature: Option<u64>,
    pub code: Option<String>,
    pub message: String,
    /// WGS84.
    #[schema(value_type = Option<LonLat>)]
    pub position: Option<Point>,
}

impl Problem {
    pub fn error(kind: ProblemKind, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            kind,
            feature: None,
            code: None,
            message: message.into(),
            position: None,
        }
    }

    pub fn warning(kind: ProblemKind, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(kind, message)
        }
    }

    pub fn at(mut self, feature: u64) -> Problem {
        self.feature = Some(feature);
        self
    }

    pub fn code(mut self, code: impl Into<String>) -> Problem {
        self.code = Some(code.into());
        self
    }

    pub fn place(mut self, position: Option<Point>) -> Problem {
        self.position = position;
        self
    }
}

/// How many rows an import adds, changes, leaves and retires.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Changes {
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
    pub retired: u64,
}

/// The report of a dry run, and of an import once confirmed (`applied_version`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    pub layer: Layer,
    /// GeoJSON, Shapefile, GeoPackage or CSV.
    pub format: String,
    /// The system the coordinates were read in.
    pub crs: String,
    /// The system the file declares, if any.
    pub declared_crs: Option<String>,
    pub features: u64,
    pub changes: Changes,
    pub errors: u64,
    pub warnings: u64,
    /// At most 1,000, errors first.
    pub problems: Vec<Problem>,
    /// The reference version the import was written at; absent for a dry run, or when there
    /// were errors.
    pub applied_version: Option<u64>,
}

impl ImportReport {
    /// Lists errors before warnings, each in file order, at most [`MAX_LISTED`].
    pub fn list(problems: &mut Vec<Problem>) -> (u64, u64) {
        let errors = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count() as u64;
        let warnings = problems.len() as u64 - errors;
        problems.sort_by_key(|p| (p.severity != Severity::Error, p.feature));
        problems.truncate(MAX_LISTED);
        (errors, warnings)
    }
}
