//! Benchmark harness: `cargo run --release --bin bench -- <scenario> [--runs N]`.
//!
//! Each scenario prints one JSON line of figures on stdout (progress goes to stderr). Timings are
//! medians over runs; machines are shared and noisy, so compare figures from one run only.

use cgt_tests::bench::{backlog, city, evaluation, flood, ingest, photo, queue, track};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let scenario = args.first().map(String::as_str).unwrap_or("");
    let runs = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(5);
    let figures = match scenario {
        "sync-backlog" => backlog::run(runs)?,
        "sync-ingest" => ingest::run(runs)?,
        "photo-pipeline" => photo::run(runs)?,
        "track-codec" => track::codec(runs)?,
        "track-replay" => track::replay(runs)?,
        "evaluation" => evaluation::run(runs)?,
        "login-flood" => flood::run(runs)?,
        "queue" => queue::run(runs)?,
        "import-components" => city::import_components(runs)?,
        "reference-snapshot" => city::reference_snapshot(runs)?,
        "grid-lookup" => city::grid_lookup(runs)?,
        city::IMPORT_CHILD => match (args.get(1), args.get(2)) {
            (Some(data_dir), Some(gpkg)) => city::import_child(data_dir.as_ref(), gpkg.as_ref())?,
            _ => anyhow::bail!("usage: bench {} <data dir> <gpkg>", city::IMPORT_CHILD),
        },
        _ => {
            eprintln!(
                "usage: bench <sync-backlog|sync-ingest|login-flood|photo-pipeline|evaluation|queue|track-codec|track-replay|import-components|reference-snapshot|grid-lookup> [--runs N]"
            );
            std::process::exit(2);
        }
    };
    println!("{figures}");
    Ok(())
}
