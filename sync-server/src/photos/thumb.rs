//! Thumbnails for lists and maps, made by the photo pipeline's own bounded decoder (the same
//! limits as a capture on the phone), at most [`DECODERS`] at a time: a burst of thumbnail
//! requests for large photos queues here instead of multiplying decode buffers.

use super::error::PhotoError;
use cgt_photo::PipelineConfig;
use std::sync::{Condvar, Mutex, PoisonError};

/// Thumbnails decoded at once, whatever the number of requests.
pub const DECODERS: usize = 2;

/// A counting gate: [`ThumbMaker::make`] waits for a free decoder.
pub struct ThumbMaker {
    free: Mutex<usize>,
    freed: Condvar,
    pipeline: PipelineConfig,
}

impl Default for ThumbMaker {
    fn default() -> Self {
        ThumbMaker {
            free: Mutex::new(DECODERS),
            freed: Condvar::new(),
            pipeline: PipelineConfig::default(),
        }
    }
}

impl ThumbMaker {
    /// The thumbnail of `jpeg`, its long edge the pipeline's `thumb_long_edge`. Blocking.
    pub fn make(&self, jpeg: &[u8]) -> Result<Vec<u8>, PhotoError> {
        {
            let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
            while *free == 0 {
                free = self
                    .freed
                    .wait(free)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            *free -= 1;
        }
        let made = cgt_photo::thumbnail(jpeg, &self.pipeline);
        *self.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.freed.notify_one();
        made.map_err(|e| PhotoError::Undecodable(e.to_string()))
    }

    /// The limits every uploaded photo's header is checked against.
    pub fn pipeline(&self) -> &PipelineConfig {
        &self.pipeline
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::jpeg::JpegEncoder;
    use image::{ImageFormat, Rgb, RgbImage};
    use std::sync::Arc;

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
        let maker = ThumbMaker::default();
        let thumb = maker.make(&jpeg(1000, 500)).unwrap();
        let decoded = image::load_from_memory_with_format(&thumb, ImageFormat::Jpeg).unwrap();
        let edge = maker.pipeline().thumb_long_edge;
        assert_eq!((decoded.width(), decoded.height()), (edge, edge / 2));
    }

    #[test]
    fn garbage_and_bombs_are_refused() {
        let maker = ThumbMaker::default();
        let mut broken = jpeg(64, 64);
        broken.truncate(20);
        assert!(matches!(
            maker.make(&broken),
            Err(PhotoError::Undecodable(_))
        ));
        assert!(maker.make(b"\xFF\xD8 not really").is_err());
        let bomb = b"\xFF\xD8\xFF\xC0\x00\x0B\x08\xEA\x60\xEA\x60\x01\x01\x11\x00\xFF\xD9";
        let refused = maker.make(bomb).unwrap_err().to_string();
        assert!(refused.contains("60000×60000"), "{refused}");
    }

    #[test]
    fn the_gate_is_released_after_failures_and_shared_by_threads() {
        let maker = Arc::new(ThumbMaker::default());
        let threads: Vec<_> = (0..6)
            .map(|i| {
                let maker = maker.clone();
                std::thread::spawn(move || {
                    if i % 2 == 0 {
                        maker.make(b"junk").is_err()
                    } else {
                        maker.make(&jpeg(64, 32)).is_ok()
                    }
                })
            })
            .collect();
        for t in threads {
            assert!(t.join().unwrap());
        }
        assert_eq!(*maker.free.lock().unwrap(), DECODERS);
    }
}
