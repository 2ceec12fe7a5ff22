//! TypeScript declarations from the JSON schemas the Rust types generate (OpenAPI 3.1
//! components): the console and the field app's UI import these instead of keeping copies of
//! the wire shapes by hand. Pure: schemas in, source text out.
//!
//! Optional properties follow serde, which differs by direction: an answer always carries an
//! `Option` field (as `null`), so in an output type a property outside `required` that allows
//! null is `name: T | null`; a request may leave it out, so in an input type (one a request
//! body refers to) every property outside `required` is `name?: T`.

use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fmt::Write;

/// The schemas a request body of `doc` (an OpenAPI document) refers to, directly or through
/// other schemas: the input types.
pub fn inputs(doc: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            references(&operation["requestBody"], &mut pending);
        }
    }
    while let Some(name) = pending.pop() {
        if found.insert(name.clone()) {
            references(&doc["components"]["schemas"][&name], &mut pending);
        }
    }
    found
}

/// Every schema name `value` refers to.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                out.push(
                    reference
                        .rsplit('/')
                        .next()
                        .unwrap_or(reference)
                        .to_string(),
                );
            }
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// One `export type` per schema, sorted by name, after `header` (a comment naming the source);
/// `inputs` names the input types (see the module's note on optional properties).
pub fn declarations(
    schemas: &Map<String, Value>,
    inputs: &BTreeSet<String>,
    header: &str,
) -> String {
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, "// {line}");
    }
    let mut names: Vec<&String> = schemas.keys().collect();
    names.sort();
    for name in names {
        let schema = &schemas[name];
        out.push('\n');
        doc_comment(schema, "", &mut out);
        let style = Style {
            input: inputs.contains(name),
        };
        let _ = writeln!(out, "export type {name} = {}", render(schema, "", style));
    }
    out
}

fn doc_comment(schema: &Value, indent: &str, out: &mut String) {
    if let Some(text) = schema["description"].as_str().filter(|t| !t.is_empty()) {
        let text = text.replace("*/", "*\\/");
        if text.contains('\n') {
            let _ = writeln!(out, "{indent}/**");
            for line in text.lines() {
                let _ = writeln!(out, "{indent} * {line}");
            }
            let _ = writeln!(out, "{indent} */");
        } else {
            let _ = writeln!(out, "{indent}/** {text} */");
        }
    }
}

/// The TypeScript type of `schema`, indented for nested objects.
/// How optional properties are written: see the module's note.
#[derive(Clone, Copy)]
struct Style {
    input: bool,
}

fn render(schema: &Value, indent: &str, style: Style) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return reference
            .rsplit('/')
            .next()
            .unwrap_or(reference)
            .to_string();
    }
    if let Some(parts) = schema["allOf"].as_array() {
        return join(parts, " & ", indent, style);
    }
    if let Some(parts) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        return join(parts, " | ", indent, style);
    }
    if let Some(values) = schema["enum"].as_array() {
        return values
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(" | ");
    }
    if !schema["const"].is_null() {
        return schema["const"].to_string();
    }
    match &schema["type"] {
        Value::String(kind) => of_kind(kind, schema, indent, style),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .map(|kind| of_kind(kind, schema, indent, style))
            .collect::<Vec<_>>()
            .join(" | "),
        _ if schema["properties"].is_object() => object(schema, indent, style),
        _ => "unknown".to_string(),
    }
}

fn join(parts: &[Value], separator: &str, indent: &str, style: Style) -> String {
    let rendered: Vec<String> = parts
        .iter()
        .map(|part| {
            let text = render(part, indent, style);
            if text.contains(" | ") && separator == " & " {
                format!("({text})")
            } else {
                text
            }
        })
        .collect();
    rendered.join(separator)
}

fn of_kind(kind: &str, schema: &Value, indent: &str, style: Style) -> String {
    match kind {
        "string" => "string".to_string(),
        "integer" | "number" => "number".to_string(),
        "boolean" => "boolean".to_string(),
        "null" => "null".to_string(),
        "array" => array(schema, indent, style),
        "object" => object(schema, indent, style),
        _ => "unknown".to_string(),
    }
}

