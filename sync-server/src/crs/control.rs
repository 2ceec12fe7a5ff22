//! Checking a city's system against its control points (控制点): survey coordinates whose WGS84
//! positions were measured independently. Converting each and measuring how far it lands from
//! its measured position shows whether the system's parameters are good enough before any
//! survey data comes in — the seed's warning: "坐标换算参数精度不够而导致上报信息和巡查定位不准".

use super::{Conversion, CrsError};
use cgt_shared::geometry::{Point, distance_m};

/// One control point: its survey `[x, y]` and its measured WGS84 `[lon, lat]`.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlPoint {
    pub line: usize,
    pub survey: Point,
    pub wgs84: Point,
}

/// How far each converted control point lands from its measured position, in metres.
#[derive(Clone, Debug, PartialEq)]
pub struct Residuals {
    pub metres: Vec<(usize, f64)>,
}

impl Residuals {
    pub fn max(&self) -> f64 {
        self.metres.iter().map(|&(_, m)| m).fold(0.0, f64::max)
    }
}

/// Reads `x,y,lon,lat` lines (a header line, blank lines and `#` comments are skipped); a line
/// that is not four numbers is named.
pub fn parse(text: &str) -> Result<Vec<ControlPoint>, String> {
    let mut points = Vec::new();
    // A spreadsheet's "CSV UTF-8" starts with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let numbers: Result<Vec<f64>, _> = line.split(',').map(|v| v.trim().parse()).collect();
        match numbers {
            Ok(n) if n.len() == 4 && n.iter().all(|v| v.is_finite()) => points.push(ControlPoint {
                line: index + 1,
                survey: [n[0], n[1]],
                wgs84: [n[2], n[3]],
            }),
            Err(_) if index == 0 => continue,
            _ => return Err(format!("第 {} 行应为 x,y,lon,lat 四个数: {raw}", index + 1)),
        }
    }
    Ok(points)
}

/// Converts each control point with `to_wgs84` and measures its residual.
pub fn residuals(to_wgs84: &Conversion, points: &[ControlPoint]) -> Result<Residuals, CrsError> {
    let metres = points
        .iter()
        .map(|p| Ok((p.line, distance_m(to_wgs84.convert(p.survey)?, p.wgs84))))
        .collect::<Result<_, CrsError>>()?;
    Ok(Residuals { metres })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_points_are_read_and_bad_lines_named() {
        let text = "x,y,lon,lat\n# 姑苏区\n558921.953,3466153.193,120.619,31.3158\n\n";
        let points = parse(text).unwrap();
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].line, 3);
        assert_eq!(points[0].wgs84, [120.619, 31.3158]);
        let bad = parse("558921.953,3466153.193,120.619\n").unwrap_err();
        assert!(bad.starts_with("第 1 行"), "{bad}");
        assert!(parse("x,y,lon,lat\n1,2,NaN,4\n").is_err());
        let from_excel = parse("\u{feff}558921.953,3466153.193,120.619,31.3158\n").unwrap();
        assert_eq!(from_excel.len(), 1, "the byte-order mark is not a header");
    }

    #[test]
    fn good_parameters_leave_millimetres_and_a_wrong_meridian_shows() {
        let points = parse("558921.953,3466153.193,120.619,31.3158\n").unwrap();
        let right = Conversion::to_wgs84("EPSG:4549").unwrap();
        assert!(residuals(&right, &points).unwrap().max() < 0.01);
        // The neighbouring zone (117°E): the same numbers land far away.
        let wrong = Conversion::to_wgs84("EPSG:4548").unwrap();
        assert!(residuals(&wrong, &points).unwrap().max() > 100_000.0);
    }
}
