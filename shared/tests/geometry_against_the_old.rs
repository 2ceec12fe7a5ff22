//! The geometry on `geo` against the hand-written code it replaced (kept here, in this test
//! only, as the reference): point in polygon on random star-shaped grids and on their vertices
//! and edges, great-circle and polyline distances, and track simplification.

use cgt_shared::Position;
use cgt_shared::Timestamp;
use cgt_shared::geometry::{self, Location, ON_EDGE, Point};
use cgt_shared::track::TrackPoint;
use cgt_shared::track::simplify::simplify;
use proptest::prelude::*;

mod old {
    use super::*;
    pub fn locate(ring: &[Point], p: Point) -> Location {
        if ring.len() < 3 {
            return Location::Outside;
        }
        let mut inside = false;
        for (i, &a) in ring.iter().enumerate() {
            let b = ring[(i + 1) % ring.len()];
            if on_segment(a, b, p) {
                return Location::Boundary;
            }
            if (a[1] > p[1]) != (b[1] > p[1]) {
                let crossing = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
                if p[0] < crossing {
                    inside = !inside;
                }
            }
        }
        if inside {
            Location::Inside
        } else {
            Location::Outside
        }
    }

    /// Whether the polygon holds `p`, its boundary included: a point on the edge two unit grids
    /// share lies in both, and the caller picks one by a fixed order.
    pub fn contains(ring: &[Point], p: Point) -> bool {
        locate(ring, p) != Location::Outside
    }

    fn on_segment(a: Point, b: Point, p: Point) -> bool {
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let length = dx.hypot(dy);
        let cross = dx * (p[1] - a[1]) - dy * (p[0] - a[0]);
        let within =
            |lo: f64, hi: f64, v: f64| lo.min(hi) - ON_EDGE <= v && v <= lo.max(hi) + ON_EDGE;
        cross.abs() <= ON_EDGE * length.max(ON_EDGE)
            && within(a[0], b[0], p[0])
            && within(a[1], b[1], p[1])
    }

