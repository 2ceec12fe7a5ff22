//! Reference data in PostgreSQL: seeding a city, the global reference version, the history of
//! the category table, the snapshot or delta a device needs, the admin's listings and the edits
//! that move the version on. Every write that reads reference data it then changes, or moves
//! the version on, first takes the reference advisory lock (`version::lock`), so writers of all
//! server processes take turns as they do behind the embedded store's one writer thread.

mod catalog;
mod categories;
mod edit;
mod import;
mod query;
mod seed;
mod version;

pub(super) use seed::in_service;
