//! Login: the one step that needs signal. Registers this phone as a device of the user and
//! stores the session; a re-login on the same store keeps the device id.

use crate::client::{Client, normalize_url};
use crate::error::ClientError;
use crate::http::{Http, server_message};
use crate::model::Session;
use crate::store::settings;
use cgt_shared::{DeviceId, Role, UserId};
use serde::{Deserialize, Serialize};

pub const LOGIN_PATH: &str = "/api/v1/auth/login";

#[derive(Debug, Serialize)]
struct LoginRequest<'a> {
    username: &'a str,
    password: &'a str,
    device_name: &'a str,
    app_version: &'a str,
    device_id: Option<DeviceId>,
}

/// The server's answer to a device login.
#[derive(Debug, Deserialize)]
struct LoginResponse {
    token: String,
    user_id: UserId,
    username: String,
    #[serde(default)]
    display_name: String,
    /// Role names; names of a newer server are ignored.
    #[serde(default)]
    roles: Vec<String>,
    device_id: DeviceId,
}

impl Client {
    pub async fn login(
        &self,
        server_url: &str,
        username: &str,
        password: &str,
        device_name: &str,
    ) -> Result<Session, ClientError> {
        let server_url = normalize_url(server_url)?;
        let request = LoginRequest {
            username: username.trim(),
            password,
            device_name,
            app_version: env!("CARGO_PKG_VERSION"),
            device_id: self.inner.store.read(settings::device_id)?,
        };
        let body = serde_json::to_vec(&request).expect("a login request always serializes");
        let mut http = Http::new(&self.inner.http, &server_url, None);
        let reply = http
            .post(LOGIN_PATH, crate::http::JSON, body)
            .await
            .map_err(|e| match e {
                ClientError::Network(_) => {
                    ClientError::Network("网络不可用,登录需要网络,请在有信号时再试".into())
                }
                other => other,
            })?;
        if matches!(reply.status, 401 | 403) {
            return Err(ClientError::LoginRefused(server_message(&reply.body)));
        }
        let body = reply.success()?;
        let response: LoginResponse = serde_json::from_slice(&body)
            .map_err(|e| ClientError::Protocol(format!("login response: {e}")))?;
        let session = Session {
            server_url,
            user_id: response.user_id,
            display_name: if response.display_name.trim().is_empty() {
                response.username.clone()
            } else {
                response.display_name
            },
            username: response.username,
            roles: response
                .roles
                .iter()
                .filter_map(|r| Role::parse(r))
                .collect(),
            device_id: response.device_id,
        };
        self.inner
            .store
            .write(|tx| settings::save_login(tx, &session, &response.token))?;
        Ok(session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_answer_is_understood() {
        let user = UserId::new();
        let device = DeviceId::new();
        let text = format!(
            r#"{{"token":"t","user_id":"{user}","username":"zhang","display_name":"张三","roles":["inspector","astronaut"],"device_id":"{device}","expires_at":1}}"#
        );
        let response: LoginResponse = serde_json::from_str(&text).unwrap();
        assert_eq!((response.user_id, response.device_id), (user, device));
        assert_eq!(response.roles, ["inspector", "astronaut"]);
    }
}
