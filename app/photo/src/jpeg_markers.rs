//! Walks the marker segments of a JPEG without decoding it: to tell a complete JPEG from a
//! truncated one (the decoder fills missing scan data with grey rather than failing, and half a
//! grey photo must not become evidence), and to read the frame size from the first bytes of an
//! upload before the rest of it is accepted.

const MARKER: u8 = 0xFF;
const SOI: [u8; 2] = [MARKER, 0xD8];
const SOS: u8 = 0xDA;
const EOI: u8 = 0xD9;

/// One marker segment: its code and where its payload ends (for SOS, where the scan begins).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    code: u8,
    payload_start: usize,
    end: usize,
}

/// What the segments before the first scan say, as far as `jpeg` reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Walk {
    /// The bytes end before the walk could finish (truncated, or only a prefix was given).
    Short,
    /// Not a JPEG marker structure: no SOI, or a byte where a marker must stand.
    Malformed,
    /// The walk reached `segment`, the first one `stop` accepted.
    Found(Segment),
}

/// Walks from the start-of-image marker until `stop` accepts a segment, skipping the others by
/// their lengths (so an EXIF thumbnail, a whole JPEG inside APP1, is never entered).
fn walk(jpeg: &[u8], stop: impl Fn(u8) -> bool) -> Walk {
    if jpeg.len() < 2 {
        return Walk::Short;
    }
    if jpeg[..2] != SOI {
        return Walk::Malformed;
    }
    let mut at = 2;
    loop {
        match jpeg.get(at) {
            None => return Walk::Short,
            Some(&MARKER) => {}
            Some(_) => return Walk::Malformed,
        }
        // A marker may be preceded by any number of 0xFF fill bytes.
        let mut code_at = at + 1;
        while jpeg.get(code_at) == Some(&MARKER) {
            code_at += 1;
        }
        let Some(&code) = jpeg.get(code_at) else {
            return Walk::Short;
        };
        if code == EOI {
            return Walk::Malformed;
        }
        if code == 0x01 || (0xD0..=0xD7).contains(&code) {
            at = code_at + 1;
            continue;
        }
        let Some(&[high, low]) = jpeg.get(code_at + 1..code_at + 3) else {
            return Walk::Short;
        };
        let length = usize::from(u16::from_be_bytes([high, low]));
        if length < 2 {
            return Walk::Malformed;
        }
        let segment = Segment {
            code,
            payload_start: code_at + 3,
            end: code_at + 1 + length,
        };
        if stop(code) {
            return Walk::Found(segment);
        }
        at = segment.end;
    }
}

/// Whether the end-of-image marker follows the first scan of the main image. Inside scan data a
/// 0xFF byte is always stuffed, so `FF D9` there is the real end.
pub(crate) fn is_complete(jpeg: &[u8]) -> bool {
    match walk(jpeg, |code| code == SOS) {
        Walk::Found(scan) => jpeg
            .get(scan.end..)
            .is_some_and(|data| data.windows(2).any(|w| w == [MARKER, EOI])),
        Walk::Short | Walk::Malformed => false,
    }
}

/// What the first bytes of a JPEG say about its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameHeader {
    /// The frame header (SOFn) was found: width and height in pixels.
    Size { width: u32, height: u32 },
    /// The prefix ends before the frame header.
    NeedMore,
    /// Not a JPEG, or a scan begins before any frame header.
    Invalid,
}

