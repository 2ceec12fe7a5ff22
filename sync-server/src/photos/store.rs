//! The photo store the handlers use: starting and resuming uploads, appending chunks, verifying
//! and committing a finished photo, the access rule, and reading photos and thumbnails. Blocking
//! (files and SQLite): async callers run it on the blocking pool.
//!
//! One upload of a photo changes at a time: a striped lock by photo name, and the store's lease
//! on the photo against other server processes, are held from reading the upload's record to
//! committing the next one, so a client retrying while its earlier request is still being
//! served (by this process or another) cannot interleave two appends.

use super::blobs::PhotoBlobs;
use super::error::PhotoError;
use super::error::PhotoStoreError;
use super::files::FolderBlobs;
use super::hash::PhotoHash;
use super::objects::ObjectBlobs;
use super::refs;
use super::thumb::ThumbMaker;
use super::upload::{self, Partial, Start};
use crate::clock;
use crate::settings::Settings;
use crate::storage::{DocLease, StorageError, Store};
use cgt_shared::UserId;
use cgt_shared::report::PhotoRef;
pub use cgt_shared::wire::photo::UploadState;
use serde::Serialize;
use std::sync::{Mutex, MutexGuard, PoisonError};
use utoipa::ToSchema;

pub use super::upload::Uploader;

/// The chunk size the server asks for, and the largest chunk it accepts.
pub const CHUNK_BYTES: u64 = 256 << 10;
const LOCK_STRIPES: usize = 64;

/// Whether a photo a report references has reached the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct PhotoArrival {
    pub sha256: String,
    pub arrived: bool,
}

pub struct PhotoStore {
    blobs: Box<dyn PhotoBlobs>,
    max_bytes: u64,
    locks: Vec<Mutex<()>>,
    thumbs: ThumbMaker,
}

impl PhotoStore {
    /// Opens the photos' home `settings` name: the object store if one is configured, else
    /// the folder under the data folder (created if missing).
    pub fn open(settings: &Settings) -> Result<PhotoStore, PhotoStoreError> {
        Ok(PhotoStore::over(
            open_blobs(settings)?,
            settings.max_photo_bytes,
        ))
    }

    pub fn over(blobs: Box<dyn PhotoBlobs>, max_bytes: u64) -> PhotoStore {
        PhotoStore {
            blobs,
            max_bytes,
            locks: (0..LOCK_STRIPES).map(|_| Mutex::new(())).collect(),
            thumbs: ThumbMaker::default(),
        }
    }

    /// Holds the photo in this process, then against the other processes sharing `storage`.
    fn lock(
        &self,
        storage: &dyn Store,
        hash: &PhotoHash,
    ) -> Result<(MutexGuard<'_, ()>, DocLease), StorageError> {
        let here = self.locks[hash.stripe(LOCK_STRIPES)]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Ok((here, storage.lease_photo(hash)?))
    }

    fn state(&self, offset: u64, size: u64, complete: bool) -> UploadState {
        UploadState {
            offset,
            size,
            max_bytes: self.max_bytes,
            chunk_bytes: CHUNK_BYTES,
            complete,
        }
    }

    /// Starts or resumes the upload of `size` bytes.
    pub fn start(
        &self,
        storage: &dyn Store,
        hash: &PhotoHash,
        size: u64,
        who: Uploader,
    ) -> Result<UploadState, PhotoError> {
        if size == 0 {
            return Err(PhotoError::EmptySize);
        }
        require_reference(storage, hash, who.user)?;
        self.begin(storage, hash, size, who)
    }

