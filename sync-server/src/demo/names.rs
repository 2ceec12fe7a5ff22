//! Names of the demo city: streets and communities of 姑苏区, departments, and people.

/// Streets (街道) with their communities (社区), west→east within each street. The streets lie
/// in the quadrants NE, SW, SE, NW of the area, in this order.
pub const STREETS: [(&str, [&str; 3]); 4] = [
    ("平江街道", ["拙政园社区", "平江路社区", "狮林社区"]),
    ("沧浪街道", ["胥江社区", "沧浪亭社区", "南园社区"]),
    ("双塔街道", ["定慧寺社区", "网师社区", "双塔社区"]),
    ("金阊街道", ["留园社区", "彩香社区", "石路社区"]),
];

/// Departments: (code, name). Ids are their position + 1.
pub const DEPARTMENTS: [(&str, &str); 10] = [
    ("szglc", "市政管理处"),
    ("hwc", "环卫处"),
    ("yllhj", "园林绿化管理局"),
    ("cgzfdd", "城管执法大队"),
    ("gdgs", "供电公司"),
    ("zlsgs", "自来水公司"),
    ("rqgs", "燃气公司"),
    ("jjdd", "交警大队"),
    ("txgs", "通信公司"),
    ("gjgs", "公交公司"),
];

pub const MUNICIPAL: i64 = 1;
pub const SANITATION: i64 = 2;
pub const GREENING: i64 = 3;
pub const ENFORCEMENT: i64 = 4;
pub const POWER: i64 = 5;
pub const WATER: i64 = 6;
pub const GAS: i64 = 7;
pub const TRAFFIC_POLICE: i64 = 8;
pub const TELECOM: i64 = 9;
pub const BUS: i64 = 10;

/// The twelve inspectors, one per work grid.
pub const INSPECTORS: [&str; 12] = [
    "张伟", "李强", "王芳", "刘军", "陈杰", "杨勇", "黄磊", "赵鹏", "周涛", "吴斌", "徐明", "孙浩",
];

/// Components of the demo city: (class, subclass, relative frequency, owner, maintainer).
pub const COMPONENT_MIX: [(u8, u8, u32, i64, i64); 33] = [
    (1, 1, 6, WATER, WATER),
    (1, 2, 6, MUNICIPAL, MUNICIPAL),
    (1, 3, 6, MUNICIPAL, MUNICIPAL),
    (1, 4, 5, MUNICIPAL, MUNICIPAL),
    (1, 5, 3, POWER, POWER),
    (1, 6, 2, MUNICIPAL, MUNICIPAL),
    (1, 7, 3, TELECOM, TELECOM),
    (1, 11, 2, GAS, GAS),
    (1, 15, 2, WATER, WATER),
    (1, 16, 10, MUNICIPAL, MUNICIPAL),
    (1, 17, 3, POWER, POWER),
    (1, 18, 2, TELECOM, TELECOM),
    (1, 19, 1, ENFORCEMENT, ENFORCEMENT),
    (1, 20, 1, MUNICIPAL, GREENING),
    (2, 3, 3, BUS, BUS),
    (2, 5, 4, TRAFFIC_POLICE, TRAFFIC_POLICE),
    (2, 6, 2, TRAFFIC_POLICE, TRAFFIC_POLICE),
    (2, 7, 3, TRAFFIC_POLICE, MUNICIPAL),
    (2, 8, 3, MUNICIPAL, MUNICIPAL),
    (2, 11, 1, MUNICIPAL, MUNICIPAL),
    (2, 14, 2, ENFORCEMENT, ENFORCEMENT),
    (3, 1, 1, SANITATION, SANITATION),
    (3, 3, 6, SANITATION, SANITATION),
    (3, 4, 4, SANITATION, SANITATION),
    (3, 5, 3, ENFORCEMENT, ENFORCEMENT),
    (3, 6, 1, SANITATION, SANITATION),
    (4, 1, 1, GREENING, GREENING),
    (4, 2, 10, GREENING, GREENING),
    (4, 3, 2, GREENING, GREENING),
    (4, 5, 2, GREENING, GREENING),
    (4, 7, 2, GREENING, SANITATION),
    (5, 1, 1, ENFORCEMENT, ENFORCEMENT),
    (6, 3, 1, MUNICIPAL, MUNICIPAL),
];
