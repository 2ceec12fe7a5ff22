//! Patrol tracks and monitored vehicles on the server (principle 9: append-only streams).
//!
//! Split: [`along`] the reports and unit grids shown beside a replayed path, [`day`] China-day boundaries and time ranges, [`segment`] checks an uploaded segment
//! (pure), [`store`] the SQL of shifts and segments and the reads the replay needs,
//! [`export`] GPX and GeoJSON (pure), [`osmand`] reads an OsmAnd position report (pure),
//! [`vehicles`] registration, positions and alarms of vehicles, [`demo`] the demo fleet.

pub mod along;
pub mod day;
pub mod demo;
pub mod export;
pub mod osmand;
pub mod segment;
pub mod store;
pub mod vehicles;
