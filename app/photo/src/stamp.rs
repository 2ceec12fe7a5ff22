//! Burns the caption into the picture: a semi-opaque dark band along the bottom edge with light
//! text in the built-in font, sized to the image.

use crate::font;
use image::{Rgb, RgbImage};

/// Short edge (in pixels) per font-pixel scale step: 1200 px gives 3× glyphs, 21 px tall.
const SHORT_EDGE_PER_SCALE: u32 = 400;
/// Space between glyphs and between lines, in font pixels.
const LETTER_GAP: u32 = 1;
const LINE_GAP: u32 = 3;
/// Space around the text inside the band, in font pixels.
const MARGIN: u32 = 3;
/// What the band keeps of the picture beneath it, as a fraction of 256 (the rest is black).
const BAND_KEEP: u16 = 100;
const TEXT: Rgb<u8> = Rgb([245, 245, 235]);

/// Where the band and its text go in an image of a given size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Image pixels per font pixel.
    pub scale: u32,
    /// First row of the band; the band runs to the bottom edge.
    pub band_top: u32,
}

impl Layout {
    /// The largest scale up to the size-derived one at which the longest line fits the width.
    pub(crate) fn new(width: u32, height: u32, lines: &[String]) -> Self {
        let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let longest = u32::try_from(longest).unwrap_or(u32::MAX);
        let text_width = |scale: u32| {
            let advance = (font::WIDTH + LETTER_GAP).saturating_mul(scale);
            advance
                .saturating_mul(longest)
                .saturating_add(2 * MARGIN * scale)
        };
        let mut scale = (width.min(height) / SHORT_EDGE_PER_SCALE).max(1);
        while scale > 1 && text_width(scale) > width {
            scale -= 1;
        }
        let count = u32::try_from(lines.len()).unwrap_or(u32::MAX);
        let band = count
            .saturating_mul(font::HEIGHT + LINE_GAP)
            .saturating_sub(LINE_GAP)
            .saturating_add(2 * MARGIN)
            .saturating_mul(scale);
        Self {
            scale,
            band_top: height.saturating_sub(band),
        }
    }
}

/// Darkens the bottom band and writes `lines` into it, top to bottom. Text that does not fit a
/// very small image is clipped, never wrapped.
pub(crate) fn burn_in(image: &mut RgbImage, lines: &[String]) {
    let layout = Layout::new(image.width(), image.height(), lines);
    darken_band(image, layout.band_top);
    let s = layout.scale;
    let advance = font::WIDTH + LETTER_GAP;
    // Glyphs starting past the right edge would be clipped whole.
    let columns = (image.width() / s).saturating_sub(MARGIN).div_ceil(advance);
    for (row, line) in (0u32..).zip(lines) {
        let top = layout.band_top + s * (MARGIN + row * (font::HEIGHT + LINE_GAP));
        for (column, c) in (0..columns).zip(line.chars()) {
            let left = s * (MARGIN + column * advance);
            draw_glyph(image, font::glyph(c), left, top, s);
        }
    }
}

fn darken_band(image: &mut RgbImage, band_top: u32) {
    let width = image.width() as usize;
    let start = (band_top as usize) * width * 3;
    if let Some(band) = image.get_mut(start..) {
        for channel in band {
            *channel = ((u16::from(*channel) * BAND_KEEP) >> 8) as u8;
        }
    }
}

fn draw_glyph(image: &mut RgbImage, glyph: font::Glyph, left: u32, top: u32, scale: u32) {
    for (gy, bits) in (0u32..).zip(glyph) {
        for gx in 0..font::WIDTH {
            if bits & (1 << (font::WIDTH - 1 - gx)) != 0 {
                fill_square(
                    image,
                    left.saturating_add(gx * scale),
                    top.saturating_add(gy * scale),
                    scale,
                );
            }
        }
    }
}

fn fill_square(image: &mut RgbImage, left: u32, top: u32, size: u32) {
    let right = left.saturating_add(size).min(image.width());
    let bottom = top.saturating_add(size).min(image.height());
    for y in top..bottom {
        for x in left..right {
            image.put_pixel(x, y, TEXT);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caption() -> Vec<String> {
        [
            "2026-11-24 14:05:09",
            "N31.298765 E120.612345 ±8m",
            "320508001002003",
            "inspector01",
        ]
        .map(String::from)
        .to_vec()
    }

    fn check_layout(width: u32, height: u32, scale: u32, band_top: u32) {
        assert_eq!(
            Layout::new(width, height, &caption()),
            Layout { scale, band_top },
            "{width}×{height}"
        );
    }

    #[test]
    fn layout_table() {
        // Four lines of 7 plus three gaps of 3 plus margins of 3: 43 font pixels.
        check_layout(1600, 1200, 3, 1200 - 129);
        check_layout(1200, 1600, 3, 1600 - 129);
        check_layout(4000, 3000, 7, 3000 - 301);
        check_layout(900, 1600, 2, 1600 - 86);
        check_layout(100, 100, 1, 100 - 43);
        check_layout(20, 30, 1, 0);
        check_layout(0, 0, 1, 0);
    }

    #[test]
    fn a_long_line_lowers_the_scale_until_it_fits() {
        let mut lines = caption();
        lines[3] = "x".repeat(100);
        // 100 glyphs of 5 + 1 plus margins of 3 need 606 font pixels: 1818 px at 3×.
        assert_eq!(Layout::new(1600, 1200, &lines).scale, 2);
    }

    #[test]
    fn band_is_dark_and_text_is_light() {
        let mut image = RgbImage::from_pixel(800, 600, Rgb([200, 200, 200]));
        burn_in(&mut image, &caption());
        let layout = Layout::new(800, 600, &caption());
        assert_eq!(
            *image.get_pixel(400, layout.band_top - 1),
            Rgb([200, 200, 200])
        );
        let band: Vec<_> = (layout.band_top..600)
            .flat_map(|y| (0..800).map(move |x| (x, y)))
            .map(|(x, y)| *image.get_pixel(x, y))
            .collect();
        let dark = band.iter().filter(|p| p.0 == [78, 78, 78]).count();
        let light = band.iter().filter(|p| **p == TEXT).count();
        assert_eq!(dark + light, band.len());
        // At scale 1 every set font pixel is one image pixel.
        let ink: u32 = caption()
            .iter()
            .flat_map(|line| line.chars())
            .flat_map(font::glyph)
            .map(u8::count_ones)
            .sum();
        assert_eq!(layout.scale, 1);
        assert_eq!(light, ink as usize);
    }

    #[test]
    fn tiny_images_are_clipped_not_panicking() {
        for (w, h) in [(1, 1), (3, 50), (50, 3), (17, 9)] {
            let mut image = RgbImage::new(w, h);
            burn_in(&mut image, &caption());
        }
    }
}
