//! Coverage of a work grid: which of its unit grids a track passed through, the share visited
//! and which were missed.

use super::point::TrackPoint;
use crate::geometry::{self, Point};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One unit grid of the work grid: its code and outline (`[lon, lat]` ring).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct UnitGridShape {
    pub code: String,
    /// `[lon, lat]` pairs.
    #[schema(value_type = Vec<crate::geometry::LonLat>)]
    pub ring: Vec<Point>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Coverage {
    pub visited: Vec<String>,
    pub missed: Vec<String>,
    /// Visited unit grids over all of them, 0–1 (0 for a work grid without unit grids).
    pub share: f64,
}

pub fn coverage(grids: &[UnitGridShape], points: &[TrackPoint]) -> Coverage {
    let boxes: Vec<Option<[f64; 4]>> = grids.iter().map(|g| geometry::bbox(&g.ring)).collect();
    let outlines: Vec<geometry::Outline> =
        grids.iter().map(|g| geometry::outline(&g.ring)).collect();
    let mut visited = vec![false; grids.len()];
    // Consecutive points are mostly in the same grid: try the last hit first.
    let mut last_hit: Option<usize> = None;
    for p in points {
        let q = p.lon_lat();
        let inside = |i: usize| {
            boxes[i].is_some_and(|[w, s, e, n]| w <= q[0] && q[0] <= e && s <= q[1] && q[1] <= n)
                && geometry::contains_in(&outlines[i], q)
        };
        if last_hit.is_some_and(inside) {
            continue;
        }
        last_hit = (0..grids.len()).find(|&i| inside(i));
        if let Some(i) = last_hit {
            visited[i] = true;
        }
    }
    let (mut hit, mut missed) = (Vec::new(), Vec::new());
    for (grid, was) in grids.iter().zip(visited) {
        if was { &mut hit } else { &mut missed }.push(grid.code.clone());
    }
    let share = if grids.is_empty() {
        0.0
    } else {
        hit.len() as f64 / grids.len() as f64
    };
    Coverage {
        visited: hit,
        missed,
        share,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    /// A 3 × 2 block of 0.01° squares west to east, south to north: "c0r0" … "c2r1".
    fn block() -> Vec<UnitGridShape> {
        let mut grids = Vec::new();
        for row in 0..2 {
            for col in 0..3 {
                let (w, s) = (120.0 + f64::from(col) * 0.01, 31.0 + f64::from(row) * 0.01);
                grids.push(UnitGridShape {
                    code: format!("c{col}r{row}"),
                    ring: vec![
                        [w, s],
                        [w + 0.01, s],
                        [w + 0.01, s + 0.01],
                        [w, s + 0.01],
                        [w, s],
                    ],
                });
            }
        }
        grids
    }

    fn at(lon: f64, lat: f64) -> TrackPoint {
        TrackPoint {
            at: Timestamp(0),
            lat,
            lon,
            accuracy_m: 5.0,
            speed_mps: None,
            mock: false,
        }
    }

    #[test]
    fn coverage_table() {
        let grids = block();
        let check = |track: &[TrackPoint], visited: &[&str], share: f64| {
            let c = coverage(&grids, track);
            assert_eq!(c.visited, visited);
            assert_eq!(c.visited.len() + c.missed.len(), grids.len());
            assert!((c.share - share).abs() < 1e-9, "{}", c.share);
        };
        // Along the southern row, west to east, and a point outside the block.
        let south: Vec<_> = (0..30)
            .map(|i| at(120.0005 + f64::from(i) * 0.001, 31.005))
            .collect();
        check(&south, &["c0r0", "c1r0", "c2r0"], 0.5);
        check(
            &[at(120.015, 31.015), at(119.0, 31.0)],
            &["c1r1"],
            1.0 / 6.0,
        );
        check(&[], &[], 0.0);
        assert_eq!(coverage(&[], &south).share, 0.0);
    }
}
