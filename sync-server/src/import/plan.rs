//! The rows of a layer checked against what the store holds and turned into a plan: codes
//! found twice, references to departments, work grids, inspectors and unit grids that do not
//! exist, components outside every grid; then what is new, changed, unchanged, and what the
//! file no longer has (retired — with a warning where rows in service still refer to it).
//! Pure.

use super::report::{Changes, Problem, ProblemKind};
use super::rows::{ComponentDraft, DepartmentDraft, Numbered, UnitGridDraft, WorkGridDraft};
use crate::storage::{
    ComponentRow, DepartmentRow, Held, ImportBase, ImportPlan, UnitGridRow, WorkGridRow,
};
use cgt_shared::geometry::{Point, bbox, outline};
use cgt_shared::grid_index::GridIndex;
use cgt_shared::{GridCode, UserId};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// An account that may be given a work grid.
pub struct Inspector {
    pub id: UserId,
    pub username: String,
}

/// A plan and what it would change, or the problems found on the way.
pub struct Planned {
    pub plan: ImportPlan,
    pub changes: Changes,
    pub problems: Vec<Problem>,
}

/// Drops rows whose key an earlier row has, with an error for each.
fn unique<T, K: Hash + Eq + ToString>(
    rows: Vec<Numbered<T>>,
    key: impl Fn(&T) -> K,
    place: impl Fn(&T) -> Option<Point>,
    problems: &mut Vec<Problem>,
) -> Vec<Numbered<T>> {
    let mut first: HashMap<K, u64> = HashMap::new();
    let mut kept = Vec::with_capacity(rows.len());
    for row in rows {
        let k = key(&row.row);
        if let Some(earlier) = first.get(&k) {
            problems.push(
                Problem::error(
                    ProblemKind::DuplicateCode,
                    format!("编码与第 {earlier} 个要素重复"),
                )
                .at(row.feature)
                .code(k.to_string())
                .place(place(&row.row)),
            );
        } else {
            first.insert(k, row.feature);
            kept.push(row);
        }
    }
    kept
}

/// Sorts incoming rows into new, changed and unchanged against `held`, and lists the keys in
/// service that the file no longer has.
/// `present` holds the keys of every row of the file, including those left out for errors,
/// so a row with a problem is never counted as retired.
fn compare<T: PartialEq + Clone, K: Hash + Eq + Clone>(
    incoming: Vec<T>,
    held: &[Held<T>],
    key: impl Fn(&T) -> K,
    present: &HashSet<K>,
) -> (Vec<T>, Vec<K>, Changes) {
    let by_key: HashMap<K, &Held<T>> = held.iter().map(|h| (key(&h.row), h)).collect();
    let mut changes = Changes::default();
    let mut write = Vec::new();
    for row in incoming {
        match by_key.get(&key(&row)) {
            Some(h) if !h.retired && h.row == row => changes.unchanged += 1,
            Some(_) => {
                changes.changed += 1;
                write.push(row);
            }
            None => {
                changes.new += 1;
                write.push(row);
            }
        }
    }
    let retire: Vec<K> = held
        .iter()
        .filter(|h| !h.retired && !present.contains(&key(&h.row)))
        .map(|h| key(&h.row))
        .collect();
    changes.retired = retire.len() as u64;
    (write, retire, changes)
}

fn in_service<T>(held: &[Held<T>]) -> impl Iterator<Item = &T> {
    held.iter().filter(|h| !h.retired).map(|h| &h.row)
}

