//! The demo city at the seed's scale (郴州: 1,305 unit grids, 45 work grids, 408,000
//! components, 130 inspectors over about 60 km²), so that reference sync, nearby components,
//! grid lookup, the console's tables and maps and evaluation are exercised at a real city's
//! size. Generated deterministically around the small demo city (苏州市姑苏区, county 320508),
//! so the demo fleet's routes lie inside it.
//!
//! The area (lon 120.5744–120.6556, lat 31.275–31.345) is a lattice of 45 × 29 unit grids of
//! about 172 × 268 m whose outlines are irregular as surveyed ones are: every inner corner is
//! moved, and every edge bends at two points, each shared by the two grids on either side of
//! it, so the grids still tile the area without gap or overlap. Nine streets of five columns;
//! each street's five communities are bands of rows, one work grid each.

use super::city::{
    City, Serials, WORK_GRID_SERIAL, component, departments, people, round7, work_grid,
};
use crate::storage::{UnitGridRow, WorkGridRow};
use cgt_shared::geometry::{Point, bbox, contains_in, outline};
use cgt_shared::{CountyCode, GridCode};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const WEST: f64 = 120.5744;
const EAST: f64 = 120.6556;
const SOUTH: f64 = 31.275;
const NORTH: f64 = 31.345;
const COLS: usize = 45;
const ROWS: usize = 29;
/// Columns of one street.
const STREET_COLS: usize = 5;
/// The first row of each community's band, and the end.
const BANDS: [usize; 6] = [0, 6, 12, 18, 24, ROWS];
pub const COMPONENTS: usize = 408_000;
pub const INSPECTORS: usize = 130;
const SEED: u64 = 0x0431_0020_2026;
/// How far an inner corner moves, as a share of a grid's width and height.
const CORNER_JITTER: f64 = 0.2;
/// How far an edge bends, as a share of the grid's side across it.
const EDGE_JITTER: f64 = 0.08;

const STREET_NAMES: [&str; 9] = [
    "观前街道",
    "平江街道",
    "沧浪街道",
    "双塔街道",
    "金阊街道",
    "虎丘街道",
    "吴门桥街道",
    "白洋湾街道",
    "苏锦街道",
];
const COMMUNITY_SUFFIXES: [&str; 5] = ["东", "西", "南", "北", "中"];
const SURNAMES: [&str; 13] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "朱",
];
const GIVEN_NAMES: [&str; 10] = ["伟", "芳", "强", "敏", "军", "静", "磊", "洋", "婷", "涛"];

pub fn build_city() -> City {
    let county: CountyCode = "320508".parse().expect("the demo county code is valid");
    let mut rng = StdRng::seed_from_u64(SEED);
    let names = (0..INSPECTORS).map(|i| {
        format!(
            "{}{}",
            SURNAMES[i % SURNAMES.len()],
            GIVEN_NAMES[i / SURNAMES.len()]
        )
    });
    let people = people(&mut rng, names);
    let lattice = Lattice::new(&mut rng);
    let (unit_grids, work_grids) = grids(&county, &lattice);
    let components = components(&county, &unit_grids, &mut rng);
    City {
        departments: departments(),
        people,
        work_grids,
        unit_grids,
        components,
    }
}

/// The corners and bent edges the grids share.
struct Lattice {
    /// `(COLS + 1) × (ROWS + 1)` corners, row 0 the southernmost.
    corners: Vec<Vec<Point>>,
    /// The two bend points of the edge from corner (col, row) east to (col + 1, row).
    east: Vec<Vec<[Point; 2]>>,
    /// The two bend points of the edge from corner (col, row) north to (col, row + 1).
    north: Vec<Vec<[Point; 2]>>,
}

impl Lattice {
    fn new(rng: &mut StdRng) -> Lattice {
        let (dx, dy) = ((EAST - WEST) / COLS as f64, (NORTH - SOUTH) / ROWS as f64);
        let jitter = |rng: &mut StdRng, share: f64| (rng.random::<f64>() * 2.0 - 1.0) * share;
        let corners: Vec<Vec<Point>> = (0..=COLS)
            .map(|col| {
                (0..=ROWS)
                    .map(|row| {
                        let inner = col > 0 && col < COLS && row > 0 && row < ROWS;
                        let (jx, jy) = if inner {
                            (jitter(rng, CORNER_JITTER), jitter(rng, CORNER_JITTER))
                        } else {
                            (0.0, 0.0)
                        };
                        [
                            round7(WEST + (col as f64 + jx) * dx),
                            round7(SOUTH + (row as f64 + jy) * dy),
                        ]
                    })
                    .collect()
            })
            .collect();
        let bend = |rng: &mut StdRng, a: Point, b: Point, across: [f64; 2], inner: bool| {
            [1.0 / 3.0, 2.0 / 3.0].map(|t| {
                let push = if inner { jitter(rng, EDGE_JITTER) } else { 0.0 };
                [
                    round7(a[0] + (b[0] - a[0]) * t + push * across[0]),
                    round7(a[1] + (b[1] - a[1]) * t + push * across[1]),
                ]
            })
        };
        let east = (0..COLS)
            .map(|col| {
                (0..=ROWS)
                    .map(|row| {
                        let inner = row > 0 && row < ROWS;
                        bend(
                            rng,
                            corners[col][row],
                            corners[col + 1][row],
                            [0.0, dy],
                            inner,
                        )
                    })
                    .collect()
            })
            .collect();
        let north = (0..=COLS)
            .map(|col| {
                (0..ROWS)
                    .map(|row| {
                        let inner = col > 0 && col < COLS;
                        bend(
                            rng,
                            corners[col][row],
                            corners[col][row + 1],
                            [dx, 0.0],
                            inner,
                        )
                    })
                    .collect()
            })
            .collect();
        Lattice {
            corners,
            east,
            north,
        }
    }

