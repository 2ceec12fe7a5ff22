//! The rules of a resumable upload as pure decisions over what the server holds: where a
//! started (or restarted) upload continues, and whether a chunk may be appended. Nothing the
//! client claims about completeness counts: completion is the offset reaching the declared
//! size, and the caller then verifies the hash.

use super::error::PhotoError;
use cgt_photo::{FrameHeader, PipelineConfig, check_dimensions, frame_header};
use cgt_shared::{DeviceId, Timestamp, UserId};

/// Who sends a photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uploader {
    pub user: UserId,
    pub device: DeviceId,
}

/// An upload under way: `offset` of `size` bytes received and fsynced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partial {
    pub size: u64,
    pub offset: u64,
}

/// The device whose upload is under way, and since when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holder {
    pub device: DeviceId,
    pub started_at: Timestamp,
}

/// How long an upload belongs to the device that started it: afterwards another device may
/// start the same photo over (the first one gave up, or lost the photo).
pub const HOLD_MS: i64 = 3_600_000;

/// The upload under way as `device` may see it: its own, none (another device's upload that
/// has been left for [`HOLD_MS`] is free to start over), or refused while another device holds
/// it, so nobody can append to or reset somebody else's upload.
pub fn claim(
    under_way: Option<(Partial, Holder)>,
    device: DeviceId,
    now: Timestamp,
) -> Result<Option<Partial>, PhotoError> {
    match under_way {
        None => Ok(None),
        Some((partial, holder)) if holder.device == device => Ok(Some(partial)),
        Some((_, holder)) if now.millis().saturating_sub(holder.started_at.millis()) >= HOLD_MS => {
            Ok(None)
        }
        Some(_) => Err(PhotoError::HeldByAnotherDevice),
    }
}

/// The upload under way if `device` holds it: only the device that started an upload appends
/// to it.
pub fn own(
    under_way: Option<(Partial, Holder)>,
    device: DeviceId,
) -> Result<Option<Partial>, PhotoError> {
    match under_way {
        Some((partial, holder)) if holder.device == device => Ok(Some(partial)),
        Some(_) => Err(PhotoError::HeldByAnotherDevice),
        None => Ok(None),
    }
}

/// What a request to start uploading leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// The photo is stored already (of this size): nothing to upload.
    Stored { size: u64 },
    /// Continue the upload under way.
    Resume(Partial),
    /// Begin at byte 0, discarding whatever partial bytes there are.
    Begin(Partial),
}

/// Decides a start request for `size` bytes. `under_way` is the upload on record, and
/// `partial_bytes` the length of its file (`None` if the file is missing).
pub fn start(
    size: u64,
    limit: u64,
    stored: Option<u64>,
    under_way: Option<Partial>,
    partial_bytes: Option<u64>,
) -> Result<Start, PhotoError> {
    if size == 0 {
        return Err(PhotoError::EmptySize);
    }
    if let Some(size) = stored {
        return Ok(Start::Stored { size });
    }
    if size > limit {
        return Err(PhotoError::TooLarge { size, limit });
    }
    // A different size means a different claim about the same bytes: one of the two was wrong,
    // and the hash check at the end decides, so start over. A file shorter than its record was
    // lost or damaged outside the server.
    match under_way {
        Some(partial)
            if partial.size == size && partial_bytes.is_some_and(|n| n >= partial.offset) =>
        {
            Ok(Start::Resume(partial))
        }
        _ => Ok(Start::Begin(Partial { size, offset: 0 })),
    }
}

/// A chunk that may be appended: write it at `at`; the upload then stands at `offset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Append {
    pub at: u64,
    pub offset: u64,
    /// The declared size is reached: verify the whole file.
    pub reaches_size: bool,
}

/// Decides whether `chunk` claimed to start at `claimed` may be appended to `partial`.
pub fn append(
    partial: Partial,
    claimed: u64,
    chunk: &[u8],
    max_chunk: u64,
    pipeline: &PipelineConfig,
) -> Result<Append, PhotoError> {
    if claimed != partial.offset {
        return Err(PhotoError::OffsetMismatch {
            offset: partial.offset,
        });
    }
    let len = chunk.len() as u64;
    if len == 0 {
        return Err(PhotoError::EmptyChunk);
    }
    if len > max_chunk {
        return Err(PhotoError::ChunkTooLarge { limit: max_chunk });
    }
    let offset = partial.offset + len;
    if offset > partial.size {
        return Err(PhotoError::BeyondSize {
            offset: partial.offset,
            len,
            size: partial.size,
        });
    }
    if partial.offset == 0 {
        check_first_chunk(chunk, pipeline)?;
    }
    Ok(Append {
        at: partial.offset,
        offset,
        reaches_size: offset == partial.size,
    })
}

/// Every JPEG file opens with the start-of-image marker.
const JPEG_START: [u8; 2] = [0xFF, 0xD8];

