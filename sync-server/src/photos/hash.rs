//! Photo names: the lower-case hex SHA-256 of the stored bytes. Checked before any use, since a
//! name becomes part of a file path.

use super::error::PhotoError;
use cgt_shared::report::PhotoRef;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Read;
use std::path::Path;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

/// A valid photo name: 64 lower-case hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhotoHash(String);

impl From<PhotoHash> for String {
    fn from(hash: PhotoHash) -> String {
        hash.0
    }
}

impl utoipa::PartialSchema for PhotoHash {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[0-9a-f]{64}$"))
            .description(Some(
                "照片名: SHA-256, 64 位小写十六进制 (lower-case hex SHA-256)",
            ))
            .into()
    }
}

impl utoipa::ToSchema for PhotoHash {}

impl PhotoHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name of `bytes`.
    pub fn of_bytes(bytes: &[u8]) -> PhotoHash {
        PhotoHash(hex::encode(Sha256::digest(bytes)))
    }

    /// Whether the file at `path` holds what this name promises; read in blocks.
    pub fn matches_file(&self, path: &Path) -> std::io::Result<bool> {
        let mut file = std::fs::File::open(path)?;
        let mut hasher = Sha256::new();
        let mut block = vec![0u8; 64 << 10];
        loop {
            let n = file.read(&mut block)?;
            if n == 0 {
                break;
            }
            hasher.update(&block[..n]);
        }
        Ok(hex::encode(hasher.finalize()) == self.0)
    }

    /// Which of the locks striped over photo names this one takes.
    pub(super) fn stripe(&self, stripes: usize) -> usize {
        let prefix = u64::from_str_radix(&self.0[..12], 16).unwrap_or(0);
        (prefix % stripes as u64) as usize
    }
}

impl TryFrom<String> for PhotoHash {
    type Error = PhotoError;

    fn try_from(text: String) -> Result<PhotoHash, PhotoError> {
        let candidate = PhotoRef { sha256: text };
        if candidate.is_valid() {
            Ok(PhotoHash(candidate.sha256))
        } else {
            Err(PhotoError::BadHash)
        }
    }
}

impl fmt::Display for PhotoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lower_case_hex_of_the_right_length_names_a_photo() {
        let check = |text: &str, ok: bool| {
            assert_eq!(PhotoHash::try_from(text.to_string()).is_ok(), ok, "{text}")
        };
        check(&"ab".repeat(32), true);
        check(&"AB".repeat(32), false);
        check(&"ab".repeat(31), false);
        check(&"ab".repeat(33), false);
        check(&format!("{}/..", "a".repeat(61)), false);
        check(&"g".repeat(64), false);
        check("", false);
    }

    #[test]
    fn a_name_matches_only_its_bytes() {
        let name = PhotoHash::try_from(hex::encode(Sha256::digest(b"jpeg"))).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        std::fs::write(&path, b"jpeg").unwrap();
        assert!(name.matches_file(&path).unwrap());
        std::fs::write(&path, b"jpeg ").unwrap();
        assert!(!name.matches_file(&path).unwrap());
        assert!(name.stripe(64) < 64);
    }
}
