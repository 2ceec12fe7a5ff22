//! Walking chunks: each chunk's header and column layout, charged against the budget.

use super::columns::{
    ColumnCount, ColumnKind, ColumnLayout, ColumnSpec, count_column, read_column_layout,
};
use super::source::{Inflater, Reader, Source};
use super::{ChunkBudget, ChunkError, ChunkStats, HASH_LEN, MAGIC, Result};

/// Totals declared by one set of columns (the op columns or the change columns).
#[derive(Debug, Clone, Copy, Default)]
struct ColumnSetCount {
    /// The largest row count of any column that is not inside a group. Automerge
    /// decodes these columns in lock-step (changes) or requires them to have the
    /// same length (documents), so the maximum is the row count for honest data
    /// and an upper bound on the work Automerge might do for crafted data.
    rows: u64,
    /// The largest declared group size: a group column's sum, or the row count
    /// of a column inside a group.
    group_entries: u64,
}

pub(crate) struct Walker<'b> {
    budget: &'b ChunkBudget,
    stats: ChunkStats,
}

impl<'b> Walker<'b> {
    pub(crate) fn new(budget: &'b ChunkBudget) -> Self {
        Walker {
            budget,
            stats: ChunkStats::default(),
        }
    }

    pub(crate) fn into_stats(self) -> ChunkStats {
        self.stats
    }

    /// One chunk: magic, checksum (not verified), type, uLEB length, body.
    pub(crate) fn chunk(&mut self, input: &mut Reader<'_>) -> Result<()> {
        let start = input.offset();
        if input.take(4)? != MAGIC {
            return Err(ChunkError::BadMagic { offset: start });
        }
        input.skip(4)?; // checksum
        let chunk_type = input.byte()?;
        let len = input.uleb()?;
        let body_offset = input.offset();
        let mut body = Reader::new(input.take(len)?, body_offset);
        self.stats.chunks += 1;
        match chunk_type {
            0 => self.document(&mut body),
            1 => self.change(&mut body),
            2 => Err(ChunkError::CompressedChange { offset: start }),
            3 => Err(ChunkError::BundleChunk { offset: start }),
            other => Err(ChunkError::UnknownChunkType {
                offset: start,
                chunk_type: other,
            }),
        }
    }

    /// Change chunk body (Automerge: `storage::change::Change::parse_following_header`).
    fn change(&mut self, r: &mut Reader<'_>) -> Result<()> {
        let deps = r.uleb()?;
        r.skip_array(deps, HASH_LEN)?;
        r.skip_length_prefixed()?; // author's actor id
        r.uleb()?; // seq
        r.uleb()?; // start_op
        r.sleb()?; // timestamp
        r.skip_length_prefixed()?; // message
        let other_actors = r.skip_length_prefixed_list()?;
        let layout = read_column_layout(r)?;
        if layout.has_deflated_column {
            // Automerge rejects these too (`ParseError::CompressedChangeCols`).
            return Err(r.malformed("deflated column in a change chunk"));
        }
        let data_offset = r.offset();
        let data = r.take(layout.data_len)?;
        // Whatever follows the columns is "extra bytes", kept as is by Automerge.

        let actors = other_actors.saturating_add(1);
        let ops = self.count_column_set(&layout, data, data_offset, actors)?;
        self.charge_changes(1)?;
        self.charge_ops(ops.rows)?;
        self.charge_group_entries(ops.group_entries)
    }

    /// Document chunk body (Automerge: `storage::document::Document::parse`).
    fn document(&mut self, r: &mut Reader<'_>) -> Result<()> {
        let actors = r.skip_length_prefixed_list()?;
        let heads = r.uleb()?;
        r.skip_array(heads, HASH_LEN)?;
        let change_layout = read_column_layout(r)?;
        let op_layout = read_column_layout(r)?;
        let change_offset = r.offset();
        let change_data = r.take(change_layout.data_len)?;
        let op_offset = r.offset();
        let op_data = r.take(op_layout.data_len)?;
        read_head_indexes(r, heads)?;

        let changes = self.count_column_set(&change_layout, change_data, change_offset, actors)?;
        self.charge_changes(changes.rows)?;
        self.charge_group_entries(changes.group_entries)?;
        let ops = self.count_column_set(&op_layout, op_data, op_offset, actors)?;
        self.charge_ops(ops.rows)?;
        self.charge_group_entries(ops.group_entries)
    }