fn array(schema: &Value, indent: &str, style: Style) -> String {
    if let Some(items) = schema["prefixItems"].as_array() {
        let parts: Vec<String> = items.iter().map(|i| render(i, indent, style)).collect();
        return format!("[{}]", parts.join(", "));
    }
    let item = render(&schema["items"], indent, style);
    if item.contains(' ') {
        format!("({item})[]")
    } else {
        format!("{item}[]")
    }
}

fn object(schema: &Value, indent: &str, style: Style) -> String {
    let Some(properties) = schema["properties"].as_object() else {
        return match &schema["additionalProperties"] {
            Value::Object(_) => format!(
                "Record<string, {}>",
                render(&schema["additionalProperties"], indent, style)
            ),
            _ => "Record<string, unknown>".to_string(),
        };
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let inner = format!("{indent}  ");
    let mut out = String::from("{\n");
    for (name, property) in properties {
        doc_comment(property, &inner, &mut out);
        let ty = render(property, &inner, style);
        let nullable = ty.split(" | ").any(|t| t == "null");
        let mark = if required.contains(&name.as_str()) || (nullable && !style.input) {
            ""
        } else {
            "?"
        };
        let _ = writeln!(out, "{inner}{name}{mark}: {ty}");
    }
    out.push_str(indent);
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_table() {
        let output = Style { input: false };
        let check =
            |schema: Value, expected: &str| assert_eq!(render(&schema, "", output), expected);
        check(json!({"type": "integer", "format": "int64"}), "number");
        check(json!({"type": ["string", "null"]}), "string | null");
        check(json!({"$ref": "#/components/schemas/DocId"}), "DocId");
        check(
            json!({"type": "string", "enum": ["green", "red"]}),
            "\"green\" | \"red\"",
        );
        check(
            json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/W"}]}),
            "null | W",
        );
        check(
            json!({"type": "array", "items": {"type": "number"}}),
            "number[]",
        );
        check(
            json!({"type": "array", "items": {"type": ["string", "null"]}}),
            "(string | null)[]",
        );
        check(
            json!({"type": "object", "additionalProperties": {"type": "integer"}}),
            "Record<string, number>",
        );
        check(json!({}), "unknown");
    }

    #[test]
    fn optional_and_nullable_fields() {
        let schema = json!({
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "description": "the id"},
                "note": {"type": ["string", "null"]},
                "urgent": {"type": "boolean"}
            }
        });
        assert_eq!(
            render(&schema, "", Style { input: false }),
            "{\n  /** the id */\n  id: string\n  note: string | null\n  urgent?: boolean\n}"
        );
        assert_eq!(
            render(&schema, "", Style { input: true }),
            "{\n  /** the id */\n  id: string\n  note?: string | null\n  urgent?: boolean\n}"
        );
    }

    #[test]
    fn input_types_are_those_request_bodies_reach() {
        let doc = json!({
            "paths": {"/a": {"post": {"requestBody": {"content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/New"}}}}}}},
            "components": {"schemas": {
                "New": {"properties": {"at": {"$ref": "#/components/schemas/Spot"}}},
                "Spot": {"type": "object"},
                "Answer": {"type": "object"}
            }}
        });
        let names: Vec<String> = inputs(&doc).into_iter().collect();
        assert_eq!(names, ["New", "Spot"]);
    }

    #[test]
    fn declarations_are_sorted_with_their_comments() {
        let mut schemas = Map::new();
        schemas.insert("B".into(), json!({"type": "string"}));
        schemas.insert(
            "A".into(),
            json!({"type": "integer", "description": "a count"}),
        );
        assert_eq!(
            declarations(&schemas, &BTreeSet::new(), "generated"),
            "// generated\n\n/** a count */\nexport type A = number\n\nexport type B = string\n"
        );
    }
}
