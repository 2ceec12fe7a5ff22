//! Makes the picture upright: phones store pixels as the sensor saw them and record the turn in
//! the EXIF Orientation tag (1–8), which the output does not carry, so it is applied here.

use exif::{In, Tag};
use image::metadata::Orientation;
use image::{DynamicImage, RgbImage};
use std::io::Cursor;

/// The orientation recorded in the file's EXIF; none, unreadable or out of range means upright.
pub(crate) fn read(input: &[u8]) -> Orientation {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(input))
        .ok()
        .and_then(|exif| {
            exif.get_field(Tag::Orientation, In::PRIMARY)?
                .value
                .get_uint(0)
        })
        .and_then(|value| u8::try_from(value).ok())
        .and_then(Orientation::from_exif)
        .unwrap_or(Orientation::NoTransforms)
}

/// Turns and mirrors `image` as `orientation` says.
pub(crate) fn apply(image: RgbImage, orientation: Orientation) -> RgbImage {
    let mut image = DynamicImage::ImageRgb8(image);
    image.apply_orientation(orientation);
    image.into_rgb8()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// A 3×2 image whose pixels are numbered 0..6 row by row.
    fn numbered() -> RgbImage {
        RgbImage::from_fn(3, 2, |x, y| Rgb([(y * 3 + x) as u8, 0, 0]))
    }

    fn check(exif_value: u8, expected: &[&[u8]]) {
        let orientation = Orientation::from_exif(exif_value).unwrap();
        let out = apply(numbered(), orientation);
        let rows: Vec<Vec<u8>> = (0..out.height())
            .map(|y| (0..out.width()).map(|x| out.get_pixel(x, y)[0]).collect())
            .collect();
        assert_eq!(rows, expected, "orientation {exif_value}");
    }

    #[test]
    fn all_eight_orientations() {
        check(1, &[&[0, 1, 2], &[3, 4, 5]]);
        check(2, &[&[2, 1, 0], &[5, 4, 3]]);
        check(3, &[&[5, 4, 3], &[2, 1, 0]]);
        check(4, &[&[3, 4, 5], &[0, 1, 2]]);
        check(5, &[&[0, 3], &[1, 4], &[2, 5]]);
        check(6, &[&[3, 0], &[4, 1], &[5, 2]]);
        check(7, &[&[5, 2], &[4, 1], &[3, 0]]);
        check(8, &[&[2, 5], &[1, 4], &[0, 3]]);
    }

    #[test]
    fn no_or_broken_exif_means_upright() {
        for input in [
            &b""[..],
            b"not an image",
            b"\xff\xd8\xff\xe1\x00\x10Exif\0\0MM\0*",
        ] {
            assert_eq!(read(input), Orientation::NoTransforms);
        }
    }
}
