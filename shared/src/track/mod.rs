//! Patrol tracks (principle 9: tracks are append-only streams, not CRDT documents): the point
//! an inspector's phone records, the filters applied before a point is stored, the compact
//! codec of a segment, and the analysis a supervisor sees (distance, stops, gaps, anomalies,
//! simplification for a zoom level, coverage of the work grid).
//!
//! Split: [`point`] the point, [`filter`] the recording filters, [`codec`] the segment
//! encoding, [`analysis`] distance / stops / gaps / anomalies, [`simplify`] Douglas–Peucker,
//! [`coverage`] which unit grids were visited, [`wire`] what device and server exchange.
//! All pure.

pub mod analysis;
pub mod codec;
pub mod coverage;
pub mod filter;
pub mod point;
pub mod simplify;
pub mod wire;

pub use point::{MAX_SPEED_MPS, TrackPoint};
