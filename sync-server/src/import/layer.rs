//! What an import brings in: one layer of a city's base data, and the attribute names each
//! field is found under (the English names our exports write, the Chinese ones survey tables
//! use, and the ten-letter pinyin abbreviations of Shapefile attribute tables).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// One layer of a city's base data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// 部门: `code`, `name`.
    Departments,
    /// 工作网格: `code` (15 digits), `name`, `inspector` (a username).
    WorkGrids,
    /// 单元网格 (polygons): `code` (15 digits), `street`, `community`, `work_grid`.
    UnitGrids,
    /// 部件 (points): `code` (16 digits), `owner` and `maintainer` (department codes),
    /// optionally `unit_grid`.
    Components,
}

impl Layer {
    pub const ALL: [Layer; 4] = [
        Layer::Departments,
        Layer::WorkGrids,
        Layer::UnitGrids,
        Layer::Components,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Layer::Departments => "departments",
            Layer::WorkGrids => "work-grids",
            Layer::UnitGrids => "unit-grids",
            Layer::Components => "components",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Layer::Departments => "部门",
            Layer::WorkGrids => "工作网格",
            Layer::UnitGrids => "单元网格",
            Layer::Components => "部件",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Layer {
    type Err = String;

    fn from_str(s: &str) -> Result<Layer, String> {
        Layer::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Layer::ALL.iter().map(|l| l.name()).collect();
                format!("未知的图层 {s:?} (one of {})", names.join(", "))
            })
    }
}

/// A field of a layer and the attribute names it is found under (lower case).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Code,
    Name,
    Inspector,
    Street,
    Community,
    WorkGrid,
    Owner,
    Maintainer,
    UnitGrid,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::Code,
        Field::Name,
        Field::Inspector,
        Field::Street,
        Field::Community,
        Field::WorkGrid,
        Field::Owner,
        Field::Maintainer,
        Field::UnitGrid,
    ];

    /// Whether an attribute of this (lower-case) name is read by some field.
    pub fn known(name: &str) -> bool {
        Field::ALL.iter().any(|f| f.names().contains(&name))
    }

    pub fn names(self) -> &'static [&'static str] {
        match self {
            Field::Code => &[
                "code",
                "bgcode",
                "objcode",
                "objid",
                "编码",
                "标识码",
                "网格编码",
                "部件编码",
                "bjbm",
                "bm",
            ],
            Field::Name => &["name", "名称", "部门名称", "网格名称", "mc"],
            Field::Inspector => &["inspector", "username", "监督员", "jdy"],
            Field::Street => &["street", "street_name", "街道", "jdmc"],
            Field::Community => &["community", "community_name", "社区", "sqmc"],
            Field::WorkGrid => &["work_grid", "workgrid", "工作网格", "gzwg", "gzwgbm"],
            Field::Owner => &["owner", "owner_department", "主管部门", "zgbm"],
            Field::Maintainer => &["maintainer", "maintainer_department", "养护部门", "yhbm"],
            Field::UnitGrid => &["unit_grid", "unitgrid", "单元网格", "dywg", "dywgbm"],
        }
    }

    /// The name people see in a report: the first, canonical one.
    pub fn canonical(self) -> &'static str {
        self.names()[0]
    }
}
