//! Reference data as the admin console lists it: departments, work grids and unit grids with
//! their counts, and components a page at a time, found by the start of their id or of their
//! unit grid's code. Reads only; edits go through `edit.rs`, which moves the version on.

use super::super::PgStorage;
use super::query::{COMPONENT_COLUMNS, code, component, count, rows};
use crate::reference::{
    ComponentFilter, ComponentListing, ComponentPage, DepartmentListing, Inspector,
    UnitGridListing, WorkGridListing,
};
use crate::storage::codec::uuid_from;
use crate::storage::{ReferenceCatalog, StorageError};
use cgt_shared::{ComponentId, GridCode, UserId};
use postgres::Row;

/// Components in service whose id starts with `$1` and whose unit grid starts with `$2`.
const MATCHING: &str = "FROM components c WHERE c.retired = 0
      AND starts_with(c.id, $1) AND starts_with(c.unit_grid, $2)";

impl ReferenceCatalog for PgStorage {
    fn department_listing(&self) -> Result<Vec<DepartmentListing>, StorageError> {
        self.read(|tx| {
            rows(
                tx,
                "SELECT d.id, d.code, d.name,
                   (SELECT count(*) FROM users u WHERE u.department_id = d.id AND u.active = 1),
                   coalesce(o.n, 0), coalesce(m.n, 0)
                 FROM departments d
                 LEFT JOIN (SELECT owner_department AS id, count(*) AS n FROM components
                            WHERE retired = 0 GROUP BY owner_department) o ON o.id = d.id
                 LEFT JOIN (SELECT maintainer_department AS id, count(*) AS n FROM components
                            WHERE retired = 0 GROUP BY maintainer_department) m ON m.id = d.id
                 WHERE d.retired = 0 ORDER BY d.id",
                &[],
                |r| {
                    Ok(DepartmentListing {
                        id: r.try_get(0)?,
                        code: r.try_get(1)?,
                        name: r.try_get(2)?,
                        staff: count(r, 3)?,
                        owned_components: count(r, 4)?,
                        maintained_components: count(r, 5)?,
                    })
                },
            )
        })
    }

    fn work_grid_listing(&self) -> Result<Vec<WorkGridListing>, StorageError> {
        self.read(|tx| {
            rows(
                tx,
                "SELECT w.code, w.name, u.id, u.username, u.display_name,
                   (SELECT count(*) FROM unit_grids g WHERE g.work_grid = w.code AND g.retired = 0),
                   (SELECT count(*) FROM components p JOIN unit_grids g ON p.unit_grid = g.code
                    WHERE g.work_grid = w.code AND g.retired = 0 AND p.retired = 0)
                 FROM work_grids w LEFT JOIN users u ON u.id = w.inspector_user
                 WHERE w.retired = 0 ORDER BY w.code",
                &[],
                |r| {
                    let inspector = match r.try_get::<_, Option<&[u8]>>(2)? {
                        Some(id) => Some(Inspector {
                            id: UserId(uuid_from(id)?),
                            username: r.try_get(3)?,
                            display_name: r.try_get(4)?,
                        }),
                        None => None,
                    };
                    Ok(WorkGridListing {
                        code: code(r, 0)?,
                        name: r.try_get(1)?,
                        inspector,
                        unit_grids: count(r, 5)?,
                        components: count(r, 6)?,
                    })
                },
            )
        })
    }

    fn unit_grid_listing(
        &self,
        work_grid: Option<GridCode>,
    ) -> Result<Vec<UnitGridListing>, StorageError> {
        self.read(move |tx| {
            rows(
                tx,
                "SELECT g.code, g.street_name, g.community_name, g.work_grid,
                   g.min_lon, g.min_lat, g.max_lon, g.max_lat,
                   (SELECT count(*) FROM components p WHERE p.unit_grid = g.code AND p.retired = 0)
                 FROM unit_grids g
                 WHERE g.retired = 0 AND ($1::text IS NULL OR g.work_grid = $1) ORDER BY g.code",
                &[&work_grid.as_ref().map(GridCode::as_str)],
                |r| {
                    let work_grid: Option<String> = r.try_get(3)?;
                    Ok(UnitGridListing {
                        code: code(r, 0)?,
                        street: r.try_get(1)?,
                        community: r.try_get(2)?,
                        work_grid: work_grid.and_then(|w| w.parse().ok()),
                        bbox: [r.try_get(4)?, r.try_get(5)?, r.try_get(6)?, r.try_get(7)?],
                        components: count(r, 8)?,
                    })
                },
            )
        })
    }

    fn component_page(&self, filter: ComponentFilter) -> Result<ComponentPage, StorageError> {
        self.read(move |tx| {
            let total = count(
                &tx.query_one(
                    &format!("SELECT count(*) {MATCHING}"),
                    &[&filter.id_prefix, &filter.unit_grid_prefix],
                )?,
                0,
            )?;
            let items = rows(
                tx,
                &format!(
                    "SELECT {COMPONENT_COLUMNS}, c.version {MATCHING}
                     ORDER BY c.id LIMIT $3 OFFSET $4"
                ),
                &[
                    &filter.id_prefix,
                    &filter.unit_grid_prefix,
                    &i64::from(filter.limit),
                    &i64::from(filter.offset),
                ],
                listing,
            )?;
            Ok(ComponentPage { total, items })
        })
    }

    fn component_listing(&self, id: ComponentId) -> Result<Option<ComponentListing>, StorageError> {
        self.read(move |tx| {
            tx.query_opt(
                &format!(
                    "SELECT {COMPONENT_COLUMNS}, c.version FROM components c
                     WHERE c.id = $1 AND c.retired = 0"
                ),
                &[&id.as_str()],
            )?
            .map(|r| listing(&r))
            .transpose()
        })
    }
}

/// A component read with [`COMPONENT_COLUMNS`] and then its version.
fn listing(r: &Row) -> Result<ComponentListing, StorageError> {
    let at: i64 = r.try_get(6)?;
    Ok(ComponentListing {
        component: component(r)?,
        version: u64::try_from(at).unwrap_or(0),
    })
}
