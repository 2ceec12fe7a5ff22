//! Hostile chunks are refused quickly, and are real: Automerge expands them.

use std::io::Read;
use std::time::{Duration, Instant};

use automerge::{AutoCommit, Automerge};
use cgt_shared::doc::chunks::{ChunkBudget, ChunkError, check_chunks};
use cgt_tests::bombs::{
    change_with_columns, chunk, compressed_change, document_rle_ops, document_with_inflated_column,
    rle_ops_change, sleb, uleb,
};
use cgt_tests::sample_docs::*;

const SERVER: ChunkBudget = ChunkBudget {
    max_inflated_bytes: 1 << 20,
    max_ops: 50_000,
};

/// Generous for a debug build on a loaded 2-core machine; the real cost is
/// microseconds.
const FAST: Duration = Duration::from_millis(500);

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

#[test]
fn compressed_change_is_refused_without_inflating() {
    let bomb = compressed_change(64 << 20);
    assert!(
        bomb.len() < 128 << 10,
        "64 MiB of zeros deflate to {} bytes",
        bomb.len()
    );
    let (result, took) = timed(|| check_chunks(&bomb, &SERVER));
    assert_eq!(result, Err(ChunkError::CompressedChange { offset: 0 }));
    assert!(took < FAST);

    // Also when it follows honest chunks.
    let mut buffer = small_doc().save_after(&[]);
    let offset = buffer.len();
    buffer.extend(&bomb);
    assert_eq!(
        check_chunks(&buffer, &GENEROUS),
        Err(ChunkError::CompressedChange { offset })
    );
}

/// The compressed bomb's checksum is that of the inflated change chunk, which
/// is what Automerge verifies (`Chunk::checksum_valid` for `CompressedChange`).
#[test]
fn compressed_change_checksum_matches_inflated_change() {
    let len = 100_000;
    let bomb = compressed_change(len);
    let (body_len, n) = read_uleb(&bomb[9..]);
    let body = &bomb[9 + n..];
    assert_eq!(body.len() as u64, body_len);
    let mut inflated = Vec::new();
    flate2::read::DeflateDecoder::new(body)
        .read_to_end(&mut inflated)
        .unwrap();
    assert_eq!(inflated, vec![0; len]);
    let as_change = chunk(1, &inflated);
    assert_eq!(
        bomb[4..8],
        as_change[4..8],
        "checksum of the inflated change"
    );
}

#[test]
fn rle_ops_change_is_refused_quickly() {
    let bomb = rle_ops_change(5_000_000);
    assert!(bomb.len() < 100, "bomb is {} bytes", bomb.len());
    let (result, took) = timed(|| check_chunks(&bomb, &SERVER));
    assert_eq!(
        result,
        Err(ChunkError::TooManyOps {
            declared: 5_000_000,
            max: 50_000
        })
    );
    assert!(took < FAST, "took {took:?}");

    // Run lengths up to i64::MAX saturate instead of overflowing.
    let huge = rle_ops_change(i64::MAX as u64);
    let mut many = huge.clone();
    many.extend(&huge);
    assert!(matches!(
        check_chunks(&many, &SERVER),
        Err(ChunkError::TooManyOps { .. })
    ));
}

/// The same builder, at a size Automerge can afford in a test, is a valid
/// change that Automerge decodes op by op: the bomb is real.
#[test]
fn automerge_expands_the_rle_ops_change() {
    let n = 20_000;
    let bomb = rle_ops_change(n);
    let stats = check_chunks(&bomb, &GENEROUS).unwrap();
    assert_eq!(stats.ops, n);

    let mut doc = AutoCommit::new();
    doc.load_incremental(&bomb)
        .expect("automerge accepts the crafted change");
    let changes = doc.get_changes(&[]);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].len() as u64, n, "automerge decoded every op");
    assert_eq!(
        changes[0].raw_bytes(),
        &bomb[..],
        "checksum and bytes accepted as is"
    );

    // Into a non-empty document too (the server's path).
    let mut existing = small_doc();
    existing.load_incremental(&bomb).unwrap();
    assert_eq!(automerge_ops(&mut existing, &[]), 104 + n);
}

#[test]
fn doc_deflate_bomb_is_refused_without_inflating_it_all() {
    let inflated_len = 256 << 20;
    let bomb = document_with_inflated_column(inflated_len);
    assert!(bomb.len() < 512 << 10, "bomb is {} bytes", bomb.len());
    let (result, took) = timed(|| check_chunks(&bomb, &SERVER));
    assert!(
        matches!(result, Err(ChunkError::InflatesPastBudget { max, .. }) if max == SERVER.max_inflated_bytes),
        "{result:?}"
    );
    // Inflating 256 MiB would take far longer than inflating the 1 MiB budget.
    assert!(took < FAST, "took {took:?}");

    // Within budget it passes and the inflated size is measured exactly.
    let small = document_with_inflated_column(100_000);
    let stats = check_chunks(&small, &SERVER).unwrap();
    assert_eq!(stats.inflated_bytes, 100_000);

    // The budget is a total over all chunks, not per column.
    let mut twice = small.clone();
    twice.extend(&small);
    let budget = ChunkBudget {
        max_inflated_bytes: 150_000,
        ..SERVER
    };
    assert!(matches!(
        check_chunks(&twice, &budget),
        Err(ChunkError::InflatesPastBudget { .. })
    ));
}