    /// Starts or resumes an upload whose uploader the caller has authorized.
    fn begin(
        &self,
        storage: &dyn Store,
        hash: &PhotoHash,
        size: u64,
        who: Uploader,
    ) -> Result<UploadState, PhotoError> {
        let _one_at_a_time = self.lock(storage, hash)?;
        let (stored, under_way) = storage.photo_state(hash)?;
        let under_way = match stored {
            Some(_) => None,
            None => upload::claim(under_way, who.device, clock::now())?,
        };
        let stored = match stored {
            Some(size) => Some(size),
            None => self.adopt_orphan(storage, hash, who)?,
        };
        let partial_bytes = self.blobs.partial_len(hash)?;
        match upload::start(size, self.max_bytes, stored, under_way, partial_bytes)? {
            Start::Stored { size } => Ok(self.state(size, size, true)),
            Start::Resume(partial) => Ok(self.state(partial.offset, partial.size, false)),
            Start::Begin(partial) => {
                self.blobs.begin_partial(hash)?;
                storage.begin_photo_upload(hash, size, who, clock::now())?;
                Ok(self.state(0, partial.size, false))
            }
        }
    }

    /// A photo file in place without its row: the server stopped between the rename and the
    /// commit. Kept (and recorded) if its bytes are right, else removed. Returns its size.
    fn adopt_orphan(
        &self,
        storage: &dyn Store,
        hash: &PhotoHash,
        who: Uploader,
    ) -> Result<Option<u64>, PhotoError> {
        let Some(size) = self.blobs.stored_len(hash)? else {
            return Ok(None);
        };
        if size == 0 || !self.blobs.stored_matches(hash)? {
            tracing::warn!(photo = %hash, "removed a stored photo whose bytes do not match");
            self.blobs.discard_stored(hash)?;
            return Ok(None);
        }
        storage.record_photo(hash, size, who, clock::now())?;
        tracing::info!(photo = %hash, "recorded a photo that was in place without its row");
        Ok(Some(size))
    }

    /// Appends `chunk` if it starts where the upload stands; at the declared size verifies the
    /// whole file and stores the photo, or discards it on a hash mismatch.
    pub fn append(
        &self,
        storage: &dyn Store,
        hash: &PhotoHash,
        claimed: u64,
        chunk: &[u8],
        who: Uploader,
    ) -> Result<UploadState, PhotoError> {
        require_reference(storage, hash, who.user)?;
        self.write_chunk(storage, hash, claimed, chunk, who)
    }

    /// Stores a whole photo in one go for a caller who authorized `who` for it already: a
    /// console user attaching a photo to a step of a case they may act on (处置反馈).
    pub fn put(
        &self,
        storage: &dyn Store,
        bytes: &[u8],
        who: Uploader,
    ) -> Result<PhotoHash, PhotoError> {
        let hash = PhotoHash::of_bytes(bytes);
        let mut state = self.begin(storage, &hash, bytes.len() as u64, who)?;
        while !state.complete {
            let from = usize::try_from(state.offset).unwrap_or(usize::MAX);
            let to = bytes.len().min(from.saturating_add(CHUNK_BYTES as usize));
            state = self.write_chunk(storage, &hash, state.offset, &bytes[from..to], who)?;
        }
        Ok(hash)
    }

    /// Appends a chunk to an upload whose uploader the caller has authorized.
    fn write_chunk(
        &self,
        storage: &dyn Store,
        hash: &PhotoHash,
        claimed: u64,
        chunk: &[u8],
        who: Uploader,
    ) -> Result<UploadState, PhotoError> {
        let _one_at_a_time = self.lock(storage, hash)?;
        let (stored, under_way) = storage.photo_state(hash)?;
        if let Some(size) = stored {
            // The answer that completed it was lost; the client resends the last chunk.
            return Ok(self.state(size, size, true));
        }
        let partial: Partial = upload::own(under_way, who.device)?.ok_or(PhotoError::NoUpload)?;
        let step = upload::append(partial, claimed, chunk, CHUNK_BYTES, self.thumbs.pipeline())?;
        if self
            .blobs
            .partial_len(hash)?
            .is_none_or(|held| held < partial.offset)
        {
            // The acknowledged bytes are gone (removed outside the server): start over.
            tracing::warn!(photo = %hash, "partial upload file lost; the upload restarts");
            storage.drop_photo_upload(hash)?;
            return Err(PhotoError::NoUpload);
        }
        self.blobs.write_partial(hash, step.at, chunk)?;
        if !step.reaches_size {
            storage.advance_photo_upload(hash, step.offset)?;
            return Ok(self.state(step.offset, partial.size, false));
        }
        if !self.blobs.seal_partial(hash, partial.size)? {
            storage.drop_photo_upload(hash)?;
            tracing::warn!(photo = %hash, user = %who.user, "uploaded photo failed verification");
            return Err(PhotoError::HashMismatch);
        }
        storage.record_photo(hash, partial.size, who, clock::now())?;
        tracing::info!(photo = %hash, size = partial.size, "photo stored");
        Ok(self.state(partial.size, partial.size, true))
    }

