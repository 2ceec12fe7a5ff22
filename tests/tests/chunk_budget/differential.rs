//! Differential check against Automerge itself: mutate honest chunk bodies,
//! re-frame them with a valid checksum (so Automerge really parses them), and
//! whenever Automerge loads the result, the walker must not have under-counted.
//!
//! Automerge 0.12 panics on some of these inputs (index out of bounds,
//! `unwrap` on `MissingDep`, ...). Those are recorded and printed, not failed
//! on: they are Automerge bugs that the server must contain with
//! `catch_unwind`, whether or not the walker accepted the input.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use automerge::AutoCommit;
use cgt_shared::doc::chunks::check_chunks;
use cgt_tests::bombs::{document_rle_ops, rle_ops_change};
use cgt_tests::sample_docs::*;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngSeed, TestRunner};

fn samples() -> &'static Vec<Vec<u8>> {
    static SAMPLES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut small = small_doc();
        let mut rich = rich_doc();
        let mut samples = vec![
            small.save(),
            rich.save(),
            big_doc().save(),
            rle_ops_change(50),
            document_rle_ops(50, &[]),
        ];
        for bytes in [small.save_after(&[]), rich.save_after(&[])] {
            samples.extend(split_chunks(&bytes).into_iter().map(<[u8]>::to_vec));
        }
        samples
    })
}

/// Outcome of handing bytes to Automerge's `load_incremental` on an empty doc.
enum Loaded {
    Ok { ops: u64, changes: u64 },
    Refused,
    Panicked(String),
}

fn automerge_load(bytes: &[u8]) -> Loaded {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut doc = AutoCommit::new();
        doc.load_incremental(bytes).ok()?;
        let changes = doc.get_changes(&[]);
        let ops = changes.iter().map(|c| c.len() as u64).sum();
        Some((ops, changes.len() as u64))
    }));
    match result {
        Ok(Some((ops, changes))) => Loaded::Ok { ops, changes },
        Ok(None) => Loaded::Refused,
        Err(payload) => Loaded::Panicked(
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        ),
    }
}

#[test]
fn walker_never_undercounts_what_automerge_loads() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let strategy = (
        any::<Index>(),
        proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    );
    let panics = std::sync::Mutex::new(Vec::new());
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {})); // keep the output readable
    // The same inputs on every run, so that CI is repeatable (one full run aborted inside this
    // test with a random seed and could not be reproduced); `PROPTEST_RNG_SEED` explores others.
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2026);
    let config = Config {
        rng_seed: RngSeed::Fixed(seed),
        ..Config::with_cases(cases)
    };
    let result = TestRunner::new(config).run(&strategy, |(index, edits)| {
        let sample: &Vec<u8> = index.get(samples());
        let mutated = mutated_chunk(sample, &edits);
        let walked = check_chunks(&mutated, &GENEROUS);
        match automerge_load(&mutated) {
            Loaded::Ok { ops, changes } => {
                if let Ok(stats) = walked {
                    // Document rows exclude deletes, which are succ entries.
                    prop_assert!(
                        stats.ops + stats.group_entries >= ops,
                        "{stats:?} vs {ops} ops"
                    );
                    prop_assert!(stats.changes >= changes, "{stats:?} vs {changes} changes");
                }
            }
            Loaded::Refused => {}
            Loaded::Panicked(message) => panics.lock().unwrap().push((walked.is_ok(), message)),
        }
        Ok(())
    });
    std::panic::set_hook(hook);
    result.unwrap();

    let panics = panics.into_inner().unwrap();
    let let_through = panics.iter().filter(|(accepted, _)| *accepted).count();
    eprintln!(
        "{cases} cases: automerge panicked {} times, {let_through} on input the walker accepted",
        panics.len()
    );
    let mut kinds: Vec<String> = panics
        .iter()
        .map(|(_, m)| m.chars().take(48).collect())
        .collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        eprintln!("  automerge panic: {kind}");
    }
}
