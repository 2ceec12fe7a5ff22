//! Reference data for field devices (principle 10: it flows one way, server to device): the
//! global reference version, the history of the category table, the snapshot or delta one
//! caller needs for its work grids, the admin's listings, and the edits that move the version
//! on (components, and which inspector patrols a work grid).
//!
//! Devices ask with the version they hold and get the rows changed after it; rows are never
//! deleted, so a delta names what to drop. This module holds what the reference data is and
//! how a device's answer is chosen; `storage::reference` stores it. The functions here open the
//! database under a data directory, for tools and tests; the server goes through its `Storage`.

pub(crate) mod answer;
mod catalog;
mod edit;

pub use catalog::{
    ComponentFilter, ComponentListing, ComponentPage, DepartmentListing, Inspector,
    UnitGridListing, WorkGridListing,
};
pub use cgt_shared::wire::reference::{
    Component, Department, ReferenceAnswer, Retired, UnitGrid, WorkGrid,
};
pub use edit::{ChangeTargets, ComponentChange, EditError, Intent, refusal};

use crate::settings::Settings;
use crate::storage::open_store;
use cgt_shared::ComponentId;

/// Adds or changes a component in the store `settings` name; returns the new
/// reference version.
pub fn put_component(settings: &Settings, change: ComponentChange) -> anyhow::Result<u64> {
    Ok(open_store(settings)?.put_component(change)?)
}

/// Retires a component in the store `settings` name; returns the new reference
/// version, or `None` if no component in service has this id.
pub fn retire_component(settings: &Settings, id: &ComponentId) -> anyhow::Result<Option<u64>> {
    Ok(open_store(settings)?.retire_component(id.clone())?)
}
