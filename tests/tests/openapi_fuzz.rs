//! A client that knows only the OpenAPI document: for every operation with a JSON body it sends
//! bodies generated from the body's schema (patterns, formats, ranges, enums, required fields)
//! and checks, through the harness, that each answer's status is one the document names for
//! that operation and that its body matches — and that none is a 5xx. A schema-valid request is
//! then accepted, or refused only for a reason the document names.

mod common;

use cgt_tests::fixtures::DEMO_PASSWORD;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Just, Union, ValueTree};
use proptest::test_runner::{Config, TestRng, TestRunner};
use reqwest::Method;
use serde_json::{Map, Value, json};

/// Bodies sent per operation.
const BODIES: usize = 24;

/// A strategy for values `schema` accepts; `$ref`s are looked up in `doc`.
fn values(schema: &Value, doc: &Value, depth: u32) -> BoxedStrategy<Value> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return values(&doc["components"]["schemas"][name], doc, depth);
    }
    if let Some(parts) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        return Union::new(parts.iter().map(|p| values(p, doc, depth))).boxed();
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let parts: Vec<BoxedStrategy<Value>> =
            parts.iter().map(|p| values(p, doc, depth)).collect();
        return parts
            .prop_map(|objects| {
                let mut merged = Map::new();
                for object in objects {
                    if let Value::Object(fields) = object {
                        merged.extend(fields);
                    }
                }
                Value::Object(merged)
            })
            .boxed();
    }
    if let Some(choices) = schema["enum"].as_array() {
        return proptest::sample::select(choices.clone()).boxed();
    }
    match &schema["type"] {
        Value::Array(kinds) => Union::new(kinds.iter().filter_map(Value::as_str).map(|kind| {
            let mut one = schema.clone();
            one["type"] = json!(kind);
            values(&one, doc, depth)
        }))
        .boxed(),
        Value::String(kind) => of_kind(kind, schema, doc, depth),
        _ if schema["properties"].is_object() => object(schema, doc, depth),
        _ => Just(json!({})).boxed(),
    }
}

fn of_kind(kind: &str, schema: &Value, doc: &Value, depth: u32) -> BoxedStrategy<Value> {
    let number = |key: &str, fallback: f64| schema[key].as_f64().unwrap_or(fallback);
    match kind {
        "null" => Just(Value::Null).boxed(),
        "boolean" => any::<bool>().prop_map(Value::from).boxed(),
        "integer" => {
            let (low, high) = (
                number("minimum", -5.0) as i64,
                number("maximum", 1_000.0) as i64,
            );
            (low..=high).prop_map(Value::from).boxed()
        }
        "number" => {
            let (low, high) = (number("minimum", -1_000.0), number("maximum", 1_000.0));
            (low..=high).prop_map(Value::from).boxed()
        }
        "string" => string(schema),
        "array" if depth < 3 => {
            let low = schema["minItems"].as_u64().unwrap_or(0) as usize;
            let high = (schema["maxItems"].as_u64().unwrap_or(3) as usize).clamp(low, low + 3);
            proptest::collection::vec(values(&schema["items"], doc, depth + 1), low..=high)
                .prop_map(Value::from)
                .boxed()
        }
        "object" if depth < 3 => object(schema, doc, depth),
        _ => Just(Value::Null).boxed(),
    }
}

fn string(schema: &Value) -> BoxedStrategy<Value> {
    if schema["format"] == "uuid" {
        return any::<u128>()
            .prop_map(|n| Value::from(uuid::Uuid::from_u128(n).to_string()))
            .boxed();
    }
    let regex = match schema["pattern"].as_str() {
        Some(pattern) => {
            let unanchored = pattern.trim_start_matches('^').trim_end_matches('$');
            if pattern.starts_with('^') {
                unanchored.to_string()
            } else {
                format!("[a-z]{{0,3}}{unanchored}[a-z]{{0,3}}")
            }
        }
        None => {
            let low = schema["minLength"].as_u64().unwrap_or(0);
            let high = schema["maxLength"].as_u64().unwrap_or(24).min(24).max(low);
            format!("[a-z0-9 井盖垃圾人民路]{{{low},{high}}}")
        }
    };
    match proptest::string::string_regex(&regex) {
        Ok(strategy) => strategy.prop_map(Value::from).boxed(),
        Err(_) => Just(Value::from("x")).boxed(),
    }
}

