//! The one error type of the client library, worded for the inspector holding the phone.
//!
//! Messages are plain zh-CN first; a technical detail, where one helps support, follows in
//! parentheses. The type serializes to its message so a Tauri command can return it as is.

use cgt_shared::ReportError;
use cgt_shared::doc::DocError;
use cgt_shared::geo::PositionError;
use cgt_shared::wire::WireError;
use serde::{Serialize, Serializer};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ClientError {
    #[error("尚未登录:请在有信号时先登录一次")]
    NotLoggedIn,
    #[error("服务器地址无效: {0} (应以 http:// 或 https:// 开头)")]
    InvalidServerUrl(String),
    #[error("登录失败: {0}")]
    LoginRefused(String),
    #[error("登录已失效或设备已被停用,请重新登录")]
    Unauthorized,
    #[error("上报内容有误: {0}")]
    Invalid(#[from] ReportError),
    #[error("定位无效: {0}")]
    Position(#[from] PositionError),
    #[error("尚未上班:请先上班再记录轨迹")]
    NotOnShift,
    #[error("找不到这条上报")]
    NotFound,
    #[error("只能修改或撤回本人在本机上报的问题")]
    NotOwnReport,
    #[error("这条上报已撤回,不能再修改或撤回")]
    Withdrawn,
    #[error("这条上报已申请撤回,正在等待中心处理")]
    WithdrawPending,
    #[error("照片无效: {0}")]
    InvalidPhoto(String),
    #[error("本机照片文件读写出错,请检查存储空间 ({0})")]
    PhotoFile(String),
    /// No network, a timeout or a dropped connection: the data stays on the device.
    #[error("{0}")]
    Network(String),
    #[error("{}", server_message(*.status, .message))]
    Server { status: u16, message: String },
    #[error("服务器返回的数据无法识别,请升级应用或联系管理员 ({0})")]
    Protocol(String),
    #[error("本机存储出错,请联系管理员 ({0})")]
    Store(#[from] rusqlite::Error),
    #[error("案件数据有误 ({0})")]
    Document(#[from] DocError),
}

fn server_message(status: u16, message: &str) -> String {
    if status >= 500 {
        format!("服务器暂时出错 ({status}),已保存在本机,稍后自动重试: {message}")
    } else {
        format!("服务器拒绝了请求 ({status}): {message}")
    }
}

impl ClientError {
    /// Whether trying again later may succeed without anyone doing anything: the network or
    /// the server failed, as opposed to the server refusing the request.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Network(_) => true,
            ClientError::Server { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

impl From<automerge::AutomergeError> for ClientError {
    fn from(e: automerge::AutomergeError) -> Self {
        ClientError::Document(DocError::from(e))
    }
}

impl From<WireError> for ClientError {
    fn from(e: WireError) -> Self {
        ClientError::Protocol(e.to_string())
    }
}

impl Serialize for ClientError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_to_its_message() {
        let json = serde_json::to_string(&ClientError::Unauthorized).unwrap();
        assert_eq!(json, "\"登录已失效或设备已被停用,请重新登录\"");
    }

    #[test]
    fn only_network_and_server_failures_are_transient() {
        let server = |status| ClientError::Server {
            status,
            message: String::new(),
        };
        assert!(ClientError::Network("断网".into()).is_transient());
        assert!(server(503).is_transient());
        assert!(!server(413).is_transient());
        assert!(!ClientError::Unauthorized.is_transient());
        assert!(!ClientError::Protocol("x".into()).is_transient());
    }
}
