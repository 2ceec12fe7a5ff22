//! Hostile inputs for the tests: Automerge chunks that inflate or expand without end (with
//! valid checksums, so Automerge really does the work), a zstd sync frame that lies about its
//! size, and a JPEG header declaring a huge image.
//!
//! Every chunk carries a valid checksum — the first 4 bytes of SHA-256 over
//! `type || uleb(len) || body` (Automerge: `storage::chunk::hash`) — so that
//! Automerge gets past its checksum check and really does the expensive work.
//! For a compressed change (type 2) the checksum is that of the *inflated*
//! change chunk, as Automerge requires.

use std::io::Write;

use flate2::Compression;
use flate2::write::DeflateEncoder;
use sha2::{Digest, Sha256};

use cgt_shared::doc::chunks::MAGIC;
use cgt_shared::wire::PROTOCOL_VERSION;

const DOCUMENT: u8 = 0;
const CHANGE: u8 = 1;
const COMPRESSED_CHANGE: u8 = 2;

/// Column specs used below: `id << 4 | deflate << 3 | type`.
mod spec {
    // Change chunk op columns and document op columns share these.
    pub const KEY_STR: u32 = 0x15;
    pub const ID_ACTOR: u32 = 0x21;
    pub const ID_CTR: u32 = 0x23;
    pub const INSERT: u32 = 0x34;
    pub const ACTION: u32 = 0x42;
    pub const VALUE_META: u32 = 0x56;
    pub const PRED_GROUP: u32 = 0x70;
    pub const SUCC_GROUP: u32 = 0x80;
    pub const DEFLATE: u32 = 0x08;
    // Document change columns.
    pub const CHANGE_ACTOR: u32 = 0x01;
    pub const CHANGE_SEQ: u32 = 0x03;
    pub const CHANGE_MAX_OP: u32 = 0x13;
    pub const CHANGE_DEPS_GROUP: u32 = 0x40;
    pub const CHANGE_EXTRA_META: u32 = 0x56;
}

/// `set` in Automerge's action numbering.
const ACTION_SET: u64 = 1;
/// Value metadata for `null`: length 0, type 0.
const VALUE_NULL: u64 = 0;

/// A change chunk (type 1) whose columns declare `n` operations in a few dozen
/// bytes: every op column is a single RLE run of length `n`, each op being
/// `root["k"] = null`. Automerge decodes all `n` ops one by one.
pub fn rle_ops_change(n: u64) -> Vec<u8> {
    assert!(n >= 1, "a run needs at least one op");
    let columns = [
        (spec::KEY_STR, rle_run(n, &string_value("k"))),
        (spec::INSERT, boolean_run(n, false)),
        (spec::ACTION, rle_run(n, &uleb(ACTION_SET))),
        (spec::VALUE_META, rle_run(n, &uleb(VALUE_NULL))),
        (spec::PRED_GROUP, rle_run(n, &uleb(0))),
    ];
    change_with_columns(&columns)
}

/// A compressed change chunk (type 2) whose raw DEFLATE body inflates to
/// `inflated_len` zero bytes. Streams the zeros through the encoder and the
/// hasher with a small buffer, so even 2 GiB costs no memory (only time:
/// DEFLATE cannot beat ~1030:1, so 2 GiB gives a ~2 MiB chunk).
pub fn compressed_change(inflated_len: usize) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update([CHANGE]);
    hasher.update(uleb(inflated_len as u64));
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    for_each_zero_block(inflated_len, |block| {
        hasher.update(block);
        encoder
            .write_all(block)
            .expect("writing to a Vec cannot fail");
    });
    let deflated = encoder.finish().expect("writing to a Vec cannot fail");
    let checksum: [u8; 32] = hasher.finalize().into();
    frame(COMPRESSED_CHANGE, &checksum[..4], &deflated)
}

/// A document chunk (type 0) with one op column (the action column) flagged as
/// deflated, whose data inflates to `inflated_len` zero bytes. Automerge
/// inflates every deflated column of a document while parsing it.
pub fn document_with_inflated_column(inflated_len: usize) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    for_each_zero_block(inflated_len, |block| {
        encoder
            .write_all(block)
            .expect("writing to a Vec cannot fail");
    });
    let deflated = encoder.finish().expect("writing to a Vec cannot fail");
    let op_columns = [(spec::ACTION | spec::DEFLATE, deflated)];
    chunk(DOCUMENT, &document_body(&[], &[], &[], &op_columns))
}

/// A document chunk (type 0) holding one change by one actor with `n`
/// operations, every op column being a single RLE run: the document-format
/// twin of [`rle_ops_change`]. `heads` is written as the document heads; pass
/// `&[]` to get a chunk whose real head can be learnt with
/// `Automerge::load_unverified_heads`, then pass that head to get a chunk that
/// loads with head verification.
pub fn document_rle_ops(n: u64, heads: &[[u8; 32]]) -> Vec<u8> {
    assert!(n >= 1, "a run needs at least one op");
    let change_columns = [
        (spec::CHANGE_ACTOR, rle_run(1, &uleb(0))),
        (spec::CHANGE_SEQ, rle_run(1, &sleb(1))),
        (spec::CHANGE_MAX_OP, rle_run(1, &sleb(n as i64))),
        (spec::CHANGE_DEPS_GROUP, rle_run(1, &uleb(0))),
        (spec::CHANGE_EXTRA_META, rle_run(1, &uleb(VALUE_NULL))),
    ];
    let op_columns = [
        (spec::KEY_STR, rle_run(n, &string_value("k"))),
        (spec::ID_ACTOR, rle_run(n, &uleb(0))),
        (spec::ID_CTR, rle_run(n, &sleb(1))),
        (spec::INSERT, boolean_run(n, false)),
        (spec::ACTION, rle_run(n, &uleb(ACTION_SET))),
        (spec::VALUE_META, rle_run(n, &uleb(VALUE_NULL))),
        (spec::SUCC_GROUP, rle_run(n, &uleb(0))),
    ];
    let actor = [0x42u8; 16];
    chunk(
        DOCUMENT,
        &document_body(&[&actor], heads, &change_columns, &op_columns),
    )
}

