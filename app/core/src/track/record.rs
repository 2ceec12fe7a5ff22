//! 上班 / 下班 and recording: a position offered while on shift is judged by the filters
//! against the last kept point and, if kept, written in its own transaction before the call
//! returns, so a killed app loses only the positions not yet offered.

use super::model::{Recorded, RecordingReport, Shift, TrackSettings};
use super::store;
use crate::client::Client;
use crate::error::ClientError;
use crate::position::PositionSource;
use cgt_shared::Timestamp;
use cgt_shared::track::TrackPoint;
use cgt_shared::track::filter::{Verdict, judge};
use cgt_shared::track::wire::MAX_SEGMENT_POINTS;
use std::sync::PoisonError;
use uuid::Uuid;

impl Client {
    /// 上班: starts a shift now, or returns the shift already open.
    pub fn start_shift(&self) -> Result<Shift, ClientError> {
        let (session, _) = self.require_session()?;
        let now = self.inner.clock.now();
        self.inner.store.write(|tx| {
            if let Some(open) = store::open_shift(tx)? {
                return Ok(open);
            }
            let shift = Shift {
                id: Uuid::now_v7(),
                started_at: now,
                ended_at: None,
            };
            store::insert_shift(tx, &shift, session.user_id)?;
            Ok(shift)
        })
    }

    /// 下班: ends the open shift now; `None` when not on shift.
    pub fn end_shift(&self) -> Result<Option<Shift>, ClientError> {
        let now = self.inner.clock.now();
        self.inner.store.write(|tx| {
            let Some(open) = store::open_shift(tx)? else {
                return Ok(None);
            };
            let ended_at = now.max(open.started_at);
            store::end_shift(tx, open.id, ended_at)?;
            Ok(Some(Shift {
                ended_at: Some(ended_at),
                ..open
            }))
        })
    }

    /// The open shift, if on shift.
    pub fn current_shift(&self) -> Result<Option<Shift>, ClientError> {
        self.inner.store.read(store::open_shift)
    }

    pub fn track_settings(&self) -> TrackSettings {
        *self
            .inner
            .track_settings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub fn set_track_settings(&self, settings: TrackSettings) {
        *self
            .inner
            .track_settings
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = settings;
    }

    /// Offers one position to the recorder. Not on shift is [`ClientError::NotOnShift`].
    pub fn record_position(&self, point: TrackPoint) -> Result<Recorded, ClientError> {
        let filter = self.track_settings().filter;
        self.inner.store.write(|tx| {
            let shift = store::open_shift(tx)?.ok_or(ClientError::NotOnShift)?;
            let last = store::last_point(tx, shift.id)?;
            let verdict = judge(&filter, last.as_ref().map(|(p, _)| p), &point);
            let segment = match (verdict, last) {
                (Verdict::Drop(reason), _) => return Ok(Recorded::Dropped(reason)),
                (Verdict::Keep { .. }, None) => 1,
                (Verdict::Keep { new_segment }, Some((_, current))) => {
                    let full = store::segment_size(tx, shift.id, current)? >= MAX_SEGMENT_POINTS;
                    current + u32::from(new_segment || full)
                }
            };
            store::append(tx, shift.id, segment, &point)?;
            Ok(Recorded::Kept { segment })
        })
    }

    /// Records from a position source at every `step_ms` from `from` to `to` (inclusive), as
    /// a timer would: the desktop app and the tests replay a GPX walk through it.
    pub fn record_from(
        &self,
        source: &PositionSource,
        from: Timestamp,
        to: Timestamp,
        step_ms: i64,
    ) -> Result<RecordingReport, ClientError> {
        let mut report = RecordingReport::default();
        let mut now = from;
        while now <= to {
            match source.current(now) {
                None => report.no_fix += 1,
                Some(position) => match self.record_position(TrackPoint::at(now, position))? {
                    Recorded::Kept { .. } => report.kept += 1,
                    Recorded::Dropped(_) => report.dropped += 1,
                },
            }
            now = now.plus_millis(step_ms.max(1));
        }
        Ok(report)
    }
}
