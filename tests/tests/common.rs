//! Helpers shared by the end-to-end test files.

#![allow(dead_code)]

use cgt_client::{Client, SyncState};
use cgt_shared::DocId;
use cgt_tests::admin::Admin;
use cgt_tests::fixtures::DEMO_PASSWORD;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub fn server_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_server-under-test"))
}

/// Runs a `cgt-server` command line (`command` built on [`server_binary`]) to its end; whether
/// it succeeded and all it printed, stdout then stderr.
pub fn run_command(command: &mut std::process::Command) -> anyhow::Result<(bool, String)> {
    let out = command.output()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok((out.status.success(), text))
}

pub async fn logged_in(dir: &Path, name: &str, url: &str, user: &str) -> anyhow::Result<Client> {
    let client = Client::open(dir.join(format!("{name}.sqlite3")))?;
    client
        .login(url, user, DEMO_PASSWORD, &format!("测试手机-{name}"))
        .await?;
    Ok(client)
}

pub fn ids(client: &Client) -> anyhow::Result<BTreeSet<DocId>> {
    Ok(client.doc_ids()?.into_iter().collect())
}

pub fn ids_in_state(client: &Client, state: SyncState) -> anyhow::Result<Vec<DocId>> {
    Ok(client
        .reports()?
        .into_iter()
        .filter(|v| v.sync == state)
        .map(|v| v.report.id)
        .collect())
}

/// Asserts that the server holds exactly what the client holds for `id`: heads, report, history.
pub async fn assert_same_on_server(
    admin: &Admin,
    client: &Client,
    id: DocId,
) -> anyhow::Result<()> {
    let view = client.report(id)?.expect("client has the report");
    let server = admin
        .doc(id)
        .await?
        .unwrap_or_else(|| panic!("server lacks {id}"));
    let bytes = client.doc_bytes(id)?.expect("client has the bytes");
    let mut doc = automerge::AutoCommit::load(&bytes)?;
    let client_heads: BTreeSet<String> = doc.get_heads().iter().map(|h| h.to_string()).collect();
    let server_heads: BTreeSet<String> = server["heads"]
        .as_array()
        .expect("heads")
        .iter()
        .map(|h| h.as_str().expect("hex").to_string())
        .collect();
    assert_eq!(client_heads, server_heads, "heads of {id}");
    let mut client_report = serde_json::to_value(&view.report)?;
    let mut server_report = server["report"].clone();
    // The server reads the report without knowing the client's view of the id field.
    client_report["id"] = serde_json::Value::Null;
    server_report["id"] = serde_json::Value::Null;
    assert_eq!(client_report, server_report, "report {id}");
    assert_eq!(
        serde_json::to_value(&view.events)?,
        server["events"],
        "events of {id}"
    );
    Ok(())
}
