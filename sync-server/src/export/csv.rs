//! A table as CSV: its columns, then `x,y` — the point, or a point inside a polygon (a GIS
//! places labels there; the outline itself travels as GeoJSON or GeoPackage).

use super::Table;
use geo::InteriorPoint;

pub fn write(table: &Table) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
    header.extend(["x", "y"]);
    let written = out.write_record(&header).and_then(|()| {
        for row in &table.rows {
            let mut record: Vec<String> = row.values.iter().map(|v| v.as_text()).collect();
            let point = row.geometry.as_ref().and_then(|g| g.interior_point());
            record.push(point.map(|p| p.x().to_string()).unwrap_or_default());
            record.push(point.map(|p| p.y().to_string()).unwrap_or_default());
            out.write_record(&record)?;
        }
        Ok(())
    });
    written.expect("writing CSV into memory cannot fail");
    out.into_inner().expect("flushing into memory cannot fail")
}
