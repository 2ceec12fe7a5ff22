//! GeoReport v2 in XML: every Open311 endpoint answers `….xml` as well as `….json`. The
//! handlers speak JSON; this layer turns their answer into the spec's XML (`services/service`,
//! `service_definition`, `service_requests/request`, `errors/error`) when the path asks for it.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cgt_shared::xml::xml_chars;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::Value;
use std::borrow::Cow;
use std::io;

/// Largest JSON answer converted (1,000 requests fit comfortably).
const MAX_JSON_BYTES: usize = 16 * 1024 * 1024;

/// The root and item element names of an answer to `path` with `status`.
fn element_names(path: &str, status: StatusCode) -> (&'static str, &'static str) {
    if status.is_client_error() || status.is_server_error() {
        ("errors", "error")
    } else if path.contains("/services/") {
        ("service_definition", "attribute")
    } else if path.contains("/services") {
        ("services", "service")
    } else {
        ("service_requests", "request")
    }
}

/// One element named `name` holding `value`: objects become child elements, arrays repeat
/// `item`, null and empty arrays become empty elements.
fn element(name: &str, item: &str, value: &Value, out: &mut Writer<Vec<u8>>) -> io::Result<()> {
    let text = match value {
        Value::Null => return out.write_event(Event::Empty(BytesStart::new(name))),
        Value::Array(items) if items.is_empty() => {
            return out.write_event(Event::Empty(BytesStart::new(name)));
        }
        Value::Object(fields) => {
            out.write_event(Event::Start(BytesStart::new(name)))?;
            for (key, field) in fields {
                element(key, item, field, out)?;
            }
            return out.write_event(Event::End(BytesEnd::new(name)));
        }
        Value::Array(items) => {
            out.write_event(Event::Start(BytesStart::new(name)))?;
            for entry in items {
                element(item, item, entry, out)?;
            }
            return out.write_event(Event::End(BytesEnd::new(name)));
        }
        Value::String(s) => xml_chars(s),
        scalar => Cow::Owned(scalar.to_string()),
    };
    out.write_event(Event::Start(BytesStart::new(name)))?;
    out.write_event(Event::Text(BytesText::new(&text)))?;
    out.write_event(Event::End(BytesEnd::new(name)))
}

/// The XML document of a JSON answer.
pub fn to_xml(root: &str, item: &str, answer: &Value) -> io::Result<Vec<u8>> {
    let mut out = Writer::new(Vec::new());
    out.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    element(root, item, answer, &mut out)?;
    Ok(out.into_inner())
}

/// Answers `….xml` paths in XML: the JSON handler runs, then its answer is converted.
pub async fn xml_format(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if !path.ends_with(".xml") {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    let status = response.status();
    let Ok(bytes) = to_bytes(response.into_body(), MAX_JSON_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let (root, item) = element_names(&path, status);
    let Ok(document) = to_xml(root, item, &answer) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        Body::from(document),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn xml(root: &str, item: &str, answer: &Value) -> String {
        String::from_utf8(to_xml(root, item, answer).unwrap()).unwrap()
    }

    #[test]
    fn lists_objects_and_errors_follow_the_georeport_shapes() {
        let services =
            json!([{ "service_code": "event-01-02", "metadata": false, "group": "事件·市容环境" }]);
        assert_eq!(
            xml("services", "service", &services),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service>\
             <group>事件·市容环境</group><metadata>false</metadata>\
             <service_code>event-01-02</service_code></service></services>"
        );
        let definition = json!({ "service_code": "event-01-02", "attributes": [] });
        assert!(
            xml("service_definition", "attribute", &definition)
                .ends_with("<service_definition><attributes/><service_code>event-01-02</service_code></service_definition>")
        );
        let errors = json!([{ "code": 400, "description": "lat & long <required>" }]);
        assert!(
            xml("errors", "error", &errors).ends_with(
                "<errors><error><code>400</code><description>lat &amp; long &lt;required&gt;</description></error></errors>"
            )
        );
    }

    #[test]
    fn nulls_are_empty_and_characters_xml_cannot_carry_are_dropped() {
        let request = json!([{ "media_url": null, "description": "a\u{1}b\nc\u{FFFE}\u{FFFF}" }]);
        assert!(xml("service_requests", "request", &request).ends_with(
            "<request><description>ab\nc</description><media_url/></request></service_requests>"
        ));
    }

    #[test]
    fn element_names_follow_the_path_and_status() {
        let ok = StatusCode::OK;
        assert_eq!(
            element_names("/open311/v2/services.xml", ok),
            ("services", "service")
        );
        assert_eq!(
            element_names("/open311/v2/services/event-01-02.xml", ok),
            ("service_definition", "attribute")
        );
        assert_eq!(
            element_names("/open311/v2/requests.xml", ok),
            ("service_requests", "request")
        );
        assert_eq!(
            element_names("/open311/v2/requests/x.xml", StatusCode::NOT_FOUND),
            ("errors", "error")
        );
    }
}
