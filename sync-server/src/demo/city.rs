//! Generates the demo city from a fixed seed: every run builds the same city. Pure.
//!
//! The area (lon 120.585–120.645, lat 31.290–31.330, WGS84) is a 24 × 18 lattice of unit grids
//! of about 240 × 250 m. Its quadrants are the four streets; each street is three column bands
//! of 4 × 9 unit grids, one community (and one work grid) each. Unit grids are numbered
//! west→east, north→south within their community.

use super::names::{
    COMPONENT_MIX, DEPARTMENTS, GREENING, INSPECTORS, MUNICIPAL, SANITATION, STREETS,
};
use crate::storage::{ComponentRow, DepartmentRow, UnitGridRow, WorkGridRow};
use cgt_shared::{ComponentId, CountyCode, GridCode, Role, UserId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

pub const COUNTY: &str = "320508";
pub const WEST: f64 = 120.585;
pub const EAST: f64 = 120.645;
pub const SOUTH: f64 = 31.290;
pub const NORTH: f64 = 31.330;
const COLS: u16 = 24;
const ROWS: u16 = 18;
/// Columns and rows of one community.
const BAND_COLS: u16 = 4;
const BAND_ROWS: u16 = ROWS / 2;
/// Work grid codes use serials from 901 so they never collide with unit grids.
pub(super) const WORK_GRID_SERIAL: u16 = 901;
pub const COMPONENTS: usize = 5_000;
const SEED: u64 = 0x0320_5080_2026;

/// A demo login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct City {
    pub departments: Vec<DepartmentRow>,
    pub people: Vec<Person>,
    /// Work grids with the username of their inspector.
    pub work_grids: Vec<(WorkGridRow, String)>,
    pub unit_grids: Vec<UnitGridRow>,
    pub components: Vec<ComponentRow>,
}

pub fn build_city() -> City {
    let county: CountyCode = COUNTY.parse().expect("the demo county code is valid");
    let mut rng = StdRng::seed_from_u64(SEED);
    let people = people(&mut rng, INSPECTORS.map(str::to_string));
    let (unit_grids, work_grids) = grids(&county);
    let components = components(&county, &unit_grids, &mut rng);
    City {
        departments: departments(),
        people,
        work_grids,
        unit_grids,
        components,
    }
}

/// The departments of [`DEPARTMENTS`], ids from 1.
pub(super) fn departments() -> Vec<DepartmentRow> {
    DEPARTMENTS
        .iter()
        .zip(1..)
        .map(|(&(code, name), id)| DepartmentRow {
            id,
            code: code.into(),
            name: name.into(),
        })
        .collect()
}

/// The centre's staff, one login per role, then the inspectors `inspector01`, `inspector02`, …
/// with the names given.
pub(super) fn people(
    rng: &mut StdRng,
    inspectors: impl IntoIterator<Item = String>,
) -> Vec<Person> {
    let staff = [
        ("admin", "马超", Role::Admin, None),
        ("operator1", "陈静", Role::Operator, None),
        ("shiftlead1", "刘洋", Role::ShiftLeader, None),
        ("dispatcher1", "赵敏", Role::Dispatcher, None),
        ("handler1", "孙磊", Role::DepartmentHandler, Some(MUNICIPAL)),
        (
            "handler2",
            "周婷",
            Role::DepartmentHandler,
            Some(SANITATION),
        ),
        ("handler3", "吴刚", Role::DepartmentHandler, Some(GREENING)),
        ("supervisor1", "郑华", Role::PatrolSupervisor, None),
        ("leader1", "王建国", Role::Leader, None),
    ]
    .map(|(username, name, role, department)| {
        (username.to_string(), name.to_string(), role, department)
    });
    let inspectors = (1..)
        .zip(inspectors)
        .map(|(i, name)| (format!("inspector{i:02}"), name, Role::Inspector, None));
    staff
        .into_iter()
        .chain(inspectors)
        .map(|(username, name, role, department)| Person {
            id: UserId(uuid::Builder::from_random_bytes(rng.random()).into_uuid()),
            username,
            display_name: name,
            role,
            department,
        })
        .collect()
}

