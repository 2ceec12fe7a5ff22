//! Text in the encodings Chinese survey files use: UTF-8 (with or without a BOM) or GBK, the
//! code page of Chinese Windows (a `.cpg` of `936`, `GBK`, `GB2312` or `GB18030`).

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};

pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Bytes as text: UTF-8 when they are valid UTF-8, GBK otherwise (what Excel on a Chinese
/// Windows writes).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = without_bom(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => GBK.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// The encoding a `.cpg` names, if it is one we know.
pub fn from_label(label: &str) -> Option<&'static Encoding> {
    let label = label
        .trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_uppercase();
    match label.as_str() {
        "UTF-8" | "UTF8" | "65001" => Some(UTF_8),
        "936" | "CP936" | "GBK" | "GB2312" | "EUC-CN" => Some(GBK),
        "54936" | "GB18030" => Some(GB18030),
        _ => Encoding::for_label(label.as_bytes()),
    }
}

/// The encoding of a `.dbf` without a `.cpg`: its language driver byte when it names the
/// Chinese code page, else UTF-8 if every byte of it is valid UTF-8, else GBK.
pub fn of_dbf(dbf: &[u8]) -> &'static Encoding {
    const LANGUAGE_DRIVER: usize = 29;
    match dbf.get(LANGUAGE_DRIVER) {
        Some(0x4D | 0x7A) => GBK,
        _ if std::str::from_utf8(dbf).is_ok() => UTF_8,
        _ => GBK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_text_is_read_as_gbk_and_utf8_as_utf8() {
        let (gbk, _, _) = GBK.encode("姑苏区城管局");
        assert_eq!(decode(&gbk), "姑苏区城管局");
        assert_eq!(decode("\u{feff}姑苏区".as_bytes()), "姑苏区");
        assert_eq!(from_label(" 936\r\n"), Some(GBK));
        assert_eq!(from_label("\u{feff}UTF-8"), Some(UTF_8));
        assert_eq!(from_label("no such code page"), None);
    }
}
