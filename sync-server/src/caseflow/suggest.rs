//! Suggestions for the operator, from a rule table shipped as data (`data/case_rules.toml`):
//! 匹配派遣 (which department handles a category in an area) and 智能比对 (earlier cases of the
//! same subcategory within the category's radius and time window, nearest first). Pure.

use crate::photos::PhotoArrival;
use crate::storage::CaseListRow;
use cgt_shared::{DocId, Kind, Position};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use utoipa::ToSchema;

const RULES: &str = include_str!("../../data/case_rules.toml");

#[derive(Clone, Debug, Deserialize)]
struct DispatchRule {
    kind: Kind,
    class: u8,
    subclass: Option<u8>,
    /// A 街道 code or unit-grid code prefix.
    area: Option<String>,
    department: String,
}

#[derive(Clone, Debug, Deserialize)]
struct DuplicateRule {
    kind: Kind,
    class: u8,
    subclass: Option<u8>,
    radius_m: f64,
    window_hours: i64,
}

#[derive(Clone, Debug, Deserialize)]
struct DuplicateDefaults {
    radius_m: f64,
    window_hours: i64,
    #[serde(default)]
    rule: Vec<DuplicateRule>,
}

#[derive(Clone, Debug, Deserialize)]
struct CaseRules {
    dispatch: Vec<DispatchRule>,
    duplicates: DuplicateDefaults,
}

fn rules() -> &'static CaseRules {
    static PARSED: OnceLock<CaseRules> = OnceLock::new();
    PARSED.get_or_init(|| toml::from_str(RULES).expect("the shipped case rules are valid"))
}

/// The department code the rule table suggests for a category at a unit grid.
pub fn dispatch_department(
    kind: Kind,
    class: u8,
    subclass: u8,
    unit_grid: &str,
) -> Option<&'static str> {
    rules()
        .dispatch
        .iter()
        .filter(|r| r.kind == kind && r.class == class)
        .filter(|r| r.subclass.is_none_or(|s| s == subclass))
        .filter(|r| r.area.as_deref().is_none_or(|a| unit_grid.starts_with(a)))
        .max_by_key(|r| (r.subclass.is_some(), r.area.as_ref().map_or(0, String::len)))
        .map(|r| r.department.as_str())
}

/// Radius in metres and window in hours of the duplicate search for a category.
pub fn duplicate_window(kind: Kind, class: u8, subclass: u8) -> (f64, i64) {
    let d = &rules().duplicates;
    d.rule
        .iter()
        .filter(|r| r.kind == kind && r.class == class)
        .filter(|r| r.subclass.is_none_or(|s| s == subclass))
        .max_by_key(|r| r.subclass.is_some())
        .map_or((d.radius_m, d.window_hours), |r| {
            (r.radius_m, r.window_hours)
        })
}

/// A possible duplicate with its distance and, once the caller looked it up, the first photo
/// of its report (served by `GET /api/v1/photos/{sha256}/thumb` once it has arrived).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DuplicateCandidate {
    pub distance_m: f64,
    pub status_label: &'static str,
    pub photo: Option<PhotoArrival>,
    #[serde(flatten)]
    pub case: CaseListRow,
}

/// Candidates within `radius_m` of `at`, other than `id` itself, nearest first.
pub fn duplicates(
    id: DocId,
    at: &Position,
    radius_m: f64,
    rows: Vec<CaseListRow>,
) -> Vec<DuplicateCandidate> {
    let mut found: Vec<DuplicateCandidate> = rows
        .into_iter()
        .filter(|r| r.id != id)
        .map(|case| DuplicateCandidate {
            distance_m: at.distance_m(&Position::new(case.lat, case.lon, 0.0)),
            status_label: case.status.label(),
            photo: None,
            case,
        })
        .filter(|c| c.distance_m <= radius_m)
        .collect();
    found.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_dispatch_rule_wins() {
        let check = |kind, class, subclass, expected| {
            assert_eq!(
                dispatch_department(kind, class, subclass, "320508001001001"),
                expected
            );
        };
        check(Kind::Component, 1, 1, Some("zlsgs"));
        check(Kind::Component, 1, 2, Some("szglc"));
        check(Kind::Event, 1, 2, Some("hwc"));
        check(Kind::Event, 1, 1, Some("cgzfdd"));
        check(Kind::Event, 6, 1, None);
    }

    #[test]
    fn duplicate_windows_per_category() {
        assert_eq!(duplicate_window(Kind::Event, 1, 2), (50.0, 72));
        assert_eq!(duplicate_window(Kind::Event, 5, 1), (100.0, 24));
    }
}
