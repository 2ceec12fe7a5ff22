//! The demo city: 苏州市姑苏区 (county 320508) with streets, communities, unit and work grids,
//! departments, about 5,000 components and one login per role, all generated deterministically.
//! Seeded by `serve --demo` into a database without users, and by `seed-demo`.

mod city;
mod names;
mod seed_scale;

use city::build_city;

use crate::auth::password::{self, HashError};
use crate::clock;
use crate::settings::Settings;
use crate::storage::{
    CitySeed, CitySummary, NewUser, StorageError, Store, WorkGridRow, open_store,
};
use cgt_shared::{Role, UserId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use thiserror::Error;

/// How large a demo city to seed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DemoScale {
    /// 432 unit grids, 12 work grids, 5,000 components, 12 inspectors.
    #[default]
    Small,
    /// The seed's city: 1,305 unit grids, 45 work grids, 408,000 components, 130 inspectors.
    Seed,
}

fn build(scale: DemoScale) -> city::City {
    match scale {
        DemoScale::Small => build_city(),
        DemoScale::Seed => seed_scale::build_city(),
    }
}

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "cgt-demo-2026";

#[derive(Debug, Error)]
pub enum DemoError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// The demo logins: username, display name, role.
pub fn logins(scale: DemoScale) -> Vec<(String, String, Role)> {
    build(scale)
        .people
        .into_iter()
        .map(|p| (p.username, p.display_name, p.role))
        .collect()
}

/// Seeds the demo city of `settings.demo_scale` into the store `settings` name, unless it has
/// users (`seed-demo`, tools and benchmarks).
pub fn seed_store(settings: &Settings) -> anyhow::Result<Option<CitySummary>> {
    Ok(seed(open_store(settings)?.as_ref(), settings.demo_scale)?)
}

/// Seeds the demo city unless the database already has users; returns what was written.
pub(crate) fn seed(
    storage: &dyn Store,
    scale: DemoScale,
) -> Result<Option<CitySummary>, DemoError> {
    if storage.user_count()? > 0 {
        return Ok(None);
    }
    let city = build(scale);
    let now = clock::now();
    // One hash for every login: they share the demo password, and hashing it 139 times
    // would take the seed-scale city's start from seconds to a minute.
    let password_hash = password::hash(DEMO_PASSWORD)?;
    let mut ids: HashMap<String, UserId> = HashMap::new();
    let mut users = Vec::with_capacity(city.people.len());
    for person in &city.people {
        ids.insert(person.username.clone(), person.id);
        users.push(NewUser {
            id: person.id,
            username: person.username.clone(),
            display_name: person.display_name.clone(),
            password_hash: password_hash.clone(),
            roles: vec![person.role],
            department_id: person.department,
            created_at: now,
        });
    }
    let work_grids = city
        .work_grids
        .iter()
        .map(|(grid, inspector)| WorkGridRow {
            inspector: ids.get(inspector).copied(),
            ..grid.clone()
        })
        .collect();
    let summary = storage.seed_city(CitySeed {
        departments: city.departments,
        users,
        work_grids,
        unit_grids: city.unit_grids,
        components: city.components,
    })?;
    crate::tracks::demo::seed(storage, now)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::AccountStore;

    #[test]
    fn seeding_writes_the_city_once() {
        let dir = tempfile::tempdir().unwrap();
        let storage = crate::storage::Storage::open(dir.path()).unwrap();
        let summary = seed(&storage, DemoScale::Small)
            .unwrap()
            .expect("an empty database is seeded");
        assert_eq!(
            summary,
            CitySummary {
                departments: 10,
                users: 21,
                work_grids: 12,
                unit_grids: 432,
                components: 5_000,
            }
        );
        assert_eq!(
            seed(&storage, DemoScale::Small).unwrap(),
            None,
            "a second seed writes nothing"
        );
        let inspector = storage.find_user("inspector07").unwrap().unwrap();
        assert_eq!(inspector.roles, vec![Role::Inspector]);
        assert!(password::verify(DEMO_PASSWORD, &inspector.password_hash));
        let names: Vec<String> = logins(DemoScale::Small).into_iter().map(|l| l.0).collect();
        for expected in [
            "admin",
            "operator1",
            "shiftlead1",
            "dispatcher1",
            "handler3",
            "supervisor1",
            "leader1",
            "inspector12",
        ] {
            assert!(names.iter().any(|n| n == expected), "{expected}");
        }
    }
}
