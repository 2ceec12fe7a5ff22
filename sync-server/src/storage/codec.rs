//! Column encodings shared by the storage modules: ids as 16-byte blobs, heads as concatenated
//! 32-byte hashes, roles as comma-separated names.

use super::StorageError;
use cgt_shared::Role;
use cgt_shared::wire::Head;
use uuid::Uuid;

pub(super) fn uuid_from(bytes: &[u8]) -> Result<Uuid, StorageError> {
    Uuid::from_slice(bytes)
        .map_err(|_| StorageError::Corrupt(format!("id of {} bytes", bytes.len())))
}

pub(super) fn heads_to_blob(heads: &[Head]) -> Vec<u8> {
    heads.concat()
}

pub(super) fn heads_from_blob(bytes: &[u8]) -> Result<Vec<Head>, StorageError> {
    if !bytes.len().is_multiple_of(32) {
        return Err(StorageError::Corrupt(format!(
            "heads of {} bytes",
            bytes.len()
        )));
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|c| {
            let mut head = [0u8; 32];
            head.copy_from_slice(c);
            head
        })
        .collect())
}

pub(super) fn roles_to_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub(super) fn roles_from_text(text: &str) -> Result<Vec<Role>, StorageError> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| Role::parse(s).ok_or_else(|| StorageError::Corrupt(format!("role {s:?}"))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip() {
        let heads = vec![[1u8; 32], [2u8; 32]];
        assert_eq!(heads_from_blob(&heads_to_blob(&heads)).unwrap(), heads);
        assert!(heads_from_blob(&[0u8; 33]).is_err());
        let roles = vec![Role::Inspector, Role::Admin];
        assert_eq!(roles_from_text(&roles_to_text(&roles)).unwrap(), roles);
        assert_eq!(roles_from_text("").unwrap(), vec![]);
        assert!(roles_from_text("root").is_err());
        assert!(uuid_from(&[0u8; 3]).is_err());
    }
}
