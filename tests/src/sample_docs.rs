//! Honest Automerge documents of every shape, and the helpers to read their chunk frames, for
//! the tests of the chunk budget.

use automerge::marks::{ExpandMark, Mark};
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ROOT, ReadDoc};
use cgt_shared::doc::chunks::ChunkBudget;

/// A budget no honest test document comes close to.
pub const GENEROUS: ChunkBudget = ChunkBudget {
    max_inflated_bytes: 64 << 20,
    max_ops: 10_000_000,
};

/// Automerge's own op count: the sum of `Change::len()` over all changes.
pub fn automerge_ops(doc: &mut AutoCommit, since: &[automerge::ChangeHash]) -> u64 {
    doc.get_changes(since).iter().map(|c| c.len() as u64).sum()
}

/// A small document: a map with a few keys and a list of 100 inserts, built
/// over several commits.
pub fn small_doc() -> AutoCommit {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(b"small-doc-actor".as_slice()));
    doc.put(ROOT, "title", "城管通 report").unwrap();
    doc.put(ROOT, "count", 3_i64).unwrap();
    doc.put(ROOT, "done", false).unwrap();
    doc.commit();
    let list = doc.put_object(ROOT, "items", ObjType::List).unwrap();
    for i in 0..100_i64 {
        doc.insert(&list, i as usize, i).unwrap();
        if i % 25 == 24 {
            doc.commit();
        }
    }
    doc.commit();
    doc
}

/// A document exercising more column types: nested objects, text with a mark
/// (expand and mark-name columns), counters, a second actor (actor indexes
/// above zero, `other_actors`, deps) and no deletes.
pub fn rich_doc() -> AutoCommit {
    let mut doc = small_doc();
    let text = doc.put_object(ROOT, "notes", ObjType::Text).unwrap();
    doc.splice_text(&text, 0, 0, "hello field inspector")
        .unwrap();
    doc.mark(
        &text,
        Mark::new("bold".to_string(), true, 0, 5),
        ExpandMark::Both,
    )
    .unwrap();
    doc.put(ROOT, "visits", automerge::ScalarValue::counter(0))
        .unwrap();
    doc.increment(ROOT, "visits", 2).unwrap();
    doc.commit();

    let mut other = doc
        .fork()
        .with_actor(ActorId::from(b"second-actor".as_slice()));
    other.put(ROOT, "count", 4_i64).unwrap();
    other.splice_text(&text, 5, 0, ", dear").unwrap();
    other.commit();
    doc.put(ROOT, "count", 5_i64).unwrap();
    doc.commit();
    doc.merge(&mut other).unwrap();
    doc
}

/// A document with deletes, which exist as ops in changes but only as `succ`
/// entries in a document chunk.
pub fn doc_with_deletes() -> AutoCommit {
    let mut doc = small_doc();
    let list = doc.get(ROOT, "items").unwrap().unwrap().1;
    for _ in 0..10 {
        doc.delete(&list, 0).unwrap();
    }
    doc.delete(ROOT, "done").unwrap();
    doc.commit();
    doc
}

/// A document big enough for `save()` to deflate its columns (Automerge
/// deflates a document column whose data is at least 256 bytes).
pub fn big_doc() -> AutoCommit {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(b"big-doc-actor".as_slice()));
    let text = doc.put_object(ROOT, "log", ObjType::Text).unwrap();
    for i in 0..40 {
        let line = format!("line {i}: pothole at grid {}\n", i * 7919 % 1000);
        let len = doc.text(&text).map(|t| t.chars().count()).unwrap();
        doc.splice_text(&text, len, 0, &line).unwrap();
        doc.commit();
    }
    let map = doc.put_object(ROOT, "readings", ObjType::Map).unwrap();
    for i in 0..300_i64 {
        doc.put(&map, format!("sensor-{i}"), i * 31 % 97).unwrap();
    }
    doc.commit();
    doc
}

/// Splits a concatenation of chunks into the individual chunks, using only the
/// frame (magic, checksum, type, uLEB length).
pub fn split_chunks(mut bytes: &[u8]) -> Vec<&[u8]> {
    let mut chunks = Vec::new();
    while !bytes.is_empty() {
        let (len, len_bytes) = read_uleb(&bytes[9..]);
        let total = 9 + len_bytes + len as usize;
        chunks.push(&bytes[..total]);
        bytes = &bytes[total..];
    }
    chunks
}

/// Sum of the lengths of the columns of an *uncompressed* document chunk that
/// `save()` would deflate (data length >= `threshold`). Parses the document
/// header independently of the crate under test.
pub fn deflatable_column_bytes(doc_chunk: &[u8], threshold: usize) -> usize {
    let (len, n) = read_uleb(&doc_chunk[9..]);
    let mut body = &doc_chunk[9 + n..9 + n + len as usize];
    let actors = take_uleb(&mut body);
    for _ in 0..actors {
        let len = take_uleb(&mut body) as usize;
        body = &body[len..];
    }
    let heads = take_uleb(&mut body) as usize;
    body = &body[heads * 32..];
    let mut total = 0;
    for _ in 0..2 {
        let columns = take_uleb(&mut body);
        for _ in 0..columns {
            let _spec = take_uleb(&mut body);
            let len = take_uleb(&mut body) as usize;
            if len >= threshold {
                total += len;
            }
        }
    }
    total
}

fn take_uleb(bytes: &mut &[u8]) -> u64 {
    let (value, n) = read_uleb(bytes);
    *bytes = &bytes[n..];
    value
}

/// `bytes` with a byte overwritten at each position (taken modulo the length).
pub fn overwritten(mut bytes: Vec<u8>, edits: &[(usize, u8)]) -> Vec<u8> {
    let len = bytes.len();
    if len > 0 {
        for &(at, value) in edits {
            bytes[at % len] = value;
        }
    }
    bytes
}

/// A chunk whose body has bytes overwritten as [`overwritten`] does, framed again with a valid
/// checksum (so Automerge really parses it rather than refusing the checksum).
pub fn mutated_chunk(sample: &[u8], edits: &[(usize, u8)]) -> Vec<u8> {
    let (len, n) = read_uleb(&sample[9..]);
    let body = overwritten(sample[9 + n..9 + n + len as usize].to_vec(), edits);
    crate::bombs::chunk(sample[8], &body)
}

pub fn read_uleb(bytes: &[u8]) -> (u64, usize) {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return (value, i + 1);
        }
    }
    panic!("unterminated LEB128");
}
