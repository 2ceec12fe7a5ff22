//! The binary envelope of sync messages and the framing of push bodies.
//!
//! A message is `"CGT" version kind codec len:u32le payload`: `codec` 0 = plain, 1 = zstd;
//! `len` is the decoded payload size, checked against the limits before anything is
//! decompressed; the payload is postcard. A push body is a run of frames, each a
//! `u32le` length followed by one encoded [`super::PushFrame`] message, so the server can store
//! each frame as soon as it has arrived.

use super::PROTOCOL_VERSION;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::Read;
use thiserror::Error;

const MAGIC: &[u8; 3] = b"CGT";
const HEADER_LEN: usize = 10;
/// Payloads smaller than this are sent plain: compression would not pay for itself.
const COMPRESS_FROM: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum MessageKind {
    PushFrame = 1,
    PushResponse = 2,
    PullRequest = 3,
    PullResponse = 4,
    StatusRequest = 5,
    StatusResponse = 6,
}

pub trait Message: Serialize + DeserializeOwned {
    const KIND: MessageKind;
}

/// Sizes a decoder accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest encoded message (or push frame), in bytes.
    pub max_message: usize,
    /// Largest decoded payload, in bytes (guards against decompression bombs).
    pub max_decoded: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message: 8 << 20,
            max_decoded: 64 << 20,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum WireError {
    #[error("不是城管通同步数据 (bad magic)")]
    BadMagic,
    #[error("同步协议版本 {0} 不受支持 (this side speaks version {PROTOCOL_VERSION})")]
    UnsupportedVersion(u8),
    #[error("消息类型错误: 期望 {expected}, 收到 {got}")]
    WrongKind { expected: u8, got: u8 },
    #[error("数据不完整 (truncated {0})")]
    Truncated(&'static str),
    #[error("{what} 过大: {size} 字节 (上限 {limit})")]
    TooLarge {
        what: &'static str,
        size: usize,
        limit: usize,
    },
    #[error("未知压缩方式 {0}")]
    UnknownCodec(u8),
    #[error("解压失败: {0}")]
    Decompress(String),
    #[error("解码失败: {0}")]
    Decode(String),
}

impl WireError {
    /// The HTTP status for a request that failed to decode.
    pub fn status(&self) -> u16 {
        match self {
            WireError::TooLarge { .. } => 413,
            _ => 400,
        }
    }
}

/// Encodes a message; `level` is the zstd level (3 is a good default, 19 the smallest).
pub fn encode<M: Message>(message: &M, level: i32) -> Vec<u8> {
    let payload = postcard::to_stdvec(message).expect("wire types always serialize");
    let (codec, body) = if payload.len() >= COMPRESS_FROM {
        let compressed = zstd::bulk::compress(&payload, level).expect("zstd compresses in memory");
        if compressed.len() < payload.len() {
            (1u8, compressed)
        } else {
            (0u8, payload.clone())
        }
    } else {
        (0u8, payload.clone())
    };
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[PROTOCOL_VERSION, M::KIND as u8, codec]);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

pub fn decode<M: Message>(bytes: &[u8], limits: &Limits) -> Result<M, WireError> {
    if bytes.len() > limits.max_message {
        return Err(WireError::TooLarge {
            what: "消息",
            size: bytes.len(),
            limit: limits.max_message,
        });
    }
    if bytes.len() < HEADER_LEN {
        return Err(if bytes.starts_with(&MAGIC[..bytes.len().min(3)]) {
            WireError::Truncated("header")
        } else {
            WireError::BadMagic
        });
    }
    if &bytes[..3] != MAGIC {
        return Err(WireError::BadMagic);
    }
    if bytes[3] != PROTOCOL_VERSION {
        return Err(WireError::UnsupportedVersion(bytes[3]));
    }
    if bytes[4] != M::KIND as u8 {
        return Err(WireError::WrongKind {
            expected: M::KIND as u8,
            got: bytes[4],
        });
    }
    let decoded_len = u32::from_le_bytes([bytes[6], bytes[7], bytes[8], bytes[9]]) as usize;
    if decoded_len > limits.max_decoded {
        return Err(WireError::TooLarge {
            what: "解压后数据",
            size: decoded_len,
            limit: limits.max_decoded,
        });
    }
    let body = &bytes[HEADER_LEN..];
    let payload = match bytes[5] {
        0 => body.to_vec(),
        1 => inflate(body, decoded_len)?,
        other => return Err(WireError::UnknownCodec(other)),
    };
    if payload.len() != decoded_len {
        return Err(WireError::Truncated("payload"));
    }
    let (message, rest) =
        postcard::take_from_bytes(&payload).map_err(|e| WireError::Decode(e.to_string()))?;
    if !rest.is_empty() {
        return Err(WireError::Decode(format!("{} trailing bytes", rest.len())));
    }
    Ok(message)
}

/// Inflates a zstd payload that declares `decoded_len` bytes. Memory grows with what really
/// comes out, never with the declaration; a payload that inflates past it is refused at one
/// byte beyond, whatever it would have become.
fn inflate(body: &[u8], decoded_len: usize) -> Result<Vec<u8>, WireError> {
    let decoder = zstd::stream::read::Decoder::with_buffer(body)
        .map_err(|e| WireError::Decompress(e.to_string()))?
        .single_frame();
    let mut out = Vec::new();
    decoder
        .take(decoded_len as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| WireError::Decompress(e.to_string()))?;
    match out.len().cmp(&decoded_len) {
        std::cmp::Ordering::Less => Err(WireError::Truncated("payload")),
        std::cmp::Ordering::Equal => Ok(out),
        std::cmp::Ordering::Greater => Err(WireError::Decompress(format!(
            "解压后超过声明的 {decoded_len} 字节 (payload inflates past its declared size)"
        ))),
    }
}

/// Joins encoded messages into a framed body.
pub fn encode_frames<'a>(frames: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for frame in frames {
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(frame);
    }
    out
}

