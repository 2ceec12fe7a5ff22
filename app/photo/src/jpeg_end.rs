//! Tells a complete JPEG from a truncated one. The decoder fills missing scan data with grey
//! rather than failing, and half a grey photo must not become evidence.

const MARKER: u8 = 0xFF;
const SOS: u8 = 0xDA;
const EOI: u8 = 0xD9;

/// Whether the end-of-image marker follows the first scan of the main image. Marker segments
/// before the scan are skipped by their lengths, so an EXIF thumbnail (a whole JPEG inside APP1)
/// does not count; inside scan data a 0xFF byte is always stuffed, so `FF D9` is the real end.
pub(crate) fn is_complete(jpeg: &[u8]) -> bool {
    let mut at = 2;
    loop {
        if jpeg.get(at) != Some(&MARKER) {
            return false;
        }
        // A marker may be preceded by any number of 0xFF fill bytes.
        let mut code_at = at + 1;
        while jpeg.get(code_at) == Some(&MARKER) {
            code_at += 1;
        }
        let code = match jpeg.get(code_at) {
            None | Some(&EOI) => return false,
            Some(&code) => code,
        };
        if code == 0x01 || (0xD0..=0xD7).contains(&code) {
            at = code_at + 1;
            continue;
        }
        let Some(&[high, low]) = jpeg.get(code_at + 1..code_at + 3) else {
            return false;
        };
        let segment_end = code_at + 1 + usize::from(u16::from_be_bytes([high, low]));
        if code == SOS {
            return jpeg
                .get(segment_end..)
                .is_some_and(|scan| scan.windows(2).any(|w| w == [MARKER, EOI]));
        }
        at = segment_end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
