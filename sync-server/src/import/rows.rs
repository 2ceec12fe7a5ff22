//! Features (already in WGS84) read as the rows of a layer: each field found under its names,
//! codes parsed, geometry of the kind the layer needs. A feature that cannot be a row gives a
//! problem instead; the others go on. Pure.

use super::files::{Attributes, Feature};
use super::layer::Field;
use super::report::{Problem, ProblemKind};
use cgt_shared::geometry::Point;
use cgt_shared::{ComponentId, GridCode};
use geo::InteriorPoint;
use geo_types::{Geometry, Polygon};

/// The longest name or department code accepted.
const MAX_TEXT: usize = 100;

/// A row with its feature's number in the file (from 1).
#[derive(Clone, Debug, PartialEq)]
pub struct Numbered<T> {
    pub feature: u64,
    pub row: T,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DepartmentDraft {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WorkGridDraft {
    pub code: GridCode,
    pub name: String,
    /// A username; absent keeps the inspector the work grid has.
    pub inspector: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnitGridDraft {
    pub code: GridCode,
    pub street_name: String,
    pub community_name: String,
    pub work_grid: GridCode,
    pub outline: Polygon<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ComponentDraft {
    pub id: ComponentId,
    pub position: Point,
    pub owner: String,
    pub maintainer: String,
    /// The unit grid the file says it is in, if it says.
    pub unit_grid: Option<GridCode>,
}

/// A place for the map: the point itself, or a point inside the polygon.
pub fn place(geometry: Option<&Geometry<f64>>) -> Option<Point> {
    geometry
        .and_then(|g| g.interior_point())
        .map(|p| [p.x(), p.y()])
}

/// One feature's attributes, read field by field.
struct Reader<'a> {
    feature: u64,
    attributes: &'a Attributes,
    place: Option<Point>,
    problems: Vec<Problem>,
}

impl<'a> Reader<'a> {
    fn new(number: u64, feature: &'a Feature) -> Reader<'a> {
        Reader {
            feature: number,
            attributes: &feature.attributes,
            place: place(feature.geometry.as_ref()),
            problems: Vec::new(),
        }
    }

    fn optional(&self, field: Field) -> Option<&'a str> {
        field
            .names()
            .iter()
            .find_map(|name| self.attributes.get(*name))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn problem(&mut self, kind: ProblemKind, message: String) {
        let problem = Problem::error(kind, message)
            .at(self.feature)
            .place(self.place);
        self.problems.push(problem);
    }

    fn text(&mut self, field: Field) -> Option<String> {
        match self.optional(field) {
            Some(v) if v.chars().count() <= MAX_TEXT => Some(v.to_string()),
            Some(_) => {
                self.problem(
                    ProblemKind::MissingField,
                    format!("字段 {} 超过 {MAX_TEXT} 个字符", field.canonical()),
                );
                None
            }
            None => {
                let names = field.names().join(" / ");
                self.problem(ProblemKind::MissingField, format!("缺少字段 {names}"));
                None
            }
        }
    }

    fn parsed<T: std::str::FromStr<Err = cgt_shared::codes::CodeError>>(
        &mut self,
        field: Field,
    ) -> Option<T> {
        let text = self.text(field)?;
        match text.parse() {
            Ok(code) => Some(code),
            Err(e) => {
                let problem =
                    Problem::error(ProblemKind::BadCode, format!("{}: {e}", field.canonical()))
                        .at(self.feature)
                        .code(text)
                        .place(self.place);
                self.problems.push(problem);
                None
            }
        }
    }

    /// The row, or the problems that kept it from being one.
    fn finish<T>(self, row: Option<T>) -> Result<Numbered<T>, Vec<Problem>> {
        match row {
            Some(row) if self.problems.is_empty() => Ok(Numbered {
                feature: self.feature,
                row,
            }),
            _ => Err(self.problems),
        }
    }
}

/// Reads every feature with `read`, gathering rows and problems.
pub fn read_all<T>(
    features: &[(u64, Feature)],
    read: impl Fn(u64, &Feature) -> Result<Numbered<T>, Vec<Problem>>,
) -> (Vec<Numbered<T>>, Vec<Problem>) {
    let mut rows = Vec::with_capacity(features.len());
    let mut problems = Vec::new();
    for (number, feature) in features.iter().map(|(n, f)| (*n, f)) {
        match read(number, feature) {
            Ok(row) => rows.push(row),
            Err(found) => problems.extend(found),
        }
    }
    (rows, problems)
}

pub fn department(
    number: u64,
    feature: &Feature,
) -> Result<Numbered<DepartmentDraft>, Vec<Problem>> {
    let mut r = Reader::new(number, feature);
    let code = r.text(Field::Code);
    let name = r.text(Field::Name);
    let row = code
        .zip(name)
        .map(|(code, name)| DepartmentDraft { code, name });
    r.finish(row)
}

pub fn work_grid(number: u64, feature: &Feature) -> Result<Numbered<WorkGridDraft>, Vec<Problem>> {
    let mut r = Reader::new(number, feature);
    let code = r.parsed::<GridCode>(Field::Code);
    let name = r.text(Field::Name);
    let inspector = r.optional(Field::Inspector).map(str::to_string);
    let row = code.zip(name).map(|(code, name)| WorkGridDraft {
        code,
        name,
        inspector,
    });
    r.finish(row)
}

pub fn unit_grid(number: u64, feature: &Feature) -> Result<Numbered<UnitGridDraft>, Vec<Problem>> {
    let mut r = Reader::new(number, feature);
    let code = r.parsed::<GridCode>(Field::Code);
    let street = r.text(Field::Street);
    let community = r.text(Field::Community);
    let work_grid = r.parsed::<GridCode>(Field::WorkGrid);
    let outline = match &feature.geometry {
        Some(Geometry::Polygon(p)) => Some(p.clone()),
        Some(Geometry::MultiPolygon(m)) if m.0.len() == 1 => Some(m.0[0].clone()),
        _ => {
            r.problem(
                ProblemKind::WrongGeometry,
                "单元网格须为一个多边形 (one polygon per unit grid)".into(),
            );
            None
        }
    };
    let row = match (code, street, community, work_grid, outline) {
        (Some(code), Some(street_name), Some(community_name), Some(work_grid), Some(outline)) => {
            Some(UnitGridDraft {
                code,
                street_name,
                community_name,
                work_grid,
                outline,
            })
        }
        _ => None,
    };
    r.finish(row)
}

pub fn component(number: u64, feature: &Feature) -> Result<Numbered<ComponentDraft>, Vec<Problem>> {
    let mut r = Reader::new(number, feature);
    let id = r.parsed::<ComponentId>(Field::Code);
    let owner = r.text(Field::Owner);
    let maintainer = r.optional(Field::Maintainer).map(str::to_string);
    let unit_grid = match r.optional(Field::UnitGrid) {
        Some(_) => r.parsed::<GridCode>(Field::UnitGrid),
        None => None,
    };
    let position = match &feature.geometry {
        Some(Geometry::Point(p)) => Some([p.x(), p.y()]),
        Some(Geometry::MultiPoint(m)) if m.0.len() == 1 => Some([m.0[0].x(), m.0[0].y()]),
        _ => {
            r.problem(
                ProblemKind::WrongGeometry,
                "部件须为一个点 (one point per component)".into(),
            );
            None
        }
    };
    let row = match (id, owner, position) {
        (Some(id), Some(owner), Some(position)) => Some(ComponentDraft {
            id,
            position,
            maintainer: maintainer.unwrap_or_else(|| owner.clone()),
            owner,
            unit_grid,
        }),
        _ => None,
    };
    r.finish(row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::Point as GeoPoint;

    fn feature(attributes: &[(&str, &str)], geometry: Option<Geometry<f64>>) -> Feature {
        Feature {
            geometry,
            attributes: attributes
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn a_component_is_read_under_chinese_names_and_maintained_by_its_owner() {
        let f = feature(
            &[("部件编码", "3205080101000001"), ("主管部门", "SZ01")],
            Some(GeoPoint::new(120.6, 31.3).into()),
        );
        let read = component(4, &f).unwrap();
        assert_eq!(read.feature, 4);
        assert_eq!(read.row.maintainer, "SZ01");
        assert_eq!(read.row.position, [120.6, 31.3]);
    }

    #[test]
    fn every_problem_of_a_feature_is_named_with_its_place() {
        let f = feature(
            &[("code", "32050801")],
            Some(GeoPoint::new(120.6, 31.3).into()),
        );
        let problems = component(9, &f).unwrap_err();
        let kinds: Vec<ProblemKind> = problems.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, [ProblemKind::BadCode, ProblemKind::MissingField]);
        assert!(problems.iter().all(|p| p.feature == Some(9)));
        assert_eq!(problems[0].position, Some([120.6, 31.3]));
        assert_eq!(problems[0].code.as_deref(), Some("32050801"));
        let polygon_as_component = feature(
            &[("code", "3205080101000001"), ("owner", "A")],
            Some(cgt_shared::geometry::outline(&[[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]).into()),
        );
        let problems = component(1, &polygon_as_component).unwrap_err();
        assert_eq!(problems[0].kind, ProblemKind::WrongGeometry);
    }
}
