//! The tables an export writes, built from what the store holds (rows in service only). Column
//! names are the ones an import reads, so an exported layer comes back in unchanged.

use super::{ColumnType, Row, Table, Value};
use crate::storage::{CaseListRow, ImportBase};
use cgt_shared::china_time::rfc3339;
use cgt_shared::evaluation::CaseRecord;
use cgt_shared::geometry::{distance_m, outline};
use cgt_shared::track::TrackPoint;
use cgt_shared::{Timestamp, UserId};
use geo::unary_union;
use geo_types::{Geometry, Point};
use std::collections::HashMap;

/// A dataset an admin may export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dataset {
    UnitGrids,
    WorkGrids,
    Components,
    Cases,
    Tracks,
}

impl Dataset {
    pub fn parse(name: &str) -> Option<Dataset> {
        match name {
            "unit-grids" => Some(Dataset::UnitGrids),
            "work-grids" => Some(Dataset::WorkGrids),
            "components" => Some(Dataset::Components),
            "cases" => Some(Dataset::Cases),
            "tracks" => Some(Dataset::Tracks),
            _ => None,
        }
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn time(at: Option<Timestamp>) -> Value {
    at.and_then(rfc3339).map_or(Value::Null, Value::Text)
}

pub fn unit_grids(base: &ImportBase) -> Table {
    let rows = base
        .unit_grids
        .iter()
        .filter(|h| !h.retired)
        .map(|h| Row {
            values: vec![
                text(h.row.code.as_str()),
                text(&h.row.street_name),
                text(&h.row.community_name),
                text(h.row.work_grid.as_str()),
            ],
            geometry: Some(outline(&h.row.polygon).into()),
        })
        .collect();
    Table {
        name: "unit_grids",
        columns: vec![
            ("code", ColumnType::Text),
            ("street", ColumnType::Text),
            ("community", ColumnType::Text),
            ("work_grid", ColumnType::Text),
        ],
        rows,
    }
}

/// Work grids with the outline of their unit grids together; `usernames` names inspectors.
pub fn work_grids(base: &ImportBase, usernames: &HashMap<UserId, String>) -> Table {
    let rows = base
        .work_grids
        .iter()
        .filter(|h| !h.retired)
        .map(|h| {
            let members: Vec<_> = base
                .unit_grids
                .iter()
                .filter(|g| !g.retired && g.row.work_grid == h.row.code)
                .map(|g| outline(&g.row.polygon))
                .collect();
            let inspector = h.row.inspector.and_then(|u| usernames.get(&u).cloned());
            Row {
                values: vec![
                    text(h.row.code.as_str()),
                    text(&h.row.name),
                    inspector.map_or(Value::Null, Value::Text),
                    Value::Integer(members.len() as i64),
                ],
                geometry: Some(unary_union(members.iter()))
                    .filter(|union| !union.0.is_empty())
                    .map(Geometry::MultiPolygon),
            }
        })
        .collect();
    Table {
        name: "work_grids",
        columns: vec![
            ("code", ColumnType::Text),
            ("name", ColumnType::Text),
            ("inspector", ColumnType::Text),
            ("unit_grids", ColumnType::Integer),
        ],
        rows,
    }
}

pub fn components(base: &ImportBase) -> Table {
    let codes: HashMap<i64, &str> = base
        .departments
        .iter()
        .map(|d| (d.row.id, d.row.code.as_str()))
        .collect();
    let department = |id: i64| codes.get(&id).map_or(Value::Null, |c| text(c));
    let rows = base
        .components
        .iter()
        .filter(|h| !h.retired)
        .map(|h| Row {
            values: vec![
                text(h.row.id.as_str()),
                text(h.row.unit_grid.as_str()),
                department(h.row.owner_department),
                department(h.row.maintainer_department),
            ],
            geometry: Some(Point::new(h.row.lon, h.row.lat).into()),
        })
        .collect();
    Table {
        name: "components",
        columns: vec![
            ("code", ColumnType::Text),
            ("unit_grid", ColumnType::Text),
            ("owner", ColumnType::Text),
            ("maintainer", ColumnType::Text),
        ],
        rows,
    }
}

/// Cases with their status, department and times (China time, RFC 3339).
pub fn cases(cases: &[(CaseListRow, CaseRecord)], departments: &HashMap<i64, String>) -> Table {
    let rows = cases
        .iter()
        .map(|(case, record)| Row {
            values: vec![
                text(&case.id.0.to_string()),
                text(case.source.as_str()),
                text(case.status.as_str()),
                text(&case.kind),
                Value::Integer(i64::from(case.class)),
                Value::Integer(i64::from(case.subclass)),
                text(&case.description),
                text(&case.unit_grid),
                Value::Integer(i64::from(case.urgent)),
                case.department
                    .and_then(|d| departments.get(&d).cloned())
                    .map_or(Value::Null, Value::Text),
                time(Some(case.reported_at)),
                time(record.dispatched_at),
                time(record.handled_at),
                time(record.handle_deadline),
                time(record.closed_at),
                time(record.close_deadline),
            ],
            geometry: Some(Point::new(case.lon, case.lat).into()),
        })
        .collect();
    let columns = [
        ("case_id", ColumnType::Text),
        ("source", ColumnType::Text),
        ("status", ColumnType::Text),
        ("kind", ColumnType::Text),
        ("class", ColumnType::Integer),
        ("subclass", ColumnType::Integer),
        ("description", ColumnType::Text),
        ("unit_grid", ColumnType::Text),
        ("urgent", ColumnType::Integer),
        ("department", ColumnType::Text),
        ("reported_at", ColumnType::Text),
        ("dispatched_at", ColumnType::Text),
        ("handled_at", ColumnType::Text),
        ("handle_deadline", ColumnType::Text),
        ("closed_at", ColumnType::Text),
        ("close_deadline", ColumnType::Text),
    ];
    Table {
        name: "cases",
        columns: columns.to_vec(),
        rows,
    }
}

/// One person's track of one China day.
pub struct DayTrack {
    pub username: String,
    pub name: String,
    pub date: String,
    pub points: Vec<TrackPoint>,
}

/// Tracks as lines, one per person and day, with their length and first and last times.
pub fn tracks(days: &[DayTrack]) -> Table {
    let rows = days
        .iter()
        .filter(|d| !d.points.is_empty())
        .map(|d| {
            let line: Vec<[f64; 2]> = d.points.iter().map(|p| [p.lon, p.lat]).collect();
            let metres: f64 = line.windows(2).map(|w| distance_m(w[0], w[1])).sum();
            Row {
                values: vec![
                    text(&d.username),
                    text(&d.name),
                    text(&d.date),
                    Value::Integer(d.points.len() as i64),
                    Value::Integer(metres.round() as i64),
                    time(d.points.first().map(|p| p.at)),
                    time(d.points.last().map(|p| p.at)),
                ],
                // A day of one point is a point, not a line of one.
                geometry: Some(match line.as_slice() {
                    [[x, y]] => Geometry::Point(Point::new(*x, *y)),
                    _ => Geometry::LineString(line.iter().map(|&[x, y]| (x, y)).collect()),
                }),
            }
        })
        .collect();
    Table {
        name: "tracks",
        columns: vec![
            ("username", ColumnType::Text),
            ("name", ColumnType::Text),
            ("date", ColumnType::Text),
            ("points", ColumnType::Integer),
            ("distance_m", ColumnType::Integer),
            ("first_at", ColumnType::Text),
            ("last_at", ColumnType::Text),
        ],
        rows,
    }
}
