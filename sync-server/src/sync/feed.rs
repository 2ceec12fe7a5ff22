//! The feed of a push answer: what the device may read and lacks. Pure.

use crate::storage::FeedRow;
use cgt_shared::DocId;
use cgt_shared::plan::same_heads;
use cgt_shared::wire::{FeedEntry, Head};
use std::collections::HashMap;

/// The changed documents, less those the device pushed in this request and whose server heads
/// equal its own (it has them already). `pushed` holds each pushed document with the device's
/// heads; a later entry for the same document wins.
pub fn feed_entries(rows: Vec<FeedRow>, pushed: &[(DocId, Vec<Head>)]) -> Vec<FeedEntry> {
    let device: HashMap<DocId, &Vec<Head>> = pushed.iter().map(|(id, h)| (*id, h)).collect();
    rows.into_iter()
        .filter(|row| {
            !device
                .get(&row.id)
                .is_some_and(|h| same_heads(h, &row.heads))
        })
        .map(|row| FeedEntry {
            id: row.id,
            heads: row.heads,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushed_documents_the_device_already_has_are_left_out() {
        let (a, b, c) = (DocId::new(), DocId::new(), DocId::new());
        let row = |id, heads: Vec<Head>| FeedRow { id, heads };
        let rows = vec![
            row(a, vec![[1; 32], [2; 32]]),
            row(b, vec![[3; 32]]),
            row(c, vec![[4; 32]]),
        ];
        let pushed = vec![
            (a, vec![[2; 32], [1; 32]]),
            (b, vec![[9; 32]]),
            (b, vec![[8; 32]]),
        ];
        let ids: Vec<DocId> = feed_entries(rows, &pushed).iter().map(|e| e.id).collect();
        assert_eq!(ids, vec![b, c]);
    }
}
