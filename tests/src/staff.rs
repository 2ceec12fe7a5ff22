//! A console user (operator, shift leader, dispatcher, handler, leader) speaking the case API.

use crate::conformance::assert_conforms;
use crate::fixtures::DEMO_PASSWORD;
use serde_json::Value;

pub struct Staff {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Staff {
    pub async fn login(base: &str, username: &str) -> anyhow::Result<Staff> {
        Staff::login_with(base, username, DEMO_PASSWORD).await
    }

    /// A console login with a password other than the demo one.
    pub async fn login_with(base: &str, username: &str, password: &str) -> anyhow::Result<Staff> {
        let (status, login, text) = crate::raw::login(base, username, password, None).await?;
        let login = login.ok_or_else(|| anyhow::anyhow!("{username} login {status}: {text}"))?;
        Ok(Staff {
            base: base.to_string(),
            token: login.token,
            http: reqwest::Client::new(),
        })
    }

    /// A caller holding `token` (a device login, say).
    pub fn with_token(base: &str, token: &str) -> Staff {
        Staff {
            base: base.to_string(),
            token: token.to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// The bearer token of this login.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// GET; the status and the JSON body (or the text as a JSON string).
    pub async fn get(&self, path: &str) -> anyhow::Result<(u16, Value)> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        let json = serde_json::from_str(&text).ok();
        assert_conforms("GET", path, status, json.as_ref());
        Ok((status, json.unwrap_or(Value::String(text))))
    }

    /// GET of something other than JSON (a photo); the status and the bytes.
    pub async fn get_bytes(&self, path: &str) -> anyhow::Result<(u16, Vec<u8>)> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = response.status().as_u16();
        Ok((status, response.bytes().await?.to_vec()))
    }

    /// POSTs a JSON body and asserts the answer's status; the JSON answer.
    pub async fn expect(&self, path: &str, body: Value, status: u16) -> anyhow::Result<Value> {
        let (got, answer) = self.post(path, body).await?;
        assert_eq!(got, status, "POST {path}: {answer}");
        Ok(answer)
    }

    /// POSTs a JSON body; the status and the JSON answer.
    pub async fn post(&self, path: &str, body: Value) -> anyhow::Result<(u16, Value)> {
        self.send(reqwest::Method::POST, path, body).await
    }

    /// Sends a JSON body with `method`; the status and the JSON answer.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> anyhow::Result<(u16, Value)> {
        let response = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await?;
        let status = response.status().as_u16();
        let answer = response.json().await.ok();
        assert_conforms(method.as_str(), path, status, answer.as_ref());
        Ok((status, answer.unwrap_or(Value::Null)))
    }

    /// POSTs raw bytes (a file); the status and the JSON answer.
    pub async fn post_bytes(&self, path: &str, body: Vec<u8>) -> anyhow::Result<(u16, Value)> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
            .await?;
        let status = response.status().as_u16();
        let answer = response.json().await.ok();
        assert_conforms("POST", path, status, answer.as_ref());
        Ok((status, answer.unwrap_or(Value::Null)))
    }

    /// A new API key of `channel` (`open311` or `sensor`), created by this (admin) login.
    pub async fn api_key(&self, channel: &str) -> anyhow::Result<String> {
        let body = serde_json::json!({ "name": format!("测试 {channel}"), "channel": channel });
        let answer = self.expect("/api/v1/admin/api-keys", body, 201).await?;
        answer["key"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| anyhow::anyhow!("no key in {answer}"))
    }
}
