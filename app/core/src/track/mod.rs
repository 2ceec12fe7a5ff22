//! Patrol tracks on the device (principle 9): 上班 / 下班 (start and end a shift), each
//! position filtered and written to SQLite the moment it arrives, numbered append-only
//! segments, today's patrol summary, and the track phase of a sync.
//!
//! Split: [`model`] what the UI sees, [`store`] the SQL, [`record`] shifts and recording,
//! [`summary`] today's patrol, [`upload`] the sync phase. The filters, the codec and the
//! analysis are pure, in `cgt_shared::track`.

mod model;
mod record;
mod store;
mod summary;
#[cfg(test)]
mod tests;
mod upload;

pub use model::{PatrolSummary, Recorded, RecordingReport, Shift, TrackSettings};
pub(crate) use store::segment_totals;
