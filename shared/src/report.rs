//! The case report (问题上报) as an inspector's device writes it, and its validation.

use crate::category::{CategoryError, CategoryTable, Kind};
use crate::codes::{CodeError, ComponentId, GridCode};
use crate::geo::{Position, PositionError};
use crate::ids::{DeviceId, DocId, UserId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use utoipa::ToSchema;

/// Longest description accepted, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// Most photos one report may reference.
pub const MAX_PHOTOS: usize = 20;
/// How far ahead of the server's clock a device's time may be before it is refused.
pub const MAX_CLOCK_AHEAD_MS: i64 = Timestamp::MS_PER_DAY;
/// Reports claiming to be older than this (2015-01-01) are refused as a broken clock.
pub const EARLIEST_DEVICE_TIME: Timestamp = Timestamp(1_420_070_400_000);

/// A photo of the report, by the SHA-256 of its stored bytes (the blob travels separately).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PhotoRef {
    /// Lower-case hex SHA-256 of the stored JPEG.
    pub sha256: String,
}

impl PhotoRef {
    pub fn is_valid(&self) -> bool {
        self.sha256.len() == 64
            && self
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }
}

/// A problem report: what, where, by whom, when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Report {
    /// Generated on the device; also the id of the case document.
    pub id: DocId,
    pub kind: Kind,
    /// 大类 code, e.g. 1.
    pub class: u8,
    /// 小类 code within the class, e.g. 2.
    pub subclass: u8,
    /// 问题描述.
    pub description: String,
    pub position: Position,
    /// The unit grid (单元网格) the problem lies in.
    pub unit_grid: GridCode,
    /// The component (部件) concerned, for 部件 reports.
    pub component_id: Option<ComponentId>,
    pub photos: Vec<PhotoRef>,
    /// The inspector who reported.
    pub reporter: UserId,
    /// The device the report was made on.
    pub device: DeviceId,
    /// The device's clock when the report was made.
    pub device_time: Timestamp,
    /// 自处理: the inspector fixed it on the spot and reports it as handled.
    pub self_handled: bool,
}

