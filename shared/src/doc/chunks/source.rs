//! Byte sources for the walker: a bounds-checked slice of the input, or a DEFLATE stream
//! inflated on the fly under a byte limit.

use super::{ChunkError, Result};
use std::io::{BufRead, BufReader, Read, Take};

/// Something the column counters can read from: a slice of the input, or a
/// DEFLATE stream being inflated on the fly.
pub(crate) trait Source {
    /// Absolute offset in the caller's buffer, for error reports.
    fn offset(&self) -> usize;
    fn at_end(&mut self) -> Result<bool>;
    fn byte(&mut self) -> Result<u8>;
    /// Skips `n` bytes, where `n` comes from the wire and may be anything.
    fn skip(&mut self, n: u64) -> Result<()>;

    fn truncated(&self) -> ChunkError {
        ChunkError::Truncated {
            offset: self.offset(),
        }
    }

    fn malformed(&self, what: &'static str) -> ChunkError {
        ChunkError::Malformed {
            offset: self.offset(),
            what,
        }
    }

    /// Unsigned LEB128, at most 10 bytes and 64 bits.
    fn uleb(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                break;
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.malformed("LEB128 value exceeds 64 bits"))
    }

    /// Signed LEB128, at most 10 bytes and 64 bits.
    fn sleb(&mut self) -> Result<i64> {
        let mut value = 0i64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            let bits = i64::from(byte & 0x7f);
            if shift == 63 && bits != 0 && bits != 0x7f {
                break;
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                if shift < 57 && byte & 0x40 != 0 {
                    value |= -1i64 << (shift + 7); // sign extension
                }
                return Ok(value);
            }
        }
        Err(self.malformed("LEB128 value exceeds 64 bits"))
    }

    /// A uLEB length followed by that many bytes (actor ids, strings).
    fn skip_length_prefixed(&mut self) -> Result<()> {
        let len = self.uleb()?;
        self.skip(len)
    }

    /// A uLEB count followed by that many length-prefixed byte strings. Returns
    /// the count, which is backed by input since every item is consumed.
    fn skip_length_prefixed_list(&mut self) -> Result<u64> {
        let count = self.uleb()?;
        for _ in 0..count {
            self.skip_length_prefixed()?;
        }
        Ok(count)
    }
}

/// A bounds-checked cursor over a slice. `base` is the absolute offset of
/// `data[0]` in the caller's buffer.
pub(crate) struct Reader<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8], base: usize) -> Self {
        Self { data, pos: 0, base }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Takes `n` bytes, where `n` comes from the wire and may be anything.
    pub(crate) fn take(&mut self, n: u64) -> Result<&'a [u8]> {
        let n = usize::try_from(n)
            .ok()
            .filter(|&n| n <= self.remaining())
            .ok_or_else(|| self.truncated())?;
        let slice = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }

    /// Skips `count * size` bytes without overflowing.
    pub(crate) fn skip_array(&mut self, count: u64, size: u64) -> Result<()> {
        let total = count.checked_mul(size).ok_or_else(|| self.truncated())?;
        self.skip(total)
    }
}

impl Source for Reader<'_> {
    fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    fn at_end(&mut self) -> Result<bool> {
        Ok(self.is_empty())
    }

    fn byte(&mut self) -> Result<u8> {
        let b = *self.data.get(self.pos).ok_or_else(|| self.truncated())?;
        self.pos += 1;
        Ok(b)
    }

    fn skip(&mut self, n: u64) -> Result<()> {
        self.take(n).map(|_| ())
    }
}

/// Inflates a raw DEFLATE column on the fly, through a small buffer, producing
/// at most `limit` bytes (`Read::take`). Errors point at the column's offset.
pub(crate) struct Inflater<'a> {
    inner: BufReader<Take<flate2::bufread::DeflateDecoder<&'a [u8]>>>,
    pub(crate) produced: u64,
    column_offset: usize,
}

impl<'a> Inflater<'a> {
    const BUFFER: usize = 8 * 1024;

    pub(crate) fn new(compressed: &'a [u8], limit: u64, column_offset: usize) -> Self {
        let decoder = flate2::bufread::DeflateDecoder::new(compressed).take(limit);
        Self {
            inner: BufReader::with_capacity(Self::BUFFER, decoder),
            produced: 0,
            column_offset,
        }
    }

    /// The next inflated bytes; empty at the end of the stream or the limit.
    pub(crate) fn fill(&mut self) -> Result<&[u8]> {
        let offset = self.column_offset;
        self.inner
            .fill_buf()
            .map_err(|_| ChunkError::BadDeflate { offset })
    }

    pub(crate) fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.produced += n as u64;
    }

    /// Inflates (and discards) whatever is left.
    pub(crate) fn drain(&mut self) -> Result<()> {
        loop {
            let n = self.fill()?.len();
            if n == 0 {
                return Ok(());
            }
            self.consume(n);
        }
    }
}

impl Source for Inflater<'_> {
    fn offset(&self) -> usize {
        self.column_offset
    }

    fn at_end(&mut self) -> Result<bool> {
        Ok(self.fill()?.is_empty())
    }

    fn byte(&mut self) -> Result<u8> {
        let Some(&b) = self.fill()?.first() else {
            return Err(self.truncated());
        };
        self.consume(1);
        Ok(b)
    }

    fn skip(&mut self, mut n: u64) -> Result<()> {
        while n > 0 {
            let available = self.fill()?.len();
            if available == 0 {
                return Err(self.truncated());
            }
            let step = usize::try_from(n).map_or(available, |n| n.min(available));
            self.consume(step);
            n -= step as u64;
        }
        Ok(())
    }
}
