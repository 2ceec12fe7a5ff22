//! The codes of digital city management: county (GB/T 2260), grid (单元网格 / 工作网格) and
//! component (部件) identifiers, parsed and validated.
//!
//! - county: 6 digits, the first two a province code of GB/T 2260;
//! - grid: 15 digits = county + 3-digit street (街道) + 3-digit community (社区) + 3-digit serial;
//! - component id: 16 digits = county + 2-digit class + 2-digit subclass + 6-digit serial.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CodeError {
    #[error("{what}必须是{len}位数字,收到 \"{got}\"")]
    Shape {
        what: &'static str,
        len: usize,
        got: String,
    },
    #[error("{what}中的行政区划代码无效: \"{got}\" (GB/T 2260 province code 11…82)")]
    County { what: &'static str, got: String },
    #[error("{what}中的序号不能为0: \"{got}\"")]
    ZeroPart { what: &'static str, got: String },
}

/// GB/T 2260 province prefixes (the first two digits of a county code).
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

fn digits(s: &str, len: usize, what: &'static str) -> Result<(), CodeError> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(CodeError::Shape {
            what,
            len,
            got: s.chars().take(40).collect(),
        })
    }
}

fn county_part(s: &str, what: &'static str) -> Result<(), CodeError> {
    let province: u8 = s[..2].parse().unwrap_or(0);
    if PROVINCES.contains(&province) && &s[2..6] != "0000" {
        Ok(())
    } else {
        Err(CodeError::County {
            what,
            got: s.to_string(),
        })
    }
}

fn nonzero(part: &str, whole: &str, what: &'static str) -> Result<(), CodeError> {
    if part.bytes().all(|b| b == b'0') {
        Err(CodeError::ZeroPart {
            what,
            got: whole.to_string(),
        })
    } else {
        Ok(())
    }
}

macro_rules! string_code {
    ($(#[$meta:meta])* $name:ident, $pattern:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::String)
                    .pattern(Some($pattern))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = CodeError;
            fn try_from(s: String) -> Result<Self, CodeError> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(c: $name) -> String {
                c.0
            }
        }
    };
}

string_code!(
    /// A 6-digit county-level administrative code (GB/T 2260), e.g. `320508` (苏州市姑苏区).
    CountyCode,
    "^[0-9]{6}$"
);
string_code!(
    /// A 15-digit grid code, used for unit grids (单元网格) and work grids (工作网格).
    GridCode,
    "^[0-9]{15}$"
);
string_code!(
    /// A 16-digit component id (部件标识码), the component's "身份证号码".
    ComponentId,
    "^[0-9]{16}$"
);

impl FromStr for CountyCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        const WHAT: &str = "行政区划代码";
        digits(s, 6, WHAT)?;
        county_part(s, WHAT)?;
        Ok(Self(s.to_string()))
    }
}

impl FromStr for GridCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        const WHAT: &str = "网格编码";
        digits(s, 15, WHAT)?;
        county_part(s, WHAT)?;
        nonzero(&s[12..15], s, WHAT)?;
        Ok(Self(s.to_string()))
    }
}

impl GridCode {
    /// Builds a grid code from its parts; each must be in range.
    pub fn compose(
        county: &CountyCode,
        street: u16,
        community: u16,
        serial: u16,
    ) -> Result<Self, CodeError> {
        format!("{county}{street:03}{community:03}{serial:03}").parse()
    }

    pub fn county(&self) -> CountyCode {
        CountyCode(self.0[..6].to_string())
    }

    pub fn street(&self) -> &str {
        &self.0[6..9]
    }

    pub fn community(&self) -> &str {
        &self.0[9..12]
    }
}

impl FromStr for ComponentId {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        const WHAT: &str = "部件标识码";
        digits(s, 16, WHAT)?;
        county_part(s, WHAT)?;
        nonzero(&s[6..8], s, WHAT)?;
        nonzero(&s[8..10], s, WHAT)?;
        nonzero(&s[10..16], s, WHAT)?;
        Ok(Self(s.to_string()))
    }
}

impl ComponentId {
    pub fn compose(
        county: &CountyCode,
        class: u8,
        subclass: u8,
        serial: u32,
    ) -> Result<Self, CodeError> {
        format!("{county}{class:02}{subclass:02}{serial:06}").parse()
    }

    pub fn county(&self) -> CountyCode {
        CountyCode(self.0[..6].to_string())
    }

    /// The 部件 class code (大类), e.g. 1 for 公用设施.
    pub fn class(&self) -> u8 {
        self.0[6..8].parse().unwrap_or(0)
    }

    /// The 部件 subclass code (小类) within its class, e.g. 1 for 上水井盖.
    pub fn subclass(&self) -> u8 {
        self.0[8..10].parse().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T: FromStr>(s: &str, ok: bool) {
        assert_eq!(s.parse::<T>().is_ok(), ok, "{s}");
    }

    #[test]
    fn component_ids() {
        check::<ComponentId>("3205080101000001", true);
        check::<ComponentId>("320508010100000", false);
        check::<ComponentId>("32050801010000012", false);
        check::<ComponentId>("32050801010000a1", false);
        check::<ComponentId>("9905080101000001", false);
        check::<ComponentId>("3200000101000001", false);
        check::<ComponentId>("3205080001000001", false);
        check::<ComponentId>("3205080101000000", false);
        check::<ComponentId>("３２０５０８０１０１０００００１", false);
        let id: ComponentId = "3205080102000042".parse().unwrap();
        assert_eq!((id.class(), id.subclass()), (1, 2));
        assert_eq!(id.county().as_str(), "320508");
    }

    #[test]
    fn grid_codes() {
        check::<GridCode>("320508001002003", true);
        check::<GridCode>("320508001002000", false);
        check::<GridCode>("32050800100200", false);
        check::<GridCode>("000508001002003", false);
        let county: CountyCode = "320508".parse().unwrap();
        let g = GridCode::compose(&county, 1, 2, 3).unwrap();
        assert_eq!(g.as_str(), "320508001002003");
        assert_eq!((g.street(), g.community()), ("001", "002"));
        assert!(GridCode::compose(&county, 1000, 2, 3).is_err());
    }

    #[test]
    fn counties() {
        check::<CountyCode>("320508", true);
        check::<CountyCode>("110101", true);
        check::<CountyCode>("320000", false);
        check::<CountyCode>("3205", false);
    }

    #[test]
    fn serde_refuses_bad_codes() {
        assert!(serde_json::from_str::<GridCode>("\"320508001002003\"").is_ok());
        assert!(serde_json::from_str::<GridCode>("\"12\"").is_err());
    }
}
