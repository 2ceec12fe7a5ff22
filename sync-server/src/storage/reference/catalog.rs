//! Reference data as the admin console lists it: departments, work grids and unit grids with
//! their counts, and components a page at a time, found by the start of their id or of their
//! unit grid's code. Reads only; edits go through `edit.rs`, which moves the version on.

use super::query::{COMPONENT_COLUMNS, code, component, rows};
use crate::reference::{
    ComponentFilter, ComponentListing, ComponentPage, DepartmentListing, Inspector,
    UnitGridListing, WorkGridListing,
};
use crate::storage::ReferenceCatalog;
use crate::storage::{Storage, StorageError};
use cgt_shared::{ComponentId, GridCode};
use rusqlite::{OptionalExtension, named_params};

const MATCHING: &str = "FROM components c WHERE c.retired = 0
      AND substr(c.id, 1, length(:id)) = :id
      AND substr(c.unit_grid, 1, length(:grid)) = :grid";

impl ReferenceCatalog for Storage {
    fn department_listing(&self) -> Result<Vec<DepartmentListing>, StorageError> {
        self.read(|c| {
            rows(
                c,
                "SELECT d.id, d.code, d.name,
                   (SELECT count(*) FROM users u WHERE u.department_id = d.id AND u.active = 1),
                   coalesce(o.n, 0), coalesce(m.n, 0)
                 FROM departments d
                 LEFT JOIN (SELECT owner_department AS id, count(*) AS n FROM components
                            WHERE retired = 0 GROUP BY owner_department) o ON o.id = d.id
                 LEFT JOIN (SELECT maintainer_department AS id, count(*) AS n FROM components
                            WHERE retired = 0 GROUP BY maintainer_department) m ON m.id = d.id
                 WHERE d.retired = 0 ORDER BY d.id",
                [],
                |r| {
                    Ok(DepartmentListing {
                        id: r.get(0)?,
                        code: r.get(1)?,
                        name: r.get(2)?,
                        staff: r.get(3)?,
                        owned_components: r.get(4)?,
                        maintained_components: r.get(5)?,
                    })
                },
            )
        })
    }

    fn work_grid_listing(&self) -> Result<Vec<WorkGridListing>, StorageError> {
        self.read(|c| {
            rows(
                c,
                "SELECT w.code, w.name, CASE WHEN u.id IS NULL THEN NULL ELSE hex(u.id) END,
                   u.username, u.display_name,
                   (SELECT count(*) FROM unit_grids g WHERE g.work_grid = w.code AND g.retired = 0),
                   (SELECT count(*) FROM components p JOIN unit_grids g ON p.unit_grid = g.code
                    WHERE g.work_grid = w.code AND g.retired = 0 AND p.retired = 0)
                 FROM work_grids w LEFT JOIN users u ON u.id = w.inspector_user
                 WHERE w.retired = 0 ORDER BY w.code",
                [],
                |r| {
                    let inspector = match r.get::<_, Option<String>>(2)? {
                        Some(_) => Some(Inspector {
                            id: code(r, 2)?,
                            username: r.get(3)?,
                            display_name: r.get(4)?,
                        }),
                        None => None,
                    };
                    Ok(WorkGridListing {
                        code: code(r, 0)?,
                        name: r.get(1)?,
                        inspector,
                        unit_grids: r.get(5)?,
                        components: r.get(6)?,
                    })
                },
            )
        })
    }

    fn unit_grid_listing(
        &self,
        work_grid: Option<GridCode>,
    ) -> Result<Vec<UnitGridListing>, StorageError> {
        self.read(|c| {
            rows(
                c,
                "SELECT g.code, g.street_name, g.community_name, g.work_grid,
                   g.min_lon, g.min_lat, g.max_lon, g.max_lat,
                   (SELECT count(*) FROM components p WHERE p.unit_grid = g.code AND p.retired = 0)
                 FROM unit_grids g
                 WHERE g.retired = 0 AND (?1 IS NULL OR g.work_grid = ?1) ORDER BY g.code",
                [work_grid.as_ref().map(GridCode::as_str)],
                |r| {
                    let work_grid: Option<String> = r.get(3)?;
                    Ok(UnitGridListing {
                        code: code(r, 0)?,
                        street: r.get(1)?,
                        community: r.get(2)?,
                        work_grid: work_grid.and_then(|w| w.parse().ok()),
                        bbox: [r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
                        components: r.get(8)?,
                    })
                },
            )
        })
    }

    fn component_page(&self, filter: ComponentFilter) -> Result<ComponentPage, StorageError> {
        self.read(move |c| {
            let tx = c.unchecked_transaction()?;
            let matching = named_params! {
                ":id": filter.id_prefix, ":grid": filter.unit_grid_prefix,
            };
            let total = tx.query_row(&format!("SELECT count(*) {MATCHING}"), matching, |r| {
                r.get(0)
            })?;
            let items = rows(
                &tx,
                &format!(
                    "SELECT {COMPONENT_COLUMNS}, c.version {MATCHING}
                     ORDER BY c.id LIMIT :limit OFFSET :offset"
                ),
                named_params! {
                    ":id": filter.id_prefix, ":grid": filter.unit_grid_prefix,
                    ":limit": filter.limit, ":offset": filter.offset,
                },
                listing,
            )?;
            Ok(ComponentPage { total, items })
        })
    }

    fn component_listing(&self, id: ComponentId) -> Result<Option<ComponentListing>, StorageError> {
        self.read(move |c| {
            Ok(c.prepare_cached(&format!(
                "SELECT {COMPONENT_COLUMNS}, c.version FROM components c
                 WHERE c.id = ?1 AND c.retired = 0"
            ))?
            .query_row([id.as_str()], listing)
            .optional()?)
        })
    }
}

fn listing(r: &rusqlite::Row) -> rusqlite::Result<ComponentListing> {
    let at: i64 = r.get(6)?;
    Ok(ComponentListing {
        component: component(r)?,
        version: u64::try_from(at).unwrap_or(0),
    })
}