fn object(schema: &Value, doc: &Value, depth: u32) -> BoxedStrategy<Value> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, property)| {
            let name = name.clone();
            let value = values(property, doc, depth + 1);
            if required.contains(&name.as_str()) {
                value.prop_map(move |v| Some((name.clone(), v))).boxed()
            } else {
                proptest::option::of(value.prop_map(move |v| (name.clone(), v))).boxed()
            }
        })
        .collect();
    fields
        .prop_map(|fields| Value::Object(fields.into_iter().flatten().collect()))
        .boxed()
}

/// The JSON body schema of an operation, if it takes one.
fn body_schema(operation: &Value) -> Option<&Value> {
    let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
    (!schema.is_null()).then_some(schema)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_valid_requests_meet_only_documented_answers() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&common::server_binary(), dir.path())?;
    let base = server.url();
    let doc: Value = reqwest::get(format!("{base}/api/v1/openapi.json"))
        .await?
        .json()
        .await?;
    let admin = Staff::login(&base, "admin").await?;
    let operator = Staff::login(&base, "operator1").await?;
    let (_, login, text) =
        cgt_tests::raw::login(&base, "inspector01", DEMO_PASSWORD, Some("模糊测试")).await?;
    let device = Staff::with_token(
        &base,
        &login.ok_or_else(|| anyhow::anyhow!("{text}"))?.token,
    );
    let (_, queue) = operator.get("/api/v1/cases?status=reported").await?;
    let (_, users) = admin.get("/api/v1/admin/users").await?;
    let (_, grids) = admin.get("/api/v1/admin/work-grids").await?;
    let (_, components) = admin.get("/api/v1/admin/components?limit=1").await?;
    let text_of = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let filled = |template: &str| {
        template
            .replace("{code}", &text_of(&grids[0]["code"]))
            .replace("{shift}", &uuid::Uuid::now_v7().to_string())
            .replace("{action}", "accept")
            .replace(
                "{id}",
                &if template.contains("/users/") {
                    text_of(&users[1]["id"])
                } else if template.contains("/components/") {
                    text_of(&components["items"][0]["id"])
                } else {
                    text_of(&queue["items"][0]["id"])
                },
            )
    };

    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    let mut operations = 0;
    for (template, item) in doc["paths"].as_object().into_iter().flatten() {
        // Logins are left out: random ones would lock this client's address out.
        if template == "/api/v1/auth/login" {
            continue;
        }
        for method in ["post", "put", "patch"] {
            let Some(schema) = body_schema(&item[method]) else {
                continue;
            };
            operations += 1;
            let who = if template.starts_with("/api/v1/cases") {
                &operator
            } else if template.starts_with("/api/v1/tracks/shifts")
                || template.contains("/photos/{sha256}")
            {
                &device
            } else {
                &admin
            };
            let strategy = values(schema, &doc, 0);
            let path = filled(template);
            for _ in 0..BODIES {
                let body = strategy
                    .new_tree(&mut runner)
                    .map_err(|e| anyhow::anyhow!("{template}: {e}"))?
                    .current();
                let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())?;
                // The harness panics on an undocumented status or a body off its schema.
                let (status, answer) = who.send(method.clone(), &path, body.clone()).await?;
                assert!(status < 500, "{method} {path} {body} → {status} {answer}");
            }
        }
    }
    assert!(
        operations >= 13,
        "only {operations} operations take JSON bodies"
    );
    Ok(())
}
