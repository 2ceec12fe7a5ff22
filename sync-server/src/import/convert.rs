//! The file's system to WGS84, coordinate by coordinate: PROJ for every datum and projection
//! (`crate::crs`), `cgt_shared::gcj02` for GCJ-02, which is no PROJ system. Coordinates are
//! kept to 1e-7° (about a centimetre), so re-importing a file changes nothing.

use crate::crs::{Conversion, CrsError};
use cgt_shared::gcj02;
use geo::MapCoords;
use geo_types::{Coord, Geometry};

/// The names under which a system means "already WGS84 longitude / latitude".
const WGS84_NAMES: [&str; 4] = ["wgs84", "epsg:4326", "ogc:crs84", "crs84"];
const GCJ02_NAMES: [&str; 2] = ["gcj02", "gcj-02"];

pub enum ToWgs84 {
    Identity,
    Gcj02,
    Proj(Conversion),
}

impl ToWgs84 {
    pub fn new(system: &str) -> Result<ToWgs84, CrsError> {
        let lower = system.trim().to_ascii_lowercase();
        if WGS84_NAMES.contains(&lower.as_str()) {
            Ok(ToWgs84::Identity)
        } else if GCJ02_NAMES.contains(&lower.as_str()) {
            Ok(ToWgs84::Gcj02)
        } else {
            Conversion::to_wgs84(system).map(ToWgs84::Proj)
        }
    }

    fn point(&self, [x, y]: [f64; 2]) -> Result<[f64; 2], CrsError> {
        let [lon, lat] = match self {
            ToWgs84::Identity => [x, y],
            ToWgs84::Gcj02 => gcj02::to_wgs84([x, y]),
            ToWgs84::Proj(conversion) => conversion.convert([x, y])?,
        };
        if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) {
            Ok([round(lon), round(lat)])
        } else {
            Err(CrsError::Unconvertible {
                x,
                y,
                reason: format!("换算结果 ({lon}, {lat}) 不是经纬度 (wrong system?)"),
            })
        }
    }

    pub fn geometry(&self, geometry: &Geometry<f64>) -> Result<Geometry<f64>, CrsError> {
        geometry.try_map_coords(|c| self.point([c.x, c.y]).map(|[x, y]| Coord { x, y }))
    }
}

fn round(degrees: f64) -> f64 {
    (degrees * 1e7).round() / 1e7
}

#[cfg(test)]
mod tests {
    use super::*;
    use cgt_shared::geometry::distance_m;
    use geo_types::Point;

    #[test]
    fn a_gauss_kruger_point_lands_where_pyproj_puts_it() {
        let to = ToWgs84::new("EPSG:4549").unwrap();
        let Geometry::Point(p) = to
            .geometry(&Point::new(558921.9530, 3466153.1927).into())
            .unwrap()
        else {
            panic!("a point stays a point");
        };
        assert!(distance_m([p.x(), p.y()], [120.619, 31.3158]) < 0.02);
    }

    #[test]
    fn wgs84_and_gcj02_need_no_proj_and_a_wrong_system_is_caught() {
        let p: Geometry<f64> = Point::new(120.619, 31.3158).into();
        assert_eq!(ToWgs84::new("WGS84").unwrap().geometry(&p).unwrap(), p);
        let Geometry::Point(back) = ToWgs84::new("gcj02").unwrap().geometry(&p).unwrap() else {
            panic!("a point stays a point");
        };
        let moved = distance_m([back.x(), back.y()], [120.619, 31.3158]);
        assert!((300.0..700.0).contains(&moved), "{moved}");
        let projected: Geometry<f64> = Point::new(558921.95, 3466153.19).into();
        assert!(ToWgs84::new("WGS84").unwrap().geometry(&projected).is_err());
    }
}
