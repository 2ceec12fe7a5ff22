//! The category table (部件 / 事件 → class → subclass), shipped as data.
//!
//! The default table is `data/categories.toml`, compiled in; a city can load its own table in the
//! same format. Lookups are by (kind, class, subclass) codes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;
use thiserror::Error;
use utoipa::ToSchema;

const DEFAULT_TABLE: &str = include_str!("../data/categories.toml");

/// 部件 (a physical city asset) or 事件 (a situation).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 部件
    Component,
    /// 事件
    Event,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Component => "component",
            Kind::Event => "event",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "component" => Some(Kind::Component),
            "event" => Some(Kind::Event),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Component => "部件",
            Kind::Event => "事件",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Subclass {
    pub code: u8,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Class {
    pub kind: Kind,
    pub code: u8,
    pub name: String,
    pub subclasses: Vec<Subclass>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CategoryTable {
    pub version: u32,
    #[serde(rename = "class")]
    pub classes: Vec<Class>,
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CategoryError {
    #[error("类别表格式错误: {0}")]
    Format(String),
    #[error("类别表中 {kind} 大类 {class:02} 重复")]
    DuplicateClass { kind: Kind, class: u8 },
    #[error("类别表中 {kind} {class:02}{subclass:02} 重复")]
    DuplicateSubclass { kind: Kind, class: u8, subclass: u8 },
    #[error("类别代码超出范围 01…99: {kind} {class}/{subclass}")]
    CodeRange { kind: Kind, class: u8, subclass: u8 },
    #[error("{kind}大类 {class:02} 不存在")]
    UnknownClass { kind: Kind, class: u8 },
    #[error("{kind}小类 {class:02}{subclass:02} 不存在")]
    UnknownSubclass { kind: Kind, class: u8, subclass: u8 },
}

impl CategoryTable {
    /// The compiled-in default table.
    pub fn builtin() -> &'static CategoryTable {
        static TABLE: OnceLock<CategoryTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            CategoryTable::from_toml(DEFAULT_TABLE).expect("the built-in category table is valid")
        })
    }

    /// Parses and checks a table (codes in range, no duplicates).
    pub fn from_toml(text: &str) -> Result<CategoryTable, CategoryError> {
        let table: CategoryTable =
            toml::from_str(text).map_err(|e| CategoryError::Format(e.to_string()))?;
        table.check()?;
        Ok(table)
    }

    fn check(&self) -> Result<(), CategoryError> {
        let mut seen = BTreeMap::new();
        for class in &self.classes {
            if seen.insert((class.kind, class.code), ()).is_some() {
                return Err(CategoryError::DuplicateClass {
                    kind: class.kind,
                    class: class.code,
                });
            }
            let mut subs = BTreeMap::new();
            for sub in &class.subclasses {
                let in_range = |c: u8| (1..=99).contains(&c);
                if !in_range(class.code) || !in_range(sub.code) {
                    return Err(CategoryError::CodeRange {
                        kind: class.kind,
                        class: class.code,
                        subclass: sub.code,
                    });
                }
                if subs.insert(sub.code, ()).is_some() {
                    return Err(CategoryError::DuplicateSubclass {
                        kind: class.kind,
                        class: class.code,
                        subclass: sub.code,
                    });
                }
            }
        }
        Ok(())
    }

    pub fn class(&self, kind: Kind, class: u8) -> Result<&Class, CategoryError> {
        self.classes
            .iter()
            .find(|c| c.kind == kind && c.code == class)
            .ok_or(CategoryError::UnknownClass { kind, class })
    }

    pub fn subclass(
        &self,
        kind: Kind,
        class: u8,
        subclass: u8,
    ) -> Result<&Subclass, CategoryError> {
        self.class(kind, class)?
            .subclasses
            .iter()
            .find(|s| s.code == subclass)
            .ok_or(CategoryError::UnknownSubclass {
                kind,
                class,
                subclass,
            })
    }

    /// Every (kind, class, subclass) in table order.
    pub fn all_subclasses(&self) -> impl Iterator<Item = (Kind, &Class, &Subclass)> {
        self.classes
            .iter()
            .flat_map(|c| c.subclasses.iter().map(move |s| (c.kind, c, s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_has_the_confirmed_codes() {
        let t = CategoryTable::builtin();
        assert_eq!(t.subclass(Kind::Component, 1, 1).unwrap().name, "上水井盖");
        assert_eq!(t.subclass(Kind::Component, 1, 2).unwrap().name, "污水井盖");
        assert_eq!(t.class(Kind::Event, 5).unwrap().name, "街面秩序");
        assert_eq!(t.subclass(Kind::Event, 1, 2).unwrap().name, "暴露垃圾");
        assert!(t.all_subclasses().count() > 80);
    }

    #[test]
    fn unknown_codes_are_errors() {
        let t = CategoryTable::builtin();
        assert_eq!(
            t.subclass(Kind::Event, 1, 99).unwrap_err(),
            CategoryError::UnknownSubclass {
                kind: Kind::Event,
                class: 1,
                subclass: 99
            }
        );
        assert!(t.class(Kind::Component, 42).is_err());
    }

    #[test]
    fn a_city_can_extend_the_table_and_duplicates_are_refused() {
        let extended = format!(
            "{DEFAULT_TABLE}\n[[class]]\nkind = \"event\"\ncode = 80\nname = \"地方扩展\"\nsubclasses = [{{ code = 1, name = \"共享单车乱停\" }}]\n"
        );
        let t = CategoryTable::from_toml(&extended).unwrap();
        assert_eq!(t.subclass(Kind::Event, 80, 1).unwrap().name, "共享单车乱停");
        let dup = format!(
            "{DEFAULT_TABLE}\n[[class]]\nkind = \"event\"\ncode = 1\nname = \"x\"\nsubclasses = []\n"
        );
        assert_eq!(
            CategoryTable::from_toml(&dup).unwrap_err(),
            CategoryError::DuplicateClass {
                kind: Kind::Event,
                class: 1
            }
        );
    }
}
