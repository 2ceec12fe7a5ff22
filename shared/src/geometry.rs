//! Plane geometry on WGS84 degrees: point in polygon (ray casting), the bounding boxes that
//! prefilter candidates in SQL, and distances to polylines in metres. Used by the client's
//! offline grid lookup, track coverage and the vehicle rules. Pure; great-circle distances use
//! [`crate::Position::distance_m`].
//!
//! Unit grids are a few hundred metres across, so treating degrees as plane coordinates inside
//! one grid is exact enough; only the radius → degrees conversion needs the latitude.

/// A `[lon, lat]` pair in degrees.
pub type Point = [f64; 2];

/// The JSON schema of a [`Point`] (`[lon, lat]`, two numbers), for `#[schema(value_type)]`.
pub struct LonLat;

impl utoipa::PartialSchema for LonLat {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        let number =
            || utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::Type::Number);
        utoipa::openapi::ArrayBuilder::new()
            .prefix_items([number(), number()])
            .min_items(Some(2))
            .max_items(Some(2))
            .description(Some("[lon, lat], WGS84 degrees"))
            .into()
    }
}

impl utoipa::ToSchema for LonLat {}

/// Distance from an edge, in degrees, under which a point counts as lying on it (about 0.1 mm).
pub const ON_EDGE: f64 = 1e-9;
/// Metres per degree of latitude on the sphere `Position::distance_m` uses.
const METRES_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// Where a point lies relative to a polygon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Inside,
    /// On an edge or a vertex (within [`ON_EDGE`]).
    Boundary,
    Outside,
}

/// Locates `p` relative to the polygon `ring` (closed or not; fewer than three vertices is no
/// area). Ray casting to the east: a crossing counts when an edge spans `p`'s latitude
/// half-open (one end strictly above), so a ray through a vertex counts it once.
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
    let within = |lo: f64, hi: f64, v: f64| lo.min(hi) - ON_EDGE <= v && v <= lo.max(hi) + ON_EDGE;
    cross.abs() <= ON_EDGE * length.max(ON_EDGE)
        && within(a[0], b[0], p[0])
        && within(a[1], b[1], p[1])
}

/// `[min_lon, min_lat, max_lon, max_lat]` of a ring; `None` for an empty one.
pub fn bbox(ring: &[Point]) -> Option<[f64; 4]> {
    let first = ring.first()?;
    Some(ring.iter().fold(
        [first[0], first[1], first[0], first[1]],
        |[w, s, e, n], p| [w.min(p[0]), s.min(p[1]), e.max(p[0]), n.max(p[1])],
    ))
}

/// The box of degrees that holds every point within `radius_m` of `center`, with a margin:
/// `[min_lon, min_lat, max_lon, max_lat]`. Near a pole it spans every longitude.
pub fn radius_box(center: Point, radius_m: f64) -> [f64; 4] {
    let dlat = radius_m / METRES_PER_DEGREE * 1.01;
    let cos = center[1].to_radians().cos();
    let dlon = if cos * 180.0 > dlat {
        (dlat / cos).min(180.0)
    } else {
        180.0
    };
    [
        center[0] - dlon,
        (center[1] - dlat).max(-90.0),
        center[0] + dlon,
        (center[1] + dlat).min(90.0),
    ]
}

