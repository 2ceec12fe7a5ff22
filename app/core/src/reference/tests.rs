//! The reference store and queries without a server: answers applied as the server would send
//! them, then the offline questions asked.

use super::store;
use crate::ClientError;
use crate::testing::{Fixture, T0, garbage_report};
use cgt_shared::wire::reference::{
    Component, Department, ReferenceAnswer, Retired, UnitGrid, WorkGrid,
};
use cgt_shared::{CategoryTable, Kind, Position, UserId};

const WORK_GRID: &str = "320508001001901";

/// A 0.0025° × 0.002° grid whose north-west corner is `(lon, lat)`.
fn grid(code: &str, lon: f64, lat: f64) -> UnitGrid {
    let (e, s) = (lon + 0.0025, lat - 0.002);
    UnitGrid {
        code: code.parse().unwrap(),
        work_grid: WORK_GRID.parse().unwrap(),
        street: "平江街道".into(),
        community: "拙政园社区".into(),
        polygon: vec![[lon, lat], [e, lat], [e, s], [lon, s], [lon, lat]],
    }
}

fn component(id: &str, lon: f64, lat: f64, unit_grid: &str) -> Component {
    Component {
        id: id.parse().unwrap(),
        lon,
        lat,
        unit_grid: unit_grid.parse().unwrap(),
        owner: Some(1),
        maintainer: Some(1),
    }
}

/// Two unit grids side by side, west (…001) and east (…002), three components.
fn snapshot(categories: Option<CategoryTable>) -> ReferenceAnswer {
    ReferenceAnswer {
        version: 3,
        full: true,
        categories,
        departments: vec![Department {
            id: 1,
            code: "szglc".into(),
            name: "市政管理处".into(),
        }],
        work_grids: vec![WorkGrid {
            code: WORK_GRID.parse().unwrap(),
            name: "拙政园社区工作网格".into(),
        }],
        unit_grids: vec![
            grid("320508001001001", 120.6, 31.32),
            grid("320508001001002", 120.6025, 31.32),
        ],
        components: vec![
            component("3205080101000001", 120.6010, 31.3190, "320508001001001"),
            component("3205080116000001", 120.6012, 31.3190, "320508001001001"),
            component("3205080101000002", 120.6030, 31.3190, "320508001001002"),
        ],
        retired: Retired::default(),
    }
}

fn apply(f: &Fixture, user: UserId, answer: &ReferenceAnswer) {
    f.client
        .inner
        .store
        .write(|tx| store::apply(tx, answer, user, T0))
        .unwrap();
}

fn at(lon: f64, lat: f64) -> Position {
    Position::new(lat, lon, 5.0)
}

fn ids(f: &Fixture, lon: f64, lat: f64, radius: f64, class: Option<(u8, u8)>) -> Vec<String> {
    f.client
        .components_near(at(lon, lat), radius, class)
        .unwrap()
        .into_iter()
        .map(|c| c.id.to_string())
        .collect()
}

#[test]
fn before_the_first_download_nothing_is_known_and_the_builtin_table_applies() {
    let f = Fixture::new();
    assert_eq!(&f.client.categories().unwrap(), CategoryTable::builtin());
    assert_eq!(f.client.unit_grid_at(at(120.601, 31.319)).unwrap(), None);
    assert!(ids(&f, 120.601, 31.319, 1000.0, None).is_empty());
    assert!(f.client.my_work_grids().unwrap().is_empty());
    assert_eq!(f.client.reference_state().unwrap().version, 0);
}

