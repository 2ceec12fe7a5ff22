//! Speaking the sync protocol by hand, the way a crafted or broken client would.

use cgt_shared::wire::{self, DocPush, PushFrame, PushResponse};
use cgt_shared::{DeviceId, DocId, UserId};
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
pub struct Login {
    pub token: String,
    pub user_id: UserId,
    pub device_id: Option<DeviceId>,
}

/// Logs in; with `device_name` as a field device.
pub async fn login(
    base: &str,
    username: &str,
    password: &str,
    device_name: Option<&str>,
) -> anyhow::Result<(u16, Option<Login>, String)> {
    let mut body = serde_json::json!({ "username": username, "password": password });
    if let Some(name) = device_name {
        body["device_name"] = name.into();
        body["app_version"] = "test".into();
    }
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&body)
        .send()
        .await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    let json = serde_json::from_str::<serde_json::Value>(&text).ok();
    crate::conformance::assert_conforms("POST", "/api/v1/auth/login", status, json.as_ref());
    let login = serde_json::from_str(&text).ok();
    Ok((status, login, text))
}

/// POSTs a raw body to a sync endpoint; returns the status and the response bytes.
pub async fn post(
    base: &str,
    path: &str,
    token: &str,
    body: Vec<u8>,
) -> anyhow::Result<(u16, Vec<u8>)> {
    let response = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .header("content-type", wire::CONTENT_TYPE)
        .body(body)
        .send()
        .await?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await?.to_vec();
    let json = serde_json::from_slice::<serde_json::Value>(&bytes).ok();
    crate::conformance::assert_conforms("POST", path, status, json.as_ref());
    Ok((status, bytes))
}

/// Pushes whole documents (empty base) and decodes the answer.
pub async fn push_docs(
    base: &str,
    token: &str,
    docs: Vec<(DocId, Vec<u8>)>,
) -> anyhow::Result<PushResponse> {
    let frame = PushFrame {
        docs: docs
            .into_iter()
            .map(|(id, changes)| DocPush {
                id,
                base: Vec::new(),
                heads: Vec::new(),
                changes,
            })
            .collect(),
    };
    let encoded = wire::encode(&frame, 3);
    let body = wire::encode_frames([encoded.as_slice()]);
    let (status, bytes) = post(base, wire::PUSH_PATH, token, body).await?;
    anyhow::ensure!(
        status == 200,
        "push answered {status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    Ok(wire::decode(&bytes, &wire::Limits::default())?)
}
