//! Sync with the server: resume a push whose answer was lost, push every unacknowledged
//! document in one request (reporting what the device holds to send, [`crate::pending`]), pull
//! what the feed says the device lacks, then move the cursor, then send the queued photos of
//! stored reports (`crate::photos`: 1 start + 1 per chunk each, a photo's failure does not fail
//! the sync), then the track segments not yet confirmed (`crate::track`: 1 per shift start or
//! end, 1 per segment); after that, one GET brings the reference data up to date (its failure
//! does not fail the sync) and reports what the sync left to send.
//!
//! Round trips: 1 push (+1 per further 24 MiB of stored changes), +1 pull if the feed lists anything the device lacks (+1 per further
//! ~6 MB the server holds back to keep its answers small), +1 status after an interrupted push,
//! +1 push again if the server lacked the base of some document. The decisions are pure
//! (`cgt_shared::plan`, [`outgoing`], [`incoming`]); this module does the I/O.

mod incoming;
mod outgoing;
mod record;
mod retry;

pub use retry::Backoff;

use crate::client::Client;
use crate::error::ClientError;
use crate::http::Http;
use crate::model::SyncReport;
use crate::store::{docs, settings};
use automerge::ActorId;
use cgt_shared::DocId;
use cgt_shared::doc::device_actor;
use cgt_shared::plan::{self, DEFAULT_FRAME_BYTES};
use cgt_shared::wire::{
    self, CONTENT_TYPE, DocOutcome, Limits, PENDING_HEADER, PULL_PATH, PUSH_PATH, PullRequest,
    PullResponse, PushResponse, STATUS_PATH, StatusRequest, StatusResponse, Want,
};
use reqwest::Method;
use std::collections::{HashMap, HashSet};

/// zstd level of push frames and requests. Measured on 256 KB frames of realistic reports
/// (`examples/frame_compression.rs`): against level 9, level 17 saves 1 % on new reports and 6 %
/// on edits for about 4× the CPU (~20 ms a frame on a desktop core); level 19 saves another 1 %
/// for 4× more again. Bytes over a weak uplink cost the inspector more than milliseconds of CPU.
const ZSTD_LEVEL: i32 = 17;

/// Stored document bytes one push request carries at most. Changes compress about 8× (see
/// `examples/frame_compression.rs`), so even a poorly compressing backlog stays well under the
/// server's default 16 MiB body limit; a larger backlog goes out in several pushes.
const MAX_PUSH_BYTES: usize = 24 << 20;

impl Client {
    /// One sync. On failure the reason is stored, so `pending()` shows it, and nothing is lost:
    /// the next sync resumes where this one stopped.
    pub async fn sync(&self) -> Result<SyncReport, ClientError> {
        let _one_at_a_time = self.inner.sync_lock.lock().await;
        let mut result = self.sync_once().await;
        if let Ok(report) = &mut result {
            report.reference = self.update_reference_after_sync().await;
        }
        let now = self.inner.clock.now();
        let error = result.as_ref().err().map(ToString::to_string);
        self.inner.store.write(|tx| {
            if let Some(message) = &error {
                record::failure(tx, message)?;
            }
            settings::record_sync(tx, now, error.as_deref())
        })?;
        result
    }

    async fn sync_once(&self) -> Result<SyncReport, ClientError> {
        let (session, token) = self.require_session()?;
        let actor = device_actor(session.device_id);
        let mut http = Http::new(&self.inner.http, &session.server_url, Some(&token));
        let mut report = SyncReport::default();
        let result = self.run(&mut http, &mut report, actor).await;
        report.round_trips = http.meter.round_trips;
        report.bytes_sent = http.meter.bytes_sent;
        report.bytes_received = http.meter.bytes_received;
        result.map(|()| report)
    }

