//! The photo evidence pipeline of 城管通: a photo an inspector takes of a problem (a broken
//! manhole cover…) becomes an upright, downscaled JPEG with the capture time, position, unit
//! grid and inspector burnt in, a thumbnail, and the SHA-256 that identifies the evidence.
//!
//! Pure: bytes in, bytes out. No file system, network, database or UI; the caller stores the
//! result and keeps `taken_at` and `position` beside it, since the output carries no metadata.

mod caption;
mod decode;
mod encode;
mod error;
mod font;
mod jpeg_markers;
mod limits;
mod orient;
mod resize;
#[cfg(any(test, feature = "sample"))]
pub mod sample;
mod stamp;
#[cfg(test)]
mod tests;

pub use error::PhotoError;
pub use jpeg_markers::{FrameHeader, frame_header};

use cgt_shared::{GridCode, Position, Timestamp};
use sha2::{Digest, Sha256};

/// Sizes and bounds of the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineConfig {
    /// Long edge of the stored photo in pixels; smaller photos are not upscaled.
    pub long_edge: u32,
    /// JPEG quality of the photo and thumbnail, 1–100.
    pub jpeg_quality: u8,
    /// Long edge of the thumbnail in pixels.
    pub thumb_long_edge: u32,
    /// Larger input files are refused unread.
    pub max_input_bytes: usize,
    /// Images whose header claims more pixels are refused before decoding.
    pub max_pixels: u64,
    /// Images whose header claims a longer side are refused before decoding.
    pub max_dimension: u32,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        Self {
            long_edge: 1600,
            jpeg_quality: 80,
            thumb_long_edge: 320,
            max_input_bytes: 40 * 1024 * 1024,
            max_pixels: 50_000_000,
            max_dimension: 12_000,
        }
    }
}

/// What is burnt into the photo (水印): when, where and by whom it was taken.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    pub taken_at: Timestamp,
    pub position: Position,
    /// The unit grid (单元网格) the position lies in, when known.
    pub unit_grid: Option<GridCode>,
    /// The inspector's user name, e.g. `inspector01`; the built-in font is ASCII only.
    pub inspector: String,
    /// The local zone east of UTC in minutes for the printed time (480 in China).
    pub utc_offset_minutes: i32,
}

/// A photo ready to be attached to a report as evidence.
#[derive(Clone, PartialEq)]
pub struct ProcessedPhoto {
    /// The stamped photo, without metadata.
    pub jpeg: Vec<u8>,
    /// SHA-256 of `jpeg`, lowercase hex.
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    /// A JPEG of the stamped photo for lists and previews.
    pub thumbnail: Vec<u8>,
    pub taken_at: Timestamp,
    pub position: Position,
}

impl std::fmt::Debug for ProcessedPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessedPhoto")
            .field("jpeg_bytes", &self.jpeg.len())
            .field("sha256", &self.sha256)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("thumbnail_bytes", &self.thumbnail.len())
            .field("taken_at", &self.taken_at)
            .field("position", &self.position)
            .finish()
    }
}

/// Turns a camera JPEG or PNG into stamped evidence: refuse oversized or bomb-like input,
/// decode, shrink, turn upright, stamp, encode, thumbnail, hash.
pub fn process(
    input: &[u8],
    stamp: &Stamp,
    config: &PipelineConfig,
) -> Result<ProcessedPhoto, PhotoError> {
    limits::check_input_size(input.len(), config)?;
    let decoded = decode::rgb(input, config)?;
    // Shrinking before turning moves a quarter of the pixels; the long edge is the same either way.
    let shrunk = resize::shrink(decoded, config.long_edge)?;
    let mut photo = orient::apply(shrunk, orient::read(input));
    stamp::burn_in(&mut photo, &caption::lines(stamp));
    let jpeg = encode::jpeg(&photo, config.jpeg_quality)?;
    let (width, height) = photo.dimensions();
    let thumbnail = encode::jpeg(
        &resize::shrink(photo, config.thumb_long_edge)?,
        config.jpeg_quality,
    )?;
    Ok(ProcessedPhoto {
        sha256: sha256_hex(&jpeg),
        jpeg,
        width,
        height,
        thumbnail,
        taken_at: stamp.taken_at,
        position: stamp.position,
    })
}

/// A thumbnail of an already stored JPEG or PNG (a photo another device uploaded), decoded
/// under the same limits as a capture: `thumb_long_edge` pixels on the long edge.
pub fn thumbnail(input: &[u8], config: &PipelineConfig) -> Result<Vec<u8>, PhotoError> {
    limits::check_input_size(input.len(), config)?;
    let decoded = decode::rgb(input, config)?;
    encode::jpeg(
        &resize::shrink(decoded, config.thumb_long_edge)?,
        config.jpeg_quality,
    )
}

/// Checks the frame size a JPEG header declares against the pipeline's limits, so that an
/// upload can be refused on its first bytes rather than when it is first decoded.
pub fn check_dimensions(
    width: u32,
    height: u32,
    config: &PipelineConfig,
) -> Result<(), PhotoError> {
    limits::check_dimensions(width, height, config)
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
