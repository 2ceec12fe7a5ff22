//! Photos (principle 8: photos are blobs): JPEG files beside the database, named by the SHA-256
//! of their bytes, uploaded in resumable chunks after the report that references them, verified
//! on arrival, and shown to those who may read such a report.
//!
//! Split: [`hash`] names photos, [`upload`] decides each upload step (pure), [`files`] is the
//! blob folder, [`refs`] reads which photos a document references (the index itself is kept by
//! `storage::photo_refs`, the uploads and stored photos by `storage::photos`), [`thumb`] makes
//! thumbnails, and [`store`] puts them together for the handlers; [`backup`] copies them into a
//! backup. [`error`] words the failures.

mod backup;
mod error;
mod files;
mod hash;
mod refs;
mod store;
mod thumb;
pub(crate) mod upload;

pub use backup::{PhotoCopy, copy_photos};
pub use error::PhotoError;
pub use hash::PhotoHash;
pub use store::{CHUNK_BYTES, PhotoArrival, PhotoStore, UploadState, Uploader, arrivals};