/// Automerge parses (and so inflates) the deflate bomb: with a valid checksum
/// it goes on to reject the zeros only after inflating them. We cannot see the
/// inflation from here without an allocator hook (see tests/alloc.rs), but we
/// can see that the chunk frames and checksums are accepted: a load of the
/// bomb fails on the column contents, not with a checksum error.
#[test]
fn automerge_parses_the_doc_deflate_bomb() {
    let bomb = document_with_inflated_column(10_000);
    let err = Automerge::load(&bomb).unwrap_err().to_string();
    assert!(!err.contains("checksum"), "{err}");
}

#[test]
fn document_rle_ops_is_refused_and_is_real() {
    let (result, took) = timed(|| check_chunks(&document_rle_ops(5_000_000, &[]), &SERVER));
    assert_eq!(
        result,
        Err(ChunkError::TooManyOps {
            declared: 5_000_000,
            max: 50_000
        })
    );
    assert!(took < FAST);

    // At an affordable size Automerge loads it, head verification included.
    let n = 20_000;
    // Unverified loading takes the heads from the chunk, so learn the real one
    // from the reconstructed change.
    let unverified = Automerge::load_unverified_heads(&document_rle_ops(n, &[])).unwrap();
    let changes = unverified.get_changes(&[]);
    assert_eq!(changes.len(), 1);
    let heads: Vec<[u8; 32]> = vec![changes[0].hash().0];
    let bomb = document_rle_ops(n, &heads);
    let stats = check_chunks(&bomb, &GENEROUS).unwrap();
    assert_eq!(stats.ops, n);
    assert_eq!(stats.changes, 1);

    let mut doc = AutoCommit::new();
    doc.load_incremental(&bomb)
        .expect("automerge accepts the crafted document");
    assert_eq!(automerge_ops(&mut doc, &[]), n);
}

/// A document's change columns are expanded eagerly by Automerge
/// (`ChangeGraphCols::load` collects them into vectors), so every change column
/// is bounded, not just the actor column.
#[test]
fn document_change_columns_are_bounded() {
    // One change row in the actor column, but a seq column declaring 10^12 rows.
    let mut body = Vec::new();
    body.extend([1, 1, 0xAA]); // one actor
    body.push(0); // no heads
    let actor = [0x7f, 0x00]; // run of -1: one literal, actor 0
    let seq = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x3c, 0x01]; // sleb run, delta 1
    body.extend([2, 0x01, actor.len() as u8, 0x03, seq.len() as u8]);
    body.push(0); // no op columns
    body.extend(actor);
    body.extend(seq);
    let bomb = chunk(0, &body);
    assert!(matches!(
        check_chunks(&bomb, &SERVER),
        Err(ChunkError::TooManyChanges { .. })
    ));
}

/// A single op can carry a huge `pred` list: Automerge collects it into a Vec.
#[test]
fn group_entries_are_bounded() {
    // One op (literal runs) whose pred group declares 2^40 entries, with pred
    // actor / counter columns that are single long runs.
    let mut group = vec![0x7f]; // one literal...
    group.extend(uleb(1 << 40)); // ...of 2^40
    let mut pred_actors = sleb(1 << 40);
    pred_actors.push(0);
    let mut pred_counters = sleb(1 << 40);
    pred_counters.push(1);
    let bomb = change_with_columns(&[
        (0x15, vec![0x7f, 1, b'k']), // key "k"
        (0x34, vec![1]),             // insert: one false
        (0x42, vec![0x7f, 1]),       // action: set
        (0x56, vec![0x7f, 0]),       // value: null
        (0x70, group),
        (0x71, pred_actors),
        (0x73, pred_counters),
    ]);
    assert_eq!(
        check_chunks(&bomb, &SERVER),
        Err(ChunkError::TooManyGroupEntries {
            declared: 1 << 40,
            max: 50_000
        })
    );
}

#[test]
fn bundle_and_unknown_chunk_types_are_refused() {
    assert_eq!(
        check_chunks(&chunk(3, &[]), &GENEROUS),
        Err(ChunkError::BundleChunk { offset: 0 })
    );
    assert_eq!(
        check_chunks(&chunk(7, &[]), &GENEROUS),
        Err(ChunkError::UnknownChunkType {
            offset: 0,
            chunk_type: 7
        })
    );
    assert_eq!(
        check_chunks(b"not automerge", &GENEROUS),
        Err(ChunkError::BadMagic { offset: 0 })
    );
}

#[test]
fn out_of_range_actor_index_is_refused() {
    // The change has a single actor (index 0); its key points at actor 5.
    let bad = change_with_columns(&[
        (0x11, vec![0x7f, 5]), // key actor 5
        (0x13, vec![0x7f, 1]), // key counter 1
        (0x34, vec![0, 1]),    // insert: one true
        (0x42, vec![0x7f, 1]),
        (0x56, vec![0x7f, 0]),
        (0x70, vec![0x7f, 0]),
    ]);
    assert!(matches!(
        check_chunks(&bad, &SERVER),
        Err(ChunkError::Malformed {
            what: "actor index out of range",
            ..
        })
    ));
}