pub fn departments(rows: Vec<Numbered<DepartmentDraft>>, base: &ImportBase) -> Planned {
    let mut problems = Vec::new();
    let rows = unique(rows, |d| d.code.clone(), |_| None, &mut problems);
    let ids: HashMap<&str, i64> = base
        .departments
        .iter()
        .map(|h| (h.row.code.as_str(), h.row.id))
        .collect();
    let mut next = base.departments.iter().map(|h| h.row.id).max().unwrap_or(0);
    let incoming: Vec<DepartmentRow> = rows
        .into_iter()
        .map(|r| DepartmentRow {
            id: ids.get(r.row.code.as_str()).copied().unwrap_or_else(|| {
                next += 1;
                next
            }),
            code: r.row.code,
            name: r.row.name,
        })
        .collect();
    let present = incoming.iter().map(|d| d.id).collect();
    let (write, retire, changes) = compare(incoming, &base.departments, |d| d.id, &present);
    for id in &retire {
        let used = in_service(&base.components)
            .filter(|c| c.owner_department == *id || c.maintainer_department == *id)
            .count();
        if used > 0 {
            let code = base
                .departments
                .iter()
                .find(|h| h.row.id == *id)
                .map(|h| h.row.code.clone());
            problems.push(
                Problem::warning(
                    ProblemKind::RetiresInUse,
                    format!("部门将停用,仍有 {used} 个部件由其主管或养护"),
                )
                .code(code.unwrap_or_default()),
            );
        }
    }
    Planned {
        plan: ImportPlan {
            base_version: base.version,
            departments: write,
            retire: crate::storage::Retirements {
                departments: retire,
                ..Default::default()
            },
            ..Default::default()
        },
        changes,
        problems,
    }
}

pub fn work_grids(
    rows: Vec<Numbered<WorkGridDraft>>,
    base: &ImportBase,
    inspectors: &[Inspector],
) -> Planned {
    let mut problems = Vec::new();
    let rows = unique(rows, |w| w.code.clone(), |_| None, &mut problems);
    let present = rows.iter().map(|r| r.row.code.clone()).collect();
    let by_name: HashMap<&str, UserId> = inspectors
        .iter()
        .map(|i| (i.username.as_str(), i.id))
        .collect();
    let current: HashMap<&GridCode, Option<UserId>> = base
        .work_grids
        .iter()
        .map(|h| (&h.row.code, h.row.inspector))
        .collect();
    let mut incoming = Vec::with_capacity(rows.len());
    for r in rows {
        let inspector = match &r.row.inspector {
            None => current.get(&r.row.code).copied().flatten(),
            Some(name) => match by_name.get(name.as_str()) {
                Some(id) => Some(*id),
                None => {
                    problems.push(
                        Problem::error(
                            ProblemKind::UnknownInspector,
                            format!("{name} 不是在岗的监督员账号"),
                        )
                        .at(r.feature)
                        .code(r.row.code.as_str()),
                    );
                    continue;
                }
            },
        };
        incoming.push(WorkGridRow {
            code: r.row.code,
            name: r.row.name,
            inspector,
        });
    }
    let (write, retire, changes) =
        compare(incoming, &base.work_grids, |w| w.code.clone(), &present);
    for code in &retire {
        let used = in_service(&base.unit_grids)
            .filter(|g| &g.work_grid == code)
            .count();
        if used > 0 {
            problems.push(
                Problem::warning(
                    ProblemKind::RetiresInUse,
                    format!("工作网格将停用,仍有 {used} 个单元网格属于它"),
                )
                .code(code.as_str()),
            );
        }
    }
    Planned {
        plan: ImportPlan {
            base_version: base.version,
            work_grids: write,
            retire: crate::storage::Retirements {
                work_grids: retire,
                ..Default::default()
            },
            ..Default::default()
        },
        changes,
        problems,
    }
}

