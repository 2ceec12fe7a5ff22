//! Bounded decoding: the format is sniffed and the header's dimensions are checked before any
//! pixel is decoded, and the decoder itself runs under the same limits.

use crate::PipelineConfig;
use crate::error::PhotoError;
use crate::jpeg_markers::{self, FrameHeader};
use crate::limits;
use image::{ImageError, ImageFormat, ImageReader, RgbImage};
use std::io::Cursor;

/// Decodes a JPEG or PNG into 8-bit RGB (alpha is dropped).
pub(crate) fn rgb(input: &[u8], config: &PipelineConfig) -> Result<RgbImage, PhotoError> {
    let mut header = ImageReader::new(Cursor::new(input))
        .with_guessed_format()
        .map_err(|e| PhotoError::Decode(e.to_string()))?;
    let format = match header.format() {
        Some(format @ (ImageFormat::Jpeg | ImageFormat::Png)) => format,
        _ => return Err(PhotoError::UnsupportedFormat),
    };
    // The frame size is read from the JPEG markers first, without the decoder; reading a header
    // allocates nothing image-sized, so the decoder's own reading runs without limits, which
    // would only hide the numbers.
    if format == ImageFormat::Jpeg
        && let FrameHeader::Size { width, height } = jpeg_markers::frame_header(input)
    {
        limits::check_dimensions(width, height, config)?;
    }
    header.no_limits();
    let (width, height) = header.into_dimensions().map_err(decode_error)?;
    limits::check_dimensions(width, height, config)?;
    if format == ImageFormat::Jpeg && !jpeg_markers::is_complete(input) {
        return Err(PhotoError::Decode(
            "JPEG 数据不完整 (truncated: no end-of-image marker)".into(),
        ));
    }

    let mut reader = ImageReader::with_format(Cursor::new(input), format);
    reader.limits(limits::decoder_limits(config));
    Ok(reader.decode().map_err(decode_error)?.into_rgb8())
}

fn decode_error(e: ImageError) -> PhotoError {
    PhotoError::Decode(e.to_string().trim_end().to_string())
}
