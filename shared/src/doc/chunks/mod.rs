//! The budget check of untrusted Automerge (0.12) binary data, before it is loaded.
//!
//! `AutoCommit::load_incremental` trusts the sizes declared inside the data it is
//! given: it inflates DEFLATE streams without a cap and expands run-length encoded
//! columns into per-row work. A few hundred bytes can therefore declare gigabytes
//! of inflated data or millions of operations. [`check_chunks`] walks the chunks of
//! a buffer *before* it reaches Automerge and refuses anything that exceeds a
//! [`ChunkBudget`], doing work proportional only to the input size plus the
//! (capped) inflated size:
//!
//! * deflated document columns are inflated as a stream through
//!   `Read::take(remaining + 1)` and counted on the fly: at most one byte past the
//!   budget is ever produced, and memory stays constant (an 8 KiB buffer plus the
//!   decoder state, the only heap allocations the walker makes);
//! * row counts are sums of run lengths (`O(number of runs)`), never expansions;
//! * every length is checked against the remaining input before use, nothing is
//!   allocated from a declared length, and all counters saturate.
//!
//! Layout (Automerge 0.12 `storage/`):
//!
//! ```text
//! chunk    = magic(85 6f 4a 83) checksum(4) type(1) uleb(len) body(len)
//! type 0   = actors heads change_col_meta op_col_meta change_data op_data [head_indexes]
//! type 1   = deps actor seq start_op time message other_actors op_col_meta op_data extra
//! type 2   = raw DEFLATE of a type-1 body              (refused: never sent by honest peers)
//! type 3   = "bundle", experimental                    (refused: never sent by honest peers)
//! col_meta = uleb(n) n * (uleb32(spec) uleb(len))
//! ```
//!
//! The walker validates structure only as far as the budget needs (plus one cheap
//! semantic check: actor indexes must fall inside the chunk's actor table). It
//! does not verify checksums, UTF-8 or the consistency of the columns with each
//! other. A buffer that passes may still be rejected by Automerge, but cheaply.

mod columns;
mod source;
#[cfg(test)]
mod tests;
mod walker;

use source::Reader;
use std::fmt;
use walker::Walker;

/// Magic bytes that open every Automerge chunk.
pub const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// Size of a change hash (SHA-256).
pub(crate) const HASH_LEN: u64 = 32;

/// Limits applied to one buffer handed to [`check_chunks`]. All limits are totals
/// over every chunk in the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkBudget {
    /// Total bytes that deflated document columns may inflate to.
    pub max_inflated_bytes: usize,
    /// Total operations. The same number also caps the total number of changes
    /// and of group entries (pred/succ/deps list items), which Automerge
    /// expands in the same way as operations.
    pub max_ops: usize,
}

/// What a buffer declares, as counted by [`check_chunks`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChunkStats {
    /// Number of chunks walked.
    pub chunks: usize,
    /// Total inflated size of the deflated columns.
    pub inflated_bytes: usize,
    /// Operation rows: for a change chunk the ops it carries, for a document chunk
    /// the rows of its op columns (delete ops are not rows there: they live on as
    /// `succ` entries).
    pub ops: u64,
    /// Changes: one per change chunk, plus the rows of each document's change columns.
    pub changes: u64,
    /// Group entries: sum of the `pred`, `succ` and `deps` list lengths.
    pub group_entries: u64,
}

/// Why a buffer was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkError {
    /// The data ends before a field it declares (or a declared length overruns it).
    Truncated { offset: usize },
    /// A chunk does not start with [`MAGIC`].
    BadMagic { offset: usize },
    /// Chunk type 2: a whole change compressed with DEFLATE. Automerge inflates it
    /// without a cap, and honest `save()`/`save_after()` output never contains one.
    CompressedChange { offset: usize },
    /// Chunk type 3: the experimental bundle format, never produced by
    /// `save()`/`save_after()`.
    BundleChunk { offset: usize },
    /// A chunk type Automerge 0.12 does not know.
    UnknownChunkType { offset: usize, chunk_type: u8 },
    /// Deflated columns would inflate to more than `max_inflated_bytes` in total.
    InflatesPastBudget { offset: usize, max: usize },
    /// A deflated column is not a valid raw DEFLATE stream.
    BadDeflate { offset: usize },
    /// The buffer declares more than `max_ops` operations in total.
    TooManyOps { declared: u64, max: usize },
    /// The buffer declares more than `max_ops` changes in total.
    TooManyChanges { declared: u64, max: usize },
    /// The pred/succ/deps lists declare more than `max_ops` entries in total.
    TooManyGroupEntries { declared: u64, max: usize },
    /// Any other structural problem that Automerge would also reject.
    Malformed { offset: usize, what: &'static str },
}

impl fmt::Display for ChunkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { offset } => write!(f, "data truncated at byte {offset}"),
            Self::BadMagic { offset } => write!(f, "bad chunk magic at byte {offset}"),
            Self::CompressedChange { offset } => {
                write!(
                    f,
                    "compressed change chunk at byte {offset} is not accepted"
                )
            }
            Self::BundleChunk { offset } => {
                write!(f, "bundle chunk at byte {offset} is not accepted")
            }
            Self::UnknownChunkType { offset, chunk_type } => {
                write!(f, "unknown chunk type {chunk_type} at byte {offset}")
            }
            Self::InflatesPastBudget { offset, max } => write!(
                f,
                "deflated column at byte {offset} inflates past the budget of {max} bytes"
            ),
            Self::BadDeflate { offset } => write!(f, "invalid DEFLATE data at byte {offset}"),
            Self::TooManyOps { declared, max } => {
                write!(
                    f,
                    "at least {declared} operations declared, budget is {max}"
                )
            }
            Self::TooManyChanges { declared, max } => {
                write!(f, "at least {declared} changes declared, budget is {max}")
            }
            Self::TooManyGroupEntries { declared, max } => write!(
                f,
                "at least {declared} pred/succ/deps entries declared, budget is {max}"
            ),
            Self::Malformed { offset, what } => {
                write!(f, "malformed data at byte {offset}: {what}")
            }
        }
    }
}

impl std::error::Error for ChunkError {}

pub(crate) type Result<T> = std::result::Result<T, ChunkError>;

/// Walks every chunk of `bytes` and checks what they declare against `budget`.
///
/// Returns the totals on success. An empty buffer is accepted (Automerge treats
/// it as "no changes").
pub fn check_chunks(
    bytes: &[u8],
    budget: &ChunkBudget,
) -> std::result::Result<ChunkStats, ChunkError> {
    let mut walker = Walker::new(budget);
    let mut input = Reader::new(bytes, 0);
    while !input.is_empty() {
        walker.chunk(&mut input)?;
    }
    Ok(walker.into_stats())
}
