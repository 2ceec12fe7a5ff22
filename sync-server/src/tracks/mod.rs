//! Patrol tracks and monitored vehicles on the server (principle 9: append-only streams).
//!
//! Split: [`along`] labels the reports shown beside a replayed path, [`day`] China-day
//! boundaries and time ranges, [`segment`] checks an uploaded segment (pure), [`shifts`] the
//! people and shifts the endpoints answer with (stored by `storage::tracks`),
//! [`export`] GPX and GeoJSON (pure), [`osmand`] reads an OsmAnd position report (pure),
//! [`vehicles`] registration, positions and alarms of vehicles, [`demo`] the demo fleet.

pub mod along;
pub mod day;
pub mod demo;
pub mod export;
pub mod osmand;
pub mod segment;
pub mod shifts;
pub mod vehicles;
