//! The one error type of the shell's commands. It serializes to its message, plain zh-CN for
//! the inspector, so the UI shows it as is.

use cgt_client::ClientError;
use cgt_client::position::PositionConfigError;
use serde::{Serialize, Serializer};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    PositionSource(#[from] PositionConfigError),
    #[error("配置 {name} 无效: \"{value}\"")]
    Config { name: &'static str, value: String },
    #[error("暂时无法定位,请到开阔处稍候再试")]
    NoFix,
    #[error("照片数据无法读取,请重新选择照片 ({0})")]
    PhotoData(String),
    #[error("上报已保存在本机,但第 {index} 张照片未能加入: {source}")]
    PhotoAfterReport { index: usize, source: ClientError },
    #[error("编码无效: {0}")]
    Code(String),
    #[error("应用内部任务中断,请重试 ({0})")]
    Task(String),
    #[error("无法打开本机数据目录 ({0})")]
    DataDir(String),
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl From<tauri::Error> for AppError {
    fn from(e: tauri::Error) -> Self {
        AppError::Task(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_to_the_inspectors_message() {
        let check = |error: AppError, expected: &str| {
            assert_eq!(serde_json::to_value(&error).unwrap(), expected);
        };
        check(AppError::NoFix, "暂时无法定位,请到开阔处稍候再试");
        check(
            AppError::Client(ClientError::NotLoggedIn),
            "尚未登录:请在有信号时先登录一次",
        );
        check(
            AppError::PhotoAfterReport {
                index: 2,
                source: ClientError::InvalidPhoto("不是 JPEG 照片".into()),
            },
            "上报已保存在本机,但第 2 张照片未能加入: 照片无效: 不是 JPEG 照片",
        );
    }
}