    /// The closed outline of the grid at `col`, `row`, counter-clockwise from its south-west
    /// corner.
    fn ring(&self, col: usize, row: usize) -> Vec<Point> {
        let c = &self.corners;
        let [s1, s2] = self.east[col][row];
        let [e1, e2] = self.north[col + 1][row];
        let [n1, n2] = self.east[col][row + 1];
        let [w1, w2] = self.north[col][row];
        vec![
            c[col][row],
            s1,
            s2,
            c[col + 1][row],
            e1,
            e2,
            c[col + 1][row + 1],
            n2,
            n1,
            c[col][row + 1],
            w2,
            w1,
            c[col][row],
        ]
    }
}

/// (street, community, serial within the community) of the grid at `col`, `row`.
fn place(col: usize, row: usize) -> (u16, u16, u16) {
    let street = col / STREET_COLS;
    let band = BANDS
        .windows(2)
        .position(|b| (b[0]..b[1]).contains(&row))
        .expect("a row is in a band");
    let serial = (row - BANDS[band]) * STREET_COLS + col % STREET_COLS + 1;
    let number = |n: usize| u16::try_from(n).expect("small numbers");
    (number(street + 1), number(band + 1), number(serial))
}

fn grids(county: &CountyCode, lattice: &Lattice) -> (Vec<UnitGridRow>, Vec<(WorkGridRow, String)>) {
    let compose = |street, community, serial| {
        GridCode::compose(county, street, community, serial).expect("demo grid codes are valid")
    };
    let community_name = |street: u16, community: u16| {
        let root = STREET_NAMES[usize::from(street - 1)].trim_end_matches("街道");
        format!(
            "{root}{}社区",
            COMMUNITY_SUFFIXES[usize::from(community - 1)]
        )
    };
    let mut unit_grids = Vec::with_capacity(COLS * ROWS);
    for row in 0..ROWS {
        for col in 0..COLS {
            let (street, community, serial) = place(col, row);
            let polygon = lattice.ring(col, row);
            let [min_lon, min_lat, max_lon, max_lat] = bbox(&polygon).expect("a ring has points");
            unit_grids.push(UnitGridRow {
                code: compose(street, community, serial),
                street_name: STREET_NAMES[usize::from(street - 1)].into(),
                community_name: community_name(street, community),
                work_grid: compose(street, community, WORK_GRID_SERIAL),
                polygon,
                min_lon,
                min_lat,
                max_lon,
                max_lat,
            });
        }
    }
    unit_grids.sort_by(|a, b| a.code.cmp(&b.code));
    let mut work_grids = Vec::new();
    for street in 1..=9u16 {
        for community in 1..=5u16 {
            let code = compose(street, community, WORK_GRID_SERIAL);
            let number = work_grids.len() + 1;
            work_grids.push(work_grid(code, &community_name(street, community), number));
        }
    }
    (unit_grids, work_grids)
}

/// Components spread evenly over the grids, each at a random point inside its grid's outline.
fn components(
    county: &CountyCode,
    grids: &[UnitGridRow],
    rng: &mut StdRng,
) -> Vec<crate::storage::ComponentRow> {
    let outlines: Vec<_> = grids.iter().map(|g| outline(&g.polygon)).collect();
    let mut serials = Serials::default();
    (0..COMPONENTS)
        .map(|i| {
            let index = i % grids.len();
            let grid = &grids[index];
            component(county, rng, &mut serials, |rng| {
                loop {
                    let p = [
                        round7(grid.min_lon + rng.random::<f64>() * (grid.max_lon - grid.min_lon)),
                        round7(grid.min_lat + rng.random::<f64>() * (grid.max_lat - grid.min_lat)),
                    ];
                    if contains_in(&outlines[index], p) {
                        break (grid.code.clone(), p);
                    }
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::rows::{Numbered, UnitGridDraft};
    use crate::import::topology::check;
    use std::collections::HashSet;

    #[test]
    fn the_city_has_the_seeds_size() {
        let city = build_city();
        assert_eq!(city.unit_grids.len(), 1_305);
        assert_eq!(city.work_grids.len(), 45);
        assert_eq!(city.components.len(), COMPONENTS);
        let inspectors = city
            .people
            .iter()
            .filter(|p| p.role == cgt_shared::Role::Inspector)
            .count();
        assert_eq!(inspectors, INSPECTORS);
        let codes: HashSet<_> = city.unit_grids.iter().map(|g| &g.code).collect();
        assert_eq!(codes.len(), 1_305);
        let ids: HashSet<_> = city.components.iter().map(|c| &c.id).collect();
        assert_eq!(ids.len(), COMPONENTS);
        let work_grids: HashSet<_> = city.work_grids.iter().map(|(w, _)| &w.code).collect();
        assert!(
            city.unit_grids
                .iter()
                .all(|g| work_grids.contains(&g.work_grid))
        );
    }

    /// The import's own checks find nothing: every outline valid, no overlap, no gap.
    #[test]
    fn the_irregular_grids_tile_the_area_as_an_import_checks_it() {
        let drafts: Vec<Numbered<UnitGridDraft>> = build_city()
            .unit_grids
            .into_iter()
            .zip(1..)
            .map(|(g, feature)| Numbered {
                feature,
                row: UnitGridDraft {
                    outline: outline(&g.polygon),
                    code: g.code,
                    street_name: g.street_name,
                    community_name: g.community_name,
                    work_grid: g.work_grid,
                },
            })
            .collect();
        assert_eq!(check(&drafts), []);
    }
}
