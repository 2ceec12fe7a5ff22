//! Reference data: the city a server is seeded with, the global reference version, the history
//! of the category table, the snapshot or delta a device needs, the admin's listings and the
//! edits that move the version on.

mod catalog;
mod categories;
mod edit;
pub(super) mod import;
mod query;
mod seed;
pub(super) mod version;

pub(crate) use seed::in_service;
pub use seed::{CitySeed, CitySummary, ComponentRow, DepartmentRow, UnitGridRow, WorkGridRow};
