//! The server's photo endpoints as the client speaks them: paths, headers and JSON answers.

use serde::{Deserialize, Serialize};

/// `POST`: start or resume an upload.
pub(crate) fn start_path(sha256: &str) -> String {
    format!("/api/v1/photos/{sha256}/upload")
}

/// `PATCH`: append a chunk.
pub(crate) fn chunk_path(sha256: &str) -> String {
    format!("/api/v1/photos/{sha256}")
}

pub(crate) const CHUNK_CONTENT_TYPE: &str = "application/offset+octet-stream";
pub(crate) const UPLOAD_OFFSET: &str = "Upload-Offset";
pub(crate) const JSON: &str = "application/json";

#[derive(Debug, Serialize)]
pub(crate) struct StartRequest {
    pub size: u64,
}

/// Where an upload stands: the answer to a start and to a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) struct UploadAnswer {
    pub offset: u64,
    pub complete: bool,
    /// The chunk size the server asks for (in the answer to a start).
    #[serde(default)]
    pub chunk_bytes: Option<u64>,
}

/// The extra fields of an error answer: the server's offset (409), its limit (413).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorAnswer {
    pub offset: Option<u64>,
    pub max_bytes: Option<u64>,
}