/// The first chunk of an upload must open like a JPEG and hold its frame header, whose size is
/// checked against the photo pipeline's limits: a photo declaring 60000×60000 is refused on its
/// first bytes, not when its first thumbnail is decoded.
fn check_first_chunk(chunk: &[u8], pipeline: &PipelineConfig) -> Result<(), PhotoError> {
    if !chunk.starts_with(&JPEG_START) {
        return Err(PhotoError::NotJpeg);
    }
    match frame_header(chunk) {
        FrameHeader::Size { width, height } => check_dimensions(width, height, pipeline)
            .map_err(|e| PhotoError::Dimensions(e.to_string())),
        FrameHeader::NeedMore => Err(PhotoError::HeaderNotInFirstChunk),
        FrameHeader::Invalid => Err(PhotoError::NotJpeg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: u64 = 100;

    fn partial(size: u64, offset: u64) -> Partial {
        Partial { size, offset }
    }

    #[test]
    fn starting() {
        let check = |size, stored, under_way, file, expected: Result<Start, &str>| {
            let got = start(size, LIMIT, stored, under_way, file).map_err(|e| e.to_string());
            match (&got, &expected) {
                (Ok(g), Ok(e)) => assert_eq!(g, e),
                (Err(g), Err(fragment)) => assert!(g.contains(fragment), "{g}"),
                _ => panic!("got {got:?}, expected {expected:?}"),
            }
        };
        check(0, None, None, None, Err("大于 0"));
        check(0, Some(50), None, None, Err("大于 0"));
        check(50, Some(50), None, None, Ok(Start::Stored { size: 50 }));
        check(500, Some(50), None, None, Ok(Start::Stored { size: 50 }));
        check(101, None, None, None, Err("照片过大"));
        check(100, None, None, None, Ok(Start::Begin(partial(100, 0))));
        let half = Some(partial(80, 40));
        check(80, None, half, Some(40), Ok(Start::Resume(partial(80, 40))));
        check(80, None, half, Some(64), Ok(Start::Resume(partial(80, 40))));
        check(80, None, half, Some(39), Ok(Start::Begin(partial(80, 0))));
        check(80, None, half, None, Ok(Start::Begin(partial(80, 0))));
        check(81, None, half, Some(40), Ok(Start::Begin(partial(81, 0))));
    }

    #[test]
    fn an_upload_belongs_to_its_device_until_left_for_an_hour() {
        let (mine, theirs) = (DeviceId::new(), DeviceId::new());
        let held_by = |device| {
            Some((
                partial(80, 40),
                Holder {
                    device,
                    started_at: Timestamp(0),
                },
            ))
        };
        assert_eq!(claim(None, mine, Timestamp(5)).unwrap(), None);
        assert_eq!(
            claim(held_by(mine), mine, Timestamp(5)).unwrap(),
            Some(partial(80, 40))
        );
        assert!(matches!(
            claim(held_by(theirs), mine, Timestamp(HOLD_MS - 1)),
            Err(PhotoError::HeldByAnotherDevice)
        ));
        assert_eq!(
            claim(held_by(theirs), mine, Timestamp(HOLD_MS)).unwrap(),
            None
        );
        assert_eq!(own(held_by(mine), mine).unwrap(), Some(partial(80, 40)));
        assert!(own(held_by(theirs), mine).is_err());
    }

    #[test]
    fn appending() {
        // SOI, then a baseline frame header of 64×48, padded with zeros.
        let jpeg = |n: usize| {
            let mut chunk = vec![0u8; n];
            chunk[..13].copy_from_slice(b"\xFF\xD8\xFF\xC0\x00\x0B\x08\x00\x30\x00\x40\x03\x01");
            chunk
        };
        let check = |p: Partial, claimed, chunk: &[u8], expected: Result<Append, &str>| {
            let got = append(p, claimed, chunk, 13, &PipelineConfig::default())
                .map_err(|e| e.to_string());
            match (&got, &expected) {
                (Ok(g), Ok(e)) => assert_eq!(g, e),
                (Err(g), Err(fragment)) => assert!(g.contains(fragment), "{g}"),
                _ => panic!("got {got:?}, expected {expected:?}"),
            }
        };
        let at = |at, offset, reaches_size| {
            Ok(Append {
                at,
                offset,
                reaches_size,
            })
        };
        check(partial(35, 0), 0, &jpeg(13), at(0, 13, false));
        check(partial(35, 13), 13, &[7; 10], at(13, 23, false));
        check(partial(35, 30), 30, &[7; 5], at(30, 35, true));
        check(partial(35, 10), 0, &jpeg(13), Err("已收到 10 字节"));
        check(partial(35, 10), 20, &[7; 5], Err("已收到 10 字节"));
        check(partial(35, 10), 10, &[], Err("为空"));
        check(partial(35, 10), 10, &[7; 14], Err("上限 13"));
        check(partial(35, 30), 30, &[7; 6], Err("超出照片大小"));
        check(partial(35, 0), 0, &[7; 10], Err("不是 JPEG"));
        check(partial(1, 0), 0, &[0xFF], Err("不是 JPEG"));
        check(partial(35, 0), 0, &jpeg(13)[..9], Err("第一个数据块"));
        let mut huge = jpeg(13);
        huge[7..11].copy_from_slice(b"\xEA\x60\xEA\x60");
        check(partial(35, 0), 0, &huge, Err("60000×60000"));
    }
}
