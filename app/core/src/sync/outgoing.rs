//! Building a push, pure: which documents go, what each one sends, and the framed body.
//!
//! A document the server never acknowledged goes whole (`base` and `heads` empty), as the
//! smaller of a compacted save and its raw changes; any other sends the changes after the
//! acknowledged heads. The heads each document had when its changes were taken are recorded:
//! only those become acknowledged when the server answers `Stored`, so an edit made while the
//! push was under way stays pending.

use crate::store::docs::SyncMeta;
use automerge::AutoCommit;
use cgt_shared::DocId;
use cgt_shared::plan::{self, frame_ranges};
use cgt_shared::wire::{self, DocPush, FeedEntry, Head, PushFrame, from_wire, to_wire};

/// A document with changes the server has not acknowledged.
pub(crate) struct Candidate {
    pub id: DocId,
    pub doc: AutoCommit,
    /// Heads the server acknowledged; empty if none.
    pub synced: Vec<Head>,
}

/// A push ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Push {
    pub frames: Vec<PushFrame>,
    /// Per document sent, in the order of the server's outcomes: the heads its changes reach.
    pub sent: Vec<FeedEntry>,
}

/// The documents to push: unacknowledged changes, and not refused (those wait for an edit).
pub(crate) fn select(metas: &[SyncMeta]) -> Vec<DocId> {
    metas
        .iter()
        .filter(|m| !m.refused && plan::needs_push(&m.doc))
        .map(|m| m.doc.id)
        .collect()
}

/// What one document sends, and the heads it had when its changes were taken.
pub(crate) fn doc_push(id: DocId, doc: &mut AutoCommit, synced: &[Head]) -> (DocPush, Vec<Head>) {
    let heads = to_wire(&doc.get_heads());
    let push = if synced.is_empty() {
        let saved = doc.save();
        let changes = doc.save_after(&[]);
        DocPush {
            id,
            base: Vec::new(),
            heads: Vec::new(),
            changes: if changes.len() < saved.len() {
                changes
            } else {
                saved
            },
        }
    } else {
        DocPush {
            id,
            base: synced.to_vec(),
            heads: heads.clone(),
            changes: doc.save_after(&from_wire(synced)),
        }
    };
    (push, heads)
}

/// Takes every candidate's changes and splits them into frames of about `max_frame` bytes.
pub(crate) fn build(candidates: Vec<Candidate>, max_frame: usize) -> Push {
    let mut pushes = Vec::with_capacity(candidates.len());
    let mut sent = Vec::with_capacity(candidates.len());
    for mut candidate in candidates {
        let (push, heads) = doc_push(candidate.id, &mut candidate.doc, &candidate.synced);
        sent.push(FeedEntry {
            id: candidate.id,
            heads,
        });
        pushes.push(push);
    }
    let sizes: Vec<usize> = pushes.iter().map(|p| p.changes.len()).collect();
    let mut pushes = pushes.into_iter();
    let frames = frame_ranges(&sizes, max_frame)
        .into_iter()
        .map(|range| PushFrame {
            docs: pushes.by_ref().take(range.len()).collect(),
        })
        .collect();
    Push { frames, sent }
}

