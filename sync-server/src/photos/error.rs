//! What can go wrong with a photo request, worded for the API: Chinese first, English detail in
//! parentheses. The HTTP status of each is chosen by the handlers.

use crate::storage::StorageError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum PhotoError {
    #[error("照片摘要无效: 需要64位小写十六进制 SHA-256 (bad photo hash)")]
    BadHash,
    #[error("照片大小必须大于 0 (size must be positive)")]
    EmptySize,
    #[error(
        "照片过大: {}, 服务器上限 {} (photo of {size} bytes exceeds the limit of {limit} bytes)",
        megabytes(*.size),
        megabytes(*.limit)
    )]
    TooLarge { size: u64, limit: u64 },
    #[error(
        "服务器上没有您可查看的上报引用这张照片,请先同步上报 (no readable report references this photo)"
    )]
    NotReferenced,
    #[error("照片不存在 (no such photo)")]
    NotFound,
    #[error("没有进行中的上传,请重新开始上传 (no upload under way)")]
    NoUpload,
    #[error("上传位置不一致: 服务器已收到 {offset} 字节 (Upload-Offset does not match)")]
    OffsetMismatch { offset: u64 },
    #[error("缺少或无效的 Upload-Offset 请求头 (missing or malformed Upload-Offset)")]
    BadOffsetHeader,
    #[error("数据块为空 (empty chunk)")]
    EmptyChunk,
    #[error("数据块过大, 上限 {limit} 字节 (chunk exceeds {limit} bytes)")]
    ChunkTooLarge { limit: u64 },
    #[error(
        "数据块超出照片大小: 位置 {offset} + {len} 字节 > {size} 字节 (chunk beyond the declared size)"
    )]
    BeyondSize { offset: u64, len: u64, size: u64 },
    #[error("不是 JPEG 照片 (the upload does not start like a JPEG)")]
    NotJpeg,
    #[error("{0}")]
    Dimensions(String),
    #[error("另一台设备正在上传这张照片 (another device's upload of this photo is under way)")]
    HeldByAnotherDevice,
    #[error(
        "照片的第一个数据块必须包含 JPEG 图像头 (the first chunk must hold the JPEG frame header)"
    )]
    HeaderNotInFirstChunk,
    #[error("照片校验失败: 内容与 SHA-256 不符, 已丢弃, 请重新上传 (hash mismatch)")]
    HashMismatch,
    #[error("照片无法解码 ({0})")]
    Undecodable(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("照片文件读写失败 ({0})")]
    Io(#[from] std::io::Error),
}

/// Why the photos' home cannot be opened at start.
#[derive(Debug, Error)]
pub enum PhotoStoreError {
    #[error(transparent)]
    Config(#[from] crate::settings::ConfigError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    ObjectStore(#[from] super::objects::ObjectStoreError),
}

/// A size as people say it: `8 MB`, `1.5 MB` (MB of 1 048 576 bytes, one decimal at most).
pub fn megabytes(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10).saturating_add(1 << 19) >> 20;
    if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_megabytes() {
        let check = |bytes: u64, expected: &str| assert_eq!(megabytes(bytes), expected, "{bytes}");
        check(8 << 20, "8 MB");
        check(1_258_291, "1.2 MB");
        check(1 << 19, "0.5 MB");
        check(1, "0 MB");
        check(3 << 30, "3072 MB");
    }

    #[test]
    fn the_limit_is_stated_in_megabytes() {
        let e = PhotoError::TooLarge {
            size: 9 << 20,
            limit: 8 << 20,
        };
        assert!(
            e.to_string().starts_with("照片过大: 9 MB, 服务器上限 8 MB"),
            "{e}"
        );
    }
}
