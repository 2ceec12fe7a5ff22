//! What a device still holds to send (待传), reported with its sync requests so that the admin
//! sees which phones have work stuck on them.
//!
//! It travels in the [`PENDING_HEADER`] header, `reports=2;photos=3;photo_bytes=1048576;
//! track_segments=1;failed=0`, not inside the push frames: a server that predates it ignores
//! the header, a device that predates it sends none, and neither side's frames change. Unknown
//! keys are skipped so that a later device may report more; a known key with a bad value
//! (negative, not a number, beyond the bounds, given twice) refuses the whole report.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use utoipa::ToSchema;

pub const PENDING_HEADER: &str = "cgt-pending";

/// Longest header value read; a longer one is refused unread.
const MAX_HEADER_CHARS: usize = 512;

/// The counts a device reports. Each kind counts what the server has not yet confirmed;
/// `failed` counts items whose last attempt was refused for a reason waiting will not fix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PendingCounts {
    /// Documents (reports, task results) with changes the server has not acknowledged.
    pub reports: u32,
    /// Photos the server has not confirmed storing whole.
    pub photos: u32,
    /// Bytes of those photos still to send.
    pub photo_bytes: u64,
    /// Patrol track segments with points the server has not confirmed.
    pub track_segments: u32,
    /// Refused documents, failed photos and refused track segments.
    pub failed: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum PendingError {
    #[error("待传数量格式错误: {0} (expected key=count pairs separated by ';')")]
    Malformed(String),
    #[error("待传数量 {key} 不是非负整数: {value}")]
    NotACount { key: &'static str, value: String },
    #[error("待传数量 {key} 超出范围: {value} (上限 {limit})")]
    OutOfRange {
        key: &'static str,
        value: u64,
        limit: u64,
    },
    #[error("待传数量 {0} 重复")]
    Repeated(&'static str),
}

/// The keys in header order, each with its bound.
const KEYS: [(&str, u64); 5] = [
    ("reports", PendingCounts::MAX_ITEMS as u64),
    ("photos", PendingCounts::MAX_ITEMS as u64),
    ("photo_bytes", PendingCounts::MAX_PHOTO_BYTES),
    ("track_segments", PendingCounts::MAX_ITEMS as u64),
    ("failed", PendingCounts::MAX_ITEMS as u64),
];

impl PendingCounts {
    /// Most items of one kind a report may claim: far beyond what a phone holds.
    pub const MAX_ITEMS: u32 = 1_000_000;
    /// Most photo bytes a report may claim (1 TiB).
    pub const MAX_PHOTO_BYTES: u64 = 1 << 40;

    /// Items of any kind still to send (failed ones are among them or already given up).
    pub fn items(&self) -> u64 {
        u64::from(self.reports) + u64::from(self.photos) + u64::from(self.track_segments)
    }

    /// Whether anything is waiting or failed.
    pub fn any(&self) -> bool {
        self.items() > 0 || self.failed > 0
    }

    fn values(&self) -> [u64; 5] {
        [
            u64::from(self.reports),
            u64::from(self.photos),
            self.photo_bytes,
            u64::from(self.track_segments),
            u64::from(self.failed),
        ]
    }

    /// The header value.
    pub fn to_header(&self) -> String {
        KEYS.iter()
            .zip(self.values())
            .map(|((key, _), value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Reads a header value; keys left out count 0.
    pub fn parse_header(value: &str) -> Result<PendingCounts, PendingError> {
        if value.len() > MAX_HEADER_CHARS {
            return Err(PendingError::Malformed(format!(
                "longer than {MAX_HEADER_CHARS} characters"
            )));
        }
        let mut seen: [Option<u64>; 5] = [None; 5];
        for pair in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, raw) = pair
                .split_once('=')
                .ok_or_else(|| PendingError::Malformed(pair.to_string()))?;
            let Some(index) = KEYS.iter().position(|(k, _)| *k == key.trim()) else {
                continue;
            };
            let (key, limit) = KEYS[index];
            let raw = raw.trim();
            let number = raw
                .parse::<u64>()
                .ok()
                .filter(|_| raw.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| PendingError::NotACount {
                    key,
                    value: raw.to_string(),
                })?;
            if number > limit {
                return Err(PendingError::OutOfRange {
                    key,
                    value: number,
                    limit,
                });
            }
            if seen[index].replace(number).is_some() {
                return Err(PendingError::Repeated(key));
            }
        }
        if seen.iter().all(Option::is_none) {
            return Err(PendingError::Malformed(value.to_string()));
        }
        // Every count is within MAX_ITEMS, so the conversions cannot fail.
        let count = |i: usize| u32::try_from(seen[i].unwrap_or(0)).unwrap_or(Self::MAX_ITEMS);
        Ok(PendingCounts {
            reports: count(0),
            photos: count(1),
            photo_bytes: seen[2].unwrap_or(0),
            track_segments: count(3),
            failed: count(4),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(header: &str, expected: Result<PendingCounts, &str>) {
        let got = PendingCounts::parse_header(header).map_err(|e| e.to_string());
        assert_eq!(got, expected.map_err(str::to_string), "{header}");
    }

    fn counts(
        reports: u32,
        photos: u32,
        photo_bytes: u64,
        segments: u32,
        failed: u32,
    ) -> PendingCounts {
        PendingCounts {
            reports,
            photos,
            photo_bytes,
            track_segments: segments,
            failed,
        }
    }

    #[test]
    fn headers_are_read_or_refused_with_a_reason() {
        check(
            "reports=2;photos=3;photo_bytes=1048576;track_segments=1;failed=0",
            Ok(counts(2, 3, 1_048_576, 1, 0)),
        );
        check(" photos = 1 ; later_key=7;", Ok(counts(0, 1, 0, 0, 0)));
        check("reports=0", Ok(PendingCounts::default()));
        check("reports=-1", Err("待传数量 reports 不是非负整数: -1"));
        check("photos=+3", Err("待传数量 photos 不是非负整数: +3"));
        check("failed=many", Err("待传数量 failed 不是非负整数: many"));
        check(
            "photos=1000001",
            Err("待传数量 photos 超出范围: 1000001 (上限 1000000)"),
        );
        check(
            "photo_bytes=99999999999999999999",
            Err("待传数量 photo_bytes 不是非负整数: 99999999999999999999"),
        );
        check("reports=1;reports=2", Err("待传数量 reports 重复"));
        check(
            "reports",
            Err("待传数量格式错误: reports (expected key=count pairs separated by ';')"),
        );
        check(
            "",
            Err("待传数量格式错误:  (expected key=count pairs separated by ';')"),
        );
    }

    #[test]
    fn a_long_header_is_refused_unread() {
        let long = "x=1;".repeat(200);
        assert!(matches!(
            PendingCounts::parse_header(&long),
            Err(PendingError::Malformed(_))
        ));
    }

    proptest! {
        #[test]
        fn header_round_trip(
            reports in 0..=PendingCounts::MAX_ITEMS,
            photos in 0..=PendingCounts::MAX_ITEMS,
            photo_bytes in 0..=PendingCounts::MAX_PHOTO_BYTES,
            segments in 0..=PendingCounts::MAX_ITEMS,
            failed in 0..=PendingCounts::MAX_ITEMS,
        ) {
            let sent = counts(reports, photos, photo_bytes, segments, failed);
            prop_assert_eq!(PendingCounts::parse_header(&sent.to_header()), Ok(sent));
        }
    }
}