/// The request body: every frame encoded on its own, then framed.
pub(crate) fn body(frames: &[PushFrame], zstd_level: i32) -> Vec<u8> {
    let encoded: Vec<Vec<u8>> = frames
        .iter()
        .map(|frame| wire::encode(frame, zstd_level))
        .collect();
    wire::encode_frames(encoded.iter().map(Vec::as_slice))
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{ActorId, ROOT};
    use cgt_shared::plan::LocalDoc;
    use cgt_shared::wire::{FrameReader, Limits};
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// A document with `changes` commits, and its heads after each of them.
    fn doc_with_history(changes: usize, seed: u8) -> (AutoCommit, Vec<Vec<Head>>) {
        let mut doc = AutoCommit::new().with_actor(ActorId::from(vec![seed; 16]));
        let mut history = Vec::new();
        for i in 0..changes {
            let text = format!(
                "第{i}次修改: {}",
                "井盖破损 ".repeat(usize::from(seed % 7) + i)
            );
            doc.put(ROOT, "description", text).unwrap();
            doc.put(ROOT, "n", i as i64).unwrap();
            doc.commit();
            history.push(to_wire(&doc.get_heads()));
        }
        (doc, history)
    }

    struct Case {
        metas: Vec<SyncMeta>,
        docs: HashMap<DocId, (AutoCommit, Vec<Head>)>,
    }

    /// Per document: how many changes, how many of them the server acknowledged, refused.
    fn case(specs: &[(usize, usize, bool)]) -> Case {
        let mut metas = Vec::new();
        let mut docs = HashMap::new();
        for (i, &(changes, acked, refused)) in specs.iter().enumerate() {
            let id = DocId::new();
            let (doc, history) = doc_with_history(changes, i as u8);
            let synced = if acked == 0 {
                Vec::new()
            } else {
                history[acked.min(changes) - 1].clone()
            };
            metas.push(SyncMeta {
                doc: LocalDoc {
                    id,
                    heads: history[changes - 1].clone(),
                    synced: synced.clone(),
                },
                refused,
            });
            docs.insert(id, (doc, synced));
        }
        Case { metas, docs }
    }

    fn plan(case: &Case, max_frame: usize) -> Push {
        let candidates = select(&case.metas)
            .into_iter()
            .map(|id| {
                let (doc, synced) = &case.docs[&id];
                Candidate {
                    id,
                    doc: doc.clone(),
                    synced: synced.clone(),
                }
            })
            .collect();
        build(candidates, max_frame)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn a_push_carries_each_pending_document_once_within_the_frame_limit(
            specs in proptest::collection::vec((1usize..5, 0usize..6, proptest::bool::weighted(0.15)), 0..10),
            max_frame in 40usize..3000,
        ) {
            let case = case(&specs);
            let push = plan(&case, max_frame);
            let expected: Vec<DocId> = case.metas.iter()
                .filter(|m| !m.refused && m.doc.heads != m.doc.synced)
                .map(|m| m.doc.id)
                .collect();
            let pushed: Vec<&DocPush> = push.frames.iter().flat_map(|f| &f.docs).collect();
            prop_assert_eq!(pushed.iter().map(|p| p.id).collect::<Vec<_>>(), expected.clone());
            prop_assert_eq!(push.sent.iter().map(|s| s.id).collect::<Vec<_>>(), expected);

            for frame in &push.frames {
                prop_assert!(!frame.docs.is_empty());
                let bytes: usize = frame.docs.iter().map(|d| d.changes.len()).sum();
                prop_assert!(bytes <= max_frame || frame.docs.len() == 1);
            }

            for (p, sent) in pushed.iter().zip(&push.sent) {
                let (doc, synced) = &case.docs[&p.id];
                let mut doc = doc.clone();
                let local_heads = to_wire(&doc.get_heads());
                prop_assert_eq!(&sent.heads, &local_heads);
                let mut server = if synced.is_empty() {
                    prop_assert!(p.base.is_empty() && p.heads.is_empty());
                    let smaller = doc.save().len().min(doc.save_after(&[]).len());
                    prop_assert_eq!(p.changes.len(), smaller);
                    AutoCommit::new()
                } else {
                    prop_assert_eq!(&p.base, synced);
                    prop_assert_eq!(&p.heads, &local_heads);
                    doc.fork_at(&from_wire(synced)).unwrap()
                };
                server.load_incremental(&p.changes).unwrap();
                prop_assert_eq!(to_wire(&server.get_heads()), local_heads);
            }

            let body = body(&push.frames, 3);
            let mut reader = FrameReader::new(Limits::default().max_message);
            reader.feed(&body);
            let mut decoded = Vec::new();
            while let Some(frame) = reader.next_frame().unwrap() {
                decoded.push(wire::decode::<PushFrame>(&frame, &Limits::default()).unwrap());
            }
            reader.finish().unwrap();
            prop_assert_eq!(decoded, push.frames);
        }
    }

    #[test]
    fn nothing_pending_is_an_empty_push() {
        let push = plan(&case(&[(2, 2, false), (3, 1, true)]), 1000);
        assert!(push.frames.is_empty() && push.sent.is_empty());
        assert!(body(&push.frames, 3).is_empty());
    }
}
