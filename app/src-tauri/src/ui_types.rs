//! The shapes the UI exchanges with the commands, as JSON schemas: `app/ui/src/generated/types.ts`
//! is generated from them (`cgt_shared::typescript`), so the UI's types are these Rust types and
//! not a copy kept by hand. A test fails when the checked-in file differs; the module is
//! compiled for tests only.

use crate::commands::report::{ReportForm, ReportOptions};
use crate::commands::tasks::{TaskDetail, TaskItem, TaskResult};
use crate::views::{
    Location, PatrolView, ReportDetail, ReportItem, Startup, SyncOutcome, SyncOverview,
};
use cgt_client::{ComponentView, ReportDraft, Session};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(components(schemas(
    Startup,
    Session,
    Location,
    ReportOptions,
    ComponentView,
    ReportDraft,
    ReportForm,
    ReportItem,
    ReportDetail,
    SyncOverview,
    SyncOutcome,
    PatrolView,
    TaskItem,
    TaskDetail,
    TaskResult
)))]
struct UiTypes;

/// The TypeScript declarations of every shape the commands take or answer.
pub fn typescript() -> String {
    let doc = serde_json::to_value(UiTypes::openapi()).unwrap_or_default();
    let schemas = doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let inputs = [
        "ReportDraft",
        "ReportForm",
        "TaskResult",
        "Position",
        "Kind",
    ]
    .map(String::from)
    .into();
    cgt_shared::typescript::declarations(
        &schemas,
        &inputs,
        "Generated from the Rust types of app/src-tauri (src/ui_types.rs); do not edit.\n\
         CGT_BLESS=1 cargo test -p cgt-app ui_types rewrites it.",
    )
}

mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_ui_types_are_generated() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/generated/types.ts");
        let generated = typescript();
        if std::env::var_os("CGT_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let kept = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            kept == generated,
            "app/ui/src/generated/types.ts is stale: run `CGT_BLESS=1 cargo test -p cgt-app ui_types`"
        );
    }
}
