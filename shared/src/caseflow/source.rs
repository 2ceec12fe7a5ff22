//! 案件来源: the channel a case came in through.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 监督员上报 (synced from a device)
    Patrol,
    /// 热线 (12319), entered by an operator
    Hotline,
    /// 视频抓拍, entered by an operator
    Video,
    /// 公众举报 (web / WeChat / app, Open311)
    Public,
    /// 传感器报警 (e.g. a manhole-cover tag)
    Sensor,
    /// 领导交办
    Leader,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::Patrol,
        Source::Hotline,
        Source::Video,
        Source::Public,
        Source::Sensor,
        Source::Leader,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Patrol => "patrol",
            Source::Hotline => "hotline",
            Source::Video => "video",
            Source::Public => "public",
            Source::Sensor => "sensor",
            Source::Leader => "leader",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::Patrol => "监督员上报",
            Source::Hotline => "热线",
            Source::Video => "视频抓拍",
            Source::Public => "公众举报",
            Source::Sensor => "传感器报警",
            Source::Leader => "领导交办",
        }
    }

    /// Complaints from citizens: they get a 核实 task and count in 群众满意率.
    pub fn is_public_complaint(self) -> bool {
        matches!(self, Source::Hotline | Source::Public)
    }
}
