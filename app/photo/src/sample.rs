//! Synthetic street photos for tests and benchmarks (feature `sample`): sky, façades with
//! windows, a road with a manhole cover, and sensor noise, so that JPEG sizes and timings are
//! those of a real photo rather than of a flat colour.

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

/// A deterministic photo-like scene; `seed` varies the noise.
pub fn street_scene(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut noise = Noise(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let (w, h) = (width.max(1) as f32, height.max(1) as f32);
    RgbImage::from_fn(width, height, |x, y| {
        let (u, v) = (x as f32 / w, y as f32 / h);
        let base = scene(u, v);
        let grain = noise.next();
        Rgb(base.map(|c| (c + grain).clamp(0.0, 255.0) as u8))
    })
}

/// [`street_scene`] encoded as a camera would: JPEG at `quality`.
pub fn street_scene_jpeg(width: u32, height: u32, quality: u8, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&street_scene(width, height, seed))
        .expect("encoding to memory does not fail");
    out
}

/// The noiseless colour at relative position (u, v), both in 0..1.
fn scene(u: f32, v: f32) -> [f32; 3] {
    let horizon = 0.45;
    if v < horizon * (0.6 + 0.4 * (u * 9.0).floor().rem_euclid(3.0) / 2.0) && v < 0.2 + u * 0.1 {
        // Sky, paler towards the horizon.
        let t = v / horizon;
        return [110.0 + 90.0 * t, 160.0 + 60.0 * t, 230.0 - 10.0 * t];
    }
    if v < horizon {
        // Façades with a grid of windows, each building its own colour.
        let building = (u * 9.0).floor();
        let tint = 20.0 * (building * 1.7).sin();
        let window = (u * 90.0).fract() < 0.45 && (v * 40.0).fract() < 0.5;
        let shade = if window { 60.0 } else { 170.0 + tint };
        return [shade + 10.0, shade - tint * 0.5, shade - 15.0];
    }
    // Road: darker towards the camera, lane markings, and a manhole cover (井盖).
    let t = (v - horizon) / (1.0 - horizon);
    let (dx, dy) = (u - 0.55, (v - 0.78) * 1.6);
    let r = (dx * dx + dy * dy).sqrt();
    if r < 0.08 {
        let ring = ((r * 300.0).sin() * 25.0) + 70.0;
        return [ring, ring - 5.0, ring - 10.0];
    }
    let marking = ((u - 0.5).abs() < 0.01 + 0.02 * t) && (v * 20.0).fract() < 0.6;
    let asphalt = 120.0 - 50.0 * t + 8.0 * ((u * 200.0).sin() * (v * 170.0).cos());
    if marking {
        [235.0, 235.0, 225.0]
    } else {
        [asphalt, asphalt, asphalt + 4.0]
    }
}

/// Cheap Gaussian-ish sensor grain from xorshift64*: a standard deviation of about 6 levels.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let sum: u32 = (0..4).map(|i| ((bits >> (i * 16)) & 0xFFFF) as u32).sum();
        (sum as f32 / 65_535.0 - 2.0) * 10.0
    }
}