/// A change chunk (type 1) with the given op columns `(spec, data)`, in order,
/// and the same header as [`rle_ops_change`] (one 16-byte actor, no other actors).
pub fn change_with_columns(columns: &[(u32, Vec<u8>)]) -> Vec<u8> {
    chunk(CHANGE, &change_body(columns))
}

// ---------------------------------------------------------------------------
// Chunk bodies
// ---------------------------------------------------------------------------

/// A change with no deps, a 16-byte actor, seq 1, start op 1, time 0, no
/// message, no other actors, and the given op columns.
fn change_body(columns: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(uleb(0)); // deps
    body.extend(uleb(16));
    body.extend([0x42u8; 16]); // actor
    body.extend(uleb(1)); // seq
    body.extend(uleb(1)); // start_op
    body.extend(sleb(0)); // time
    body.extend(uleb(0)); // message
    body.extend(uleb(0)); // other actors
    write_columns(&mut body, columns);
    body
}

fn document_body(
    actors: &[&[u8]],
    heads: &[[u8; 32]],
    change_columns: &[(u32, Vec<u8>)],
    op_columns: &[(u32, Vec<u8>)],
) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(uleb(actors.len() as u64));
    for actor in actors {
        body.extend(uleb(actor.len() as u64));
        body.extend(*actor);
    }
    body.extend(uleb(heads.len() as u64));
    for head in heads {
        body.extend(head);
    }
    write_column_metadata(&mut body, change_columns);
    write_column_metadata(&mut body, op_columns);
    for (_, data) in change_columns.iter().chain(op_columns) {
        body.extend(data);
    }
    // Head indexes: the single change is change 0.
    for _ in heads {
        body.extend(uleb(0));
    }
    body
}

/// Column metadata followed by the column data.
fn write_columns(out: &mut Vec<u8>, columns: &[(u32, Vec<u8>)]) {
    write_column_metadata(out, columns);
    for (_, data) in columns {
        out.extend(data);
    }
}

fn write_column_metadata(out: &mut Vec<u8>, columns: &[(u32, Vec<u8>)]) {
    out.extend(uleb(columns.len() as u64));
    for (spec, data) in columns {
        out.extend(uleb(u64::from(*spec)));
        out.extend(uleb(data.len() as u64));
    }
}

// ---------------------------------------------------------------------------
// Encodings
// ---------------------------------------------------------------------------

/// Frames `body` as a chunk of `chunk_type` with its correct checksum.
pub fn chunk(chunk_type: u8, body: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update([chunk_type]);
    hasher.update(uleb(body.len() as u64));
    hasher.update(body);
    let hash: [u8; 32] = hasher.finalize().into();
    frame(chunk_type, &hash[..4], body)
}

fn frame(chunk_type: u8, checksum: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 20);
    out.extend(MAGIC);
    out.extend(checksum);
    out.push(chunk_type);
    out.extend(uleb(body.len() as u64));
    out.extend(body);
    out
}

/// RLE: `n` copies of one encoded value (a literal when `n == 1`, which is the
/// canonical form Automerge's encoders produce).
fn rle_run(n: u64, value: &[u8]) -> Vec<u8> {
    let mut out = if n == 1 { sleb(-1) } else { sleb(n as i64) };
    out.extend(value);
    out
}

/// Boolean column: alternating run lengths, starting with `false`.
fn boolean_run(n: u64, value: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if value {
        out.extend(uleb(0));
    }
    out.extend(uleb(n));
    out
}

fn string_value(s: &str) -> Vec<u8> {
    let mut out = uleb(s.len() as u64);
    out.extend(s.as_bytes());
    out
}

pub fn uleb(mut value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

pub fn sleb(mut value: i64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        let done = (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0);
        if done {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// Calls `f` with zero-filled blocks adding up to `len` bytes.
fn for_each_zero_block(len: usize, mut f: impl FnMut(&[u8])) {
    const BLOCK: usize = 64 * 1024;
    let zeros = [0u8; BLOCK];
    let mut left = len;
    while left > 0 {
        let n = left.min(BLOCK);
        f(&zeros[..n]);
        left -= n;
    }
}

/// A push frame message whose zstd payload inflates to `inflated` zero bytes while its header
/// declares `declared` bytes.
pub fn lying_zstd_frame(inflated: usize, declared: u32) -> Vec<u8> {
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 19).expect("zstd encoder");
    for_each_zero_block(inflated, |block| {
        encoder
            .write_all(block)
            .expect("writing to a Vec cannot fail");
    });
    let payload = encoder.finish().expect("writing to a Vec cannot fail");
    let mut out = b"CGT".to_vec();
    out.extend([PROTOCOL_VERSION, 1, 1]);
    out.extend(declared.to_le_bytes());
    out.extend(payload);
    out
}

/// A baseline JPEG that is nothing but a frame header declaring `width`×`height`.
pub fn jpeg_declaring(width: u16, height: u16) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08];
    out.extend(height.to_be_bytes());
    out.extend(width.to_be_bytes());
    out.extend([0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9]);
    out
}
