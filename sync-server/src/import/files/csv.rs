//! CSV with a header row and two coordinate columns, for components (as a city's GIS or Excel
//! writes them; GBK when Excel on Chinese Windows saved it). The coordinate columns are found
//! by name: `x`/`y`, `lon`/`lat`, `longitude`/`latitude`, `经度`/`纬度`, `x坐标`/`y坐标`; a row
//! without them is a feature without geometry (departments, work grids).

use super::{Attributes, Feature, FeatureFile, FileError, Format, admit, text};
use geo_types::Point;

const X_NAMES: [&str; 6] = ["x", "lon", "lng", "longitude", "经度", "x坐标"];
const Y_NAMES: [&str; 5] = ["y", "lat", "latitude", "纬度", "y坐标"];

fn unreadable(reason: impl ToString) -> FileError {
    FileError::unreadable(Format::Csv, reason)
}

pub fn read(bytes: &[u8]) -> Result<FeatureFile, FileError> {
    let text = text::decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let names: Vec<String> = reader
        .headers()
        .map_err(unreadable)?
        .iter()
        .map(str::to_lowercase)
        .collect();
    let column = |candidates: &[&str]| names.iter().position(|n| candidates.contains(&n.as_str()));
    let xy = column(&X_NAMES).zip(column(&Y_NAMES));
    let mut features = Vec::new();
    for (line, record) in (2..).zip(reader.records()) {
        admit(&features)?;
        let record = record.map_err(unreadable)?;
        let mut attributes: Attributes = names
            .iter()
            .zip(record.iter())
            .filter(|(_, value)| !value.is_empty())
            .filter_map(|(name, value)| super::attribute(name, value))
            .collect();
        let geometry = match xy {
            Some((x, y)) => {
                let number = |i: usize| -> Result<f64, FileError> {
                    let cell = record.get(i).unwrap_or("");
                    cell.parse::<f64>()
                        .ok()
                        .filter(|n| n.is_finite())
                        .ok_or_else(|| unreadable(format!("第 {line} 行坐标不是数字: \"{cell}\"")))
                };
                attributes.remove(&names[x]);
                attributes.remove(&names[y]);
                Some(Point::new(number(x)?, number(y)?).into())
            }
            None => None,
        };
        features.push(Feature {
            geometry,
            attributes,
        });
    }
    Ok(FeatureFile {
        format: Format::Csv,
        features,
        declared_crs: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::GBK;

    #[test]
    fn excel_gbk_csv_is_read_with_its_coordinates() {
        let (bytes, _, _) =
            GBK.encode("编码,主管部门,X,Y\n3205080101000001,市政,558921.95,3466153.19\n");
        let read = read(&bytes).unwrap();
        let feature = &read.features[0];
        assert_eq!(feature.attributes["编码"], "3205080101000001");
        assert_eq!(feature.attributes["主管部门"], "市政");
        assert!(!feature.attributes.contains_key("x"));
        assert_eq!(
            feature.geometry,
            Some(Point::new(558921.95, 3466153.19).into())
        );
    }

    #[test]
    fn a_row_with_a_coordinate_that_is_no_number_is_named() {
        let error = read(b"code,lon,lat\n1,120.6,abc\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("第 2 行"), "{error}");
    }
}