#[test]
fn grid_and_components_from_a_snapshot() {
    let f = Fixture::new();
    let session = f.login();
    apply(&f, session.user_id, &snapshot(None));

    let check = |lon, lat, expected: Option<&str>| {
        let found = f.client.unit_grid_at(at(lon, lat)).unwrap();
        assert_eq!(found.as_ref().map(|g| g.as_str()), expected, "{lon},{lat}");
    };
    check(120.601, 31.319, Some("320508001001001"));
    check(120.603, 31.319, Some("320508001001002"));
    check(120.6025, 31.319, Some("320508001001001"));
    check(120.599, 31.319, None);
    check(116.3975, 39.9087, None);
    assert!(matches!(
        f.client.unit_grid_at(at(f64::NAN, 31.3)),
        Err(ClientError::Position(_))
    ));

    assert_eq!(
        ids(&f, 120.6011, 31.319, 50.0, None),
        ["3205080101000001", "3205080116000001"]
    );
    assert_eq!(
        ids(&f, 120.6011, 31.319, 500.0, Some((1, 1))),
        ["3205080101000001", "3205080101000002"]
    );
    assert_eq!(ids(&f, 120.6011, 31.319, 500.0, Some((1, 0))).len(), 3);
    assert!(ids(&f, 120.6011, 31.319, 500.0, Some((4, 0))).is_empty());
    assert!(ids(&f, 120.6011, 31.319, -1.0, None).is_empty());
    let nearest = &f
        .client
        .components_near(at(120.6011, 31.319), 50.0, None)
        .unwrap()[0];
    assert_eq!(nearest.name, "上水井盖");
    assert!(
        (nearest.distance_m - 9.5).abs() < 0.5,
        "{}",
        nearest.distance_m
    );

    let grids = f.client.my_work_grids().unwrap();
    assert_eq!(grids.len(), 1);
    assert_eq!(grids[0].unit_grids.len(), 2);
}

#[test]
fn a_delta_drops_what_it_retires_with_what_hangs_off_it() {
    let f = Fixture::new();
    let session = f.login();
    apply(&f, session.user_id, &snapshot(None));
    let delta = ReferenceAnswer {
        version: 5,
        full: false,
        categories: None,
        departments: Vec::new(),
        work_grids: Vec::new(),
        unit_grids: Vec::new(),
        components: vec![component(
            "3205080101000001",
            120.6015,
            31.3185,
            "320508001001001",
        )],
        retired: Retired {
            unit_grids: vec!["320508001001002".parse().unwrap()],
            ..Retired::default()
        },
    };
    apply(&f, session.user_id, &delta);
    assert_eq!(f.client.unit_grid_at(at(120.603, 31.319)).unwrap(), None);
    assert_eq!(
        ids(&f, 120.6015, 31.3185, 1000.0, None),
        ["3205080101000001", "3205080116000001"]
    );
    let store = &f.client.inner.store;
    assert_eq!(
        store
            .read(|c| store::version_for(c, session.user_id))
            .unwrap(),
        5
    );
    assert_eq!(
        store
            .read(|c| store::version_for(c, UserId::new()))
            .unwrap(),
        0
    );

    let gone = ReferenceAnswer {
        version: 6,
        retired: Retired {
            work_grids: vec![WORK_GRID.parse().unwrap()],
            ..Retired::default()
        },
        components: Vec::new(),
        ..delta
    };
    apply(&f, session.user_id, &gone);
    assert!(f.client.my_work_grids().unwrap().is_empty());
    assert!(ids(&f, 120.6015, 31.3185, 1000.0, None).is_empty());
}

#[test]
fn reports_are_checked_against_the_downloaded_category_table() {
    let f = Fixture::new();
    let session = f.login();
    let mut local = garbage_report();
    local.class = 80;
    local.subclass = 1;
    assert!(matches!(
        f.client.create_report(local.clone()),
        Err(ClientError::Invalid(_))
    ));
    let mut table = CategoryTable::builtin().clone();
    table.classes.push(cgt_shared::category::Class {
        kind: Kind::Event,
        code: 80,
        name: "地方扩展".into(),
        subclasses: vec![cgt_shared::category::Subclass {
            code: 1,
            name: "共享单车乱停".into(),
        }],
    });
    apply(&f, session.user_id, &snapshot(Some(table.clone())));
    assert_eq!(f.client.categories().unwrap(), table);
    f.client.create_report(local).unwrap();
}
