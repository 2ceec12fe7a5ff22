//! Photos in an S3-compatible object store, which every server process of a deployment shares.
//! Keys under the configured prefix follow the folder's layout: `ab/cd/<sha256>.jpg` for stored
//! photos, `thumbs/<sha256>.jpg` for thumbnails, and for an upload under way
//! `partial/<sha256>/begun` plus one object per chunk, `partial/<sha256>/<offset in 16 hex
//! digits>`. Chunks are kept until the whole photo is verified; it is then written once under
//! its name and the chunks are deleted.
//!
//! The port is blocking and the client is async: requests run on a small runtime of this
//! store's own, and the calling (blocking-pool) thread waits for the answer.

use super::blobs::PhotoBlobs;
use super::hash::PhotoHash;
use crate::settings::{PhotoStoreUrl, Settings};
use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ClientOptions, ObjectStore, PutPayload, RetryConfig};
use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::sync::{Arc, mpsc};
use std::time::Duration;
use thiserror::Error;
use tokio::runtime::Runtime;

const BEGUN: &str = "begun";

#[derive(Debug, Error)]
pub enum ObjectStoreError {
    #[error("照片对象存储配置无效 (photo object store: {0})")]
    Setup(String),
    #[error(
        "无法访问照片对象存储 {url} ({reason}),请检查地址、密钥和存储桶 (photo object store unreachable)"
    )]
    Unreachable { url: String, reason: String },
}

pub struct ObjectBlobs {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    /// `None` only while dropping: the runtime is shut down without waiting, which is allowed
    /// on any thread.
    runtime: Option<Runtime>,
}

impl ObjectBlobs {
    /// Connects to the store `settings` name and checks that it answers.
    pub fn open(settings: &Settings, url: &PhotoStoreUrl) -> Result<ObjectBlobs, ObjectStoreError> {
        let setup = |e: object_store::Error| ObjectStoreError::Setup(e.to_string());
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&url.bucket)
            .with_region(
                settings
                    .photo_store_region
                    .as_deref()
                    .unwrap_or("us-east-1"),
            )
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(60)),
            )
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(20),
                ..RetryConfig::default()
            });
        if let Some(endpoint) = &settings.photo_store_endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(key) = &settings.photo_store_access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &settings.photo_store_secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let blobs = ObjectBlobs::over(Arc::new(builder.build().map_err(setup)?), &url.prefix)
            .map_err(|e| ObjectStoreError::Setup(e.to_string()))?;
        blobs.probe().map_err(|e| ObjectStoreError::Unreachable {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        Ok(blobs)
    }

    /// Photos kept in `store` under `prefix` (empty for the store's root).
    pub fn over(store: Arc<dyn ObjectStore>, prefix: &str) -> io::Result<ObjectBlobs> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("cgt-photo-store")
            .enable_all()
            .build()?;
        Ok(ObjectBlobs {
            store,
            prefix: prefix.trim_matches('/').to_string(),
            runtime: Some(runtime),
        })
    }

    /// Writes and deletes a small object: the bucket exists and the key may write to it.
    fn probe(&self) -> io::Result<()> {
        let key = self.key(".cgt-probe");
        self.write(key.clone(), b"cgt")?;
        self.remove(key)
    }

    fn key(&self, relative: &str) -> Path {
        if self.prefix.is_empty() {
            Path::from(relative)
        } else {
            Path::from(format!("{}/{relative}", self.prefix))
        }
    }

    fn stored_key(&self, hash: &PhotoHash) -> Path {
        let name = hash.as_str();
        self.key(&format!("{}/{}/{name}.jpg", &name[..2], &name[2..4]))
    }

    fn thumb_key(&self, hash: &PhotoHash) -> Path {
        self.key(&format!("thumbs/{hash}.jpg"))
    }

    fn partial_dir(&self, hash: &PhotoHash) -> Path {
        self.key(&format!("partial/{hash}"))
    }

    fn chunk_key(&self, hash: &PhotoHash, at: u64) -> Path {
        self.partial_dir(hash).child(format!("{at:016x}"))
    }

    /// Runs `work` on this store's runtime and waits for it.
    fn run<T: Send + 'static>(
        &self,
        work: impl Future<Output = object_store::Result<T>> + Send + 'static,
    ) -> io::Result<T> {
        let runtime = self
            .runtime
            .as_ref()
            .ok_or_else(|| io::Error::other("photo store closed"))?;
        let (done, answer) = mpsc::sync_channel(1);
        runtime.spawn(async move {
            let _ = done.send(work.await);
        });
        answer
            .recv()
            .map_err(|_| io::Error::other("photo store request dropped"))?
            .map_err(into_io)
    }

    fn len(&self, key: Path) -> io::Result<Option<u64>> {
        let store = self.store.clone();
        self.run(async move { found(store.head(&key).await).map(|m| m.map(|m| m.size)) })
    }

    fn read(&self, key: Path) -> io::Result<Option<Vec<u8>>> {
        let store = self.store.clone();
        self.run(async move {
            match found(store.get(&key).await)? {
                Some(got) => Ok(Some(got.bytes().await?.to_vec())),
                None => Ok(None),
            }
        })
    }

    fn write(&self, key: Path, bytes: &[u8]) -> io::Result<()> {
        self.write_owned(key, bytes.to_vec())
    }

    fn write_owned(&self, key: Path, bytes: Vec<u8>) -> io::Result<()> {
        let (store, payload) = (self.store.clone(), PutPayload::from(bytes));
        self.run(async move { store.put(&key, payload).await.map(|_| ()) })
    }

    fn remove(&self, key: Path) -> io::Result<()> {
        let store = self.store.clone();
        self.run(async move { found(store.delete(&key).await).map(|_| ()) })
    }

    /// The chunks of an upload by offset with their sizes, and whether it was begun.
    fn chunks(&self, hash: &PhotoHash) -> io::Result<(bool, BTreeMap<u64, u64>)> {
        let (store, dir) = (self.store.clone(), self.partial_dir(hash));
        let listed =
            self.run(async move { store.list(Some(&dir)).try_collect::<Vec<_>>().await })?;
        let mut begun = false;
        let mut chunks = BTreeMap::new();
        for object in listed {
            let name = object.location.filename().unwrap_or_default();
            if name == BEGUN {
                begun = true;
            } else if let Ok(at) = u64::from_str_radix(name, 16) {
                chunks.insert(at, object.size);
            }
        }
        Ok((begun || !chunks.is_empty(), chunks))
    }

    /// Deletes every object of an upload.
    fn drop_partial(&self, hash: &PhotoHash) -> io::Result<()> {
        let (store, dir) = (self.store.clone(), self.partial_dir(hash));
        self.run(async move {
            let listed = store.list(Some(&dir)).map_ok(|m| m.location).boxed();
            store.delete_stream(listed).try_collect::<Vec<_>>().await?;
            Ok(())
        })
    }
}