/// Distance in metres from `p` to the polyline `line` (a single vertex is a point; an empty
/// line is infinitely far). Degrees are projected onto a plane tangent at `p`, exact enough
/// over the few kilometres of a vehicle route.
pub fn distance_to_line_m(line: &[Point], p: Point) -> f64 {
    let cos = p[1].to_radians().cos();
    let local = |q: Point| {
        [
            (q[0] - p[0]) * cos * METRES_PER_DEGREE,
            (q[1] - p[1]) * METRES_PER_DEGREE,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    /// A unit grid of the demo city: 0.0025° × ~0.00222°, closed ring.
    const SQUARE: [Point; 5] = [
        [120.585, 31.33],
        [120.5875, 31.33],
        [120.5875, 31.3277778],
        [120.585, 31.3277778],
        [120.585, 31.33],
    ];

    /// A "U": a concave polygon open to the north, its notch 120.1…120.2 above 30.1.
    const U: [Point; 8] = [
        [120.0, 30.0],
        [120.3, 30.0],
        [120.3, 30.3],
        [120.2, 30.3],
        [120.2, 30.1],
        [120.1, 30.1],
        [120.1, 30.3],
        [120.0, 30.3],
    ];

    fn check(ring: &[Point], p: Point, expected: Location) {
        assert_eq!(locate(ring, p), expected, "{p:?}");
    }

    #[test]
    fn point_in_polygon_table() {
        use Location::*;
        check(&SQUARE, [120.586, 31.329], Inside);
        check(&SQUARE, [120.584, 31.329], Outside);
        check(&SQUARE, [120.586, 31.331], Outside);
        check(&SQUARE, [120.586, 31.33], Boundary);
        check(&SQUARE, [120.5875, 31.329], Boundary);
        check(&SQUARE, [120.585, 31.33], Boundary);
        check(&SQUARE, [120.5875, 31.3277778], Boundary);
        check(&SQUARE, [120.587501, 31.329], Outside);
        check(&SQUARE, [120.5875000001, 31.329], Boundary);
        // Concave: the notch is outside, the arms and the base inside.
        check(&U, [120.15, 30.2], Outside);
        check(&U, [120.05, 30.2], Inside);
        check(&U, [120.25, 30.2], Inside);
        check(&U, [120.15, 30.05], Inside);
        check(&U, [120.15, 30.1], Boundary);
        check(&U, [120.2, 30.2], Boundary);
        // A ray through vertices (latitude 30.1 and 30.3) counts each crossing once.
        check(&U, [119.9, 30.1], Outside);
        check(&U, [119.9, 30.3], Outside);
        check(&U, [120.05, 30.1], Inside);
        check(&U, [120.35, 30.15], Outside);
        // Degenerate rings hold nothing.
        check(&SQUARE[..2], [120.586, 31.33], Outside);
        check(&[], [0.0, 0.0], Outside);
    }

    #[test]
    fn an_open_ring_is_closed_implicitly() {
        check(&SQUARE[..4], [120.586, 31.329], Location::Inside);
        check(&SQUARE[..4], [120.585, 31.329], Location::Boundary);
        assert!(contains(&SQUARE[..4], [120.585, 31.329]));
        assert!(!contains(&SQUARE[..4], [120.584, 31.329]));
    }

    #[test]
    fn a_diagonal_edge_holds_its_points_within_a_tenth_of_a_millimetre() {
        let triangle = [[120.0, 30.0], [120.1, 30.1], [120.1, 30.0]];
        check(&triangle, [120.05, 30.05], Location::Boundary);
        check(&triangle, [120.05, 30.05 + 1e-8], Location::Outside);
        check(&triangle, [120.05, 30.05 - 1e-8], Location::Inside);
    }

    #[test]
    fn bounding_boxes() {
        assert_eq!(bbox(&U), Some([120.0, 30.0, 120.3, 30.3]));
        assert_eq!(bbox(&[]), None);
        // The bbox corners of a rectangle are its vertices: on the boundary.
        let [w, s, e, n] = bbox(&SQUARE).unwrap();
        check(&SQUARE, [w, s], Location::Boundary);
        check(&SQUARE, [e, n], Location::Boundary);
        // A triangle's free bbox corner passes the SQL prefilter but is outside.
        let triangle = [[120.0, 30.0], [120.1, 30.1], [120.1, 30.0]];
        assert_eq!(bbox(&triangle), Some([120.0, 30.0, 120.1, 30.1]));
        check(&triangle, [120.0, 30.1], Location::Outside);
        check(&triangle, [120.1, 30.1], Location::Boundary);
    }

    #[test]
    fn the_radius_box_holds_the_circle() {
        let center = [120.6, 31.3];
        let [w, s, e, n] = radius_box(center, 500.0);
        let at = |lon: f64, lat: f64| Position::new(lat, lon, 0.0);
        let c = at(center[0], center[1]);
        for edge in [
            at(w, center[1]),
            at(e, center[1]),
            at(center[0], s),
            at(center[0], n),
        ] {
            let d = c.distance_m(&edge);
            assert!((500.0..520.0).contains(&d), "{d}");
        }
        assert_eq!(radius_box([10.0, 89.9999], 1000.0)[0], 10.0 - 180.0);
        assert_eq!(radius_box([10.0, 0.0], 0.0), [10.0, 0.0, 10.0, 0.0]);
    }
    #[test]
    fn distances_to_a_polyline() {
        let line = [[120.60, 31.30], [120.61, 31.30], [120.61, 31.31]];
        let check = |p: Point, expected: f64| {
            let d = distance_to_line_m(&line, p);
            assert!((d - expected).abs() < expected * 0.005 + 0.01, "{p:?}: {d}");
        };
        check([120.605, 31.30], 0.0);
        check([120.605, 31.301], 111.2);
        check([120.611, 31.305], 95.2);
        check([120.59, 31.30], 952.4);
        assert_eq!(distance_to_line_m(&[], [120.6, 31.3]), f64::INFINITY);
        let to_a_vertex = distance_to_line_m(&[[120.6, 31.3]], [120.6, 31.301]);
        assert!((to_a_vertex - 111.2).abs() < 0.5, "{to_a_vertex}");
    }
}
