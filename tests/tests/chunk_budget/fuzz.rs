//! Arbitrary input never panics; truncated chunks are always errors.

use std::sync::OnceLock;

use cgt_shared::doc::chunks::{ChunkBudget, MAGIC, check_chunks};
use cgt_tests::bombs::{chunk, document_rle_ops, rle_ops_change, uleb};
use cgt_tests::sample_docs::*;
use proptest::prelude::*;

const TIGHT: ChunkBudget = ChunkBudget {
    max_inflated_bytes: 1 << 16,
    max_ops: 10_000,
};

/// Valid single chunks of every kind the walker understands.
fn samples() -> &'static Vec<Vec<u8>> {
    static SAMPLES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut small = small_doc();
        let mut rich = rich_doc();
        let mut big = big_doc();
        let mut samples = vec![
            small.save(),
            small.save_nocompress(),
            rich.save(),
            big.save(), // has deflated columns
            rle_ops_change(1000),
            document_rle_ops(1000, &[]),
        ];
        for bytes in [small.save_after(&[]), rich.save_after(&[])] {
            samples.extend(split_chunks(&bytes).into_iter().map(<[u8]>::to_vec));
        }
        samples
    })
}

/// Every strict, non-empty prefix of a valid chunk is refused (an empty
/// buffer is valid: it holds no chunks).
#[test]
fn every_truncation_of_every_sample_is_an_error() {
    for sample in samples() {
        assert!(check_chunks(sample, &GENEROUS).is_ok());
        for len in 1..sample.len() {
            assert!(
                check_chunks(&sample[..len], &GENEROUS).is_err(),
                "prefix of {len} bytes accepted"
            );
        }
    }
}

/// Re-frames the first `cut` bytes of a chunk body as a complete chunk, so the
/// walker goes past the frame and meets truncated fields inside the body.
fn reframe_truncated_body(sample: &[u8], cut: usize) -> Vec<u8> {
    let (len, n) = read_uleb(&sample[9..]);
    let body = &sample[9 + n..9 + n + len as usize];
    chunk(sample[8], &body[..cut.min(body.len())])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = check_chunks(&bytes, &TIGHT);
    }

    #[test]
    fn random_bodies_behind_a_valid_frame_never_panic(
        chunk_type in 0u8..2,
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let _ = check_chunks(&chunk(chunk_type, &body), &TIGHT);
    }

    #[test]
    fn random_framing_never_panics(
        chunk_type in any::<u8>(),
        declared in any::<u64>(),
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut bytes = MAGIC.to_vec();
        bytes.extend([0; 4]);
        bytes.push(chunk_type);
        bytes.extend(uleb(declared));
        bytes.extend(&body);
        let _ = check_chunks(&bytes, &TIGHT);
    }

    #[test]
    fn truncated_bodies_never_panic(index in any::<prop::sample::Index>(), cut in any::<prop::sample::Index>()) {
        let sample = index.get(samples());
        let cut = cut.index(sample.len());
        let reframed = reframe_truncated_body(sample, cut);
        let _ = check_chunks(&reframed, &TIGHT);
        let _ = check_chunks(&reframed, &GENEROUS);
    }

    #[test]
    fn mutated_samples_never_panic(
        index in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = index.get(samples()).clone();
        // Leave the frame alone so the mutations land in the body.
        let body_start = 9 + read_uleb(&bytes[9..]).1;
        let body_len = bytes.len() - body_start;
        for (at, value) in edits {
            bytes[body_start + at.index(body_len)] = value;
        }
        let _ = check_chunks(&bytes, &TIGHT);
        let _ = check_chunks(&bytes, &GENEROUS);
    }

    /// Budgets never change what is counted, only whether it is accepted.
    #[test]
    fn any_budget_at_or_above_the_stats_accepts(index in any::<prop::sample::Index>()) {
        let sample = index.get(samples());
        let stats = check_chunks(sample, &GENEROUS).unwrap();
        let need = ChunkBudget {
            max_inflated_bytes: stats.inflated_bytes,
            max_ops: stats.ops.max(stats.changes).max(stats.group_entries) as usize,
        };
        prop_assert_eq!(check_chunks(sample, &need), Ok(stats));
    }
}