/// (street 1…4, community 1…3) of the unit grid at `col`, `row` (row 0 is the northernmost).
fn street_and_community(col: u16, row: u16) -> (u16, u16) {
    let east = col >= COLS / 2;
    let north = row < BAND_ROWS;
    let street = match (north, east) {
        (true, true) => 1,
        (false, false) => 2,
        (false, true) => 3,
        (true, false) => 4,
    };
    (street, (col % (COLS / 2)) / BAND_COLS + 1)
}

fn grids(county: &CountyCode) -> (Vec<UnitGridRow>, Vec<(WorkGridRow, String)>) {
    let (dlon, dlat) = (
        (EAST - WEST) / f64::from(COLS),
        (NORTH - SOUTH) / f64::from(ROWS),
    );
    let compose = |street, community, serial| {
        GridCode::compose(county, street, community, serial).expect("demo grid codes are valid")
    };
    let mut unit_grids = Vec::new();
    for row in 0..ROWS {
        for col in 0..COLS {
            let (street, community) = street_and_community(col, row);
            let serial = (row % BAND_ROWS) * BAND_COLS + col % BAND_COLS + 1;
            let (street_name, communities) = STREETS[usize::from(street - 1)];
            let top = NORTH - f64::from(row) * dlat;
            let left = WEST + f64::from(col) * dlon;
            let (min_lon, min_lat) = (round7(left), round7(top - dlat));
            let (max_lon, max_lat) = (round7(left + dlon), round7(top));
            unit_grids.push(UnitGridRow {
                code: compose(street, community, serial),
                street_name: street_name.into(),
                community_name: communities[usize::from(community - 1)].into(),
                work_grid: compose(street, community, WORK_GRID_SERIAL),
                polygon: vec![
                    [min_lon, max_lat],
                    [max_lon, max_lat],
                    [max_lon, min_lat],
                    [min_lon, min_lat],
                    [min_lon, max_lat],
                ],
                min_lon,
                min_lat,
                max_lon,
                max_lat,
            });
        }
    }
    unit_grids.sort_by(|a, b| a.code.cmp(&b.code));
    let mut work_grids = Vec::new();
    for (street, (_, communities)) in (1..).zip(STREETS) {
        for (community, name) in (1..).zip(communities) {
            let number = work_grids.len() + 1;
            work_grids.push(work_grid(
                compose(street, community, WORK_GRID_SERIAL),
                name,
                number,
            ));
        }
    }
    (unit_grids, work_grids)
}

/// The work grid `code` of the community `community_name`, patrolled by the `number`th
/// inspector (its username beside it).
pub(super) fn work_grid(
    code: GridCode,
    community_name: &str,
    number: usize,
) -> (WorkGridRow, String) {
    let grid = WorkGridRow {
        code,
        name: format!("{community_name}工作网格"),
        inspector: None,
    };
    (grid, format!("inspector{number:02}"))
}

fn components(county: &CountyCode, grids: &[UnitGridRow], rng: &mut StdRng) -> Vec<ComponentRow> {
    let mut serials = Serials::default();
    (0..COMPONENTS)
        .map(|_| {
            component(county, rng, &mut serials, |rng| {
                let grid = &grids[rng.random_range(0..grids.len())];
                let inside = |rng: &mut StdRng, lo: f64, hi: f64| {
                    round7(lo + (0.05 + 0.9 * rng.random::<f64>()) * (hi - lo))
                };
                let lon = inside(rng, grid.min_lon, grid.max_lon);
                let lat = inside(rng, grid.min_lat, grid.max_lat);
                (grid.code.clone(), [lon, lat])
            })
        })
        .collect()
}

/// The last serial given in each (class, subclass).
pub(super) type Serials = HashMap<(u8, u8), u32>;

