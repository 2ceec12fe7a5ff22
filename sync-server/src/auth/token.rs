//! Bearer tokens: 32 random bytes, hex on the wire; only their SHA-256 is stored.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh token and the hash to store.
pub fn generate() -> (String, [u8; 32]) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hash_of(&token);
    (token, hash)
}

/// The stored form of a token; `None` if the text cannot be a token of ours.
pub fn parse(token: &str) -> Option<[u8; 32]> {
    let well_formed = token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then(|| hash_of(&token.to_ascii_lowercase()))
}

fn hash_of(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_to_their_hash() {
        let (token, hash) = generate();
        assert_eq!(token.len(), 64);
        assert_eq!(parse(&token), Some(hash));
        assert_eq!(parse(&token.to_ascii_uppercase()), Some(hash));
        assert_ne!(generate().0, token);
        for bad in ["", "abc", &"g".repeat(64), &format!("{token}0")] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
