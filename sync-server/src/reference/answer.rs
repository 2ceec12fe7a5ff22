//! The pure rules of what `GET /api/v1/reference` answers: a full snapshot or a delta after
//! the caller's version. The answer's types are `cgt_shared::wire::reference`.

use cgt_shared::CategoryTable;
use cgt_shared::wire::reference::ReferenceAnswer;

/// The version rows must be newer than: 0 (everything) for a first download, and for a device
/// claiming a version this server never reached (its database was restored or replaced).
pub fn baseline(since: u64, current: u64) -> u64 {
    if since > current { 0 } else { since }
}

/// Whether a delta of `delta_rows` is worth sending instead of the snapshot of `full_rows`: a
/// mass change (a city re-survey) would otherwise list every changed row of the whole city.
pub fn delta_is_smaller(delta_rows: usize, full_rows: usize) -> bool {
    delta_rows <= full_rows
}

/// The category table an answer after `since` carries: the latest recorded one when it
/// appeared after `since`, and always in a snapshot (`since` 0).
pub fn categories_after(latest: Option<(u64, CategoryTable)>, since: u64) -> Option<CategoryTable> {
    match latest {
        Some((changed, table)) if since == 0 || changed > since => Some(table),
        _ => None,
    }
}

/// The answer for a device holding `since` from a server at `current`: the delta after
/// `since` when it is no larger than the caller's snapshot, else the snapshot. `read(c, v)`
/// reads the caller's rows changed after `v` (everything for 0: the snapshot);
/// `snapshot_rows(c)` counts the rows of the caller's snapshot. Both run on `c`, one snapshot
/// of the store.
pub fn delta_or_snapshot<C: ?Sized, E>(
    c: &mut C,
    since: u64,
    current: u64,
    mut read: impl FnMut(&mut C, u64) -> Result<ReferenceAnswer, E>,
    snapshot_rows: impl FnOnce(&mut C) -> Result<usize, E>,
) -> Result<ReferenceAnswer, E> {
    let since = baseline(since, current);
    if since > 0 {
        let delta = read(c, since)?;
        if delta_is_smaller(delta.rows(), snapshot_rows(c)?) {
            return Ok(delta);
        }
    }
    read(c, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_table() {
        let check = |since, current, expected| assert_eq!(baseline(since, current), expected);
        check(0, 7, 0);
        check(3, 7, 3);
        check(7, 7, 7);
        check(8, 7, 0);
        check(u64::MAX, 1, 0);
    }

    #[test]
    fn a_delta_larger_than_the_snapshot_is_not_sent() {
        assert!(delta_is_smaller(0, 0));
        assert!(delta_is_smaller(2, 450));
        assert!(delta_is_smaller(450, 450));
        assert!(!delta_is_smaller(451, 450));
    }
}
