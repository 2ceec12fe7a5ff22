//! What the pipeline refuses before it spends memory: oversized files and decompression bombs
//! (a small file whose header claims a huge image).

use crate::PipelineConfig;
use crate::error::PhotoError;
use image::Limits;

/// Bytes per decoded pixel the decoder may allocate: RGBA at 8 bits, the widest layout a phone
/// photo decodes to.
const ALLOC_BYTES_PER_PIXEL: u64 = 4;

pub(crate) fn check_input_size(bytes: usize, config: &PipelineConfig) -> Result<(), PhotoError> {
    if bytes > config.max_input_bytes {
        return Err(PhotoError::TooLarge {
            bytes,
            max_bytes: config.max_input_bytes,
        });
    }
    Ok(())
}

/// Checks the dimensions a header claims against the configured maxima.
pub(crate) fn check_dimensions(
    width: u32,
    height: u32,
    config: &PipelineConfig,
) -> Result<(), PhotoError> {
    let pixels = u64::from(width) * u64::from(height);
    let fits = width > 0
        && height > 0
        && width <= config.max_dimension
        && height <= config.max_dimension
        && pixels <= config.max_pixels;
    if fits {
        Ok(())
    } else {
        Err(PhotoError::BadDimensions {
            width,
            height,
            max_dimension: config.max_dimension,
            max_megapixels: config.max_pixels / 1_000_000,
        })
    }
}

/// The same bounds handed to the decoder, so that it refuses on its own should a header lie.
pub(crate) fn decoder_limits(config: &PipelineConfig) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(config.max_dimension);
    limits.max_image_height = Some(config.max_dimension);
    limits.max_alloc = Some(config.max_pixels.saturating_mul(ALLOC_BYTES_PER_PIXEL));
    limits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(width: u32, height: u32, ok: bool) {
        let result = check_dimensions(width, height, &PipelineConfig::default());
        assert_eq!(result.is_ok(), ok, "{width}×{height}: {result:?}");
    }

    #[test]
    fn dimension_table() {
        check(4000, 3000, true);
        check(12_000, 4_000, true);
        check(1, 1, true);
        check(0, 100, false);
        check(100, 0, false);
        check(12_001, 100, false);
        check(100, 12_001, false);
        check(8_000, 7_000, false);
        check(u32::MAX, u32::MAX, false);
    }

    #[test]
    fn size_limit_is_inclusive() {
        let config = PipelineConfig {
            max_input_bytes: 10,
            ..PipelineConfig::default()
        };
        assert!(check_input_size(10, &config).is_ok());
        assert_eq!(
            check_input_size(11, &config),
            Err(PhotoError::TooLarge {
                bytes: 11,
                max_bytes: 10
            })
        );
    }

    #[test]
    fn messages_are_chinese_first() {
        let err = check_dimensions(60_000, 60_000, &PipelineConfig::default()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("照片尺寸异常: 60000×60000 (最大 12000 像素"),
            "{err}"
        );
    }
}