/// Splits a framed body into frames as its bytes arrive.
#[derive(Debug)]
pub struct FrameReader {
    buffer: Vec<u8>,
    max_frame: usize,
}

impl FrameReader {
    pub fn new(max_frame: usize) -> Self {
        FrameReader {
            buffer: Vec::new(),
            max_frame,
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete frame, if one has fully arrived.
    pub fn next_frame(&mut self) -> Result<Option<Vec<u8>>, WireError> {
        if self.buffer.len() < 4 {
            return Ok(None);
        }
        let len = u32::from_le_bytes([
            self.buffer[0],
            self.buffer[1],
            self.buffer[2],
            self.buffer[3],
        ]) as usize;
        if len > self.max_frame {
            return Err(WireError::TooLarge {
                what: "同步帧",
                size: len,
                limit: self.max_frame,
            });
        }
        if self.buffer.len() < 4 + len {
            return Ok(None);
        }
        let frame = self.buffer[4..4 + len].to_vec();
        self.buffer.drain(..4 + len);
        Ok(Some(frame))
    }

    /// Call at the end of the body: leftover bytes mean the body was cut short.
    pub fn finish(&self) -> Result<(), WireError> {
        if self.buffer.is_empty() {
            Ok(())
        } else {
            Err(WireError::Truncated("frame"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;
    use crate::ids::DocId;
    use crate::time::Timestamp;
    use proptest::prelude::*;

    fn push_frame(n: usize, payload: &[u8]) -> PushFrame {
        PushFrame {
            docs: (0..n)
                .map(|i| DocPush {
                    id: DocId::new(),
                    base: vec![[i as u8; 32]],
                    heads: vec![],
                    changes: payload.to_vec(),
                })
                .collect(),
        }
    }

    #[test]
    fn errors_are_specific() {
        let limits = Limits::default();
        let good = encode(&push_frame(3, b"abc"), 3);
        let check = |bytes: &[u8], expected: WireError| {
            assert_eq!(decode::<PushFrame>(bytes, &limits).unwrap_err(), expected);
        };
        check(b"", WireError::Truncated("header"));
        check(b"GET / HTTP/1.1\r\n", WireError::BadMagic);
        let mut v2 = good.clone();
        v2[3] = 2;
        check(&v2, WireError::UnsupportedVersion(2));
        assert!(matches!(
            decode::<PushFrame>(&good[..good.len() - 1], &limits),
            Err(WireError::Decompress(_) | WireError::Truncated(_))
        ));
        assert!(matches!(
            decode::<PullRequest>(&good, &limits),
            Err(WireError::WrongKind { .. })
        ));
        let mut bomb = good.clone();
        bomb[6..10].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            decode::<PushFrame>(&bomb, &limits),
            Err(WireError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_zstd_payload_that_lies_about_its_size_is_refused() {
        let limits = Limits::default();
        let frame = push_frame(50, &[7u8; 1000]);
        let good = encode(&frame, 3);
        assert_eq!(good[5], 1, "compressed");
        let declared = u32::from_le_bytes([good[6], good[7], good[8], good[9]]);
        for lie in [declared - 1, 10, 1] {
            let mut lying = good.clone();
            lying[6..10].copy_from_slice(&lie.to_le_bytes());
            assert!(
                matches!(
                    decode::<PushFrame>(&lying, &limits),
                    Err(WireError::Decompress(_))
                ),
                "declared {lie}"
            );
        }
        let mut short = good.clone();
        short[6..10].copy_from_slice(&(declared + 1).to_le_bytes());
        assert_eq!(
            decode::<PushFrame>(&short, &limits),
            Err(WireError::Truncated("payload"))
        );
    }

    #[test]
    fn large_repetitive_messages_are_compressed() {
        let frame = push_frame(200, &[7u8; 300]);
        let encoded = encode(&frame, 3);
        assert!(encoded.len() < 200 * 300 / 10, "{}", encoded.len());
        assert_eq!(
            decode::<PushFrame>(&encoded, &Limits::default()).unwrap(),
            frame
        );
    }

    proptest! {
        #[test]
        fn messages_round_trip(
            n in 0usize..20,
            payload in proptest::collection::vec(any::<u8>(), 0..400),
            cursor in any::<u64>(),
            time in any::<i64>(),
            reason in ".{0,40}",
        ) {
            let frame = push_frame(n, &payload);
            prop_assert_eq!(decode::<PushFrame>(&encode(&frame, 3), &Limits::default()).unwrap(), frame);
            let response = PushResponse {
                server_time: Timestamp(time),
                outcomes: vec![DocOutcome::Stored, DocOutcome::MissingDeps, DocOutcome::Refused { status: 403, reason }],
                feed: vec![FeedEntry { id: DocId::new(), heads: vec![[1; 32], [2; 32]] }],
                cursor,
            };
            prop_assert_eq!(decode::<PushResponse>(&encode(&response, 3), &Limits::default()).unwrap(), response);
        }

        #[test]
        fn decoding_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = decode::<PushFrame>(&bytes, &Limits::default());
            let mut with_header = b"CGT\x01\x01\x01".to_vec();
            with_header.extend_from_slice(&bytes);
            let _ = decode::<PushFrame>(&with_header, &Limits::default());
        }

        #[test]
        fn frames_survive_any_chunking(sizes in proptest::collection::vec(0usize..300, 0..8), cut in 1usize..97) {
            let frames: Vec<Vec<u8>> = sizes.iter().map(|&n| vec![n as u8; n]).collect();
            let body = encode_frames(frames.iter().map(Vec::as_slice));
            let mut reader = FrameReader::new(1 << 20);
            let mut got = Vec::new();
            for chunk in body.chunks(cut) {
                reader.feed(chunk);
                while let Some(f) = reader.next_frame().unwrap() {
                    got.push(f);
                }
            }
            reader.finish().unwrap();
            prop_assert_eq!(got, frames);
        }

        #[test]
        fn a_cut_body_is_detected(n in 1usize..300, cut in 1usize..300) {
            let frame = vec![1u8; n];
            let body = encode_frames([frame.as_slice()]);
            let cut = cut.min(body.len() - 1);
            let mut reader = FrameReader::new(1 << 20);
            reader.feed(&body[..cut]);
            prop_assert_eq!(reader.next_frame().unwrap(), None);
            prop_assert!(reader.finish().is_err());
        }
    }
}
