//! How a layer of unit grids fits together, measured in metres on the plane tangent at the
//! city: polygons that are not valid, grids that overlap, and gaps no grid covers (holes in
//! their union). Areas under a square metre are taken as survey noise. Pure, on `geo`.

use super::report::{Problem, ProblemKind};
use super::rows::{Numbered, UnitGridDraft};
use cgt_shared::geometry::{Point, local_metres, offset_m};
use cgt_shared::grid_index::GridIndex;
use geo::{Area, BooleanOps, BoundingRect, InteriorPoint, MapCoords, Validation, unary_union};
use geo_types::Polygon;

/// The smallest overlap or gap reported, in square metres.
const NOISE_M2: f64 = 1.0;
/// Pairs of grids whose boxes meet that are measured at most: a city's grids meet a handful of
/// neighbours each; a file of grids piled on each other stops here with one error.
const MAX_PAIRS: usize = 1_000_000;

/// Problems of the outlines of `grids` (WGS84): invalid ones are errors (and left out of the
/// other checks); overlaps and gaps are warnings.
pub fn check(grids: &[Numbered<UnitGridDraft>]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let Some(origin) = grids
        .iter()
        .find_map(|g| g.row.outline.exterior().0.first())
    else {
        return problems;
    };
    let origin: Point = [origin.x, origin.y];
    let to_metres = local_metres(origin);
    let back = |p: geo_types::Point<f64>| offset_m(origin, p.x(), p.y());
    let mut valid = Vec::new();
    for grid in grids {
        let outline = &grid.row.outline;
        let fault = if outline.exterior().0.len() < 4 {
            Some("少于三个顶点 (fewer than 3 vertices)".to_string())
        } else if !outline.interiors().is_empty() {
            Some("带内环,单元网格须为简单多边形 (a unit grid has no holes)".to_string())
        } else {
            outline.check_validation().err().map(|e| e.to_string())
        };
        if let Some(e) = fault {
            problems.push(
                Problem::error(ProblemKind::InvalidPolygon, format!("多边形无效: {e}"))
                    .at(grid.feature)
                    .code(grid.row.code.as_str())
                    .place(outline.interior_point().map(|p| [p.x(), p.y()])),
            );
            continue;
        }
        let metres: Polygon<f64> = outline.map_coords(|c| to_metres([c.x, c.y]));
        valid.push((grid, metres));
    }
    let index = GridIndex::new(valid.iter().enumerate().map(|(i, (_, m))| (i, m.clone())));
    let mut pairs = 0;
    'grids: for (i, (grid, metres)) in valid.iter().enumerate() {
        let Some(rect) = metres.bounding_rect() else {
            continue;
        };
        let [min, max] = [rect.min(), rect.max()];
        for (&j, other) in index.near([min.x, min.y, max.x, max.y]) {
            if j <= i {
                continue;
            }
            pairs += 1;
            if pairs > MAX_PAIRS {
                problems.push(Problem::error(
                    ProblemKind::Overlap,
                    format!("网格互相叠压过多 (more than {MAX_PAIRS} pairs meet); 重叠检查中止"),
                ));
                break 'grids;
            }
            let shared = metres.intersection(other);
            let area = shared.unsigned_area();
            if area > NOISE_M2 {
                let (other_grid, _) = &valid[j];
                problems.push(
                    Problem::warning(
                        ProblemKind::Overlap,
                        format!("与单元网格 {} 重叠 {area:.0} 平方米", other_grid.row.code),
                    )
                    .at(grid.feature)
                    .code(grid.row.code.as_str())
                    .place(shared.interior_point().map(back)),
                );
            }
        }
    }
    let union = unary_union(valid.iter().map(|(_, m)| m));
    for part in &union {
        for hole in part.interiors() {
            let gap = Polygon::new(hole.clone(), Vec::new());
            let area = gap.unsigned_area();
            if area > NOISE_M2 {
                problems.push(
                    Problem::warning(
                        ProblemKind::Gap,
                        format!("单元网格之间有 {area:.0} 平方米未被覆盖"),
                    )
                    .place(gap.interior_point().map(back)),
                );
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use cgt_shared::geometry::outline;

    fn grid(feature: u64, serial: u32, ring: &[Point]) -> Numbered<UnitGridDraft> {
        Numbered {
            feature,
            row: UnitGridDraft {
                code: format!("320508001001{serial:03}").parse().unwrap(),
                street_name: "s".into(),
                community_name: "c".into(),
                work_grid: "320508001001901".parse().unwrap(),
                outline: outline(ring),
            },
        }
    }

    /// A 0.001° square (about 95 × 111 m) with its south-west corner at (x, y).
    fn square(x: f64, y: f64) -> Vec<Point> {
        vec![
            [x, y],
            [x + 0.001, y],
            [x + 0.001, y + 0.001],
            [x, y + 0.001],
            [x, y],
        ]
    }

    #[test]
    fn a_ring_of_eight_grids_leaves_a_gap_and_a_shifted_grid_overlaps() {
        let mut grids = Vec::new();
        let mut n = 0;
        for row in 0..3 {
            for col in 0..3 {
                if (row, col) != (1, 1) {
                    n += 1;
                    grids.push(grid(
                        n,
                        n as u32,
                        &square(
                            120.0 + f64::from(col) * 0.001,
                            31.0 + f64::from(row) * 0.001,
                        ),
                    ));
                }
            }
        }
        let problems = check(&grids);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, ProblemKind::Gap);
        let [x, y] = problems[0].position.unwrap();
        assert!((120.001..120.002).contains(&x) && (31.001..31.002).contains(&y));

        grids.push(grid(9, 9, &square(120.001, 31.001)));
        let filled = check(&grids);
        assert_eq!(filled, [], "the hole filled exactly");
        grids[8] = grid(9, 9, &square(120.0012, 31.001));
        let kinds: Vec<ProblemKind> = check(&grids).iter().map(|p| p.kind).collect();
        assert_eq!(kinds, [ProblemKind::Overlap, ProblemKind::Gap]);
    }

    #[test]
    fn an_empty_first_grid_does_not_hide_the_others_and_holes_are_refused() {
        let mut holed = grid(3, 3, &square(120.01, 31.01));
        let hole = [
            [120.0102, 31.0102],
            [120.0104, 31.0102],
            [120.0104, 31.0104],
            [120.0102, 31.0102],
        ];
        holed
            .row
            .outline
            .interiors_push(outline(&hole).exterior().clone());
        let bow_tie = [
            [120.0, 31.0],
            [120.001, 31.001],
            [120.001, 31.0],
            [120.0, 31.001],
            [120.0, 31.0],
        ];
        let problems = check(&[grid(1, 1, &[]), grid(2, 2, &bow_tie), holed]);
        let faults: Vec<(ProblemKind, Option<u64>)> =
            problems.iter().map(|p| (p.kind, p.feature)).collect();
        assert_eq!(
            faults,
            [
                (ProblemKind::InvalidPolygon, Some(1)),
                (ProblemKind::InvalidPolygon, Some(2)),
                (ProblemKind::InvalidPolygon, Some(3)),
            ]
        );
    }

    #[test]
    fn a_bow_tie_is_an_invalid_polygon() {
        let bow_tie = [
            [120.0, 31.0],
            [120.001, 31.001],
            [120.001, 31.0],
            [120.0, 31.001],
            [120.0, 31.0],
        ];
        let problems = check(&[grid(1, 1, &bow_tie)]);
        assert_eq!(problems[0].kind, ProblemKind::InvalidPolygon);
        assert_eq!(problems[0].feature, Some(1));
    }
}
