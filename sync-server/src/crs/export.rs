//! Reference data as a city's GIS takes it back: components as CSV, their positions in WGS84
//! or, converted by PROJ, in the city's own system. Pure apart from the conversion.

use super::{Conversion, CrsError};
use cgt_shared::wire::reference::Component;
use std::fmt::Write;

/// `id,unit_grid,owner,maintainer,x,y`: `x,y` are longitude and latitude without `to`, else
/// the position in `to`'s system (easting, northing for a projected one).
pub fn components_csv(
    components: &[Component],
    to: Option<&Conversion>,
) -> Result<String, CrsError> {
    let mut csv = String::from("id,unit_grid,owner,maintainer,x,y\n");
    let department = |d: Option<i64>| d.map(|d| d.to_string()).unwrap_or_default();
    for c in components {
        let [x, y] = match to {
            Some(conversion) => conversion.convert([c.lon, c.lat])?,
            None => [c.lon, c.lat],
        };
        let _ = writeln!(
            csv,
            "{},{},{},{},{x},{y}",
            c.id,
            c.unit_grid,
            department(c.owner),
            department(c.maintainer)
        );
    }
    Ok(csv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(lon: f64, lat: f64) -> Component {
        Component {
            id: "3205080101000001".parse().unwrap(),
            lon,
            lat,
            unit_grid: "320508001001001".parse().unwrap(),
            owner: Some(3),
            maintainer: None,
        }
    }

    #[test]
    fn rows_in_wgs84_or_the_citys_system() {
        let rows = [component(120.619, 31.3158)];
        let wgs84 = components_csv(&rows, None).unwrap();
        assert_eq!(
            wgs84,
            "id,unit_grid,owner,maintainer,x,y\n3205080101000001,320508001001001,3,,120.619,31.3158\n"
        );
        let zone = Conversion::from_wgs84("EPSG:4549").unwrap();
        let projected = components_csv(&rows, Some(&zone)).unwrap();
        let last = projected.lines().nth(1).unwrap();
        let xy: Vec<f64> = last
            .split(',')
            .skip(4)
            .map(|v| v.parse().unwrap())
            .collect();
        // pyproj 3.7.2: 558921.9530, 3466153.1927.
        assert!((xy[0] - 558_921.953).abs() < 0.001 && (xy[1] - 3_466_153.193).abs() < 0.001);
    }
}