    async fn run(
        &self,
        http: &mut Http<'_>,
        report: &mut SyncReport,
        actor: ActorId,
    ) -> Result<(), ClientError> {
        let store = &self.inner.store;
        self.resolve_doubt(http).await?;
        let cursor = store.read(settings::cursor)?;
        let (mut answer, mut more) = self.push(http, cursor, report).await?;
        let mut retried = false;
        loop {
            let missing = answer.outcomes.contains(&DocOutcome::MissingDeps);
            if !more && (!missing || retried) {
                break;
            }
            retried |= missing;
            (answer, more) = self.push(http, cursor, report).await?;
        }

        let local: HashMap<_, _> = store
            .read(docs::sync_metas)?
            .into_iter()
            .map(|meta| (meta.doc.id, meta.doc.heads))
            .collect();
        let wants = plan::wants(&answer.feed, |id| local.get(id).cloned());
        self.pull(http, wants, actor, report).await?;
        store.write(|tx| settings::set_cursor(tx, answer.cursor))?;
        report.cursor = answer.cursor;
        self.upload_photos(http, report).await?;
        self.upload_tracks(http, report).await
    }

    /// Pulls the wanted documents and stores each as it comes. The server caps an answer by
    /// size, so the rest is asked for again until nothing more comes: what is still missing
    /// then is what this device may not read.
    async fn pull(
        &self,
        http: &mut Http<'_>,
        mut wants: Vec<Want>,
        actor: ActorId,
        report: &mut SyncReport,
    ) -> Result<(), ClientError> {
        while !wants.is_empty() {
            let request = PullRequest {
                wants: wants.clone(),
            };
            let pulled: PullResponse = http.exchange(PULL_PATH, &request, ZSTD_LEVEL).await?;
            if pulled.docs.is_empty() {
                break;
            }
            let now = self.inner.clock.now();
            for update in &pulled.docs {
                self.inner
                    .store
                    .write(|tx| record::update(tx, update, actor.clone(), now))?;
            }
            report.pulled += pulled.docs.len();
            let received: HashSet<DocId> = pulled.docs.iter().map(|d| d.id).collect();
            wants.retain(|want| !received.contains(&want.id));
        }
        Ok(())
    }

    /// After a push whose answer never arrived: asks which documents the server stored.
    async fn resolve_doubt(&self, http: &mut Http<'_>) -> Result<(), ClientError> {
        let asked = self.inner.store.read(docs::in_doubt)?;
        if asked.is_empty() {
            return Ok(());
        }
        let request = StatusRequest {
            docs: asked.clone(),
        };
        let answer: StatusResponse = http.exchange(STATUS_PATH, &request, ZSTD_LEVEL).await?;
        self.inner
            .store
            .write(|tx| record::status(tx, &asked, &answer))
    }