    pub fn distance_to_line_m(line: &[Point], p: Point) -> f64 {
        let cos = p[1].to_radians().cos();
        let local = |q: Point| {
            [
                (q[0] - p[0]) * cos * metres_per_degree,
                (q[1] - p[1]) * metres_per_degree,
            ]
        };
        let Some(&first) = line.first() else {
            return f64::INFINITY;
        };
        let mut best = local(first)[0].hypot(local(first)[1]);
        for pair in line.windows(2) {
            let (a, b) = (local(pair[0]), local(pair[1]));
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let length2 = dx * dx + dy * dy;
            let t = if length2 > 0.0 {
                (-(a[0] * dx + a[1] * dy) / length2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            best = best.min((a[0] + t * dx).hypot(a[1] + t * dy));
        }
        best
    }

    const METRES: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;
    #[allow(non_upper_case_globals)]
    const metres_per_degree: f64 = METRES;

    pub fn haversine_m(a: &Position, b: &Position) -> f64 {
        const R: f64 = 6_371_008.8;
        let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
        let dlat = la2 - la1;
        let dlon = (b.lon - a.lon).to_radians();
        let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * R * h.sqrt().asin()
    }
    pub fn simplify_old(points: &[TrackPoint], tolerance_m: f64) -> Vec<usize> {
        if points.len() <= 2 {
            return (0..points.len()).collect();
        }
        let origin = points[0];
        let cos = origin.lat.to_radians().cos();
        let plane: Vec<[f64; 2]> = points
            .iter()
            .map(|p| {
                [
                    (p.lon - origin.lon) * cos * metres_per_degree,
                    (p.lat - origin.lat) * metres_per_degree,
                ]
            })
            .collect();
        let mut keep = vec![false; points.len()];
        keep[0] = true;
        keep[points.len() - 1] = true;
        let mut pending = vec![(0, points.len() - 1)];
        while let Some((first, last)) = pending.pop() {
            let (a, b) = (plane[first], plane[last]);
            let farthest = (first + 1..last)
                .map(|i| (i, distance_to_segment(plane[i], a, b)))
                .max_by(|x, y| x.1.total_cmp(&y.1));
            if let Some((i, d)) = farthest
                && d > tolerance_m
            {
                keep[i] = true;
                pending.push((first, i));
                pending.push((i, last));
            }
        }
        (0..points.len()).filter(|&i| keep[i]).collect()
    }

    fn distance_to_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let length2 = dx * dx + dy * dy;
        let t = if length2 > 0.0 {
            (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (p[0] - a[0] - t * dx).hypot(p[1] - a[1] - t * dy)
    }
}

/// A star-shaped ring around `center`: `radii` (degrees) at evenly turning angles, closed.
fn star(center: Point, radii: &[f64]) -> Vec<Point> {
    let n = radii.len() as f64;
    let mut ring: Vec<Point> = radii
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let a = i as f64 / n * std::f64::consts::TAU;
            [center[0] + r * a.cos(), center[1] + r * a.sin()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

fn walk(steps: &[(f64, f64)]) -> Vec<TrackPoint> {
    let mut at = [120.6, 31.3];
    steps
        .iter()
        .enumerate()
        .map(|(i, (east, north))| {
            at = [at[0] + east * 1e-5, at[1] + north * 1e-5];
            TrackPoint {
                at: Timestamp(i as i64 * 1000),
                lat: at[1],
                lon: at[0],
                accuracy_m: 5.0,
                speed_mps: None,
                mock: false,
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn points_in_and_around_grids_are_located_alike(
        radii in prop::collection::vec(0.0005..0.003f64, 3..12),
        dx in -0.004..0.004f64,
        dy in -0.004..0.004f64,
    ) {
        let ring = star([120.6, 31.3], &radii);
        let p = [120.6 + dx, 31.3 + dy];
        prop_assert_eq!(geometry::locate(&ring, p), old::locate(&ring, p));
        prop_assert_eq!(geometry::contains(&ring, p), old::contains(&ring, p));
    }

    #[test]
    fn vertices_and_points_along_edges_are_the_boundary_for_both(
        radii in prop::collection::vec(0.0005..0.003f64, 3..12),
        t in 0.0..1.0f64,
        edge in 0usize..11,
    ) {
        let ring = star([120.6, 31.3], &radii);
        let i = edge % (ring.len() - 1);
        let (a, b) = (ring[i], ring[i + 1]);
        let on = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
        prop_assert_eq!(geometry::locate(&ring, a), Location::Boundary);
        prop_assert_eq!(old::locate(&ring, a), Location::Boundary);
        prop_assert_eq!(geometry::locate(&ring, on), Location::Boundary);
        prop_assert_eq!(old::locate(&ring, on), Location::Boundary);
    }

    #[test]
    fn distances_agree_to_decimetres(
        line in prop::collection::vec((120.58..120.62f64, 31.28..31.32f64), 1..8),
        p in (120.58..120.62f64, 31.28..31.32f64),
    ) {
        let line: Vec<Point> = line.into_iter().map(|(x, y)| [x, y]).collect();
        let p = [p.0, p.1];
        let (new, old) = (geometry::distance_to_line_m(&line, p), old::distance_to_line_m(&line, p));
        // Edges of up to 6 km are great-circle arcs now, straight lines in a plane before:
        // they part by at most a few decimetres, nothing to a 100 m corridor.
        prop_assert!((new - old).abs() <= old * 0.005 + 0.3, "{new} vs {old}");
        let (a, b) = (Position::new(p[1], p[0], 0.0), Position::new(line[0][1], line[0][0], 0.0));
        prop_assert!((a.distance_m(&b) - old::haversine_m(&a, &b)).abs() < 1e-6);
    }

    #[test]
    fn tracks_simplify_to_the_same_points(
        steps in prop::collection::vec((-3.0..3.0f64, -3.0..3.0f64), 0..400),
        tolerance in 0.1..20.0f64,
    ) {
        let track = walk(&steps);
        prop_assert_eq!(simplify(&track, tolerance), old::simplify_old(&track, tolerance));
    }
}

#[test]
fn on_edge_is_a_tenth_of_a_millimetre_for_both() {
    let square = star([120.6, 31.3], &[0.001; 4]);
    let edge_mid = [
        (square[0][0] + square[1][0]) / 2.0,
        (square[0][1] + square[1][1]) / 2.0,
    ];
    for offset in [0.0, ON_EDGE / 4.0] {
        let p = [edge_mid[0] + offset, edge_mid[1] + offset];
        assert_eq!(geometry::locate(&square, p), Location::Boundary);
        assert_eq!(old::locate(&square, p), Location::Boundary);
    }
}
