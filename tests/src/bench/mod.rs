//! Benchmark scenarios, each returning its figures as one JSON object.

pub mod backlog;
pub mod city;
pub mod evaluation;
pub mod flood;
pub mod ingest;
pub mod photo;
pub mod queue;
pub mod track;

/// `count` devices, each of its own inspector `<prefix>NN` created for the run, logged in to
/// `server` (their stores under `dir`).
pub fn devices(
    server: &crate::inprocess::InProcessServer,
    runtime: &tokio::runtime::Runtime,
    dir: &std::path::Path,
    prefix: &str,
    count: usize,
) -> anyhow::Result<Vec<cgt_client::Client>> {
    const PASSWORD: &str = "bench-password-1";
    (0..count)
        .map(|d| {
            let username = format!("{prefix}{d:02}");
            cgt_server::create_user(
                &server.settings,
                &username,
                &username,
                PASSWORD,
                &[cgt_shared::Role::Inspector],
            )?;
            let client = cgt_client::Client::open(dir.join(format!("{prefix}-{d}.sqlite3")))?;
            runtime.block_on(client.login(&server.url(), &username, PASSWORD, "bench"))?;
            Ok(client)
        })
        .collect()
}

/// Median of a non-empty sample.
pub fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    let mid = samples.len() / 2;
    if samples.len() % 2 == 1 {
        samples[mid]
    } else {
        (samples[mid - 1] + samples[mid]) / 2.0
    }
}

/// The value below which `p` (0–1) of the sample lies (nearest rank).
pub fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let rank = ((p * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
    samples[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_percentiles() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
        let mut hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&mut hundred, 0.99), 99.0);
        assert_eq!(percentile(&mut hundred, 1.0), 100.0);
        assert_eq!(percentile(&mut [5.0], 0.99), 5.0);
    }
}
