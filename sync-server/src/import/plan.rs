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
/// `present` holds the keys of the held rows the file names, including rows of the file left
/// out for errors, so a row with a problem is never counted as retired.
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

/// The keys of `held` rows whose code the file names (`file_codes`: every code written in it,
/// readable or not as a row).
fn held_in_file<T, K: Hash + Eq>(
    held: &[Held<T>],
    key: impl Fn(&T) -> K,
    code: impl Fn(&T) -> String,
    file_codes: &HashSet<String>,
) -> HashSet<K> {
    held.iter()
        .filter(|h| file_codes.contains(&code(&h.row)))
        .map(|h| key(&h.row))
        .collect()
}

fn in_service<T>(held: &[Held<T>]) -> impl Iterator<Item = &T> {
    held.iter().filter(|h| !h.retired).map(|h| &h.row)
}

/// Codes listed in a warning about rows retired while still in use.
const LISTED_CODES: usize = 10;

/// One warning for every row the import retires while rows in service still refer to it:
/// `in_use` holds each retired row's code and how many refer to it.
fn still_used(
    what: &str,
    dependents: &str,
    in_use: impl Iterator<Item = (String, u64)>,
) -> Option<Problem> {
    let mut used: Vec<(String, u64)> = in_use.filter(|(_, n)| *n > 0).collect();
    if used.is_empty() {
        return None;
    }
    used.sort();
    let total: u64 = used.iter().map(|(_, n)| n).sum();
    let listed: Vec<String> = used
        .iter()
        .take(LISTED_CODES)
        .map(|(code, n)| format!("{code} ({n})"))
        .collect();
    let more = if used.len() > LISTED_CODES {
        " 等"
    } else {
        ""
    };
    Some(Problem::warning(
        ProblemKind::RetiresInUse,
        format!(
            "文件中没有的 {} 个{what}将停用,仍有 {total} 个{dependents}: {}{more}",
            used.len(),
            listed.join(", ")
        ),
    ))
}

