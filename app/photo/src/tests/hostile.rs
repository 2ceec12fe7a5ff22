//! Hostile and broken input: decompression bombs, truncated files, formats we do not take, and
//! random bytes. Every one is an error, quickly, and none is a panic.

use super::fixtures::{jpeg, jpeg_claiming, png, png_claiming, stamp, with_orientation};
use crate::{PhotoError, PipelineConfig, process, sample};
use proptest::prelude::*;
use std::time::{Duration, Instant};

fn refuse(input: &[u8]) -> PhotoError {
    process(input, &stamp(), &PipelineConfig::default()).unwrap_err()
}

fn check_bomb(input: &[u8], width: u32, height: u32) {
    let start = Instant::now();
    let err = refuse(input);
    assert!(
        start.elapsed() < Duration::from_millis(200),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        matches!(err, PhotoError::BadDimensions { width: w, height: h, .. } if (w, h) == (width, height)),
        "{err:?}"
    );
}

#[test]
fn decompression_bombs_are_refused_before_decoding() {
    let png_bomb = png_claiming(100_000, 100_000);
    assert!(png_bomb.len() < 100);
    check_bomb(&png_bomb, 100_000, 100_000);
    check_bomb(&png_claiming(12_001, 10), 12_001, 10);
    // Within the side limit but over 50 megapixels.
    check_bomb(&png_claiming(10_000, 10_000), 10_000, 10_000);
    check_bomb(&jpeg_claiming(60_000, 60_000), 60_000, 60_000);
    check_bomb(&jpeg_claiming(65_535, 1), 65_535, 1);
}

#[test]
fn the_bomb_message_names_the_size() {
    let err = refuse(&png_claiming(60_000, 60_000));
    assert!(
        err.to_string()
            .starts_with("照片尺寸异常: 60000×60000 (最大 12000 像素"),
        "{err}"
    );
}

#[test]
fn oversized_files_are_refused_unread() {
    let config = PipelineConfig {
        max_input_bytes: 1000,
        ..PipelineConfig::default()
    };
    let err = process(&[0; 1001], &stamp(), &config).unwrap_err();
    assert_eq!(
        err,
        PhotoError::TooLarge {
            bytes: 1001,
            max_bytes: 1000
        }
    );
    assert!(err.to_string().starts_with("照片文件过大"), "{err}");
}

#[test]
fn truncated_files_are_decode_errors() {
    let whole = sample::street_scene_jpeg(640, 480, 90, 4);
    let with_exif = with_orientation(&whole, 6);
    let whole_png = png(&sample::street_scene(64, 48, 4));
    for (name, input, cut) in [
        ("jpeg", &whole, whole.len() - 2),
        ("jpeg", &whole, whole.len() / 2),
        ("jpeg", &whole, 400),
        ("jpeg", &whole, 3),
        ("jpeg with exif", &with_exif, with_exif.len() / 2),
        ("png", &whole_png, whole_png.len() - 12),
        ("png", &whole_png, whole_png.len() / 2),
        ("png", &whole_png, 20),
    ] {
        let err = refuse(&input[..cut]);
        assert!(
            matches!(err, PhotoError::Decode(_)),
            "{name} cut at {cut}: {err:?}"
        );
        assert!(err.to_string().starts_with("照片无法解码"), "{err}");
    }
}

#[test]
fn other_formats_are_unsupported_and_heic_is_named() {
    let heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic";
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    for input in [&heic[..], gif, b"", b"\xFF", b"hello, world"] {
        assert_eq!(refuse(input), PhotoError::UnsupportedFormat, "{input:?}");
    }
    assert!(refuse(heic).to_string().contains("HEIC"));
}

fn never_panics(input: &[u8]) -> Result<(), TestCaseError> {
    match process(input, &stamp(), &PipelineConfig::default()) {
        Ok(photo) => prop_assert!(photo.width > 0 && photo.height > 0),
        Err(
            PhotoError::UnsupportedFormat
            | PhotoError::Decode(_)
            | PhotoError::BadDimensions { .. },
        ) => {}
        Err(other) => prop_assert!(false, "unexpected {other:?}"),
    }
    Ok(())
}

fn small_jpeg() -> Vec<u8> {
    with_orientation(&jpeg(&sample::street_scene(48, 32, 9), 85), 6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        never_panics(&bytes)?;
    }

    #[test]
    fn random_bytes_behind_a_signature_never_panic(
        png_signature in any::<bool>(),
        bytes in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        let signature: &[u8] = if png_signature { b"\x89PNG\r\n\x1a\n" } else { b"\xFF\xD8\xFF" };
        never_panics(&[signature, &bytes].concat())?;
    }

    #[test]
    fn a_damaged_jpeg_never_panics(
        damage in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut input = small_jpeg();
        for (at, byte) in damage {
            let at = at.index(input.len());
            input[at] = byte;
        }
        let end = input.len() / 2 + cut.index(input.len() / 2 + 1);
        never_panics(&input[..end])?;
    }
}