impl PhotoBlobs for ObjectBlobs {
    fn partial_len(&self, hash: &PhotoHash) -> io::Result<Option<u64>> {
        let (begun, chunks) = self.chunks(hash)?;
        Ok(begun.then(|| chain(&chunks).last().map_or(0, |&(at, size)| at + size)))
    }

    fn begin_partial(&self, hash: &PhotoHash) -> io::Result<()> {
        self.drop_partial(hash)?;
        self.write(self.partial_dir(hash).child(BEGUN), &[])
    }

    /// Chunks after `at` can only be one written but never acknowledged at `at` itself (the
    /// acknowledged offset never goes back), so writing the chunk's key replaces it.
    fn write_partial(&self, hash: &PhotoHash, at: u64, chunk: &[u8]) -> io::Result<()> {
        self.write(self.chunk_key(hash, at), chunk)
    }

    /// A chain short of `size` (a chunk the store does not list yet) keeps the upload: the
    /// client's retry seals it again, or restarts it if a chunk is truly gone.
    fn seal_partial(&self, hash: &PhotoHash, size: u64) -> io::Result<bool> {
        let (_, chunks) = self.chunks(hash)?;
        let chain = chain(&chunks);
        if chain.last().map_or(0, |&(at, len)| at + len) != size {
            return Err(super::files::incomplete(hash, size));
        }
        let keys: Vec<Path> = chain
            .into_iter()
            .map(|(at, _)| self.chunk_key(hash, at))
            .collect();
        let store = self.store.clone();
        let parts = self.run(async move {
            let reads = keys.iter().map(|key| {
                let store = store.clone();
                async move { store.get(key).await?.bytes().await }
            });
            futures::future::try_join_all(reads).await
        })?;
        // Each chunk is dropped once copied: the photo is held about once, not three times.
        let mut whole = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        for part in parts {
            whole.extend_from_slice(&part);
        }
        let matches = PhotoHash::of_bytes(&whole) == *hash;
        if matches {
            self.write_owned(self.stored_key(hash), whole)?;
        }
        self.drop_partial(hash)?;
        Ok(matches)
    }

