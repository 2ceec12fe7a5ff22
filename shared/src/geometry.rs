//! Geometry on WGS84 degrees, on the `geo` crate: point in polygon with the boundary rule, the
//! bounding boxes that prefilter candidates in SQL, great-circle distances to points and
//! polylines, and the local plane in metres that track simplification works in. Used by the
//! client's offline grid lookup, track coverage and the vehicle rules. Pure.
//!
//! Unit grids are a few hundred metres across, so a polygon's edges are taken as straight in
//! degrees; distances are great-circle (haversine, the mean radius of GRS80).

use geo::coordinate_position::CoordPos;
use geo::{
    BoundingRect, Closest, Coord, CoordinatePosition, Distance, Euclidean, Haversine,
    HaversineClosestPoint, LineString, Polygon,
};

/// A `[lon, lat]` pair in degrees.
pub type Point = [f64; 2];

/// A polygon as `geo` holds it: build it once with [`outline`] where many points are tested.
pub type Outline = Polygon<f64>;

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

/// Metres per degree of latitude (and of longitude at the equator) on the sphere every
/// distance here uses.
pub fn metres_per_degree() -> f64 {
    Haversine.radius().to_radians()
}

/// Where a point lies relative to a polygon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Inside,
    /// On an edge or a vertex (within [`ON_EDGE`]).
    Boundary,
    Outside,
}

fn coord([x, y]: Point) -> Coord<f64> {
    Coord { x, y }
}

fn line_string(points: &[Point]) -> LineString<f64> {
    points.iter().copied().map(coord).collect()
}

/// The polygon of `ring` (closed or not).
pub fn outline(ring: &[Point]) -> Outline {
    Polygon::new(line_string(ring), Vec::new())
}

/// Locates `p` relative to the polygon `ring` (closed or not; fewer than three vertices is no
/// area).
pub fn locate(ring: &[Point], p: Point) -> Location {
    locate_in(&outline(ring), p)
}

/// Locates `p` relative to `outline`: within [`ON_EDGE`] of an edge is the boundary, else
/// inside or outside as `geo` decides.
pub fn locate_in(outline: &Outline, p: Point) -> Location {
    let ring = outline.exterior();
    // A closed ring of three distinct vertices has four coordinates.
    if ring.0.len() < 4 {
        return Location::Outside;
    }
    let point = geo::Point(coord(p));
    if Euclidean.distance(&point, ring) <= ON_EDGE {
        return Location::Boundary;
    }
    match outline.coordinate_position(&point.0) {
        CoordPos::Inside => Location::Inside,
        CoordPos::OnBoundary => Location::Boundary,
        CoordPos::Outside => Location::Outside,
    }
}

/// Whether the polygon holds `p`, its boundary included: a point on the edge two unit grids
/// share lies in both, and the caller picks one by a fixed order.
pub fn contains(ring: &[Point], p: Point) -> bool {
    locate(ring, p) != Location::Outside
}

/// [`contains`] for a polygon built once.
pub fn contains_in(outline: &Outline, p: Point) -> bool {
    locate_in(outline, p) != Location::Outside
}

/// `[min_lon, min_lat, max_lon, max_lat]` of a ring; `None` for an empty one.
pub fn bbox(ring: &[Point]) -> Option<[f64; 4]> {
    let rect = line_string(ring).bounding_rect()?;
    Some([rect.min().x, rect.min().y, rect.max().x, rect.max().y])
}

/// The box of degrees that holds every point within `radius_m` of `center`, with a margin:
/// `[min_lon, min_lat, max_lon, max_lat]`. Near a pole it spans every longitude.
pub fn radius_box(center: Point, radius_m: f64) -> [f64; 4] {
    let dlat = radius_m / metres_per_degree() * 1.01;
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

/// Great-circle distance in metres between two `[lon, lat]` points.
pub fn distance_m(a: Point, b: Point) -> f64 {
    Haversine.distance(geo::Point(coord(a)), geo::Point(coord(b)))
}

/// Great-circle distance in metres from `p` to the nearest point of the polyline `line` (a
/// single vertex is a point; an empty line is infinitely far).
pub fn distance_to_line_m(line: &[Point], p: Point) -> f64 {
    let point = geo::Point(coord(p));
    match line {
        [] => f64::INFINITY,
        [only] => distance_m(*only, p),
        _ => match line_string(line).haversine_closest_point(&point) {
            Closest::Intersection(on) | Closest::SinglePoint(on) => Haversine.distance(point, on),
            Closest::Indeterminate => line
                .iter()
                .map(|&vertex| distance_m(vertex, p))
                .fold(f64::INFINITY, f64::min),
        },
    }
}

/// The point `east_m` metres east and `north_m` metres north of `origin` on the plane tangent
/// there: the inverse of [`local_metres`].
pub fn offset_m(origin: Point, east_m: f64, north_m: f64) -> Point {
    let scale = metres_per_degree();
    [
        origin[0] + east_m / (scale * origin[1].to_radians().cos()),
        origin[1] + north_m / scale,
    ]
}

/// `[lon, lat]` degrees as metres east and north of `origin` on the plane tangent there:
/// exact enough over the few kilometres of a track or a route.
pub fn local_metres(origin: Point) -> impl Fn(Point) -> Coord<f64> {
    let scale = metres_per_degree();
    let cos = origin[1].to_radians().cos();
    move |p| Coord {
        x: (p[0] - origin[0]) * cos * scale,
        y: (p[1] - origin[1]) * scale,
    }
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

    proptest::proptest! {
        /// Random star-shaped grids: the centre is inside, anything beyond the longest radius
        /// outside, vertices and points along edges on the boundary.
        #[test]
        fn the_boundary_rule_on_random_grids(
            radii in proptest::collection::vec(0.0005..0.003f64, 3..12),
            t in 0.0..1.0f64,
            edge in 0usize..11,
            angle in 0.0..std::f64::consts::TAU,
        ) {
            let center = [120.6, 31.3];
            let ring = star(center, &radii);
            proptest::prop_assert_eq!(locate(&ring, center), Location::Inside);
            let far = 0.0031;
            let beyond = [center[0] + far * angle.cos(), center[1] + far * angle.sin()];
            proptest::prop_assert_eq!(locate(&ring, beyond), Location::Outside);
            let i = edge % (ring.len() - 1);
            let (a, b) = (ring[i], ring[i + 1]);
            let on = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
            proptest::prop_assert_eq!(locate(&ring, a), Location::Boundary);
            proptest::prop_assert_eq!(locate(&ring, on), Location::Boundary);
            proptest::prop_assert!(contains_in(&outline(&ring), on));
        }
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
        // Edges are great-circle arcs: the 952 m edge along the parallel bows about a
        // centimetre north of it.
        let check = |p: Point, expected: f64| {
            let d = distance_to_line_m(&line, p);
            assert!((d - expected).abs() < expected * 0.005 + 0.02, "{p:?}: {d}");
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
