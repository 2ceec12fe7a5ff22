//! Security headers on every answer: the console may not be framed (clickjacking), scripts and
//! connections come only from this server, types are not sniffed, and no referrer leaves it.
//! Request logs name the path only: a query string can carry an OsmAnd unit's key.

use axum::extract::Request;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, Response};
use tracing::Span;

/// The console's policy. Element Plus sets inline styles; photos and exports are blob URLs;
/// map tiles come from the city's tile server (`tile_url`).
pub fn content_security_policy(tile_url: Option<&str>) -> String {
    let tiles = match tile_url {
        Some(url) if url.starts_with("http://") => " http:",
        _ => "",
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob: https:{tiles}; connect-src 'self'; font-src 'self' data:; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Adds the headers to `response`.
pub fn add<B>(policy: &HeaderValue, mut response: Response<B>) -> Response<B> {
    let headers = response.headers_mut();
    headers.insert(CONTENT_SECURITY_POLICY, policy.clone());
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// The log span of a request: method and path, never the query string or headers.
pub fn request_span(request: &Request) -> Span {
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_forbids_framing_and_foreign_scripts() {
        let policy = content_security_policy(None);
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("script-src 'self';"));
        assert!(!policy.contains("http:"));
        assert!(
            content_security_policy(Some("http://tiles.local/{z}/{x}/{y}.png")).contains(" http:")
        );
        let response = add(&HeaderValue::from_str(&policy).unwrap(), Response::new(()));
        assert_eq!(response.headers()[X_FRAME_OPTIONS], "DENY");
        assert_eq!(response.headers()[X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}
