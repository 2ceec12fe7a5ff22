//! The console in a real browser: runs a scenario script of `tests/console/` (playwright-core
//! driving Debian's chromium) against a server and returns what the script observed, for the
//! Rust test to assert on. Screenshots go to a folder under the target directory.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("console")
}

/// `<target>/screenshots/<suite>`, created; the test prints it so people can look.
pub fn screenshots_dir(suite: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let target = exe
        .ancestors()
        .find(|p| p.join("CACHEDIR.TAG").is_file())
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    let dir = target.join("screenshots").join(suite);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Runs `tests/console/<scenario>.mjs <url> <shots>` with `env` and parses its JSON line.
pub fn run_scenario(
    scenario: &str,
    url: &str,
    shots: &Path,
    env: &[(&str, &str)],
) -> anyhow::Result<serde_json::Value> {
    let dir = scripts_dir();
    if !dir.join("node_modules/playwright-core").is_dir() {
        bail!(
            "playwright-core is missing: run `npm ci` in {}",
            dir.display()
        );
    }
    let output = Command::new("node")
        .arg(dir.join(format!("{scenario}.mjs")))
        .arg(url)
        .arg(shots)
        .envs(env.iter().copied())
        .output()
        .context("running node (is Node.js installed?)")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "scenario {scenario} failed ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let line = stdout
        .lines()
        .last()
        .context("the scenario printed nothing")?;
    serde_json::from_str(line).with_context(|| format!("scenario output is not JSON: {line}"))
}
