//! The chunk budget (`cgt_shared::doc::chunks`) against Automerge itself: honest output passes
//! with Automerge's own counts, hostile chunks are refused quickly (and are real: Automerge
//! expands them), and arbitrary or mutated input never panics or under-counts.

mod bombs;
mod differential;
mod fuzz;
mod honest;
