//! Taking a photo for a report: the evidence pipeline makes it upright, resized and stamped
//! with time, place, grid and inspector, then it joins the upload queue.

use crate::client::Client;
use crate::error::ClientError;
use cgt_photo::{PipelineConfig, Stamp, process};
use cgt_shared::report::PhotoRef;
use cgt_shared::{DocId, Position, Timestamp, china_time};

/// China Standard Time, the time printed on the stamp.
const STAMP_UTC_OFFSET_MINUTES: i32 = china_time::UTC_OFFSET_HOURS as i32 * 60;

impl Client {
    /// Processes a camera or gallery image (JPEG or PNG) for the report and queues it. The
    /// stamp carries the report's position and unit grid and the inspector's username.
    pub fn capture_photo(&self, report_id: DocId, image: &[u8]) -> Result<PhotoRef, ClientError> {
        let (jpeg, taken_at, position) = self.evidence(report_id, image)?;
        self.add_photo(report_id, jpeg, taken_at, position)
    }

    /// Processes an on-site image for the result of a 核实 / 核查 task on case `case_id`, stamped
    /// with my username and the case's position and grid, and queues it; returns its SHA-256
    /// for [`Client::submit_check`] / [`Client::submit_verification`]. The case's report part
    /// (another user's) is not touched: the result command references the photo, and the photo
    /// is sent after that command has reached the server.
    pub fn capture_task_photo(&self, case_id: DocId, image: &[u8]) -> Result<String, ClientError> {
        let (jpeg, taken_at, position) = self.evidence(case_id, image)?;
        self.queue_photo(case_id, &jpeg, taken_at, position)
    }

    /// The evidence pipeline for a photo of case `id`: the JPEG, when it was taken, where.
    fn evidence(
        &self,
        id: DocId,
        image: &[u8],
    ) -> Result<(Vec<u8>, Timestamp, Position), ClientError> {
        let (session, _) = self.require_session()?;
        let report = self.report(id)?.ok_or(ClientError::NotFound)?.report;
        let taken_at = self.inner.clock.now();
        let stamp = Stamp {
            taken_at,
            position: report.position,
            unit_grid: Some(report.unit_grid.clone()),
            inspector: session.username.clone(),
            utc_offset_minutes: STAMP_UTC_OFFSET_MINUTES,
        };
        let photo = process(image, &stamp, &PipelineConfig::default())
            .map_err(|e| ClientError::InvalidPhoto(e.to_string()))?;
        Ok((photo.jpeg, taken_at, report.position))
    }
}

#[cfg(test)]
mod tests {
    use crate::error::ClientError;
    use crate::testing::{Fixture, garbage_report};

    #[test]
    fn a_camera_photo_is_processed_attached_and_queued() {
        let f = Fixture::new();
        f.login();
        let report = f.client.create_report(garbage_report()).unwrap();
        let camera = cgt_photo::sample::street_scene_jpeg(4000, 3000, 92, 7);
        let photo = f.client.capture_photo(report.id, &camera).unwrap();

        let stored = f.client.photo(&photo.sha256).unwrap().unwrap();
        assert!(stored.len() < 500_000, "{} bytes", stored.len());
        assert_eq!(cgt_photo::sha256_hex(&stored), photo.sha256);
        let view = f.client.report(report.id).unwrap().unwrap();
        let mut expected = report.photos.clone();
        expected.push(photo.clone());
        assert_eq!(view.report.photos, expected);
        let queued = f.client.pending_photos().unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].sha256, photo.sha256);
    }

    #[test]
    fn an_unreadable_image_is_refused_and_nothing_is_queued() {
        let f = Fixture::new();
        f.login();
        let report = f.client.create_report(garbage_report()).unwrap();
        let error = f
            .client
            .capture_photo(report.id, b"not an image")
            .unwrap_err();
        assert!(matches!(error, ClientError::InvalidPhoto(_)), "{error:?}");
        assert!(f.client.pending_photos().unwrap().is_empty());
        let view = f.client.report(report.id).unwrap().unwrap();
        assert_eq!(view.report.photos, report.photos);
    }
}
