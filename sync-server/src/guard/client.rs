//! The caller's network address, as the connection shows it. Behind a reverse proxy every
//! request shows the proxy's address; the limits then act per proxy (documented in README).

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// The key addresses are limited by: an IPv4 address, or an IPv6 /64 (one subscriber's
    /// prefix, which a single phone or host can rotate through freely).
    pub fn key(&self) -> String {
        match self.0 {
            None => "unknown".into(),
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
                }
            },
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_group_an_ipv6_prefix_and_unwrap_mapped_ipv4() {
        let key = |s: &str| ClientAddr(Some(s.parse().unwrap())).key();
        assert_eq!(key("10.1.2.3"), "10.1.2.3");
        assert_eq!(key("::ffff:10.1.2.3"), "10.1.2.3");
        assert_eq!(key("2408:8000:1:2:aaaa::1"), key("2408:8000:1:2:bbbb::9"));
        assert_ne!(key("2408:8000:1:2::1"), key("2408:8000:1:3::1"));
        assert_eq!(ClientAddr(None).key(), "unknown");
    }
}
