//! JPEG encoding of the finished picture. Nothing but pixels is written: no EXIF, so the
//! original's GPS and device tags do not travel with the evidence.

use crate::error::PhotoError;
use image::RgbImage;
use image::codecs::jpeg::JpegEncoder;

pub(crate) fn jpeg(image: &RgbImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::with_capacity(image.as_raw().len() / 8);
    JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100))
        .encode_image(image)
        .map_err(|e| PhotoError::Encode(e.to_string()))?;
    Ok(out)
}
