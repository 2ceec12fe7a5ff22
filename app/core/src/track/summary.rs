//! Today's patrol as the app shows it: distance, duration, reports made, whether recording is
//! healthy, and what is still to be sent.

use super::model::PatrolSummary;
use super::store;
use crate::client::Client;
use crate::error::ClientError;
use cgt_shared::china_time;
use cgt_shared::track::analysis::distance_m;

/// While on shift, recording counts as healthy if a point was kept this recently (a standing
/// inspector still gets a heartbeat point every 30 s).
const HEALTHY_WITHIN_MS: i64 = 90_000;

impl Client {
    /// The open shift, or else the last one started today; `None` before the first 上班.
    pub fn today_patrol(&self) -> Result<Option<PatrolSummary>, ClientError> {
        let now = self.inner.clock.now();
        let local_midnight = china_time::midnight(china_time::day_of(now));
        let analysis = self.track_settings().analysis;
        let found = self.inner.store.read(|c| {
            let Some(shift) = store::latest_shift_since(c, local_midnight)? else {
                return Ok(None);
            };
            let points = store::points(c, shift.id, None)?;
            let counts = store::segment_counts(c, shift.id)?;
            Ok(Some((shift, points, counts)))
        })?;
        let Some((shift, points, (segments, unsent_segments, upload_error))) = found else {
            return Ok(None);
        };
        let end = shift.ended_at.unwrap_or(now);
        let user = self.session()?.map(|s| s.user_id);
        let reports_made = self
            .reports()?
            .iter()
            .filter(|v| Some(v.report.reporter) == user)
            .filter(|v| (shift.started_at..=end).contains(&v.report.device_time))
            .count();
        let last_point_at = points.last().map(|p| p.at);
        let recording_healthy = shift.ended_at.is_some()
            || last_point_at.is_some_and(|at| now.millis() - at.millis() <= HEALTHY_WITHIN_MS);
        Ok(Some(PatrolSummary {
            shift,
            distance_m: distance_m(&analysis, &points),
            duration_ms: end.millis() - shift.started_at.millis(),
            points: points.len(),
            segments,
            reports_made,
            recording_healthy,
            last_point_at,
            unsent_segments,
            upload_error,
        }))
    }
}
