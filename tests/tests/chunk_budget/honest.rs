//! Honest Automerge output passes, with the same op counts Automerge reports.

use automerge::{AutoCommit, ReadDoc};
use cgt_shared::doc::chunks::{ChunkBudget, ChunkError, ChunkStats, check_chunks};
use cgt_tests::sample_docs::*;

fn check(bytes: &[u8]) -> ChunkStats {
    check_chunks(bytes, &GENEROUS).expect("honest data must pass")
}

/// Which chunk types a buffer holds, from the frame alone.
fn chunk_types(bytes: &[u8]) -> Vec<u8> {
    split_chunks(bytes).iter().map(|c| c[8]).collect()
}

#[test]
fn empty_buffer_is_accepted() {
    assert_eq!(check(&[]), ChunkStats::default());
}

#[test]
fn save_of_small_doc_counts_exact_ops() {
    let mut doc = small_doc();
    let expected_ops = automerge_ops(&mut doc, &[]);
    let changes = doc.get_changes(&[]).len() as u64;
    assert_eq!(expected_ops, 3 + 1 + 100);

    let saved = doc.save();
    assert_eq!(
        chunk_types(&saved),
        vec![0],
        "save() emits one document chunk"
    );
    let stats = check(&saved);
    assert_eq!(stats.chunks, 1);
    assert_eq!(stats.ops, expected_ops);
    assert_eq!(stats.changes, changes);
    assert_eq!(stats.inflated_bytes, 0, "too small to be deflated");
}

#[test]
fn save_after_counts_exact_ops_per_change_chunk() {
    let mut doc = small_doc();
    let all = doc.save_after(&[]);
    let changes = doc.get_changes(&[]).len();
    assert!(changes > 3);
    assert_eq!(
        chunk_types(&all),
        vec![1; changes],
        "save_after() emits change chunks"
    );

    let stats = check(&all);
    assert_eq!(stats.chunks, changes);
    assert_eq!(stats.changes, changes as u64);
    assert_eq!(stats.ops, automerge_ops(&mut doc, &[]));

    // Each change chunk alone also matches its own `Change::len()`.
    for (chunk, change) in split_chunks(&all).into_iter().zip(doc.get_changes(&[])) {
        assert_eq!(check(chunk).ops, change.len() as u64);
    }
}

#[test]
fn save_after_heads_counts_only_the_new_changes() {
    let mut doc = small_doc();
    let heads = doc.get_heads();
    let list = doc.get(automerge::ROOT, "items").unwrap().unwrap().1;
    for i in 0..20 {
        automerge::transaction::Transactable::insert(&mut doc, &list, 0, i as i64).unwrap();
        if i % 7 == 6 {
            doc.commit();
        }
    }
    doc.commit();

    let after = doc.save_after(&heads);
    let stats = check(&after);
    assert_eq!(stats.ops, 20);
    assert_eq!(stats.ops, automerge_ops(&mut doc, &heads));
    assert_eq!(stats.changes, doc.get_changes(&heads).len() as u64);

    // save_incremental() is save_after(last save's heads): same chunk type.
    let mut doc2 = small_doc();
    doc2.save();
    automerge::transaction::Transactable::put(&mut doc2, automerge::ROOT, "x", 1_i64).unwrap();
    let incremental = doc2.save_incremental();
    assert_eq!(chunk_types(&incremental), vec![1]);
    assert_eq!(check(&incremental).ops, 1);
}

#[test]
fn concatenated_chunks_are_summed() {
    let mut a = small_doc();
    let mut b = rich_doc();
    let mut buffer = a.save_after(&[]);
    buffer.extend(b.save_after(&[]));
    buffer.extend(b.save());
    let stats = check(&buffer);
    let expected = automerge_ops(&mut a, &[]) + 2 * automerge_ops(&mut b, &[]);
    assert_eq!(stats.ops, expected);

    // And Automerge itself accepts the same buffer.
    let mut loaded = AutoCommit::new();
    loaded.load_incremental(&buffer).unwrap();
}