#[derive(Clone, Debug, PartialEq, Error)]
pub enum ReportError {
    #[error(transparent)]
    Category(#[from] CategoryError),
    #[error("位置无效: {0}")]
    Position(#[from] PositionError),
    #[error(transparent)]
    Code(#[from] CodeError),
    #[error("问题描述不能为空")]
    EmptyDescription,
    #[error("问题描述过长: {0} 字 (最多 {MAX_DESCRIPTION_CHARS} 字)")]
    DescriptionTooLong(usize),
    #[error("问题描述含有控制字符 (control characters are not text)")]
    DescriptionControl,
    #[error("事件类问题不能关联部件标识码")]
    ComponentOnEvent,
    #[error("部件标识码 {id} 的类别 {class:02}{subclass:02} 与所选类别不一致")]
    ComponentMismatch { id: String, class: u8, subclass: u8 },
    #[error("照片过多: {0} 张 (最多 {MAX_PHOTOS} 张)")]
    TooManyPhotos(usize),
    #[error("照片摘要无效: \"{0}\" (需要64位小写十六进制 SHA-256)")]
    BadPhoto(String),
    #[error("上报人或设备为空")]
    MissingIdentity,
    #[error("设备时间不可信: {0}")]
    DeviceTime(Timestamp),
}

impl Report {
    /// Checks everything a report must satisfy. `now` is the validating side's clock, used to
    /// refuse device times from far in the future; pass `None` where no trusted clock exists.
    pub fn validate(
        &self,
        table: &CategoryTable,
        now: Option<Timestamp>,
    ) -> Result<(), ReportError> {
        table.subclass(self.kind, self.class, self.subclass)?;
        self.position.validate()?;
        let description = self.description.trim();
        if description.is_empty() {
            return Err(ReportError::EmptyDescription);
        }
        let chars = description.chars().count();
        if chars > MAX_DESCRIPTION_CHARS {
            return Err(ReportError::DescriptionTooLong(chars));
        }
        if crate::text::has_control(description) {
            return Err(ReportError::DescriptionControl);
        }
        self.validate_component()?;
        if self.photos.len() > MAX_PHOTOS {
            return Err(ReportError::TooManyPhotos(self.photos.len()));
        }
        if let Some(bad) = self.photos.iter().find(|p| !p.is_valid()) {
            return Err(ReportError::BadPhoto(bad.sha256.chars().take(80).collect()));
        }
        if self.reporter.0.is_nil() || self.device.0.is_nil() || self.id.0.is_nil() {
            return Err(ReportError::MissingIdentity);
        }
        let too_early = self.device_time < EARLIEST_DEVICE_TIME;
        let too_late = now.is_some_and(|n| self.device_time > n.plus_millis(MAX_CLOCK_AHEAD_MS));
        if too_early || too_late {
            return Err(ReportError::DeviceTime(self.device_time));
        }
        Ok(())
    }

    fn validate_component(&self) -> Result<(), ReportError> {
        match (&self.component_id, self.kind) {
            (None, _) => Ok(()),
            (Some(_), Kind::Event) => Err(ReportError::ComponentOnEvent),
            (Some(id), Kind::Component) => {
                if id.class() == self.class && id.subclass() == self.subclass {
                    Ok(())
                } else {
                    Err(ReportError::ComponentMismatch {
                        id: id.to_string(),
                        class: self.class,
                        subclass: self.subclass,
                    })
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample_report() -> Report {
        Report {
            id: DocId::new(),
            kind: Kind::Component,
            class: 1,
            subclass: 1,
            description: "上水井盖破损,有塌陷危险".into(),
            position: Position::new(31.3158, 120.6190, 8.0),
            unit_grid: "320508001001001".parse().unwrap(),
            component_id: Some("3205080101000001".parse().unwrap()),
            photos: vec![PhotoRef {
                sha256: "ab".repeat(32),
            }],
            reporter: UserId::new(),
            device: DeviceId::new(),
            device_time: Timestamp(1_790_000_000_000),
            self_handled: false,
        }
    }

    fn check(edit: impl FnOnce(&mut Report), expected: Result<(), ReportError>) {
        let mut r = sample_report();
        edit(&mut r);
        let now = Some(Timestamp(1_790_000_000_000));
        assert_eq!(r.validate(CategoryTable::builtin(), now), expected);
    }

    #[test]
    fn validation_table() {
        check(|_| {}, Ok(()));
        check(
            |r| r.description = "  ".into(),
            Err(ReportError::EmptyDescription),
        );
        check(
            |r| r.description = "井".repeat(MAX_DESCRIPTION_CHARS + 1),
            Err(ReportError::DescriptionTooLong(MAX_DESCRIPTION_CHARS + 1)),
        );
        check(
            |r| r.position.lat = f64::NAN,
            Err(ReportError::Position(PositionError::NotFinite)),
        );
        check(
            |r| r.position.lon = 190.0,
            Err(ReportError::Position(PositionError::LongitudeOutOfRange(
                "190".into(),
            ))),
        );
        check(
            |r| r.subclass = 99,
            Err(ReportError::Category(CategoryError::UnknownSubclass {
                kind: Kind::Component,
                class: 1,
                subclass: 99,
            })),
        );
        check(
            |r| {
                r.kind = Kind::Event;
                r.class = 1;
                r.subclass = 2;
            },
            Err(ReportError::ComponentOnEvent),
        );
        check(
            |r| r.subclass = 2,
            Err(ReportError::ComponentMismatch {
                id: "3205080101000001".into(),
                class: 1,
                subclass: 2,
            }),
        );
        check(|r| r.component_id = None, Ok(()));
        check(
            |r| r.photos[0].sha256 = "XYZ".into(),
            Err(ReportError::BadPhoto("XYZ".into())),
        );
        check(
            |r| r.photos = vec![r.photos[0].clone(); MAX_PHOTOS + 1],
            Err(ReportError::TooManyPhotos(MAX_PHOTOS + 1)),
        );
        check(
            |r| r.device_time = Timestamp(1_000),
            Err(ReportError::DeviceTime(Timestamp(1_000))),
        );
        check(
            |r| r.device_time = Timestamp(1_790_000_000_000 + 2 * Timestamp::MS_PER_DAY),
            Err(ReportError::DeviceTime(Timestamp(
                1_790_000_000_000 + 2 * Timestamp::MS_PER_DAY,
            ))),
        );
        check(
            |r| r.reporter = UserId(uuid::Uuid::nil()),
            Err(ReportError::MissingIdentity),
        );
    }
}
