//! HTTP to the server: POST requests that count round trips and body bytes, and the mapping of
//! transport failures and error statuses to [`ClientError`].

use crate::error::ClientError;
use cgt_shared::wire::{self, Limits, Message};
use reqwest::Method;
use reqwest::header::CONTENT_TYPE;

/// Longest server error text kept for the inspector, in characters.
const MAX_MESSAGE_CHARS: usize = 200;

/// The content type of JSON bodies.
pub(crate) const JSON: &str = "application/json";

/// What the exchanges with the server cost. A request that found no connection is not counted:
/// nothing of it left the device.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Meter {
    pub round_trips: u32,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

/// A connection to one server, optionally authenticated.
pub(crate) struct Http<'a> {
    client: &'a reqwest::Client,
    base: &'a str,
    token: Option<&'a str>,
    pub meter: Meter,
}

/// A response that arrived, whatever its status.
pub(crate) struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl<'a> Http<'a> {
    pub(crate) fn new(client: &'a reqwest::Client, base: &'a str, token: Option<&'a str>) -> Self {
        Http {
            client,
            base,
            token,
            meter: Meter::default(),
        }
    }

    pub(crate) async fn post(
        &mut self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Reply, ClientError> {
        self.send(Method::POST, path, content_type, &[], body).await
    }

    /// Any request with a body, with extra headers.
    pub(crate) async fn send(
        &mut self,
        method: Method,
        path: &str,
        content_type: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Reply, ClientError> {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header(CONTENT_TYPE, content_type);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if let Some(token) = self.token {
            request = request.bearer_auth(token);
        }
        let size = body.len() as u64;
        let sent = request.body(body).send().await;
        if !matches!(&sent, Err(e) if e.is_connect()) {
            self.meter.round_trips += 1;
            self.meter.bytes_sent += size;
        }
        let response = sent.map_err(network_error)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(network_error)?;
        self.meter.bytes_received += body.len() as u64;
        Ok(Reply {
            status,
            body: body.to_vec(),
        })
    }

    /// Sends one sync message and decodes the answer.
    pub(crate) async fn exchange<Req: Message, Resp: Message>(
        &mut self,
        path: &str,
        request: &Req,
        zstd_level: i32,
    ) -> Result<Resp, ClientError> {
        let body = wire::encode(request, zstd_level);
        let reply = self.post(path, wire::CONTENT_TYPE, body).await?;
        Ok(wire::decode(&reply.success()?, &Limits::default())?)
    }
}

impl Reply {
    /// The body of a 2xx answer; any other status as an error.
    pub(crate) fn success(self) -> Result<Vec<u8>, ClientError> {
        match self.status {
            200..=299 => Ok(self.body),
            401 => Err(ClientError::Unauthorized),
            status => Err(ClientError::Server {
                status,
                message: server_message(&self.body),
            }),
        }
    }
}

/// The server's explanation: `{"error": "..."}`, else the text of the body.
pub(crate) fn server_message(body: &[u8]) -> String {
    let from_json = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string));
    let text = from_json.unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_string());
    if text.is_empty() {
        "服务器没有说明原因".to_string()
    } else {
        text.chars().take(MAX_MESSAGE_CHARS).collect()
    }
}

pub(crate) fn network_error(e: reqwest::Error) -> ClientError {
    tracing::warn!(error = %e, "request failed");
    let what = if e.is_timeout() {
        "网络超时"
    } else if e.is_connect() {
        "网络不可用"
    } else {
        "网络连接中断"
    };
    ClientError::Network(format!("{what},已保存在本机,有信号后自动上传"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: u16, body: &str, expected: &str) {
        let reply = Reply {
            status,
            body: body.as_bytes().to_vec(),
        };
        let got = match reply.success() {
            Ok(body) => format!("ok {}", String::from_utf8(body).unwrap()),
            Err(e) => e.to_string(),
        };
        assert_eq!(got, expected);
    }

    #[test]
    fn statuses_map_to_errors() {
        check(200, "x", "ok x");
        check(401, "", "登录已失效或设备已被停用,请重新登录");
        check(
            413,
            r#"{"error":"同步数据过大"}"#,
            "服务器拒绝了请求 (413): 同步数据过大",
        );
        check(
            503,
            "<html>Bad Gateway</html>",
            "服务器暂时出错 (503),已保存在本机,稍后自动重试: <html>Bad Gateway</html>",
        );
        check(
            500,
            "",
            "服务器暂时出错 (500),已保存在本机,稍后自动重试: 服务器没有说明原因",
        );
    }
}
