//! Douglas–Peucker simplification of a track for drawing at a map zoom level: a point is kept
//! when leaving it out would move the line by more than the tolerance (about one screen pixel
//! at that zoom). Distances are `geo`'s, in the local plane of [`geometry::local_metres`]. The
//! walk itself is ours and iterative: `geo::SimplifyIdx` recurses once per level of splitting,
//! and a hostile 28,800-point zigzag (a day at 1 Hz) overflows a 2 MiB thread stack with it,
//! which would abort the server replaying that track; ours runs it on a 256 KiB stack (see
//! the tests, which also check it keeps the same points as `geo` where `geo` is safe).

use super::point::TrackPoint;
use crate::geometry;
use geo::{Distance, Euclidean, Line};

/// Metres a Web Mercator pixel spans at the equator at zoom 0 (256-pixel tiles).
const METRES_PER_PIXEL_AT_ZOOM_0: f64 = 156_543.033_928;
/// Zoom levels the tolerance is defined for.
pub const MAX_ZOOM: u8 = 22;

/// The tolerance in metres that keeps the drawn line within a pixel at `zoom` (0–22; larger
/// values are treated as 22).
pub fn tolerance_for_zoom(zoom: u8) -> f64 {
    METRES_PER_PIXEL_AT_ZOOM_0 / f64::from(1u32 << zoom.min(MAX_ZOOM))
}

/// The indices of the points kept, in order; the first and last are always kept.
pub fn simplify(points: &[TrackPoint], tolerance_m: f64) -> Vec<usize> {
    if points.len() <= 2 {
        return (0..points.len()).collect();
    }
    let local = geometry::local_metres(points[0].lon_lat());
    let plane: Vec<_> = points.iter().map(|p| local(p.lon_lat())).collect();
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let mut pending = vec![(0, points.len() - 1)];
    while let Some((first, last)) = pending.pop() {
        let chord = Line::new(plane[first], plane[last]);
        let farthest = (first + 1..last)
            .map(|i| (i, Euclidean.distance(plane[i], &chord)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    fn at(i: i64, east_m: f64, north_m: f64) -> TrackPoint {
        let per_degree = geometry::metres_per_degree();
        TrackPoint {
            at: Timestamp(i * 1000),
            lat: 31.3 + north_m / per_degree,
            lon: 120.6 + east_m / (per_degree * 31.3f64.to_radians().cos()),
            accuracy_m: 5.0,
            speed_mps: None,
            mock: false,
        }
    }

    #[test]
    fn simplification_table() {
        let check = |points: &[TrackPoint], tolerance: f64, expected: &[usize]| {
            assert_eq!(
                simplify(points, tolerance),
                expected,
                "tolerance {tolerance}"
            );
        };
        // A straight line keeps its ends.
        let line: Vec<_> = (0..100).map(|i| at(i, i as f64, 0.0)).collect();
        check(&line, 1.0, &[0, 99]);
        // An L keeps its corner; a 0.5 m wiggle survives only a finer tolerance.
        let mut l: Vec<_> = (0..=50).map(|i| at(i, i as f64, 0.0)).collect();
        l.extend((1..=50).map(|i| at(50 + i, 50.0, i as f64)));
        check(&l, 1.0, &[0, 50, 100]);
        l[25] = at(25, 25.0, 0.5);
        check(&l, 1.0, &[0, 50, 100]);
        check(&l, 0.4, &[0, 24, 25, 26, 50, 100]);
        check(&[], 1.0, &[]);
        check(&line[..1], 1.0, &[0]);
        check(&line[..2], 1.0, &[0, 1]);
    }

    /// Each split keeps the farthest point, the next to last: as deep as the track is long.
    fn widening_zigzag(points: i64) -> Vec<TrackPoint> {
        (0..points)
            .map(|i| {
                let swing = 1.0001f64.powi(i as i32) * if i % 2 == 0 { 1.0 } else { -1.0 };
                at(i, i as f64, swing)
            })
            .collect()
    }

    #[test]
    fn a_hostile_day_of_points_simplifies_on_a_small_stack() {
        let track = widening_zigzag(10_000);
        let kept = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || simplify(&track, 0.5).len())
            .unwrap()
            .join()
            .unwrap();
        assert!(kept > 9_500, "{kept}");
    }

    proptest::proptest! {
        /// Random walks short enough for `geo`'s recursion: the same points kept as its
        /// `SimplifyIdx`.
        #[test]
        fn the_same_points_as_geo_keeps(
            steps in proptest::collection::vec((-3.0..3.0f64, -3.0..3.0f64), 0..400),
            tolerance in 0.1..20.0f64,
        ) {
            use geo::SimplifyIdx;
            let (mut east, mut north) = (0.0, 0.0);
            let track: Vec<_> = steps
                .iter()
                .enumerate()
                .map(|(i, (e, n))| {
                    (east, north) = (east + e, north + n);
                    at(i as i64, east, north)
                })
                .collect();
            let expected: Vec<usize> = match track.first() {
                None => Vec::new(),
                Some(first) => {
                    let local = geometry::local_metres(first.lon_lat());
                    let line: geo::LineString<f64> =
                        track.iter().map(|p| local(p.lon_lat())).collect();
                    line.simplify_idx(tolerance)
                }
            };
            proptest::prop_assert_eq!(simplify(&track, tolerance), expected);
        }
    }

    #[test]
    fn tolerance_halves_with_each_zoom_level() {
        assert!((tolerance_for_zoom(0) - 156_543.0).abs() < 1.0);
        assert!((tolerance_for_zoom(17) - 1.194).abs() < 0.001);
        assert_eq!(tolerance_for_zoom(40), tolerance_for_zoom(22));
    }
}
