//! Downscaling with `fast_image_resize` (SIMD convolution): the Hamming filter costs what
//! bilinear does and looks like bicubic when shrinking. Never upscales.

use crate::error::PhotoError;
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;

/// The size of a `width`×`height` image shrunk so that its long edge is at most `long_edge`,
/// keeping the aspect ratio; an image that already fits keeps its size.
pub(crate) fn fit(width: u32, height: u32, long_edge: u32) -> (u32, u32) {
    let long_edge = long_edge.max(1);
    let long = width.max(height);
    if long <= long_edge {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(long_edge) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(scaled).unwrap_or(long_edge).max(1)
    };
    (scale(width), scale(height))
}

/// `image` with its long edge at most `long_edge`.
pub(crate) fn shrink(image: RgbImage, long_edge: u32) -> Result<RgbImage, PhotoError> {
    let (width, height) = fit(image.width(), image.height(), long_edge);
    if (width, height) == image.dimensions() {
        return Ok(image);
    }
    let src = ImageRef::new(
        image.width(),
        image.height(),
        image.as_raw(),
        PixelType::U8x3,
    )
    .map_err(resize_error)?;
    let mut dst = Image::new(width, height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Hamming));
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(resize_error)?;
    RgbImage::from_raw(width, height, dst.into_vec())
        .ok_or_else(|| resize_error("buffer size mismatch"))
}

fn resize_error(e: impl std::fmt::Display) -> PhotoError {
    PhotoError::Encode(format!("缩放失败 (resize): {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(width: u32, height: u32, long_edge: u32, expected: (u32, u32)) {
        assert_eq!(
            fit(width, height, long_edge),
            expected,
            "{width}×{height} → {long_edge}"
        );
    }

    #[test]
    fn fit_table() {
        check(4000, 3000, 1600, (1600, 1200));
        check(3000, 4000, 1600, (1200, 1600));
        check(4032, 3024, 1600, (1600, 1200));
        check(1600, 1200, 1600, (1600, 1200));
        check(800, 600, 1600, (800, 600));
        check(12_000, 10, 1600, (1600, 1));
        check(1600, 1200, 320, (320, 240));
        check(5, 5, 0, (1, 1));
        check(u32::MAX, u32::MAX, 1600, (1600, 1600));
    }

    #[test]
    fn shrink_keeps_a_flat_colour_and_small_images() {
        let image = RgbImage::from_pixel(400, 300, image::Rgb([10, 120, 230]));
        let small = shrink(image.clone(), 100).unwrap();
        assert_eq!(small.dimensions(), (100, 75));
        assert!(small.pixels().all(|p| p.0 == [10, 120, 230]));
        assert_eq!(shrink(image.clone(), 400).unwrap(), image);
    }
}
