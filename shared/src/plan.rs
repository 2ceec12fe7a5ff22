//! Sync planning, pure: what a device pushes, how a push is split into frames, what it pulls.
//!
//! The client library gathers its local state, asks these functions what to do, and applies the
//! answer; keeping the decisions here makes them property-testable without a network.

use crate::ids::DocId;
use crate::wire::{FeedEntry, Head, Want};
use std::collections::BTreeSet;
use std::ops::Range;

/// Raw change bytes per push frame: small enough that a dropped connection loses little,
/// large enough that compression finds the repetition across documents.
pub const DEFAULT_FRAME_BYTES: usize = 256 << 10;

/// What a device knows about one of its documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalDoc {
    pub id: DocId,
    /// The document's current heads on the device.
    pub heads: Vec<Head>,
    /// Heads the server has acknowledged storing (empty if never).
    pub synced: Vec<Head>,
}

/// Heads are sets: order carries no meaning.
pub fn same_heads(a: &[Head], b: &[Head]) -> bool {
    a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
}

/// Whether the device holds changes the server has not acknowledged.
pub fn needs_push(doc: &LocalDoc) -> bool {
    !same_heads(&doc.heads, &doc.synced)
}

/// Splits documents of the given sizes, in order, into consecutive frames of at most
/// `max_frame` bytes; a document larger than that travels alone.
pub fn frame_ranges(sizes: &[usize], max_frame: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut bytes = 0usize;
    for (i, &size) in sizes.iter().enumerate() {
        if i > start && bytes + size > max_frame {
            ranges.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < sizes.len() {
        ranges.push(start..sizes.len());
    }
    ranges
}

/// The documents of the feed the device must pull: those whose heads differ from its own.
pub fn wants(feed: &[FeedEntry], local_heads: impl Fn(&DocId) -> Option<Vec<Head>>) -> Vec<Want> {
    feed.iter()
        .filter_map(|entry| {
            let have = local_heads(&entry.id).unwrap_or_default();
            (!same_heads(&have, &entry.heads)).then_some(Want { id: entry.id, have })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn framing_examples() {
        assert_eq!(frame_ranges(&[], 10), Vec::<Range<usize>>::new());
        assert_eq!(frame_ranges(&[4, 4, 4], 10), vec![0..2, 2..3]);
        assert_eq!(frame_ranges(&[30, 1, 1], 10), vec![0..1, 1..3]);
        assert_eq!(frame_ranges(&[10, 10], 10), vec![0..1, 1..2]);
    }

    proptest! {
        #[test]
        fn frames_partition_in_order_within_the_limit(
            sizes in proptest::collection::vec(0usize..500, 0..200),
            max in 1usize..2000,
        ) {
            let ranges = frame_ranges(&sizes, max);
            let mut next = 0;
            for r in &ranges {
                prop_assert_eq!(r.start, next);
                prop_assert!(r.end > r.start);
                let total: usize = sizes[r.clone()].iter().sum();
                prop_assert!(total <= max || r.len() == 1);
                next = r.end;
            }
            prop_assert_eq!(next, sizes.len());
        }

        #[test]
        fn wants_are_exactly_the_documents_that_differ(
            entries in proptest::collection::vec((any::<u8>(), proptest::collection::vec(any::<[u8; 32]>(), 1..3), 0u8..3), 0..50),
        ) {
            let mut feed = Vec::new();
            let mut local = HashMap::new();
            for (_, heads, relation) in &entries {
                let id = DocId::new();
                feed.push(FeedEntry { id, heads: heads.clone() });
                match relation {
                    0 => {}
                    1 => { let mut h = heads.clone(); h.reverse(); local.insert(id, h); }
                    _ => { local.insert(id, vec![[0xEE; 32]]); }
                }
            }
            let wants = wants(&feed, |id| local.get(id).cloned());
            for entry in &feed {
                let differs = !local.get(&entry.id).is_some_and(|h| same_heads(h, &entry.heads));
                let wanted = wants.iter().find(|w| w.id == entry.id);
                prop_assert_eq!(wanted.is_some(), differs);
                if let Some(w) = wanted {
                    prop_assert_eq!(&w.have, &local.get(&entry.id).cloned().unwrap_or_default());
                }
            }
        }

        #[test]
        fn push_is_needed_iff_heads_differ_as_sets(a in proptest::collection::vec(any::<[u8; 32]>(), 0..4)) {
            let mut reversed = a.clone();
            reversed.reverse();
            let doc = LocalDoc { id: DocId::new(), heads: a.clone(), synced: reversed };
            prop_assert!(!needs_push(&doc));
            let mut more = a.clone();
            more.push([0xAB; 32]);
            let doc = LocalDoc { id: DocId::new(), heads: more, synced: a };
            prop_assert!(needs_push(&doc));
        }
    }
}
