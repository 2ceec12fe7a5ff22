//! Every answer the tests receive is checked against the OpenAPI document the server
//! generates: the status must be documented for the operation, and a JSON body must satisfy
//! the schema declared for that status. A mismatch fails the test that met it.

use jsonschema::Validator;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

struct Document {
    doc: Value,
    /// Path templates split into segments (`None` for a `{parameter}`).
    templates: Vec<(String, Vec<Option<String>>)>,
    validators: Mutex<HashMap<(String, String, u16), Arc<Validator>>>,
}

static DOCUMENT: LazyLock<Document> = LazyLock::new(|| {
    let doc = serde_json::to_value(cgt_server::openapi_document()).unwrap_or(Value::Null);
    let templates = doc["paths"]
        .as_object()
        .map(|paths| {
            paths
                .keys()
                .map(|template| {
                    let segments = template
                        .split('/')
                        .map(|s| (!s.starts_with('{')).then(|| s.to_string()))
                        .collect();
                    (template.clone(), segments)
                })
                .collect()
        })
        .unwrap_or_default();
    Document {
        doc,
        templates,
        validators: Mutex::new(HashMap::new()),
    }
});

/// The documented template of `path` for `method`: the one with the most literal segments.
fn template(method: &str, path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    DOCUMENT
        .templates
        .iter()
        .filter(|(template, parts)| {
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(part, segment)| part.as_deref().is_none_or(|p| p == *segment))
                && DOCUMENT.doc["paths"][template.as_str()][method].is_object()
        })
        .max_by_key(|(_, parts)| parts.iter().filter(|p| p.is_some()).count())
        .map(|(template, _)| template.as_str())
}

fn validator(template: &str, method: &str, status: u16) -> Result<Option<Arc<Validator>>, String> {
    let key = (template.to_string(), method.to_string(), status);
    if let Some(found) = DOCUMENT.validators.lock().unwrap().get(&key) {
        return Ok(Some(found.clone()));
    }
    let response = &DOCUMENT.doc["paths"][template][method]["responses"][status.to_string()];
    if response.is_null() {
        return Err(format!(
            "{method} {template} does not document status {status}"
        ));
    }
    let schema = &response["content"]["application/json"]["schema"];
    if schema.is_null() {
        return Ok(None);
    }
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": DOCUMENT.doc["components"],
        "allOf": [schema],
    });
    let compiled = Arc::new(
        jsonschema::draft202012::new(&root)
            .map_err(|e| format!("{method} {template} {status}: schema does not compile: {e}"))?,
    );
    DOCUMENT
        .validators
        .lock()
        .unwrap()
        .insert(key, compiled.clone());
    Ok(Some(compiled))
}

/// Whether an answer conforms: `Err` names the first mismatch. Paths the document does not
/// know (the console's static files) and non-JSON bodies pass on their status alone.
pub fn check(method: &str, url: &str, status: u16, body: Option<&Value>) -> Result<(), String> {
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let method = method.to_ascii_lowercase();
    let Some(template) = template(&method, path) else {
        return Ok(());
    };
    let Some(validator) = validator(template, &method, status)? else {
        return Ok(());
    };
    let Some(body) = body else {
        return Ok(());
    };
    let errors: Vec<String> = validator
        .iter_errors(body)
        .take(3)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{method} {path} answered {status} against its schema: {}",
            errors.join("; ")
        ))
    }
}

/// Sends `request` (to `path`, with `method`) and checks the answer; the status and the JSON
/// body (`null` if the body is not JSON).
pub async fn send_checked(
    request: reqwest::RequestBuilder,
    method: &str,
    path: &str,
) -> anyhow::Result<(u16, Value)> {
    let response = request.send().await?;
    let status = response.status().as_u16();
    let answer: Option<Value> = response.json().await.ok();
    assert_conforms(method, path, status, answer.as_ref());
    Ok((status, answer.unwrap_or(Value::Null)))
}

/// [`check`] that panics on a mismatch, for the test helpers.
pub fn assert_conforms(method: &str, url: &str, status: u16, body: Option<&Value>) {
    if let Err(mismatch) = check(method, url, status, body) {
        panic!("OpenAPI conformance: {mismatch}");
    }
}
