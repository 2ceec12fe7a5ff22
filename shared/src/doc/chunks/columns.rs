//! Column metadata and counting the rows of one column without expanding it.

use super::Result;
use super::source::{Reader, Source};

/// A column specification: `id << 4 | deflate << 3 | type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ColumnSpec(u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    Group,
    Actor,
    Integer,
    DeltaInteger,
    Boolean,
    String,
    ValueMetadata,
    Value,
}

impl ColumnSpec {
    const DEFLATE_BIT: u32 = 0b1000;

    pub(crate) fn id(self) -> u32 {
        self.0 >> 4
    }

    pub(crate) fn is_deflated(self) -> bool {
        self.0 & Self::DEFLATE_BIT != 0
    }

    /// The spec without the deflate bit, which is how Automerge orders columns.
    pub(crate) fn normalized(self) -> u32 {
        self.0 & !Self::DEFLATE_BIT
    }

    pub(crate) fn kind(self) -> ColumnKind {
        match self.0 & 0b111 {
            0 => ColumnKind::Group,
            1 => ColumnKind::Actor,
            2 => ColumnKind::Integer,
            3 => ColumnKind::DeltaInteger,
            4 => ColumnKind::Boolean,
            5 => ColumnKind::String,
            6 => ColumnKind::ValueMetadata,
            _ => ColumnKind::Value,
        }
    }
}

/// One entry of a column metadata block.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ColumnMeta {
    pub(crate) spec: ColumnSpec,
    pub(crate) len: u64,
}

/// A validated column metadata block. The entries are kept as their encoded
/// bytes and decoded again on each pass, so nothing is allocated per column.
pub(crate) struct ColumnLayout<'a> {
    entries: &'a [u8],
    entries_offset: usize,
    /// Sum of the declared data lengths (saturating: a huge sum is then
    /// rejected as truncated).
    pub(crate) data_len: u64,
    pub(crate) has_deflated_column: bool,
}

impl ColumnLayout<'_> {
    /// Decodes the entries again (they were validated by `read_column_layout`).
    pub(crate) fn columns(&self) -> impl Iterator<Item = Result<ColumnMeta>> + '_ {
        let mut r = Reader::new(self.entries, self.entries_offset);
        std::iter::from_fn(move || (!r.is_empty()).then(|| read_column_meta(&mut r)))
    }
}

/// Reads `uleb(n)` then `n` pairs of `(uleb32 spec, uleb len)`. Like Automerge,
/// requires the specs (ignoring the deflate bit) to be sorted; unlike it, also
/// rejects duplicates here rather than later.
pub(crate) fn read_column_layout<'a>(r: &mut Reader<'a>) -> Result<ColumnLayout<'a>> {
    let count = r.uleb()?;
    let entries_offset = r.offset();
    let start = r.pos;
    let mut data_len = 0u64;
    let mut has_deflated_column = false;
    let mut previous: Option<ColumnSpec> = None;
    for _ in 0..count {
        let column = read_column_meta(r)?;
        if previous.is_some_and(|prev| column.spec.normalized() <= prev.normalized()) {
            return Err(r.malformed("column specs not sorted or duplicated"));
        }
        previous = Some(column.spec);
        data_len = data_len.saturating_add(column.len);
        has_deflated_column |= column.spec.is_deflated();
    }
    Ok(ColumnLayout {
        entries: &r.data[start..r.pos],
        entries_offset,
        data_len,
        has_deflated_column,
    })
}

pub(crate) fn read_column_meta(r: &mut Reader<'_>) -> Result<ColumnMeta> {
    let spec = u32::try_from(r.uleb()?)
        .map(ColumnSpec)
        .map_err(|_| r.malformed("column spec exceeds 32 bits"))?;
    let len = r.uleb()?;
    Ok(ColumnMeta { spec, len })
}

/// What one column declares.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ColumnCount {
    /// Number of values (rows) the column decodes to.
    pub(crate) rows: u64,
    /// For group columns: the sum of the values, i.e. the number of items in the
    /// grouped columns that follow.
    pub(crate) group_sum: u64,
}

/// Counts the rows of a column of any kind, reading it to the end.
///
/// * Boolean columns are a sequence of uLEB run lengths (alternating false/true).
/// * Raw value columns have no rows of their own (value metadata says how to
///   slice them); they are only read through.
/// * Every other kind is RLE: `sleb(n>0) value` is a run of `n` copies,
///   `sleb(-n) value*n` is `n` literals, `sleb(0) uleb(n)` is `n` nulls.
///
/// `actors` is the size of the actor table that actor columns index into.
pub(crate) fn count_column(
    kind: ColumnKind,
    src: &mut impl Source,
    actors: u64,
) -> Result<ColumnCount> {
    match kind {
        ColumnKind::Value => skip_to_end(src).map(|_| ColumnCount::default()),
        ColumnKind::Boolean => count_boolean(src),
        _ => count_rle(src, kind, actors),
    }
}

fn skip_to_end(src: &mut impl Source) -> Result<()> {
    while !src.at_end()? {
        src.byte()?;
    }
    Ok(())
}

fn count_boolean(src: &mut impl Source) -> Result<ColumnCount> {
    let mut rows = 0u64;
    while !src.at_end()? {
        rows = rows.saturating_add(src.uleb()?);
    }
    Ok(ColumnCount { rows, group_sum: 0 })
}

fn count_rle(src: &mut impl Source, kind: ColumnKind, actors: u64) -> Result<ColumnCount> {
    let mut count = ColumnCount::default();
    while !src.at_end()? {
        let header = src.sleb()?;
        let run = header.unsigned_abs();
        if header == 0 {
            // A run of nulls: only its length follows.
            count.rows = count.rows.saturating_add(src.uleb()?);
        } else if header > 0 {
            let value = read_rle_value(src, kind, actors)?;
            count.rows = count.rows.saturating_add(run);
            count.group_sum = count.group_sum.saturating_add(run.saturating_mul(value));
        } else {
            // Literals: every value is present in the input, so this loop is
            // bounded by the input (or inflation budget) length.
            for _ in 0..run {
                let value = read_rle_value(src, kind, actors)?;
                count.group_sum = count.group_sum.saturating_add(value);
            }
            count.rows = count.rows.saturating_add(run);
        }
    }
    if kind != ColumnKind::Group {
        count.group_sum = 0;
    }
    Ok(count)
}

/// Reads one RLE value and returns it when it is an unsigned integer (so that
/// group sizes can be summed); strings and signed deltas are skipped and count
/// as 0. Actor indexes must fall inside the chunk's actor table.
fn read_rle_value(src: &mut impl Source, kind: ColumnKind, actors: u64) -> Result<u64> {
    match kind {
        ColumnKind::String => src.skip_length_prefixed().map(|_| 0),
        ColumnKind::DeltaInteger => src.sleb().map(|_| 0),
        ColumnKind::Actor => {
            let actor = src.uleb()?;
            if actor >= actors {
                return Err(src.malformed("actor index out of range"));
            }
            Ok(actor)
        }
        _ => src.uleb(),
    }
}
