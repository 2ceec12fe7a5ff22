//! Douglas–Peucker simplification of a track for drawing at a map zoom level: a point is kept
//! when leaving it out would move the line by more than the tolerance (about one screen pixel
//! at that zoom). Iterative, so a day of 1 Hz points cannot overflow the stack.

use super::point::TrackPoint;

/// Metres a Web Mercator pixel spans at the equator at zoom 0 (256-pixel tiles).
const METRES_PER_PIXEL_AT_ZOOM_0: f64 = 156_543.033_928;
const METRES_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;
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
    let origin = points[0];
    let cos = origin.lat.to_radians().cos();
    let plane: Vec<[f64; 2]> = points
        .iter()
        .map(|p| {
            [
                (p.lon - origin.lon) * cos * METRES_PER_DEGREE,
                (p.lat - origin.lat) * METRES_PER_DEGREE,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    fn at(i: i64, east_m: f64, north_m: f64) -> TrackPoint {
        TrackPoint {
            at: Timestamp(i * 1000),
            lat: 31.3 + north_m / METRES_PER_DEGREE,
            lon: 120.6 + east_m / (METRES_PER_DEGREE * 31.3f64.to_radians().cos()),
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

    #[test]
    fn tolerance_halves_with_each_zoom_level() {
        assert!((tolerance_for_zoom(0) - 156_543.0).abs() < 1.0);
        assert!((tolerance_for_zoom(17) - 1.194).abs() < 0.001);
        assert_eq!(tolerance_for_zoom(40), tolerance_for_zoom(22));
    }
}