    /// The stored photo, if `user` may see it: one who `sees_all` (the centre), or a reader of a
    /// report referencing it.
    pub fn jpeg(
        &self,
        storage: &dyn Store,
        hash: &PhotoHash,
        user: UserId,
        sees_all: bool,
    ) -> Result<Vec<u8>, PhotoError> {
        self.require_visible(storage, hash, user, sees_all)?;
        self.blobs.read_stored(hash)?.ok_or(PhotoError::NotFound)
    }

    /// The thumbnail of a photo `user` may see, made and cached on first request.
    pub fn thumbnail(
        &self,
        storage: &dyn Store,
        hash: &PhotoHash,
        user: UserId,
        sees_all: bool,
    ) -> Result<Vec<u8>, PhotoError> {
        self.require_visible(storage, hash, user, sees_all)?;
        if let Some(cached) = self.blobs.read_thumb(hash)? {
            return Ok(cached);
        }
        let photo = self.blobs.read_stored(hash)?.ok_or(PhotoError::NotFound)?;
        let small = self.thumbs.make(&photo)?;
        self.blobs.write_thumb(hash, &small)?;
        Ok(small)
    }

    /// Strangers learn nothing, not even that the photo exists: 404 for them as for a photo
    /// not stored.
    fn require_visible(
        &self,
        storage: &dyn Store,
        hash: &PhotoHash,
        user: UserId,
        sees_all: bool,
    ) -> Result<(), PhotoError> {
        let stored = storage.photo_size(hash)?.is_some();
        if !stored {
            return Err(PhotoError::NotFound);
        }
        if sees_all {
            return Ok(());
        }
        refs::catch_up(storage)?;
        if storage.photo_readable_by(hash, user)? {
            Ok(())
        } else {
            Err(PhotoError::NotFound)
        }
    }
}

/// The photos' home `settings` name: the object store if one is configured, else the folder
/// under the data folder (created if missing).
pub fn open_blobs(settings: &Settings) -> Result<Box<dyn PhotoBlobs>, PhotoStoreError> {
    Ok(match settings.photo_store()? {
        Some(url) => Box::new(ObjectBlobs::open(settings, &url)?),
        None => Box::new(FolderBlobs::open(&settings.data_dir).map_err(|source| {
            StorageError::DataDir {
                path: settings.data_dir.join(super::files::FOLDER),
                source,
            }
        })?),
    })
}

/// Uploading needs a stored report the uploader's user may read that references the photo, so
/// nobody can fill the disk with photos no case needs.
fn require_reference(
    storage: &dyn Store,
    hash: &PhotoHash,
    user: UserId,
) -> Result<(), PhotoError> {
    refs::catch_up(storage)?;
    if storage.photo_readable_by(hash, user)? {
        Ok(())
    } else {
        Err(PhotoError::NotReferenced)
    }
}

/// For each photo a report references, whether it is stored.
pub fn arrivals(
    storage: &dyn Store,
    photos: &[PhotoRef],
) -> Result<Vec<PhotoArrival>, StorageError> {
    let hashes: Vec<String> = photos.iter().map(|p| p.sha256.clone()).collect();
    let stored = storage.photos_stored(&hashes)?;
    Ok(hashes
        .into_iter()
        .zip(stored)
        .map(|(sha256, arrived)| PhotoArrival { sha256, arrived })
        .collect())
}