#[test]
fn rich_doc_with_marks_counters_and_two_actors() {
    let mut doc = rich_doc();
    let expected = automerge_ops(&mut doc, &[]);
    let changes = doc.get_changes(&[]).len() as u64;
    // Document chunk: no deletes in this doc, so rows == ops.
    let saved = check(&doc.save());
    assert_eq!(saved.ops, expected);
    assert_eq!(saved.changes, changes);
    // Change chunks.
    let after = check(&doc.save_after(&[]));
    assert_eq!(after.ops, expected);
    assert_eq!(after.changes, changes);
    assert!(
        after.group_entries > 0,
        "overwrites and increments have preds"
    );
    // A change is counted once per chunk it appears in.
    let nocompress = check(&doc.save_nocompress());
    assert_eq!(nocompress.ops, saved.ops);
}

#[test]
fn deletes_are_succ_entries_in_documents() {
    let mut doc = doc_with_deletes();
    let expected = automerge_ops(&mut doc, &[]);
    let after = check(&doc.save_after(&[]));
    assert_eq!(after.ops, expected, "change chunks carry delete ops");

    let saved = check(&doc.save());
    assert_eq!(
        saved.ops + 11,
        expected,
        "11 deletes are not rows of a document"
    );
    assert!(saved.ops + saved.group_entries >= expected);
}

#[test]
fn big_doc_has_deflated_columns_measured_exactly() {
    let mut doc = big_doc();
    let expected = automerge_ops(&mut doc, &[]);
    let saved = doc.save();
    let plain = doc.save_nocompress();
    assert!(saved.len() < plain.len(), "save() deflated something");

    let stats = check(&saved);
    assert_eq!(stats.ops, expected);
    let deflated = deflatable_column_bytes(&plain, 256);
    assert!(deflated > 0);
    assert_eq!(stats.inflated_bytes, deflated);
    // Columns of 255 bytes or less are never deflated: only the >= 256 ones count.
    assert_eq!(check(&plain).inflated_bytes, 0);
    assert_eq!(check(&plain).ops, expected);

    // The inflation budget is exact: the measured size passes, one byte less fails.
    let exact = ChunkBudget {
        max_inflated_bytes: stats.inflated_bytes,
        ..GENEROUS
    };
    assert_eq!(check_chunks(&saved, &exact), Ok(stats));
    let short = ChunkBudget {
        max_inflated_bytes: stats.inflated_bytes - 1,
        ..GENEROUS
    };
    assert!(matches!(
        check_chunks(&saved, &short),
        Err(ChunkError::InflatesPastBudget { .. })
    ));

    // Change chunks from save_after are never deflated per column.
    let after = check(&doc.save_after(&[]));
    assert_eq!(after.inflated_bytes, 0);
    assert_eq!(after.ops, expected);
}

#[test]
fn op_budget_is_inclusive() {
    let mut doc = small_doc();
    let bytes = doc.save_after(&[]);
    let ops = automerge_ops(&mut doc, &[]) as usize;
    let at_limit = ChunkBudget {
        max_ops: ops,
        ..GENEROUS
    };
    assert!(check_chunks(&bytes, &at_limit).is_ok());
    let below = ChunkBudget {
        max_ops: ops - 1,
        ..GENEROUS
    };
    assert_eq!(
        check_chunks(&bytes, &below),
        Err(ChunkError::TooManyOps {
            declared: ops as u64,
            max: ops - 1
        })
    );
}

/// `Change::bytes()` (public API, not used by `save*`) DOES emit type-2 chunks
/// for changes over 256 bytes; `raw_bytes()`, which `save_after` uses, never does.
#[test]
fn only_change_bytes_api_emits_compressed_changes() {
    let mut doc = big_doc();
    let mut changes = doc.get_changes(&[]);
    let big = changes
        .iter_mut()
        .find(|c| c.raw_bytes().len() > 256)
        .expect("a change over 256 bytes");
    assert_eq!(big.raw_bytes()[8], 1);
    let compressed = big.bytes().into_owned();
    assert_eq!(compressed[8], 2, "Change::bytes() compresses");
    assert!(matches!(
        check_chunks(&compressed, &GENEROUS),
        Err(ChunkError::CompressedChange { offset: 0 })
    ));
    // Automerge itself would accept it.
    let mut loaded = AutoCommit::new();
    loaded.load_incremental(&compressed).unwrap();
}
