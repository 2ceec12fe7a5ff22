//! CRDT sync: merging pushed documents (pure), processing push frames under per-document
//! locks, and answering feed, pull and status questions (pure helpers over stored documents).

pub mod feed;
pub mod locks;
pub mod merge;
pub mod push;
pub mod serve;
