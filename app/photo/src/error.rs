//! The one error type of the pipeline, worded for the inspector first and the log second.

use thiserror::Error;

const MIB: f64 = 1024.0 * 1024.0;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhotoError {
    #[error(
        "照片文件过大: {:.1} MB (最大 {:.0} MB) (photo file too large)",
        *bytes as f64 / MIB,
        *max_bytes as f64 / MIB
    )]
    TooLarge { bytes: usize, max_bytes: usize },
    #[error(
        "照片尺寸异常: {width}×{height} (最大 {max_dimension} 像素, {max_megapixels} 百万像素) \
         (image dimensions out of range)"
    )]
    BadDimensions {
        width: u32,
        height: u32,
        max_dimension: u32,
        max_megapixels: u64,
    },
    #[error(
        "不支持的照片格式: 仅支持 JPEG 和 PNG, 不支持 HEIC (unsupported format: JPEG or PNG only)"
    )]
    UnsupportedFormat,
    #[error("照片无法解码: {0} (decode failed)")]
    Decode(String),
    /// Producing the output failed: resizing or JPEG encoding.
    #[error("照片编码失败: {0} (encode failed)")]
    Encode(String),
}
