//! Photos (principle 8: photos are blobs): JPEG files beside the database, named by the SHA-256
//! of their bytes, uploaded in resumable chunks after the report that references them, verified
//! on arrival, and shown to those who may read such a report.
//!
//! Split: [`hash`] names photos, [`upload`] decides each upload step (pure), [`blobs`] is the
//! port where photo bytes live, with two backends: [`files`], the folder beside the embedded
//! database, and [`objects`], an S3-compatible object store. [`refs`] reads which photos a
//! document references (the index itself is kept by `storage::photo_refs`, the uploads and
//! stored photos by `storage::photos`), [`thumb`] makes thumbnails, and [`store`] puts them
//! together for the handlers; [`copy`] copies photos into a backup or an object store.
//! [`error`] words the failures.

mod blobs;
mod copy;
mod error;
mod files;
mod hash;
mod objects;
mod refs;
mod store;
mod thumb;
pub(crate) mod upload;

pub use blobs::PhotoBlobs;
pub use copy::{PhotoCopy, copy_photos};
pub use error::{PhotoError, PhotoStoreError};
pub use files::FolderBlobs;
pub use hash::PhotoHash;
pub use objects::ObjectBlobs;
pub use store::{
    CHUNK_BYTES, PhotoArrival, PhotoStore, UploadState, Uploader, arrivals, open_blobs,
};