/// Reads the frame size from a prefix of a JPEG (SOF0–SOF15, less DHT, JPG and DAC, which share
/// the code range). Never reads past `prefix` and allocates nothing.
pub fn frame_header(prefix: &[u8]) -> FrameHeader {
    let is_frame = |code: u8| (0xC0..=0xCF).contains(&code) && !matches!(code, 0xC4 | 0xC8 | 0xCC);
    match walk(prefix, |code| is_frame(code) || code == SOS) {
        Walk::Short => FrameHeader::NeedMore,
        Walk::Malformed => FrameHeader::Invalid,
        Walk::Found(segment) if segment.code == SOS => FrameHeader::Invalid,
        Walk::Found(segment) => {
            // Payload: precision (1), height (2), width (2), …
            let at = segment.payload_start;
            match prefix.get(at..at + 5) {
                Some(&[_, h1, h2, w1, w2]) => FrameHeader::Size {
                    width: u32::from(u16::from_be_bytes([w1, w2])),
                    height: u32::from(u16::from_be_bytes([h1, h2])),
                },
                _ => FrameHeader::NeedMore,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(jpeg: &[u8], complete: bool) {
        assert_eq!(is_complete(jpeg), complete, "{jpeg:02X?}");
    }
    #[test]
    fn table() {
        // SOI, APP0 (length 4), SOS (length 3), scan data with a stuffed 0xFF, EOI.
        check(
            b"\xFF\xD8\xFF\xE0\x00\x04ab\xFF\xDA\x00\x03c\x12\xFF\x00\x34\xFF\xD9",
            true,
        );
        // Fill bytes before a marker, and a restart marker.
        check(b"\xFF\xD8\xFF\xFF\xD0\xFF\xDA\x00\x02\x12\xFF\xD9", true);
        // Trailing data after the end (motion photos append a video).
        check(b"\xFF\xD8\xFF\xDA\x00\x02\x12\xFF\xD9moov", true);
        // Truncated inside the scan, inside a segment, after a marker byte.
        check(
            b"\xFF\xD8\xFF\xE0\x00\x04ab\xFF\xDA\x00\x03c\x12\xFF\x00\x34",
            false,
        );
        check(b"\xFF\xD8\xFF\xE0\x00\x40ab", false);
        check(b"\xFF\xD8\xFF", false);
        check(b"\xFF\xD8", false);
        check(b"", false);
        // An end inside APP1 (an EXIF thumbnail) does not end the main image.
        check(
            b"\xFF\xD8\xFF\xE1\x00\x06\xFF\xD9\xFF\xD9\xFF\xDA\x00\x02\x12",
            false,
        );
        // End before any scan, and a segment length pointing past the data.
        check(b"\xFF\xD8\xFF\xD9", false);
        check(b"\xFF\xD8\xFF\xDA\xFF\xFF\xFF\xD9", false);
    }

    fn encoded(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([90, 120, 30]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&image)
            .unwrap();
        out
    }

    #[test]
    fn frame_header_table() {
        let size = |width, height| FrameHeader::Size { width, height };
        assert_eq!(frame_header(&encoded(33, 17)), size(33, 17));
        // APP0, then SOF2 (progressive) declaring 60000×60000, cut right after it.
        let bomb = b"\xFF\xD8\xFF\xE0\x00\x04ab\xFF\xC2\x00\x0B\x08\xEA\x60\xEA\x60\x03";
        assert_eq!(frame_header(bomb), size(60_000, 60_000));
        assert_eq!(frame_header(&bomb[..14]), FrameHeader::NeedMore);
        assert_eq!(frame_header(b"\xFF\xD8"), FrameHeader::NeedMore);
        assert_eq!(frame_header(b""), FrameHeader::NeedMore);
        // DHT (C4) is not a frame header; a scan before any frame is invalid.
        assert_eq!(
            frame_header(b"\xFF\xD8\xFF\xC4\x00\x02\xFF\xDA\x00\x02"),
            FrameHeader::Invalid
        );
        assert_eq!(frame_header(b"\x89PNG\r\n"), FrameHeader::Invalid);
        assert_eq!(frame_header(b"\xFF\xD8\x00\x00"), FrameHeader::Invalid);
        assert_eq!(
            frame_header(b"\xFF\xD8\xFF\xE0\x00\x01"),
            FrameHeader::Invalid
        );
    }

    proptest! {
        #[test]
        fn every_prefix_of_a_jpeg_needs_more_or_tells_its_size(cut in 0usize..400) {
            let jpeg = encoded(40, 30);
            let got = frame_header(&jpeg[..cut.min(jpeg.len())]);
            prop_assert!(
                got == FrameHeader::NeedMore || got == FrameHeader::Size { width: 40, height: 30 },
                "{got:?} at {cut}"
            );
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = frame_header(&bytes);
            let _ = is_complete(&bytes);
            let mut jpeg = SOI.to_vec();
            jpeg.extend_from_slice(&bytes);
            let _ = frame_header(&jpeg);
            let _ = is_complete(&jpeg);
        }
    }
}
