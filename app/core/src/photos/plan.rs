//! The pure decisions of a photo upload: which chunk goes next, and what an answer of the
//! server (or a network failure) means for the photo, worded for the inspector.

use super::model::PhotoState;
use crate::http::server_message;
use crate::model::SyncState;
use cgt_shared::wire::photo::{PhotoErrorBody, UploadState};
use std::ops::Range;

/// The chunk size used if the server does not name one.
pub(crate) const DEFAULT_CHUNK_BYTES: u64 = 256 << 10;
/// Chunk sizes accepted from the server: a tiny one would take forever, a huge one never
/// finishes over a weak uplink.
const CHUNK_BOUNDS: (u64, u64) = (4 << 10, 8 << 20);

/// The bytes of the chunk starting at `offset`, or `None` when there is nothing left to send.
pub(crate) fn next_chunk(offset: u64, size: u64, chunk_bytes: u64) -> Option<Range<usize>> {
    if offset >= size {
        return None;
    }
    let chunk = chunk_bytes.clamp(CHUNK_BOUNDS.0, CHUNK_BOUNDS.1);
    let end = offset.saturating_add(chunk).min(size);
    Some(usize::try_from(offset).ok()?..usize::try_from(end).ok()?)
}

/// How one photo's attempt ended, when it did not end with the photo stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stop {
    pub state: PhotoState,
    pub reason: String,
    /// The server holds nothing of it any more: the next attempt starts at byte 0.
    pub from_start: bool,
    /// Sending other photos now would fail the same way (no network, logged out).
    pub ends_photo_sync: bool,
}

impl Stop {
    fn retry(reason: String) -> Stop {
        Stop {
            state: PhotoState::Pending,
            reason,
            from_start: false,
            ends_photo_sync: false,
        }
    }

    fn failed(reason: String) -> Stop {
        Stop {
            state: PhotoState::Failed,
            ..Stop::retry(reason)
        }
    }
}

/// What to do after an answer of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// Send from `offset` (the server's word), in chunks of `chunk_bytes` if it named a size.
    Send {
        offset: u64,
        chunk_bytes: Option<u64>,
    },
    /// The server stored the whole photo and verified it.
    Stored,
    Stop(Stop),
}

/// `8 MB`, `1.2 MB` (MB of 1 048 576 bytes, one decimal at most).
pub(crate) fn megabytes(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10).saturating_add(1 << 19) >> 20;
    if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// Where the next sync picks up.
fn resume_note(confirmed: u64) -> String {
    if confirmed == 0 {
        "下次同步时上传".to_string()
    } else {
        format!("下次同步从 {} 处继续上传", megabytes(confirmed))
    }
}

/// The answer to a start or a chunk, for a photo of `size` bytes of which the server had
/// confirmed `confirmed`.
pub(crate) fn after_answer(status: u16, body: &[u8], size: u64, confirmed: u64) -> Next {
    let protocol = |detail: &str| {
        Next::Stop(Stop::retry(format!(
            "服务器的回答无法识别 ({detail}),{}",
            resume_note(confirmed)
        )))
    };
    match status {
        200 => match serde_json::from_slice::<UploadState>(body) {
            Ok(answer) if answer.complete => Next::Stored,
            Ok(answer) if answer.offset < size => Next::Send {
                offset: answer.offset,
                chunk_bytes: (answer.chunk_bytes > 0).then_some(answer.chunk_bytes),
            },
            Ok(answer) => protocol(&format!("offset {} of {size}", answer.offset)),
            Err(e) => protocol(&e.to_string()),
        },
        409 => match error_answer(body).offset {
            Some(offset) if offset < size => Next::Send {
                offset,
                chunk_bytes: None,
            },
            _ => protocol("409 without a usable offset"),
        },
        401 => Next::Stop(Stop {
            ends_photo_sync: true,
            ..Stop::retry("登录已失效或设备已被停用,请重新登录后再上传照片".to_string())
        }),
        413 => match error_answer(body).max_bytes {
            Some(limit) => Next::Stop(Stop::failed(format!(
                "照片超过服务器上限 {}",
                megabytes(limit)
            ))),
            None => Next::Stop(Stop::retry(format!(
                "服务器拒收数据块: {},{}",
                server_message(body),
                resume_note(confirmed)
            ))),
        },
        404 => Next::Stop(Stop {
            from_start: true,
            ..Stop::retry("服务器上的上传已中断,下次同步重新上传".to_string())
        }),
        422 => Next::Stop(Stop {
            from_start: true,
            ..Stop::retry("照片在传输中损坏,服务器已丢弃,下次同步重新上传".to_string())
        }),
        500.. => Next::Stop(Stop::retry(format!(
            "服务器暂时出错 ({status}),{}",
            resume_note(confirmed)
        ))),
        _ => Next::Stop(Stop::failed(format!(
            "服务器拒收这张照片 ({status}): {}",
            server_message(body)
        ))),
    }
}