    fn stored_len(&self, hash: &PhotoHash) -> io::Result<Option<u64>> {
        self.len(self.stored_key(hash))
    }

    fn stored_matches(&self, hash: &PhotoHash) -> io::Result<bool> {
        Ok(self
            .read(self.stored_key(hash))?
            .is_some_and(|bytes| PhotoHash::of_bytes(&bytes) == *hash))
    }

    fn read_stored(&self, hash: &PhotoHash) -> io::Result<Option<Vec<u8>>> {
        self.read(self.stored_key(hash))
    }

    fn put_stored(&self, hash: &PhotoHash, bytes: &[u8]) -> io::Result<()> {
        self.write(self.stored_key(hash), bytes)
    }

    fn discard_stored(&self, hash: &PhotoHash) -> io::Result<()> {
        self.remove(self.stored_key(hash))
    }

    fn read_thumb(&self, hash: &PhotoHash) -> io::Result<Option<Vec<u8>>> {
        self.read(self.thumb_key(hash))
    }

    fn write_thumb(&self, hash: &PhotoHash, jpeg: &[u8]) -> io::Result<()> {
        self.write(self.thumb_key(hash), jpeg)
    }
}

impl Drop for ObjectBlobs {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// The chunks that follow each other from byte 0, as (offset, size).
fn chain(chunks: &BTreeMap<u64, u64>) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(&size) = chunks.get(&at).filter(|&&size| size > 0) {
        out.push((at, size));
        at += size;
    }
    out
}

/// A missing object as `None`.
fn found<T>(result: object_store::Result<T>) -> object_store::Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

fn into_io(e: object_store::Error) -> io::Error {
    match e {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, e),
        other => io::Error::other(other),
    }
}

#[cfg(test)]
mod tests {
    use super::super::blobs::contract;
    use super::*;
    use object_store::memory::InMemory;

    fn in_memory(prefix: &str) -> (Arc<InMemory>, ObjectBlobs) {
        let store = Arc::new(InMemory::new());
        let blobs = ObjectBlobs::over(store.clone(), prefix).unwrap();
        (store, blobs)
    }

    #[test]
    fn an_object_store_keeps_the_contract() {
        contract::check(&in_memory("").1);
        contract::check(&in_memory("city/photos/").1);
    }

    #[test]
    fn keys_follow_the_folder_layout_under_the_prefix() {
        let (store, blobs) = in_memory("/city/");
        let photo = b"\xFF\xD8 in two chunks";
        let hash = contract::name(photo);
        blobs.begin_partial(&hash).unwrap();
        blobs.write_partial(&hash, 0, &photo[..4]).unwrap();
        blobs.write_partial(&hash, 4, &photo[4..]).unwrap();
        let keys = |blobs: &ObjectBlobs| {
            let store = store.clone();
            blobs
                .run(async move {
                    store
                        .list(None)
                        .map_ok(|m| m.location.to_string())
                        .try_collect::<Vec<_>>()
                        .await
                })
                .unwrap()
        };
        let name = hash.as_str();
        let mut under_way = keys(&blobs);
        under_way.sort();
        assert_eq!(
            under_way,
            [
                format!("city/partial/{name}/0000000000000000"),
                format!("city/partial/{name}/0000000000000004"),
                format!("city/partial/{name}/begun"),
            ]
        );
        assert!(blobs.seal_partial(&hash, photo.len() as u64).unwrap());
        assert_eq!(
            keys(&blobs),
            [format!("city/{}/{}/{name}.jpg", &name[..2], &name[2..4])]
        );
    }

    #[test]
    fn a_gap_in_the_chunks_ends_what_is_held() {
        let chunks = BTreeMap::from([(0, 4), (4, 4), (12, 4)]);
        assert_eq!(chain(&chunks), [(0, 4), (4, 4)]);
        assert_eq!(chain(&BTreeMap::from([(4, 4)])), []);
    }

    #[test]
    fn an_unreachable_store_fails_at_start_with_its_address() {
        let mut settings = Settings::for_test(std::path::Path::new("/nonexistent"));
        settings.photo_store_endpoint = Some("http://127.0.0.1:9".into());
        settings.photo_store_access_key_id = Some("key".into());
        settings.photo_store_secret_access_key = Some("secret".into());
        let url = PhotoStoreUrl::parse("s3://photos/city").unwrap();
        let error = ObjectBlobs::open(&settings, &url)
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("s3://photos/city"), "{error}");
        assert!(error.contains("无法访问照片对象存储"), "{error}");
    }
}
