//! The photo upload endpoints, resumable in the manner of tus: `POST` starts or resumes an
//! upload and answers where it stands; `PATCH` appends a chunk at `Upload-Offset`; the last
//! chunk makes the server verify the photo against its name (its SHA-256) and store it once.
//! Errors carry what the client goes on from: the server's `offset` on a 409, the limit
//! (`max_bytes` or `chunk_bytes`) on a 413.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET` the photo, `PATCH` a chunk.
pub const PATH: &str = "/api/v1/photos/{sha256}";
/// `POST` a [`StartRequest`].
pub const UPLOAD_PATH: &str = "/api/v1/photos/{sha256}/upload";
/// `GET` a thumbnail.
pub const THUMB_PATH: &str = "/api/v1/photos/{sha256}/thumb";
/// The content type of a chunk, as in the tus protocol.
pub const CHUNK_CONTENT_TYPE: &str = "application/offset+octet-stream";
/// Where a chunk starts.
pub const UPLOAD_OFFSET: &str = "upload-offset";

/// `path` with the photo's name in place.
pub fn path_of(path: &str, sha256: &str) -> String {
    path.replace("{sha256}", sha256)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StartRequest {
    /// Bytes of the photo.
    #[schema(minimum = 1)]
    pub size: u64,
}

/// Where an upload stands, as both upload endpoints answer it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UploadState {
    /// Bytes the server holds durably; the next chunk starts here.
    pub offset: u64,
    pub size: u64,
    /// The largest photo the server accepts.
    pub max_bytes: u64,
    /// The chunk size to send.
    pub chunk_bytes: u64,
    /// The photo is stored and verified: nothing more to send.
    pub complete: bool,
}

/// A photo error: the message, plus what the client goes on from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PhotoErrorBody {
    pub error: String,
    /// The server's offset, on a 409 for a chunk that does not start there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// The largest photo accepted, on a 413 for a photo too large.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<u64>,
    /// The largest chunk accepted, on a 413 for a chunk too large.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunk_bytes: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_the_photo() {
        let sha = "ab".repeat(32);
        assert_eq!(
            path_of(UPLOAD_PATH, &sha),
            format!("/api/v1/photos/{sha}/upload")
        );
        assert_eq!(path_of(PATH, &sha), format!("/api/v1/photos/{sha}"));
    }

    #[test]
    fn an_error_without_extras_reads_and_writes_without_them() {
        let body = PhotoErrorBody {
            error: "照片过大".into(),
            max_bytes: Some(8),
            ..PhotoErrorBody::default()
        };
        let text = serde_json::to_string(&body).unwrap();
        assert_eq!(text, r#"{"error":"照片过大","max_bytes":8}"#);
        assert_eq!(serde_json::from_str::<PhotoErrorBody>(&text).unwrap(), body);
    }
}
