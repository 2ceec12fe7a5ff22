//! A table as a GeoJSON FeatureCollection. In WGS84 it is RFC 7946 GeoJSON; in another system
//! it names it in the `crs` member GIS software still reads.

use super::{System, Table};
use serde_json::{Map, Value, json};

pub fn write(table: &Table, system: &System) -> Vec<u8> {
    let features: Vec<Value> = table
        .rows
        .iter()
        .map(|row| {
            let properties: Map<String, Value> = table
                .columns
                .iter()
                .zip(&row.values)
                .map(|((name, _), value)| (name.to_string(), value.as_json()))
                .collect();
            let geometry = row
                .geometry
                .as_ref()
                .map(|g| serde_json::to_value(geojson::Geometry::from(g)).unwrap_or(Value::Null))
                .unwrap_or(Value::Null);
            json!({"type": "Feature", "properties": properties, "geometry": geometry})
        })
        .collect();
    let mut collection =
        json!({"type": "FeatureCollection", "name": table.name, "features": features});
    if let Some(definition) = &system.definition {
        let name = match system.epsg() {
            Some(code) => format!("urn:ogc:def:crs:EPSG::{code}"),
            None => definition.clone(),
        };
        collection["crs"] = json!({"type": "name", "properties": {"name": name}});
    }
    serde_json::to_vec(&collection).expect("JSON values always serialize")
}
