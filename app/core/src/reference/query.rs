//! The offline queries over the reference data held: which unit grid a position lies in, the
//! components near it, the category table, and the inspector's work grids. No network.

use super::model::{ComponentView, WorkGridView};
use super::store;
use crate::client::Client;
use crate::error::ClientError;
use cgt_shared::geometry;
use cgt_shared::{CategoryTable, GridCode, Kind, Position};

impl Client {
    /// The unit grid (单元网格) held that contains `position`, or `None` outside every one.
    /// A point on the edge two grids share belongs to the one with the smaller code.
    pub fn unit_grid_at(&self, position: Position) -> Result<Option<GridCode>, ClientError> {
        position.validate()?;
        let p = [position.lon, position.lat];
        let candidates = self
            .inner
            .store
            .read(|conn| store::unit_grids_around(conn, p))?;
        Ok(candidates
            .into_iter()
            .find(|(_, ring)| geometry::contains(ring, p))
            .map(|(code, _)| code))
    }

    /// Components (部件) held within `radius_m` metres of `position`, nearest first (ties by
    /// id). `class` filters by `(class, subclass)`; subclass 0 means any subclass of the class.
    pub fn components_near(
        &self,
        position: Position,
        radius_m: f64,
        class: Option<(u8, u8)>,
    ) -> Result<Vec<ComponentView>, ClientError> {
        position.validate()?;
        if radius_m.is_nan() || radius_m < 0.0 {
            return Ok(Vec::new());
        }
        let table = self.categories()?;
        let bbox = geometry::radius_box([position.lon, position.lat], radius_m);
        let rows = self
            .inner
            .store
            .read(|conn| store::components_in(conn, bbox, class))?;
        let mut near: Vec<ComponentView> = rows
            .into_iter()
            .filter_map(|(id, [lon, lat])| {
                let at = Position::new(lat, lon, 0.0);
                let distance_m = position.distance_m(&at);
                (distance_m <= radius_m).then(|| {
                    let (class, subclass) = (id.class(), id.subclass());
                    let name = table
                        .subclass(Kind::Component, class, subclass)
                        .map_or_else(
                            |_| format!("部件 {class:02}{subclass:02}"),
                            |s| s.name.clone(),
                        );
                    ComponentView {
                        id,
                        class,
                        subclass,
                        name,
                        distance_m,
                        position: at,
                    }
                })
            })
            .collect();
        near.sort_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(near)
    }

    /// The category table: the one downloaded from the server, or the built-in one before the
    /// first download.
    pub fn categories(&self) -> Result<CategoryTable, ClientError> {
        let Some(body) = self.inner.store.read(store::categories)? else {
            return Ok(CategoryTable::builtin().clone());
        };
        serde_json::from_str(&body).or_else(|e| {
            tracing::warn!(error = %e, "stored category table unreadable; using the built-in one");
            Ok(CategoryTable::builtin().clone())
        })
    }

    /// The work grids (工作网格) of the logged-in inspector, each with its unit grids.
    pub fn my_work_grids(&self) -> Result<Vec<WorkGridView>, ClientError> {
        let (work_grids, unit_grids) = self
            .inner
            .store
            .read(|conn| Ok((store::work_grids(conn)?, store::unit_grids(conn)?)))?;
        Ok(work_grids
            .into_iter()
            .map(|(code, name)| WorkGridView {
                unit_grids: unit_grids
                    .iter()
                    .filter(|(work_grid, _)| *work_grid == code)
                    .map(|(_, grid)| grid.clone())
                    .collect(),
                code,
                name,
            })
            .collect())
    }
}
