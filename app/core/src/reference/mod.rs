//! Reference data on the device (principle 10: it flows one way, server to device): the
//! category table, departments, the inspector's work grids with their unit grids and the
//! components in them, downloaded once and then updated by delta, and the offline queries
//! over them (unit grid at a position, components nearby).
//!
//! Split: the server's JSON is `cgt_shared::wire::reference`, [`store`] the SQL, [`update`]
//! the download, [`query`] the queries; the geometry they use is the pure
//! `cgt_shared::geometry`.

mod model;
mod query;
mod store;
#[cfg(test)]
mod tests;
mod update;

pub use model::{ComponentView, ReferenceState, ReferenceUpdate, UnitGridView, WorkGridView};