pub fn unit_grids(rows: Vec<Numbered<UnitGridDraft>>, base: &ImportBase) -> Planned {
    let mut problems = Vec::new();
    let place = |g: &UnitGridDraft| super::rows::place(Some(&g.outline.clone().into()));
    let rows = unique(rows, |g| g.code.clone(), place, &mut problems);
    let present = rows.iter().map(|r| r.row.code.clone()).collect();
    problems.extend(super::topology::check(&rows));
    let work_grids: HashSet<&GridCode> = in_service(&base.work_grids).map(|w| &w.code).collect();
    let mut incoming = Vec::with_capacity(rows.len());
    for r in rows {
        if !work_grids.contains(&r.row.work_grid) {
            problems.push(
                Problem::error(
                    ProblemKind::UnknownWorkGrid,
                    format!("工作网格 {} 不存在,请先导入工作网格", r.row.work_grid),
                )
                .at(r.feature)
                .code(r.row.code.as_str())
                .place(place(&r.row)),
            );
            continue;
        }
        let ring: Vec<Point> = r
            .row
            .outline
            .exterior()
            .0
            .iter()
            .map(|c| [c.x, c.y])
            .collect();
        let Some([min_lon, min_lat, max_lon, max_lat]) = bbox(&ring) else {
            continue;
        };
        incoming.push(UnitGridRow {
            code: r.row.code,
            street_name: r.row.street_name,
            community_name: r.row.community_name,
            work_grid: r.row.work_grid,
            polygon: ring,
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        });
    }
    let (write, retire, changes) =
        compare(incoming, &base.unit_grids, |g| g.code.clone(), &present);
    let retiring: HashSet<&GridCode> = retire.iter().collect();
    let mut orphans: HashMap<&GridCode, u64> = HashMap::new();
    for c in in_service(&base.components).filter(|c| retiring.contains(&c.unit_grid)) {
        *orphans.entry(&c.unit_grid).or_default() += 1;
    }
    for (code, used) in orphans {
        problems.push(
            Problem::warning(
                ProblemKind::RetiresInUse,
                format!("单元网格将停用,仍有 {used} 个部件在其中"),
            )
            .code(code.as_str()),
        );
    }
    Planned {
        plan: ImportPlan {
            base_version: base.version,
            unit_grids: write,
            retire: crate::storage::Retirements {
                unit_grids: retire,
                ..Default::default()
            },
            ..Default::default()
        },
        changes,
        problems,
    }
}

pub fn components(rows: Vec<Numbered<ComponentDraft>>, base: &ImportBase) -> Planned {
    let mut problems = Vec::new();
    let rows = unique(rows, |c| c.id.clone(), |c| Some(c.position), &mut problems);
    let present = rows.iter().map(|r| r.row.id.clone()).collect();
    let departments: HashMap<&str, i64> = in_service(&base.departments)
        .map(|d| (d.code.as_str(), d.id))
        .collect();
    let grids =
        GridIndex::new(in_service(&base.unit_grids).map(|g| (g.code.clone(), outline(&g.polygon))));
    let mut incoming = Vec::with_capacity(rows.len());
    for r in rows {
        let c = &r.row;
        let problem = |p: Problem| p.at(r.feature).code(c.id.as_str()).place(Some(c.position));
        let mut department = |code: &str| match departments.get(code) {
            Some(id) => Some(*id),
            None => {
                problems.push(problem(Problem::error(
                    ProblemKind::UnknownDepartment,
                    format!("部门 {code} 不存在"),
                )));
                None
            }
        };
        let owner = department(&c.owner);
        let maintainer = department(&c.maintainer);
        let Some(grid) = grids.locate(c.position) else {
            problems.push(problem(Problem::error(
                ProblemKind::OutsideGrids,
                "部件不在任何单元网格内".to_string(),
            )));
            continue;
        };
        if grid.county() != c.id.county() {
            problems.push(problem(Problem::error(
                ProblemKind::GridContradictsCode,
                format!("部件编码的行政区划与所在单元网格 {grid} 不符"),
            )));
            continue;
        }
        if let Some(declared) = c.unit_grid.as_ref().filter(|d| *d != grid) {
            problems.push(problem(Problem::warning(
                ProblemKind::GridContradictsCode,
                format!("文件写明单元网格 {declared},位置在 {grid} 内;按位置导入"),
            )));
        }
        let (Some(owner_department), Some(maintainer_department)) = (owner, maintainer) else {
            continue;
        };
        incoming.push(ComponentRow {
            id: c.id.clone(),
            lon: c.position[0],
            lat: c.position[1],
            unit_grid: grid.clone(),
            owner_department,
            maintainer_department,
        });
    }
    let (write, retire, changes) = compare(incoming, &base.components, |c| c.id.clone(), &present);
    Planned {
        plan: ImportPlan {
            base_version: base.version,
            components: write,
            retire: crate::storage::Retirements {
                components: retire,
                ..Default::default()
            },
            ..Default::default()
        },
        changes,
        problems,
    }
}
