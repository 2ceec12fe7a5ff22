//! CRDT sync: merging pushed documents (pure), processing push frames under per-document
//! locks, and answering feed, pull and status questions (pure helpers over stored documents).

pub mod feed;
pub mod locks;
pub mod merge;
pub mod push;
pub mod serve;

/// Stored documents a push, pull or status request loads from the store at once: few round
/// trips, and a request naming many large documents never holds them all.
pub const LOAD_BATCH: usize = 64;
