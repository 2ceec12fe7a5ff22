//! Finding the unit grid a point lies in among many (a city has over a thousand), on an R-tree
//! of their outlines (`rstar`, as `geo` uses it): the few grids whose box holds the point are
//! then tested with the boundary rule of [`crate::geometry`]. Pure.

use crate::geometry::{Outline, Point, contains_in};
use geo_types::Point as GeoPoint;
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

/// Outlines keyed by their grid's code.
pub struct GridIndex<K> {
    tree: RTree<GeomWithData<Outline, usize>>,
    keys: Vec<K>,
}

impl<K: Ord> GridIndex<K> {
    pub fn new(grids: impl IntoIterator<Item = (K, Outline)>) -> GridIndex<K> {
        let (keys, outlines): (Vec<K>, Vec<Outline>) = grids.into_iter().unzip();
        let entries = outlines
            .into_iter()
            .enumerate()
            .map(|(i, outline)| GeomWithData::new(outline, i))
            .collect();
        GridIndex {
            tree: RTree::bulk_load(entries),
            keys,
        }
    }

    /// The grid `p` lies in; on a boundary shared by two, the one with the smaller key, so
    /// every caller gets the same answer.
    pub fn locate(&self, p: Point) -> Option<&K> {
        self.candidates(p)
            .filter(|g| contains_in(g.geom(), p))
            .map(|g| &self.keys[g.data])
            .min()
    }

    /// The grids whose bounding box holds `p`.
    fn candidates(&self, [x, y]: Point) -> impl Iterator<Item = &GeomWithData<Outline, usize>> {
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point(GeoPoint::new(x, y)))
    }

    /// The grids whose bounding boxes meet `envelope` (`[min_lon, min_lat, max_lon, max_lat]`),
    /// with their keys.
    pub fn near(&self, [x0, y0, x1, y1]: [f64; 4]) -> impl Iterator<Item = (&K, &Outline)> {
        let envelope = AABB::from_corners(GeoPoint::new(x0, y0), GeoPoint::new(x1, y1));
        self.tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|g| (&self.keys[g.data], g.geom()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::outline;
    use proptest::prelude::*;

    fn square(x: f64, y: f64, side: f64) -> Outline {
        outline(&[
            [x, y],
            [x + side, y],
            [x + side, y + side],
            [x, y + side],
            [x, y],
        ])
    }

    /// A 10 × 10 lattice of 0.01° squares from (120, 31), keyed row * 10 + column.
    fn lattice() -> GridIndex<u32> {
        GridIndex::new((0..100).map(|k| {
            let (row, col) = (k / 10, k % 10);
            (
                k,
                square(
                    120.0 + f64::from(col) * 0.01,
                    31.0 + f64::from(row) * 0.01,
                    0.01,
                ),
            )
        }))
    }

    #[test]
    fn a_point_is_found_in_its_grid_and_a_shared_edge_goes_to_the_smaller_key() {
        let index = lattice();
        assert_eq!(index.locate([120.005, 31.005]), Some(&0));
        assert_eq!(index.locate([120.095, 31.095]), Some(&99));
        assert_eq!(index.locate([120.01, 31.005]), Some(&0), "edge of 0 and 1");
        assert_eq!(index.locate([119.99, 31.005]), None);
        assert_eq!(index.near([120.001, 31.001, 120.002, 31.002]).count(), 1);
    }

    proptest! {
        /// The index answers as testing every outline would.
        #[test]
        fn the_index_agrees_with_testing_every_grid(x in 119.99f64..120.11, y in 30.99f64..31.11) {
            let index = lattice();
            let every = (0..100u32)
                .filter(|k| {
                    let (row, col) = (k / 10, k % 10);
                    contains_in(&square(120.0 + f64::from(col) * 0.01, 31.0 + f64::from(row) * 0.01, 0.01), [x, y])
                })
                .min();
            prop_assert_eq!(index.locate([x, y]).copied(), every);
        }
    }
}