fn error_answer(body: &[u8]) -> PhotoErrorBody {
    serde_json::from_slice(body).unwrap_or_default()
}

/// The connection failed: the photo waits for the next sync, and so do the others.
pub(crate) fn network_failure(confirmed: u64) -> Stop {
    Stop {
        ends_photo_sync: true,
        ..Stop::retry(format!("网络中断,{}", resume_note(confirmed)))
    }
}

/// The server keeps answering without the upload moving on.
pub(crate) fn stalled(confirmed: u64) -> Stop {
    Stop::retry(format!(
        "服务器没有接收数据 (upload does not advance),{}",
        resume_note(confirmed)
    ))
}

/// The photo file on this device is gone or no longer matches its name.
pub(crate) fn damaged_file() -> Stop {
    Stop::failed("本机照片文件已损坏或丢失,无法上传,请重新拍摄".to_string())
}

/// Why a photo waits although nothing of it failed: its report has not reached the server, or
/// (a 核实 / 核查 photo) the result that references it has not been submitted yet.
pub(crate) fn held_back(report: Option<SyncState>, referenced: bool) -> Option<&'static str> {
    match report {
        Some(SyncState::Synced) if referenced => None,
        Some(SyncState::Synced) => Some("等待提交任务结果后上传"),
        Some(SyncState::Pending) => Some("等待所属上报先上传"),
        Some(SyncState::Refused) => Some("所属上报被服务器拒收,照片暂不上传"),
        None => Some("找不到所属上报"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_follow_the_servers_offset_and_size() {
        let check = |offset, size, chunk, expected: Option<Range<usize>>| {
            assert_eq!(
                next_chunk(offset, size, chunk),
                expected,
                "{offset} {size} {chunk}"
            );
        };
        check(0, 1_000_000, 262_144, Some(0..262_144));
        check(786_432, 1_000_000, 262_144, Some(786_432..1_000_000));
        check(1_000_000, 1_000_000, 262_144, None);
        check(1_000_001, 1_000_000, 262_144, None);
        check(0, 100_000, 0, Some(0..4_096));
        check(0, 100 << 20, u64::MAX, Some(0..8 << 20));
    }

    #[test]
    fn sizes_in_megabytes() {
        let check = |bytes, expected: &str| assert_eq!(megabytes(bytes), expected, "{bytes}");
        check(8 << 20, "8 MB");
        check(1_258_291, "1.2 MB");
        check(262_144, "0.3 MB");
        check(0, "0 MB");
        check(u64::MAX, &megabytes(u64::MAX));
    }

    fn stop(next: Next) -> Stop {
        match next {
            Next::Stop(stop) => stop,
            other => panic!("expected a stop, got {other:?}"),
        }
    }

    #[test]
    fn answers_tell_where_to_go_on() {
        const SIZE: u64 = 1_500_000;
        let check = |status, body: &str, expected: Next| {
            assert_eq!(
                after_answer(status, body.as_bytes(), SIZE, 0),
                expected,
                "{status} {body}"
            );
        };
        check(
            200,
            r#"{"offset":0,"size":1500000,"max_bytes":8388608,"chunk_bytes":262144,"complete":false}"#,
            Next::Send {
                offset: 0,
                chunk_bytes: Some(262_144),
            },
        );
        check(
            200,
            r#"{"offset":524288,"size":1500000,"max_bytes":8388608,"chunk_bytes":65536,"complete":false}"#,
            Next::Send {
                offset: 524_288,
                chunk_bytes: Some(65_536),
            },
        );
        check(
            200,
            r#"{"offset":1500000,"size":1500000,"max_bytes":8388608,"chunk_bytes":262144,"complete":true}"#,
            Next::Stored,
        );
        check(
            409,
            r#"{"error":"上传位置不一致","offset":262144}"#,
            Next::Send {
                offset: 262_144,
                chunk_bytes: None,
            },
        );
    }

    #[test]
    fn failures_say_why_and_whether_to_keep_trying() {
        const SIZE: u64 = 1_500_000;
        let check = |status, body: &str, confirmed, state, reason: &str, from_start, ends| {
            let got = stop(after_answer(status, body.as_bytes(), SIZE, confirmed));
            assert_eq!(
                got,
                Stop {
                    state,
                    reason: reason.to_string(),
                    from_start,
                    ends_photo_sync: ends,
                },
                "{status} {body}"
            );
        };
        use PhotoState::{Failed, Pending};
        check(
            413,
            r#"{"error":"照片过大","max_bytes":8388608}"#,
            0,
            Failed,
            "照片超过服务器上限 8 MB",
            false,
            false,
        );
        check(
            403,
            r#"{"error":"没有可查看的上报引用这张照片"}"#,
            0,
            Failed,
            "服务器拒收这张照片 (403): 没有可查看的上报引用这张照片",
            false,
            false,
        );
        check(
            503,
            "Bad Gateway",
            1_258_291,
            Pending,
            "服务器暂时出错 (503),下次同步从 1.2 MB 处继续上传",
            false,
            false,
        );
        check(
            422,
            r#"{"error":"照片校验失败"}"#,
            1_258_291,
            Pending,
            "照片在传输中损坏,服务器已丢弃,下次同步重新上传",
            true,
            false,
        );
        check(
            401,
            "",
            0,
            Pending,
            "登录已失效或设备已被停用,请重新登录后再上传照片",
            false,
            true,
        );
        check(
            200,
            r#"{"offset":1600000,"size":1500000,"max_bytes":8388608,"chunk_bytes":262144,"complete":false}"#,
            0,
            Pending,
            "服务器的回答无法识别 (offset 1600000 of 1500000),下次同步时上传",
            false,
            false,
        );
        check(
            409,
            r#"{"error":"x"}"#,
            0,
            Pending,
            "服务器的回答无法识别 (409 without a usable offset),下次同步时上传",
            false,
            false,
        );
    }

    #[test]
    fn a_network_failure_says_where_the_next_sync_resumes() {
        assert_eq!(
            network_failure(1_258_291).reason,
            "网络中断,下次同步从 1.2 MB 处继续上传"
        );
        assert_eq!(network_failure(0).reason, "网络中断,下次同步时上传");
        assert!(network_failure(0).ends_photo_sync);
        assert_eq!(damaged_file().state, PhotoState::Failed);
        assert_eq!(stalled(0).state, PhotoState::Pending);
    }

    #[test]
    fn photos_wait_for_their_report() {
        assert_eq!(held_back(Some(SyncState::Synced), true), None);
        assert!(held_back(Some(SyncState::Pending), true).is_some());
        assert!(held_back(Some(SyncState::Refused), true).is_some());
        assert!(held_back(None, false).is_some());
        // A task photo waits for the result that references it.
        assert_eq!(
            held_back(Some(SyncState::Synced), false),
            Some("等待提交任务结果后上传")
        );
    }
}
