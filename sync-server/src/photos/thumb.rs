//! Thumbnails for lists and maps: the photo scaled to fit [`THUMB_EDGE`] pixels, re-encoded as
//! JPEG. Decoding runs under limits, so a crafted file cannot make the server allocate without
//! bound (a decompression bomb).

use super::error::PhotoError;
use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The longer edge of a thumbnail, in pixels.
pub const THUMB_EDGE: u32 = 320;
const THUMB_QUALITY: u8 = 80;
/// Larger than any phone camera's picture.
const MAX_EDGE: u32 = 16_384;
const MAX_ALLOC: u64 = 512 << 20;

pub fn thumbnail(jpeg: &[u8]) -> Result<Vec<u8>, PhotoError> {
    let mut reader = ImageReader::with_format(Cursor::new(jpeg), ImageFormat::Jpeg);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_EDGE);
    limits.max_image_height = Some(MAX_EDGE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|e| PhotoError::Undecodable(e.to_string()))?;
    let small = image.thumbnail(THUMB_EDGE, THUMB_EDGE).into_rgb8();
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, THUMB_QUALITY)
        .encode_image(&small)
        .map_err(|e| PhotoError::Undecodable(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| Rgb([x as u8, y as u8, 90]));
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&image)
            .unwrap();
        out
    }

    #[test]
    fn a_thumbnail_keeps_the_aspect_and_fits_the_edge() {
        let thumb = thumbnail(&jpeg(1000, 500)).unwrap();
        let decoded = image::load_from_memory_with_format(&thumb, ImageFormat::Jpeg).unwrap();
        assert_eq!(
            (decoded.width(), decoded.height()),
            (THUMB_EDGE, THUMB_EDGE / 2)
        );
    }

    #[test]
    fn garbage_is_refused() {
        let mut broken = jpeg(64, 64);
        broken.truncate(20);
        assert!(matches!(
            thumbnail(&broken),
            Err(PhotoError::Undecodable(_))
        ));
        assert!(thumbnail(b"\xFF\xD8 not really").is_err());
    }
}
