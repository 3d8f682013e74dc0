//! The spill store: one row per file appended while the batch runs, read back worst first.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Cursor, Read, Seek, SeekFrom, Write};

use super::{SummaryRow, Totals};
use crate::i18n::errors::{ErrMsg, Said};

enum Spill {
    File(BufWriter<File>),
    Memory(Vec<u8>),
}

trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// Rows appended in input order to an anonymous temporary file (memory if none can be made);
/// only a sort key and an offset per row stay in memory.
pub struct RowStore {
    spill: Spill,
    len: u64,
    /// (sort key, offset of the record); a record is a u32 length and the row's JSON. Eight
    /// bytes a file: what the summary costs in memory while the batch runs.
    index: Vec<(u32, u32)>,
    totals: Totals,
    error: Option<io::Error>,
}

impl Default for RowStore {
    fn default() -> Self {
        Self::new()
    }
}

impl RowStore {
    pub fn new() -> Self {
        let spill = match tempfile::tempfile() {
            Ok(f) => Spill::File(BufWriter::with_capacity(64 * 1024, f)),
            Err(_) => Spill::Memory(Vec::new()),
        };
        RowStore {
            spill,
            len: 0,
            index: Vec::new(),
            totals: Totals::default(),
            error: None,
        }
    }

    /// Appends a row; a write error is kept and returned by [`RowStore::finish`].
    pub fn push(&mut self, row: &SummaryRow) {
        match row.exit_code() {
            2 => self.totals.failed += 1,
            1 => self.totals.with_errors += 1,
            _ if row.counts[3] > 0 => self.totals.warnings_only += 1,
            _ => self.totals.clean += 1,
        }
        self.totals.files += 1;
        if self.error.is_some() {
            return;
        }
        let bytes = match serde_json::to_vec(row) {
            Ok(b) => b,
            Err(e) => {
                self.error = Some(io::Error::other(e));
                return;
            }
        };
        let (Ok(n), Ok(offset)) = (u32::try_from(bytes.len()), u32::try_from(self.len)) else {
            let too_big = Said(ErrMsg::SummaryTooBig.into());
            self.error = Some(io::Error::other(too_big));
            return;
        };
        let written = match &mut self.spill {
            Spill::File(w) => w
                .write_all(&n.to_le_bytes())
                .and_then(|_| w.write_all(&bytes)),
            Spill::Memory(v) => {
                v.extend_from_slice(&n.to_le_bytes());
                v.extend_from_slice(&bytes);
                Ok(())
            }
        };
        match written {
            Ok(()) => {
                self.index.push((row.sort_key(), offset));
                self.len += 4 + u64::from(n);
            }
            Err(e) => self.error = Some(e),
        }
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// The rows, worst first (input order among equals).
    pub fn finish(self) -> io::Result<SortedRows> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let reader: Box<dyn ReadSeek> = match self.spill {
            Spill::File(w) => {
                let file = w.into_inner().map_err(|e| e.into_error())?;
                Box::new(BufReader::new(file))
            }
            Spill::Memory(v) => Box::new(Cursor::new(v)),
        };
        let mut order = self.index;
        order.sort_by_key(|&(key, _)| key);
        Ok(SortedRows {
            reader,
            order,
            totals: self.totals,
        })
    }
}

/// The rows of a finished batch, read back one at a time, worst first.
pub struct SortedRows {
    reader: Box<dyn ReadSeek>,
    order: Vec<(u32, u32)>,
    totals: Totals,
}

impl SortedRows {
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// The `i`-th worst row.
    pub fn get(&mut self, i: usize) -> io::Result<SummaryRow> {
        let offset = self.order[i].1;
        self.reader.seek(SeekFrom::Start(u64::from(offset)))?;
        let mut n = [0u8; 4];
        self.reader.read_exact(&mut n)?;
        let mut bytes = vec![0u8; u32::from_le_bytes(n) as usize];
        self.reader.read_exact(&mut bytes)?;
        serde_json::from_slice(&bytes).map_err(io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use super::super::sample_row as row;
    use super::*;

    #[test]
    fn rows_come_back_worst_first_and_stable() {
        let mut store = RowStore::new();
        let input = [
            row("clean", false, [0, 0, 0, 0]),
            row("warn", false, [0, 0, 0, 2]),
            row("e1", false, [1, 5, 0, 0]),
            row("bad", true, [0, 0, 0, 0]),
            row("e3", false, [3, 0, 0, 0]),
            row("e1b", false, [1, 5, 0, 0]),
            row("round", false, [0, 1, 0, 0]),
        ];
        for r in &input {
            store.push(r);
        }
        let mut sorted = store.finish().unwrap();
        let order: Vec<String> = (0..sorted.len())
            .map(|i| sorted.get(i).unwrap().path)
            .collect();
        assert_eq!(order, ["bad", "e3", "e1", "e1b", "round", "warn", "clean"]);
        let t = sorted.totals();
        assert_eq!(
            (t.files, t.failed, t.with_errors, t.warnings_only, t.clean),
            (7, 1, 4, 1, 1)
        );
        assert_eq!(sorted.get(0).unwrap(), input[3]);
    }
}