    /// Counts every column of one set, inflating deflated columns under the budget.
    /// A column belongs to a group when it follows a group column with the same id
    /// (Automerge: `storage::columns::ColumnLayoutParser`).
    fn count_column_set(
        &mut self,
        layout: &ColumnLayout<'_>,
        data: &[u8],
        data_offset: usize,
        actors: u64,
    ) -> Result<ColumnSetCount> {
        let mut total = ColumnSetCount::default();
        let mut group_id: Option<u32> = None;
        let mut data = Reader::new(data, data_offset);
        for column in layout.columns() {
            let column = column?;
            let offset = data.offset();
            // `data` holds exactly the sum of the column lengths: cannot fail.
            let raw = data.take(column.len)?;
            let count = self.count_one_column(column.spec, raw, offset, actors)?;
            let kind = column.spec.kind();
            if kind == ColumnKind::Group {
                group_id = Some(column.spec.id());
                total.group_entries = total.group_entries.max(count.group_sum);
                total.rows = total.rows.max(count.rows);
            } else if group_id == Some(column.spec.id()) {
                total.group_entries = total.group_entries.max(count.rows);
            } else {
                group_id = None;
                total.rows = total.rows.max(count.rows);
            }
        }
        Ok(total)
    }

    fn count_one_column(
        &mut self,
        spec: ColumnSpec,
        raw: &[u8],
        offset: usize,
        actors: u64,
    ) -> Result<ColumnCount> {
        if spec.is_deflated() {
            self.count_deflated_column(spec.kind(), raw, offset, actors)
        } else {
            count_column(spec.kind(), &mut Reader::new(raw, offset), actors)
        }
    }

    /// Inflates a deflated column under `Read::take(allowed + 1)` while counting
    /// it, so memory stays constant and at most one byte past the budget is ever
    /// produced. Automerge inflates every deflated column of a document, known
    /// or not, so the whole stream is measured even if counting stops early.
    fn count_deflated_column(
        &mut self,
        kind: ColumnKind,
        compressed: &[u8],
        offset: usize,
        actors: u64,
    ) -> Result<ColumnCount> {
        let max = self.budget.max_inflated_bytes;
        let allowed = max.saturating_sub(self.stats.inflated_bytes);
        let allowed_u64 = u64::try_from(allowed).unwrap_or(u64::MAX);
        let mut inflater = Inflater::new(compressed, allowed_u64.saturating_add(1), offset);

        let counted = count_column(kind, &mut inflater, actors);
        let drained = inflater.drain();
        // Past the budget wins over any error the truncated stream caused.
        if inflater.produced > allowed_u64 {
            return Err(ChunkError::InflatesPastBudget { offset, max });
        }
        drained?;
        // `produced <= allowed`, a usize.
        self.stats.inflated_bytes += inflater.produced as usize;
        counted
    }

    fn charge_ops(&mut self, n: u64) -> Result<()> {
        let max = self.budget.max_ops;
        charge(&mut self.stats.ops, n, max, |declared, max| {
            ChunkError::TooManyOps { declared, max }
        })
    }

    fn charge_changes(&mut self, n: u64) -> Result<()> {
        let max = self.budget.max_ops;
        charge(&mut self.stats.changes, n, max, |declared, max| {
            ChunkError::TooManyChanges { declared, max }
        })
    }

    fn charge_group_entries(&mut self, n: u64) -> Result<()> {
        let max = self.budget.max_ops;
        charge(&mut self.stats.group_entries, n, max, |declared, max| {
            ChunkError::TooManyGroupEntries { declared, max }
        })
    }
}

/// Adds `n` to a running total and refuses it, as `over` words it, once it passes `max`.
fn charge(
    total: &mut u64,
    n: u64,
    max: usize,
    over: impl FnOnce(u64, usize) -> ChunkError,
) -> Result<()> {
    *total = total.saturating_add(n);
    if exceeds(*total, max) {
        Err(over(*total, max))
    } else {
        Ok(())
    }
}

fn exceeds(count: u64, max: usize) -> bool {
    count > u64::try_from(max).unwrap_or(u64::MAX)
}

/// After a document's columns: either nothing (old JS encoders) or one uLEB head
/// index per head, and then the chunk must end (Automerge: `LeftoverData`).
fn read_head_indexes(r: &mut Reader<'_>, heads: u64) -> Result<()> {
    if r.is_empty() {
        return Ok(());
    }
    for _ in 0..heads {
        r.uleb()?;
    }
    if !r.is_empty() {
        return Err(r.malformed("leftover data after document head indexes"));
    }
    Ok(())
}