    /// Pushes pending documents, up to [`MAX_PUSH_BYTES`] of them (none: this only fetches the
    /// feed). Returns the answer and whether documents remain for another push.
    async fn push(
        &self,
        http: &mut Http<'_>,
        cursor: u64,
        report: &mut SyncReport,
    ) -> Result<(PushResponse, bool), ClientError> {
        let store = &self.inner.store;
        let (push, more) = store.read(|conn| {
            let selected = outgoing::select(&docs::sync_metas(conn)?);
            let mut candidates = Vec::new();
            let mut bytes = 0;
            for &id in &selected {
                if bytes >= MAX_PUSH_BYTES {
                    break;
                }
                if let Some(row) = docs::get(conn, id)? {
                    bytes += row.bytes.len();
                    candidates.push(outgoing::Candidate {
                        id,
                        doc: row.load()?,
                        synced: row.synced,
                    });
                }
            }
            let more = candidates.len() < selected.len();
            Ok((outgoing::build(candidates, DEFAULT_FRAME_BYTES), more))
        })?;
        store.write(|tx| docs::set_in_doubt(tx, &push.sent))?;
        let body = outgoing::body(&push.frames, ZSTD_LEVEL);
        let path = format!("{PUSH_PATH}?since={cursor}");
        let pending = [(PENDING_HEADER, self.pending_counts()?.to_header())];
        let delivered = http.meter.round_trips;
        let reply = match http
            .send(Method::POST, &path, CONTENT_TYPE, &pending, body)
            .await
        {
            Err(e) if http.meter.round_trips == delivered => {
                store.write(|tx| docs::clear_in_doubt(tx))?;
                return Err(e);
            }
            reply => reply?,
        };
        let answer: PushResponse = wire::decode(&reply.success()?, &Limits::default())?;
        store.write(|tx| record::outcomes(tx, &push.sent, &answer))?;

        report.pushed += push.sent.len();
        for (entry, outcome) in push.sent.iter().zip(&answer.outcomes) {
            match outcome {
                DocOutcome::Stored => report.stored += 1,
                DocOutcome::MissingDeps => {}
                DocOutcome::Refused { status, reason } => report
                    .refused
                    .push((entry.id, record::refusal_message(*status, reason))),
            }
        }
        Ok((answer, more))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SyncState;
    use crate::testing::{Fixture, garbage_report};
    use cgt_shared::Timestamp;

    #[tokio::test]
    async fn without_network_the_report_stays_and_says_why() {
        let f = Fixture::new();
        f.login();
        let created = f.client.create_report(garbage_report()).unwrap();
        let error = f.client.sync().await.unwrap_err();
        assert!(matches!(error, ClientError::Network(_)), "{error:?}");
        assert_eq!(
            error.to_string(),
            "网络不可用,已保存在本机,有信号后自动上传"
        );

        let reopened = f.reopen();
        let pending = reopened.pending().unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].id, created.id);
        assert_eq!(pending[0].state, SyncState::Pending);
        assert_eq!(
            pending[0].reason.as_deref(),
            Some(error.to_string().as_str())
        );
        assert_eq!(
            reopened.report(created.id).unwrap().unwrap().report,
            created
        );
        let last = reopened.last_sync().unwrap().unwrap();
        assert_eq!(last.error, Some(error.to_string()));
        assert_eq!(last.succeeded_at, None, "a failure is not a success");
    }

    #[tokio::test]
    async fn a_failed_sync_is_not_retried_on_a_refusal() {
        let f = Fixture::new();
        let started = std::time::Instant::now();
        let error = f
            .client
            .sync_with_retry(5, std::time::Duration::from_secs(10))
            .await
            .unwrap_err();
        assert!(matches!(error, ClientError::NotLoggedIn));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn an_edit_made_while_a_push_was_under_way_stays_pending() {
        let f = Fixture::new();
        f.login();
        let created = f.client.create_report(garbage_report()).unwrap();
        let store = &f.client.inner.store;
        let (id, doc, synced) = store
            .read(|conn| {
                let row = docs::get(conn, created.id)?.unwrap();
                Ok((row.id, row.load()?, row.synced))
            })
            .unwrap();
        let push = outgoing::build(vec![outgoing::Candidate { id, doc, synced }], 1 << 20);
        f.client
            .edit_report(created.id, |r| r.description = "又多了两袋垃圾".into())
            .unwrap();
        let answer = PushResponse {
            server_time: Timestamp(5),
            outcomes: vec![DocOutcome::Stored],
            feed: Vec::new(),
            cursor: 1,
        };
        store
            .write(|tx| record::outcomes(tx, &push.sent, &answer))
            .unwrap();
        let view = f.client.report(created.id).unwrap().unwrap();
        assert_eq!(view.sync, SyncState::Pending);
        assert_eq!(view.received_at, Some(Timestamp(5)));
        let row = store
            .read(|conn| docs::get(conn, created.id))
            .unwrap()
            .unwrap();
        assert_eq!(row.synced, push.sent[0].heads);
    }

    #[test]
    fn sync_can_run_on_any_thread() {
        fn assert_send<T: Send>(_: T) {}
        let f = Fixture::new();
        assert_send(f.client.sync());
        assert_send(f.client.sync_with_retry(1, std::time::Duration::ZERO));
        assert_send(f.client.login("http://x", "u", "p", "d"));
    }
}