/// A component of a class drawn from [`COMPONENT_MIX`], then placed by `place` (its unit grid
/// and position).
pub(super) fn component(
    county: &CountyCode,
    rng: &mut StdRng,
    serials: &mut Serials,
    place: impl FnOnce(&mut StdRng) -> (GridCode, [f64; 2]),
) -> ComponentRow {
    let total: u32 = COMPONENT_MIX.iter().map(|m| m.2).sum();
    let mut pick = rng.random_range(0..total);
    let &(class, subclass, _, owner, maintainer) = COMPONENT_MIX
        .iter()
        .find(|m| {
            let hit = pick < m.2;
            pick = pick.saturating_sub(m.2);
            hit
        })
        .expect("the pick is below the total weight");
    let serial = serials.entry((class, subclass)).or_insert(0);
    *serial += 1;
    let (unit_grid, [lon, lat]) = place(rng);
    ComponentRow {
        id: ComponentId::compose(county, class, subclass, *serial)
            .expect("demo component ids are valid"),
        lon,
        lat,
        unit_grid,
        owner_department: owner,
        maintainer_department: maintainer,
    }
}

/// Rounds to 1e-7 degrees (about 1 cm), the precision documents store.
pub(super) fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

#[cfg(test)]
mod tests {
    use super::*;
    use cgt_shared::{CategoryTable, Kind};
    use std::collections::HashSet;

    #[test]
    fn the_city_is_the_same_every_time() {
        let (a, b) = (build_city(), build_city());
        assert_eq!(a.people, b.people);
        assert_eq!(a.components, b.components);
        assert_eq!(a.unit_grids, b.unit_grids);
    }

    #[test]
    fn counts_and_codes() {
        let city = build_city();
        assert_eq!(city.unit_grids.len(), usize::from(COLS * ROWS));
        assert_eq!(city.work_grids.len(), 12);
        assert_eq!(city.components.len(), COMPONENTS);
        assert_eq!(city.people.len(), 21);
        assert_eq!(city.departments.len(), 10);
        let codes: HashSet<_> = city.unit_grids.iter().map(|g| g.code.clone()).collect();
        assert_eq!(codes.len(), city.unit_grids.len());
        let ids: HashSet<_> = city.components.iter().map(|c| c.id.clone()).collect();
        assert_eq!(ids.len(), COMPONENTS);
        for grid in &city.unit_grids {
            assert_eq!(grid.code.county().as_str(), COUNTY);
            assert!(grid.code.as_str().parse::<GridCode>().is_ok());
            assert!(grid.min_lon < grid.max_lon && grid.min_lat < grid.max_lat);
            assert!(grid.min_lon >= WEST - 1e-9 && grid.max_lon <= EAST + 1e-9);
            assert!(grid.min_lat >= SOUTH - 1e-9 && grid.max_lat <= NORTH + 1e-9);
            assert!(
                city.work_grids
                    .iter()
                    .any(|(w, _)| w.code == grid.work_grid)
            );
        }
    }

    #[test]
    fn components_are_real_classes_inside_their_grid() {
        let city = build_city();
        let table = CategoryTable::builtin();
        let grids: HashMap<_, _> = city
            .unit_grids
            .iter()
            .map(|g| (g.code.clone(), g))
            .collect();
        for c in &city.components {
            assert!(
                table
                    .subclass(Kind::Component, c.id.class(), c.id.subclass())
                    .is_ok()
            );
            let g = grids[&c.unit_grid];
            assert!((g.min_lon..=g.max_lon).contains(&c.lon), "{c:?}");
            assert!((g.min_lat..=g.max_lat).contains(&c.lat), "{c:?}");
        }
        let classes: HashSet<u8> = city.components.iter().map(|c| c.id.class()).collect();
        assert_eq!(classes, (1..=6).collect());
    }

    #[test]
    fn unit_grids_are_numbered_west_to_east_then_north_to_south() {
        let city = build_city();
        let community: Vec<_> = city
            .unit_grids
            .iter()
            .filter(|g| g.code.as_str().starts_with("320508001001"))
            .take(5)
            .collect();
        assert!(community[1].min_lon > community[0].min_lon);
        assert_eq!(community[0].max_lat, community[1].max_lat);
        assert!(community[4].max_lat < community[0].max_lat);
        assert_eq!(community[4].min_lon, community[0].min_lon);
        assert_eq!(community[0].street_name, "平江街道");
    }
}
