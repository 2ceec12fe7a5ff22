//! The `Client` handle: opening the store, the session, and raw access to stored documents.

use crate::clock::{Clock, SystemClock};
use crate::error::ClientError;
use crate::model::{LastSync, Session};
use crate::photos::Photos;
use crate::store::{Store, docs, settings};
use crate::track::TrackSettings;
use cgt_shared::DocId;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The 城管通 client: a local store and a sync client. Cheap to clone; every clone shares the
/// same store and may be used from any thread.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) http: reqwest::Client,
    /// One sync at a time per client: two interleaved pushes would confuse the in-doubt record.
    pub(crate) sync_lock: tokio::sync::Mutex<()>,
    pub(crate) photos: Photos,
    pub(crate) track_settings: Mutex<TrackSettings>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("store", &self.inner.store.path())
            .finish_non_exhaustive()
    }
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

impl Client {
    /// Opens (or creates) the store at `db_path`, with the system clock.
    pub fn open(db_path: impl AsRef<Path>) -> Result<Client, ClientError> {
        Client::open_with_clock(db_path, Arc::new(SystemClock))
    }

    pub fn open_with_clock(
        db_path: impl AsRef<Path>,
        clock: Arc<dyn Clock>,
    ) -> Result<Client, ClientError> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("cgt-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Network(format!("无法初始化网络 ({e})")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                store: Store::open(db_path.as_ref())?,
                clock,
                http,
                sync_lock: tokio::sync::Mutex::new(()),
                photos: Photos::beside(db_path.as_ref()),
                track_settings: Mutex::new(TrackSettings::default()),
            }),
        })
    }

    pub fn session(&self) -> Result<Option<Session>, ClientError> {
        Ok(self
            .inner
            .store
            .read(settings::session)?
            .map(|(session, _)| session))
    }

    /// Points the stored session at another base URL.
    pub fn set_server_url(&self, url: &str) -> Result<(), ClientError> {
        let url = normalize_url(url)?;
        self.inner
            .store
            .write(|tx| settings::set_server_url(tx, &url))
    }

    /// When the last sync ended, and its error if it failed.
    pub fn last_sync(&self) -> Result<Option<LastSync>, ClientError> {
        self.inner.store.read(settings::last_sync)
    }

    /// The stored automerge document.
    pub fn doc_bytes(&self, id: DocId) -> Result<Option<Vec<u8>>, ClientError> {
        Ok(self
            .inner
            .store
            .read(|conn| docs::get(conn, id))?
            .map(|row| row.bytes))
    }

    pub fn doc_ids(&self) -> Result<Vec<DocId>, ClientError> {
        self.inner.store.read(docs::ids)
    }

    /// The session and its token, or `NotLoggedIn`.
    pub(crate) fn require_session(&self) -> Result<(Session, String), ClientError> {
        self.inner
            .store
            .read(settings::session)?
            .ok_or(ClientError::NotLoggedIn)
    }
}

/// A base URL without its trailing slash; only http and https.
pub(crate) fn normalize_url(url: &str) -> Result<String, ClientError> {
    let trimmed = url.trim().trim_end_matches('/');
    let has_host = ["http://", "https://"]
        .iter()
        .any(|scheme| trimmed.strip_prefix(scheme).is_some_and(|h| !h.is_empty()));
    if has_host {
        Ok(trimmed.to_string())
    } else {
        Err(ClientError::InvalidServerUrl(url.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls() {
        let check = |input: &str, expected: Option<&str>| {
            assert_eq!(normalize_url(input).ok().as_deref(), expected, "{input}");
        };
        check("http://10.0.0.2:8080/", Some("http://10.0.0.2:8080"));
        check(" https://cgt.example.cn ", Some("https://cgt.example.cn"));
        check("cgt.example.cn", None);
        check("ftp://x", None);
        check("http://", None);
    }

    #[test]
    fn a_client_is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Client>();
    }
}
