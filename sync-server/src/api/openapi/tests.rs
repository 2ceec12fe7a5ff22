//! The document is generated, complete and checked in.

use super::render;
use crate::api::document;
use std::path::{Path, PathBuf};

/// The checked-in copy, relative to the crate.
fn checked_in() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/openapi.json")
}

/// `CGT_BLESS=1 cargo test -p cgt-server openapi` rewrites the copy after a deliberate change.
#[test]
fn the_checked_in_document_is_the_generated_one() {
    let generated = render(&document());
    if std::env::var_os("CGT_BLESS").is_some() {
        std::fs::write(checked_in(), &generated).unwrap();
    }
    let kept = std::fs::read_to_string(checked_in()).unwrap_or_default();
    assert!(
        kept == generated,
        "data/openapi.json differs from the document the code generates: run \
         `CGT_BLESS=1 cargo test -p cgt-server openapi` and review the diff"
    );
}

/// Routes are registered through `OpenApiRouter::routes`, which needs each handler's
/// `#[utoipa::path]`. A plain `.route(` would serve a path the document lacks: only the
/// console's static files and the `.xml` twins of Open311 (documented by `xml_twins`) may.
#[test]
fn no_route_is_registered_without_its_documentation() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let allowed = [
        ("console.rs", "\"/\""),
        ("console.rs", "\"/console\""),
        ("console.rs", "\"/console/{*rest}\""),
        ("open311.rs", "\"/open311/v2/services.xml\""),
        ("open311.rs", "\"/open311/v2/requests.xml\""),
    ];
    let mut undocumented = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        for (at, _) in text.match_indices(".route(") {
            let rest = text[at + ".route(".len()..].trim_start();
            let target = rest.split([',', ')']).next().unwrap_or_default().trim();
            if !allowed.contains(&(name.as_str(), target)) {
                undocumented.push(format!("{name}: .route({target}"));
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "undocumented routes: {undocumented:?}"
    );
}

#[test]
fn every_operation_names_its_errors() {
    let doc = document();
    for (path, item) in &doc.paths.paths {
        for (method, operation) in [
            ("get", &item.get),
            ("post", &item.post),
            ("put", &item.put),
            ("patch", &item.patch),
        ] {
            let Some(operation) = operation else { continue };
            let statuses: Vec<&String> = operation.responses.responses.keys().collect();
            assert!(
                statuses.iter().any(|s| s.starts_with('2')),
                "{method} {path} documents no success"
            );
            let public = ["/healthz", "/api/v1/openapi.json"].contains(&path.as_str())
                || path.starts_with("/open311/v2/services");
            assert!(
                public || statuses.iter().any(|s| s.starts_with('4')),
                "{method} {path} documents no client error"
            );
        }
    }
}

/// The console's TypeScript types are the document's schemas:
/// `CGT_BLESS=1 cargo test -p cgt-server openapi` rewrites them with the document.
#[test]
fn the_console_types_are_generated() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("console/src/generated/api.ts");
    let doc = serde_json::to_value(document()).unwrap();
    let schemas = doc["components"]["schemas"].as_object().cloned().unwrap();
    let generated = cgt_shared::typescript::declarations(
        &schemas,
        &cgt_shared::typescript::inputs(&doc),
        "Generated from the server's OpenAPI schemas (the Rust wire types); do not edit.\n\
         CGT_BLESS=1 cargo test -p cgt-server openapi rewrites it.",
    );
    if std::env::var_os("CGT_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == generated,
        "console/src/generated/api.ts is stale: run `CGT_BLESS=1 cargo test -p cgt-server openapi`"
    );
}
