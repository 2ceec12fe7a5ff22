//! The pipeline on honest photos: sizes, orientation, the stamp, the thumbnail, the hash.

use super::fixtures::{decode, jpeg, png, run, stamp, twelve_megapixels, with_orientation};
use crate::stamp::Layout;
use crate::{
    PipelineConfig, caption, decode as pipeline_decode, process, resize, sample, sha256_hex,
};
use image::{Rgb, RgbImage};

#[test]
fn a_twelve_megapixel_photo_becomes_a_small_1600_pixel_jpeg() {
    let input = twelve_megapixels();
    assert!(input.len() > 2_000_000, "input only {} bytes", input.len());
    let photo = run(input);
    assert_eq!((photo.width, photo.height), (1600, 1200));
    assert_eq!(decode(&photo.jpeg).dimensions(), (1600, 1200));
    assert!(
        photo.jpeg.len() < 400_000,
        "output {} bytes",
        photo.jpeg.len()
    );
    assert_eq!(photo.taken_at, stamp().taken_at);
    assert_eq!(photo.position, stamp().position);
}

#[test]
fn the_same_photo_gives_the_same_hash() {
    let input = sample::street_scene_jpeg(1200, 900, 90, 3);
    let (a, b) = (run(&input), run(&input));
    assert_eq!(a.sha256, b.sha256);
    assert_eq!(a.jpeg, b.jpeg);
    assert_eq!(a.sha256, sha256_hex(&a.jpeg));
    assert_eq!(a.sha256.len(), 64);
    assert!(
        a.sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    let mut other = stamp();
    other.inspector = "inspector02".into();
    let c = process(&input, &other, &PipelineConfig::default()).unwrap();
    assert_ne!(a.sha256, c.sha256, "the stamp is part of the evidence");
}

#[test]
fn sha256_hex_known_answer() {
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

fn check_sizes(width: u32, height: u32, photo: (u32, u32), thumbnail: (u32, u32)) {
    let input = sample::street_scene_jpeg(width, height, 90, 1);
    let out = run(&input);
    assert_eq!((out.width, out.height), photo, "{width}×{height}");
    assert_eq!(
        decode(&out.thumbnail).dimensions(),
        thumbnail,
        "{width}×{height}"
    );
}

#[test]
fn sizes_of_photo_and_thumbnail() {
    check_sizes(3200, 2400, (1600, 1200), (320, 240));
    check_sizes(2400, 3200, (1200, 1600), (240, 320));
    check_sizes(4000, 1000, (1600, 400), (320, 80));
    // Small photos are not upscaled, nor are tiny thumbnails.
    check_sizes(800, 600, (800, 600), (320, 240));
    check_sizes(640, 480, (640, 480), (320, 240));
    check_sizes(200, 100, (200, 100), (200, 100));
}

#[test]
fn png_input_is_accepted() {
    let image = sample::street_scene(900, 600, 2);
    let out = run(&png(&image));
    assert_eq!((out.width, out.height), (900, 600));
}

/// Corners of an image, clockwise from the top left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Corner {
    TopLeft,
    TopRight,
    BottomRight,
    BottomLeft,
}

const RED: Rgb<u8> = Rgb([220, 20, 20]);

/// An 800×600 grey picture, as the sensor stored it, with a red top-left quarter block.
fn marked_sensor_image() -> RgbImage {
    RgbImage::from_fn(800, 600, |x, y| {
        if x < 200 && y < 150 {
            RED
        } else {
            Rgb([128, 128, 128])
        }
    })
}

/// Which corners of `image` are red, sampled an eighth of the way in (above the stamp band).
fn red_corners(image: &RgbImage) -> Vec<Corner> {
    let (w, h) = image.dimensions();
    let (near_x, far_x, near_y, far_y) = (w / 8, w - w / 8, h / 8, h - h / 8);
    [
        (Corner::TopLeft, near_x, near_y),
        (Corner::TopRight, far_x, near_y),
        (Corner::BottomRight, far_x, far_y),
        (Corner::BottomLeft, near_x, far_y),
    ]
    .into_iter()
    .filter(|&(_, x, y)| {
        let [r, g, b] = image.get_pixel(x, y).0;
        r > 150 && g < 80 && b < 80
    })
    .map(|(corner, _, _)| corner)
    .collect()
}

fn check_orientation(orientation: u16, corner: Corner, size: (u32, u32)) {
    let input = with_orientation(&jpeg(&marked_sensor_image(), 90), orientation);
    let out = decode(&run(&input).jpeg);
    assert_eq!(out.dimensions(), size, "orientation {orientation}");
    assert_eq!(red_corners(&out), [corner], "orientation {orientation}");
}

#[test]
fn exif_orientation_is_applied_so_the_photo_is_upright() {
    use Corner::*;
    // Where the sensor's top-left corner ends up once the picture is turned upright.
    check_orientation(1, TopLeft, (800, 600));
    check_orientation(2, TopRight, (800, 600));
    check_orientation(3, BottomRight, (800, 600));
    check_orientation(4, BottomLeft, (800, 600));
    check_orientation(5, TopLeft, (600, 800));
    check_orientation(6, TopRight, (600, 800));
    check_orientation(7, BottomRight, (600, 800));
    check_orientation(8, BottomLeft, (600, 800));
}

#[test]
fn orientation_applies_to_a_downscaled_photo_too() {
    let sensor = RgbImage::from_fn(3200, 2400, |x, y| {
        if x < 800 && y < 600 {
            RED
        } else {
            Rgb([128, 128, 128])
        }
    });
    let out = decode(&run(&with_orientation(&jpeg(&sensor, 90), 6)).jpeg);
    assert_eq!(out.dimensions(), (1200, 1600));
    assert_eq!(red_corners(&out), [Corner::TopRight]);
}

/// Mean absolute difference per channel of two same-sized images over rows `rows`.
fn mean_difference(a: &RgbImage, b: &RgbImage, rows: std::ops::Range<u32>) -> f64 {
    let (mut sum, mut count) = (0u64, 0u64);
    for y in rows {
        for x in 0..a.width() {
            for (p, q) in a.get_pixel(x, y).0.iter().zip(b.get_pixel(x, y).0) {
                sum += u64::from(p.abs_diff(q));
                count += 1;
            }
        }
    }
    sum as f64 / count as f64
}

#[test]
fn the_stamp_darkens_the_bottom_band_and_leaves_the_rest_alone() {
    let input = sample::street_scene_jpeg(3200, 2400, 92, 5);
    let config = PipelineConfig::default();
    let unstamped = resize::shrink(
        pipeline_decode::rgb(&input, &config).unwrap(),
        config.long_edge,
    )
    .unwrap();
    let stamped = decode(&run(&input).jpeg);
    assert_eq!(stamped.dimensions(), unstamped.dimensions());

    let (_, height) = stamped.dimensions();
    let band_top = Layout::new(1600, height, &caption::lines(&stamp())).band_top;
    // JPEG blocks straddling the band's edge may change a little on either side.
    let above = mean_difference(&stamped, &unstamped, 0..band_top - 16);
    let band = mean_difference(&stamped, &unstamped, band_top + 2..height);
    assert!(
        above < 3.0,
        "above the band differs by {above:.2} on average"
    );
    assert!(band > 30.0, "the band differs by only {band:.2} on average");
    for y in band_top + 2..height {
        let row = mean_difference(&stamped, &unstamped, y..y + 1);
        assert!(row > 20.0, "row {y} of the band differs by only {row:.2}");
    }
}