pub fn departments(
    rows: Vec<Numbered<DepartmentDraft>>,
    base: &ImportBase,
    file_codes: &HashSet<String>,
) -> Planned {
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
    let present = held_in_file(&base.departments, |d| d.id, |d| d.code.clone(), file_codes);
    let (write, retire, changes) = compare(incoming, &base.departments, |d| d.id, &present);
    let in_use = retire.iter().filter_map(|id| {
        let used = in_service(&base.components)
            .filter(|c| c.owner_department == *id || c.maintainer_department == *id)
            .count() as u64;
        let code = base.departments.iter().find(|h| h.row.id == *id);
        code.map(|h| (h.row.code.clone(), used))
    });
    problems.extend(still_used("部门", "部件由其主管或养护", in_use));
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
    file_codes: &HashSet<String>,
) -> Planned {
    let mut problems = Vec::new();
    let rows = unique(rows, |w| w.code.clone(), |_| None, &mut problems);
    let present = held_in_file(
        &base.work_grids,
        |w| w.code.clone(),
        |w| w.code.to_string(),
        file_codes,
    );
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
    let in_use = retire.iter().map(|code| {
        let used = in_service(&base.unit_grids)
            .filter(|g| &g.work_grid == code)
            .count() as u64;
        (code.to_string(), used)
    });
    problems.extend(still_used("工作网格", "单元网格属于它们", in_use));
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

pub fn unit_grids(
    rows: Vec<Numbered<UnitGridDraft>>,
    base: &ImportBase,
    file_codes: &HashSet<String>,
) -> Planned {
    let mut problems = Vec::new();
    let place = |g: &UnitGridDraft| super::rows::place(Some(&g.outline.clone().into()));
    let rows = unique(rows, |g| g.code.clone(), place, &mut problems);
    let present = held_in_file(
        &base.unit_grids,
        |g| g.code.clone(),
        |g| g.code.to_string(),
        file_codes,
    );
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
    let in_use = orphans
        .into_iter()
        .map(|(code, used)| (code.to_string(), used));
    problems.extend(still_used("单元网格", "部件在其中", in_use));
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

pub fn components(
    rows: Vec<Numbered<ComponentDraft>>,
    base: &ImportBase,
    file_codes: &HashSet<String>,
) -> Planned {
    let mut problems = Vec::new();
    let rows = unique(rows, |c| c.id.clone(), |c| Some(c.position), &mut problems);
    let present = held_in_file(
        &base.components,
        |c| c.id.clone(),
        |c| c.id.to_string(),
        file_codes,
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> ImportBase {
        let ring = vec![
            [120.0, 31.0],
            [120.01, 31.0],
            [120.01, 31.01],
            [120.0, 31.01],
            [120.0, 31.0],
        ];
        let grid: GridCode = "320508001001001".parse().unwrap();
        let component = |serial: u32, retired| Held {
            row: ComponentRow {
                id: format!("3205080101{serial:06}").parse().unwrap(),
                lon: 120.005,
                lat: 31.005,
                unit_grid: grid.clone(),
                owner_department: 1,
                maintainer_department: 1,
            },
            retired,
        };
        ImportBase {
            version: 7,
            departments: vec![Held {
                row: DepartmentRow {
                    id: 1,
                    code: "szglc".into(),
                    name: "市政".into(),
                },
                retired: false,
            }],
            unit_grids: vec![Held {
                row: UnitGridRow {
                    code: grid.clone(),
                    street_name: "s".into(),
                    community_name: "c".into(),
                    work_grid: "320508001001901".parse().unwrap(),
                    polygon: ring,
                    min_lon: 120.0,
                    min_lat: 31.0,
                    max_lon: 120.01,
                    max_lat: 31.01,
                },
                retired: false,
            }],
            components: vec![component(1, false), component(2, false), component(3, true)],
            ..ImportBase::default()
        }
    }

    fn draft(feature: u64, serial: u32, at: Point, owner: &str) -> Numbered<ComponentDraft> {
        Numbered {
            feature,
            row: ComponentDraft {
                id: format!("3205080101{serial:06}").parse().unwrap(),
                position: at,
                owner: owner.into(),
                maintainer: owner.into(),
                unit_grid: None,
            },
        }
    }

    #[test]
    fn components_are_sorted_into_new_changed_unchanged_and_retired() {
        let rows = vec![
            draft(1, 1, [120.005, 31.005], "szglc"),
            draft(2, 3, [120.005, 31.005], "szglc"),
            draft(3, 4, [120.006, 31.005], "szglc"),
            draft(4, 4, [120.006, 31.005], "szglc"),
            draft(5, 5, [121.0, 31.005], "szglc"),
            draft(6, 6, [120.005, 31.005], "nosuch"),
        ];
        let codes: HashSet<String> = rows.iter().map(|r| r.row.id.to_string()).collect();
        let planned = components(rows, &base(), &codes);
        let kinds: Vec<(ProblemKind, Option<u64>)> = planned
            .problems
            .iter()
            .map(|p| (p.kind, p.feature))
            .collect();
        assert_eq!(
            kinds,
            [
                (ProblemKind::DuplicateCode, Some(4)),
                (ProblemKind::OutsideGrids, Some(5)),
                (ProblemKind::UnknownDepartment, Some(6)),
                (ProblemKind::UnknownDepartment, Some(6)),
            ]
        );
        // 1 unchanged; 3 was retired and comes back (changed); 4 new; 2 is gone (retired);
        // 5 and 6 have errors and are neither written nor retired.
        assert_eq!(
            planned.changes,
            Changes {
                new: 1,
                changed: 1,
                unchanged: 1,
                retired: 1
            }
        );
        assert_eq!(planned.plan.base_version, 7);
        assert_eq!(planned.plan.components.len(), 2);
        assert_eq!(
            planned.plan.retire.components,
            ["3205080101000002".parse().unwrap()]
        );
    }

    #[test]
    fn rows_retired_while_in_use_make_one_warning() {
        let in_use = (1..=12)
            .map(|i| (format!("g{i:02}"), i))
            .chain([("unused".into(), 0)]);
        let warning = still_used("单元网格", "部件在其中", in_use).unwrap();
        assert_eq!(warning.severity, super::super::Severity::Warning);
        assert!(
            warning.message.contains("12 个单元网格"),
            "{}",
            warning.message
        );
        assert!(warning.message.contains("78 个部件"), "{}", warning.message);
        assert!(warning.message.ends_with(" 等"), "{}", warning.message);
        assert!(still_used("部门", "x", std::iter::once(("a".into(), 0))).is_none());
    }
}
