//! Unit tests of the walker on hand-built chunks.

use super::columns::{ColumnKind, count_column};
use super::source::Source;
use super::*;
use proptest::prelude::*;

fn encode_uleb(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

fn encode_sleb(mut v: i64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0) {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

fn uleb(bytes: &[u8]) -> Result<u64> {
    Reader::new(bytes, 0).uleb()
}

fn sleb(bytes: &[u8]) -> Result<i64> {
    Reader::new(bytes, 0).sleb()
}

#[test]
fn leb_limits() {
    assert_eq!(uleb(&encode_uleb(u64::MAX)), Ok(u64::MAX));
    assert_eq!(sleb(&encode_sleb(i64::MIN)), Ok(i64::MIN));
    assert_eq!(sleb(&encode_sleb(i64::MAX)), Ok(i64::MAX));
    // 65 significant bits, and 11-byte encodings, are refused.
    let mut too_big = vec![0xff; 9];
    too_big.push(0x02);
    assert!(matches!(uleb(&too_big), Err(ChunkError::Malformed { .. })));
    assert!(matches!(
        uleb(&[0x80; 11]),
        Err(ChunkError::Malformed { .. })
    ));
    assert!(matches!(
        sleb(&[0x80; 11]),
        Err(ChunkError::Malformed { .. })
    ));
    assert_eq!(
        uleb(&[0x80, 0x80]),
        Err(ChunkError::Truncated { offset: 2 })
    );
}

proptest! {
    #[test]
    fn uleb_round_trips(v in any::<u64>()) {
        prop_assert_eq!(uleb(&encode_uleb(v)), Ok(v));
    }

    #[test]
    fn sleb_round_trips(v in any::<i64>()) {
        prop_assert_eq!(sleb(&encode_sleb(v)), Ok(v));
    }

    /// A run's length is counted, never expanded.
    #[test]
    fn rle_counts_runs_literals_and_nulls(run in 1i64..i64::MAX, literals in 1u8..50, nulls in any::<u64>()) {
        let mut column = encode_sleb(run);
        column.extend(encode_uleb(7));
        column.extend(encode_sleb(-i64::from(literals)));
        column.extend((0..literals).flat_map(|i| encode_uleb(u64::from(i))));
        column.push(0);
        column.extend(encode_uleb(nulls));
        let count = count_column(ColumnKind::Group, &mut Reader::new(&column, 0), u64::MAX).unwrap();
        let expected = (run as u64).saturating_add(u64::from(literals)).saturating_add(nulls);
        prop_assert_eq!(count.rows, expected);
        let literal_sum: u64 = (0..u64::from(literals)).sum();
        prop_assert_eq!(count.group_sum, (run as u64).saturating_mul(7).saturating_add(literal_sum));
    }
}
