//! What an admin sees on the server, through its JSON API.

use crate::fixtures::DEMO_PASSWORD;
use cgt_shared::DocId;
use serde_json::Value;

pub struct Admin {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Admin {
    pub async fn login(base: &str) -> anyhow::Result<Admin> {
        let (status, login, text) = crate::raw::login(base, "admin", DEMO_PASSWORD, None).await?;
        let login = login.ok_or_else(|| anyhow::anyhow!("admin login {status}: {text}"))?;
        Ok(Admin {
            base: base.to_string(),
            token: login.token,
            http: reqwest::Client::new(),
        })
    }

    async fn get(&self, path: &str) -> anyhow::Result<(u16, Value)> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = response.status().as_u16();
        let answer = response.json().await.ok();
        crate::conformance::assert_conforms("GET", path, status, answer.as_ref());
        Ok((status, answer.unwrap_or(Value::Null)))
    }

    /// The server's view of a document, or None if it has none.
    pub async fn doc(&self, id: DocId) -> anyhow::Result<Option<Value>> {
        let (status, body) = self.get(&format!("/api/v1/docs/{id}")).await?;
        match status {
            200 => Ok(Some(body)),
            404 => Ok(None),
            other => anyhow::bail!("GET doc {id}: {other} {body}"),
        }
    }

    /// The server's counts (`GET /api/v1/stats`).
    pub async fn stats(&self) -> anyhow::Result<Value> {
        let (status, body) = self.get("/api/v1/stats").await?;
        anyhow::ensure!(status == 200, "stats: {status} {body}");
        Ok(body)
    }

    /// How many case documents the server stores.
    pub async fn doc_count(&self) -> anyhow::Result<usize> {
        let body = self.stats().await?;
        body["docs"]
            .as_u64()
            .map(|n| n as usize)
            .ok_or_else(|| anyhow::anyhow!("stats without docs: {body}"))
    }

    /// The devices as the console lists them (`GET /api/v1/devices`).
    pub async fn devices(&self) -> anyhow::Result<Vec<Value>> {
        let (status, body) = self.get("/api/v1/devices").await?;
        anyhow::ensure!(status == 200, "devices: {status} {body}");
        Ok(body.as_array().cloned().unwrap_or_default())
    }

    /// One device as the console lists it.
    pub async fn device(&self, id: cgt_shared::DeviceId) -> anyhow::Result<Value> {
        let id = id.to_string();
        self.devices()
            .await?
            .into_iter()
            .find(|d| d["id"] == id.as_str())
            .ok_or_else(|| anyhow::anyhow!("device {id} not listed"))
    }

    pub async fn refusals(&self) -> anyhow::Result<Vec<Value>> {
        let (status, body) = self.get("/api/v1/refusals?limit=1000").await?;
        anyhow::ensure!(status == 200, "refusals: {status} {body}");
        Ok(body.as_array().cloned().unwrap_or_default())
    }

    pub async fn revoke_device(&self, device: cgt_shared::DeviceId) -> anyhow::Result<u16> {
        let response = self
            .http
            .post(format!("{}/api/v1/devices/{device}/revoke", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        Ok(response.status().as_u16())
    }
}
