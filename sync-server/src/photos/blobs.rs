//! Where photo bytes live, as a port: uploads under way (grown chunk by chunk, kept until the
//! whole photo is verified), stored photos named by their hash, and cached thumbnails. Two
//! backends: the folder beside the embedded database ([`super::files`], the default) and an
//! S3-compatible object store ([`super::objects`]) that several server processes share.
//!
//! Every method is blocking; a write has reached durable storage when it returns.

use super::hash::PhotoHash;
use std::io;

pub trait PhotoBlobs: Send + Sync {
    /// How many bytes of the upload under way are held, counted from byte 0; `None` if no
    /// upload was begun (or its bytes were lost).
    fn partial_len(&self, hash: &PhotoHash) -> io::Result<Option<u64>>;

    /// Begins an upload at byte 0, dropping whatever an earlier one left.
    fn begin_partial(&self, hash: &PhotoHash) -> io::Result<()>;

    /// Writes `chunk` at `at`, dropping whatever unacknowledged bytes followed.
    fn write_partial(&self, hash: &PhotoHash, at: u64, chunk: &[u8]) -> io::Result<()>;

    /// Checks the finished upload of `size` bytes against its name: stores the photo and
    /// returns `true`, or discards the upload and returns `false` when its bytes do not match.
    /// Fewer bytes held than `size` is an error that keeps the upload (the client retries).
    fn seal_partial(&self, hash: &PhotoHash, size: u64) -> io::Result<bool>;

    /// The size of the stored photo, or `None` if it is not stored.
    fn stored_len(&self, hash: &PhotoHash) -> io::Result<Option<u64>>;

    /// Whether the stored photo's bytes match its name (`false` if it is not stored).
    fn stored_matches(&self, hash: &PhotoHash) -> io::Result<bool>;

    fn read_stored(&self, hash: &PhotoHash) -> io::Result<Option<Vec<u8>>>;

    /// Stores a whole photo whose bytes the caller has checked (a copy from another store).
    fn put_stored(&self, hash: &PhotoHash, bytes: &[u8]) -> io::Result<()>;

    fn discard_stored(&self, hash: &PhotoHash) -> io::Result<()>;

    fn read_thumb(&self, hash: &PhotoHash) -> io::Result<Option<Vec<u8>>>;

    /// Caches a thumbnail; two requests making the same one at once each write it whole.
    fn write_thumb(&self, hash: &PhotoHash, jpeg: &[u8]) -> io::Result<()>;
}

/// What every backend must do, run against each of them by its tests.
#[cfg(test)]
pub(super) mod contract {
    use super::*;

    pub fn name(bytes: &[u8]) -> PhotoHash {
        PhotoHash::of_bytes(bytes)
    }

    pub fn check(blobs: &dyn PhotoBlobs) {
        a_photo_grows_by_chunks_and_is_stored_once_verified(blobs);
        bytes_that_do_not_match_their_name_are_discarded(blobs);
        beginning_again_starts_from_nothing(blobs);
        whole_photos_and_thumbnails_are_kept(blobs);
    }

    fn a_photo_grows_by_chunks_and_is_stored_once_verified(blobs: &dyn PhotoBlobs) {
        let photo = b"\xFF\xD8 a photo in three chunks";
        let hash = name(photo);
        assert_eq!(blobs.partial_len(&hash).unwrap(), None);
        blobs.begin_partial(&hash).unwrap();
        assert_eq!(blobs.partial_len(&hash).unwrap(), Some(0));
        blobs.write_partial(&hash, 0, &photo[..10]).unwrap();
        blobs.write_partial(&hash, 10, &photo[10..20]).unwrap();
        assert_eq!(blobs.partial_len(&hash).unwrap(), Some(20));
        // A crash left bytes that were never acknowledged: the next chunk replaces them.
        blobs.write_partial(&hash, 20, b"garbage garbage").unwrap();
        blobs.write_partial(&hash, 20, &photo[20..]).unwrap();
        assert_eq!(blobs.partial_len(&hash).unwrap(), Some(photo.len() as u64));
        assert_eq!(blobs.stored_len(&hash).unwrap(), None);
        assert!(!blobs.stored_matches(&hash).unwrap());

        let size = photo.len() as u64;
        assert!(blobs.seal_partial(&hash, size + 1).is_err(), "a byte short");
        assert_eq!(blobs.partial_len(&hash).unwrap(), Some(size), "kept");
        assert!(blobs.seal_partial(&hash, size).unwrap());
        assert_eq!(blobs.partial_len(&hash).unwrap(), None);
        assert!(blobs.stored_matches(&hash).unwrap());
        assert_eq!(blobs.stored_len(&hash).unwrap(), Some(photo.len() as u64));
        assert_eq!(blobs.read_stored(&hash).unwrap().unwrap(), photo);
    }

    fn bytes_that_do_not_match_their_name_are_discarded(blobs: &dyn PhotoBlobs) {
        let hash = name(b"the photo the device meant");
        blobs.begin_partial(&hash).unwrap();
        blobs.write_partial(&hash, 0, b"other bytes").unwrap();
        assert!(!blobs.seal_partial(&hash, 11).unwrap());
        assert_eq!(blobs.partial_len(&hash).unwrap(), None);
        assert_eq!(blobs.stored_len(&hash).unwrap(), None);
        assert_eq!(blobs.read_stored(&hash).unwrap(), None);
    }

    fn beginning_again_starts_from_nothing(blobs: &dyn PhotoBlobs) {
        let photo = b"\xFF\xD8 begun twice";
        let hash = name(photo);
        blobs.begin_partial(&hash).unwrap();
        blobs.write_partial(&hash, 0, b"stale").unwrap();
        blobs.begin_partial(&hash).unwrap();
        assert_eq!(blobs.partial_len(&hash).unwrap(), Some(0));
        blobs.write_partial(&hash, 0, photo).unwrap();
        assert!(blobs.seal_partial(&hash, photo.len() as u64).unwrap());
        assert_eq!(blobs.read_stored(&hash).unwrap().unwrap(), photo);
    }

    fn whole_photos_and_thumbnails_are_kept(blobs: &dyn PhotoBlobs) {
        let photo = b"\xFF\xD8 copied from elsewhere";
        let hash = name(photo);
        blobs.put_stored(&hash, photo).unwrap();
        assert!(blobs.stored_matches(&hash).unwrap());
        assert_eq!(blobs.read_thumb(&hash).unwrap(), None);
        blobs.write_thumb(&hash, b"small").unwrap();
        blobs.write_thumb(&hash, b"small").unwrap();
        assert_eq!(blobs.read_thumb(&hash).unwrap().unwrap(), b"small");
        blobs.discard_stored(&hash).unwrap();
        blobs.discard_stored(&hash).unwrap();
        assert_eq!(blobs.stored_len(&hash).unwrap(), None);
    }
}
