//! xls: what calamine 0.38 will make of a Workbook stream, and a clean file around it.
//!
//! calamine parses every sheet of an xls file when it opens it, into dense ranges
//! over the bounding box of each sheet's cells (values, and formulas apart), and
//! clones a range again when it is asked for it. A sheet with one cell at A1 and
//! one at IV65536 costs 16.7 million cells, over a gigabyte with the clone; a cell
//! record can even name a column up to 65535, and a lying DIMENSIONS record makes
//! calamine reserve rows × columns cells before it reads any. Its compound-file
//! reader follows sector chains without a bound, so a looping chain grows memory
//! until the process dies.
//!
//! So the Workbook stream is taken out with our bounded reader and put in a fresh,
//! minimal compound file ([`write_cfb`](super::cfb::write_cfb)). Its records are walked as calamine walks
//! them ([`scan`]): DIMENSIONS records are zeroed, the memory calamine will need is
//! estimated (dense ranges, their clone, the strings it copies per cell, formula
//! text), and when that is over budget the sheets are squeezed: each used row and
//! column is renumbered by rank, so the bounding box shrinks to the used rows times
//! the used columns. [`XlsRemap`] maps calamine's positions back. A stream still
//! over budget is refused.

use super::bytes::{rd_u16, rd_u32};
use super::SniffError;
use crate::i18n::errors::ErrMsg;
use crate::i18n::msg;

/// Largest Workbook stream read (calamine holds about three copies of it).
pub(super) const MAX_STREAM: usize = 64 << 20;
/// What calamine may need, by the estimate below, before a file is squeezed or refused.
const MEMORY_BUDGET: u64 = 600 << 20;
/// Sheets with a smaller dense area are never squeezed.
const SQUEEZE_FROM: u64 = 4096;

/// Size of calamine's `Data` and `Cell<Data>`, and what one of our sparse cells costs.
const DATA: u64 = 32;
const CELL_DATA: u64 = 40;
const CELL_STRING: u64 = 32;
const SPARSE_CELL: u64 = 120;
/// Bytes of UTF-8 per byte of BIFF string data, at most (a byte can become U+FFFD,
/// and compressed characters are widened to two bytes before decoding).
const STRING_GROWTH: u64 = 6;

/// Where the cells of squeezed xls sheets really are. calamine holds every xls sheet
/// as a dense range over the bounding box of its cells; a sheet whose cells lie far
/// apart has its empty rows and columns squeezed out before calamine sees it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct XlsRemap {
    /// Per BOUNDSHEET record, in order: the original row and column of each
    /// squeezed row and column, or `None` where the sheet was left as it was.
    sheets: Vec<Option<Axes>>,
}

#[derive(Debug, Default, Clone, PartialEq)]
struct Axes {
    rows: Vec<u32>,
    cols: Vec<u32>,
}

impl XlsRemap {
    /// The original position of `(row, col)` as calamine reports it for the sheet of
    /// the `sheet`-th BOUNDSHEET record.
    pub fn original(&self, sheet: usize, row: u32, col: u32) -> (u32, u32) {
        match self.sheets.get(sheet).and_then(Option::as_ref) {
            Some(a) => (
                a.rows.get(row as usize).copied().unwrap_or(row),
                a.cols.get(col as usize).copied().unwrap_or(col),
            ),
            None => (row, col),
        }
    }

    /// Whether any sheet was squeezed.
    pub fn is_identity(&self) -> bool {
        self.sheets.iter().all(Option::is_none)
    }
}

/// A BIFF record as calamine's `RecordIter` yields it: header offset, data range,
/// and the CONTINUE records folded into it.
struct Record {
    typ: u16,
    data: std::ops::Range<usize>,
    conts: Vec<std::ops::Range<usize>>,
}

/// calamine's `RecordIter` from `pos`; `Err` where it would fail (and stop).
fn records(s: &[u8], mut pos: usize) -> impl Iterator<Item = Result<Record, ()>> + '_ {
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || pos >= s.len() {
            return None;
        }
        let rest = s.len() - pos;
        let (Some(typ), Some(len), true) = (rd_u16(s, pos), rd_u16(s, pos + 2), rest >= 4) else {
            failed = true;
            return Some(Err(()));
        };
        let len = len as usize;
        if rest < len + 4 {
            failed = true;
            return Some(Err(()));
        }
        let data = pos + 4..pos + 4 + len;
        pos += 4 + len;
        let mut conts = Vec::new();
        if s.len() - pos > 4 && rd_u16(s, pos) == Some(0x003C) {
            while s.len() - pos > 4 && rd_u16(s, pos) == Some(0x003C) {
                let len = rd_u16(s, pos + 2).unwrap_or(0) as usize;
                if s.len() - pos < len + 4 {
                    failed = true;
                    return Some(Err(()));
                }
                conts.push(pos + 4..pos + 4 + len);
                pos += 4 + len;
            }
        }
        Some(Ok(Record { typ, data, conts }))
    })
}

/// What the globals tell: where each BOUNDSHEET's substream starts, the length in
/// characters of each shared string, and the longest name a formula may print.
#[derive(Default)]
struct Globals {
    sheets: Vec<usize>,
    sst: Vec<u64>,
    /// calamine may have strings our parse of the SST did not find.
    sst_unsure: bool,
    longest_name: u64,
    /// Bytes of defined-name records (calamine prints each name's formula).
    names: u64,
}

impl Globals {
    /// Bytes of formula text calamine may print per byte of parsed formula tokens:
    /// a 3- to 11-byte token can print a sheet or defined name of up to 255 characters.
    fn per_formula_byte(&self) -> u64 {
        8 + self.longest_name * STRING_GROWTH / 2
    }
}

fn globals(s: &[u8]) -> Globals {
    let mut g = Globals::default();
    for r in records(s, 0) {
        let Ok(r) = r else { break };
        let d = &s[r.data.clone()];
        match r.typ {
            0x0085 => {
                let Some(pos) = rd_u32(d, 0) else { break };
                g.sheets.push(pos as usize);
                g.longest_name = g.longest_name.max(d.get(6).copied().unwrap_or(0) as u64);
            }
            0x0018 => {
                g.longest_name = g.longest_name.max(d.get(3).copied().unwrap_or(0) as u64);
                g.names += d.len() as u64 + 64;
            }
            0x00FC => {
                let parts: Vec<&[u8]> = std::iter::once(d)
                    .chain(r.conts.iter().map(|c| &s[c.clone()]))
                    .collect();
                let (lens, ok) = sst_lengths(&parts);
                g.sst = lens;
                g.sst_unsure = !ok;
            }
            0x000A => break,
            _ => {}
        }
    }
    g
}

/// An SST record and its CONTINUE records, read as one stream.
struct SstParts<'a> {
    parts: &'a [&'a [u8]],
    next: usize,
    data: &'a [u8],
}

impl SstParts<'_> {
    /// Moves on to the next CONTINUE record.
    fn cont(&mut self) -> bool {
        match self.parts.get(self.next) {
            Some(p) => {
                self.data = p;
                self.next += 1;
                true
            }
            None => false,
        }
    }

    fn skip(&mut self, mut len: u64) -> bool {
        while len > 0 {
            if self.data.is_empty() && !self.cont() {
                return false;
            }
            let l = len.min(self.data.len() as u64);
            self.data = &self.data[l as usize..];
            len -= l;
        }
        true
    }

    /// Skips `cch` characters, one or two bytes each as `high` and each CONTINUE say.
    fn chars(&mut self, cch: u64, mut high: bool) -> bool {
        let mut left = cch;
        while left > 0 {
            let avail = if high {
                self.data.len() / 2
            } else {
                self.data.len()
            } as u64;
            let l = avail.min(left);
            self.data = &self.data[(if high { 2 * l } else { l }) as usize..];
            left -= l;
            if left > 0 {
                if !self.cont() || self.data.is_empty() {
                    return false;
                }
                high = self.data[0] & 1 != 0;
                self.data = &self.data[1..];
            }
        }
        true
    }
}

/// The character count of each string in an SST record, read as calamine's
/// `parse_sst` reads it; `false` where calamine would stop with an error (or panic).
fn sst_lengths(parts: &[&[u8]]) -> (Vec<u64>, bool) {
    let mut out = Vec::new();
    let Some(first) = parts.first().filter(|p| p.len() >= 8) else {
        return (out, false);
    };
    let mut r = SstParts {
        parts,
        next: 1,
        data: &first[8..],
    };
    while !r.data.is_empty() || r.cont() {
        if r.data.is_empty() {
            out.push(0);
            continue;
        }
        if r.data.len() < 3 {
            return (out, false);
        }
        let cch = rd_u16(r.data, 0).unwrap_or(0) as u64;
        let flags = r.data[2];
        r.data = &r.data[3..];
        let mut runs = 0u64;
        let mut ext = 0u64;
        if flags & 0x8 != 0 {
            let Some(n) = rd_u16(r.data, 0) else {
                return (out, false);
            };
            runs = n as u64;
            r.data = &r.data[2..];
        }
        if flags & 0x4 != 0 {
            let Some(n) = rd_u32(r.data, 0) else {
                return (out, false);
            };
            ext = n as i32 as i64 as u64; // calamine: `read_i32(..) as usize`
            r.data = &r.data[4..];
        }
        if !r.chars(cch, flags & 1 != 0) {
            return (out, false);
        }
        out.push(cch);
        if !r.skip(runs.saturating_mul(4)) || !r.skip(ext) {
            return (out, false);
        }
    }
    (out, true)
}

/// Places in the stream to renumber: a cell record's row and column fields, and
/// for MULRK the last column too.
enum Site {
    Cell(usize),
    MulRk(usize, usize),
}

#[derive(Clone, Copy)]
struct BBox {
    rows: (u32, u32),
    cols: (u32, u32),
}

impl BBox {
    fn add(b: &mut Option<BBox>, row: u32, col: u32) {
        let n = b.get_or_insert(BBox {
            rows: (row, row),
            cols: (col, col),
        });
        n.rows = (n.rows.0.min(row), n.rows.1.max(row));
        n.cols = (n.cols.0.min(col), n.cols.1.max(col));
    }

    fn area(b: &Option<BBox>) -> u64 {
        b.map_or(0, |b| {
            (b.rows.1 - b.rows.0 + 1) as u64 * (b.cols.1 - b.cols.0 + 1) as u64
        })
    }
}

/// Records calamine may walk in all sheet substreams together (it walks a substream
/// once per BOUNDSHEET that points at it).
const MAX_WALK: u64 = 40_000_000;

/// One sheet substream as calamine reads it.
#[derive(Default)]
struct Sheet {
    values: Option<BBox>,
    formulas: Option<BBox>,
    pushes: u64,
    formula_pushes: u64,
    strings: u64,
    formula_text: u64,
    records: u64,
    dimensions: Vec<std::ops::Range<usize>>,
}

impl Sheet {
    fn dense(&self) -> u64 {
        BBox::area(&self.values) * DATA + BBox::area(&self.formulas) * 24
    }

    fn area(&self) -> u64 {
        BBox::area(&self.values) + BBox::area(&self.formulas)
    }
}

/// The used rows and columns of a sheet, and the fields to renumber.
struct Collect {
    rows: Vec<bool>,
    cols: Vec<bool>,
    sites: Vec<Site>,
}

/// Walks the substream at `pos` as calamine's `parse_workbook` does; `None` where
/// calamine would panic (`pos` past the end).
fn scan(s: &[u8], pos: usize, g: &Globals, collect: Option<&mut Collect>) -> Option<Sheet> {
    if pos > s.len() {
        return None;
    }
    let mut walk = Walk {
        sh: Sheet::default(),
        collect,
        fmla: (0, 0),
        per_formula_byte: g.per_formula_byte(),
    };
    let mut seen_bof = false;
    // Substreams nested in this one (charts), skipped whole.
    let mut depth = 0usize;
    for r in records(s, pos) {
        let Ok(r) = r else { break };
        walk.sh.records += 1;
        if depth > 0 {
            match r.typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        if r.typ == 0x0809 {
            if seen_bof {
                depth += 1;
            } else {
                seen_bof = true;
            }
            continue;
        }
        if !walk.record(&r, s, g) {
            break;
        }
    }
    Some(walk.sh)
}

/// A walk over one substream: what calamine will hold, and what a squeeze would renumber.
struct Walk<'c> {
    sh: Sheet,
    collect: Option<&'c mut Collect>,
    /// Where the last FORMULA record was: a STRING record's value goes there.
    fmla: (u32, u32),
    per_formula_byte: u64,
}

/// The row and column fields that start a cell record.
fn pos16(d: &[u8]) -> (u32, u32) {
    (
        rd_u16(d, 0).unwrap_or(0) as u32,
        rd_u16(d, 2).unwrap_or(0) as u32,
    )
}

impl Walk<'_> {
    fn value(&mut self, row: u32, col: u32) {
        BBox::add(&mut self.sh.values, row, col);
        self.sh.pushes += 1;
        if let Some(c) = &mut self.collect {
            c.rows[row as usize] = true;
            if let Some(x) = c.cols.get_mut(col as usize) {
                *x = true;
            }
        }
    }

    fn site(&mut self, site: Site) {
        if let Some(c) = &mut self.collect {
            c.sites.push(site);
        }
    }

    /// One record of the sheet's own level; `false` where calamine stops reading.
    fn record(&mut self, r: &Record, s: &[u8], g: &Globals) -> bool {
        let d = &s[r.data.clone()];
        let at = r.data.start;
        match r.typ {
            0x0200 if matches!(d.len(), 10 | 14 | 16) => self.sh.dimensions.push(r.data.clone()),
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                return self.cell(r.typ, d, at, g);
            }
            0x0207 => {
                self.sh.strings += d.len() as u64 * STRING_GROWTH + 24;
                self.value(self.fmla.0, self.fmla.1);
            }
            0x00BD => {
                if d.len() < 6 {
                    return false;
                }
                let (row, first) = pos16(d);
                let last = rd_u16(d, d.len() - 2).unwrap_or(0);
                let n = last.wrapping_sub(first as u16).wrapping_add(1) as usize;
                if d.len() != 6 + 6 * n {
                    return false;
                }
                for k in 0..(d.len() - 6).div_ceil(6) as u32 {
                    self.value(row, first + k);
                }
                self.site(Site::MulRk(at, r.data.end - 2));
            }
            0x0006 => {
                if d.len() < 20 {
                    return false;
                }
                self.fmla = pos16(d);
                self.value(self.fmla.0, self.fmla.1);
                BBox::add(&mut self.sh.formulas, self.fmla.0, self.fmla.1);
                self.sh.formula_pushes += 1;
                self.sh.formula_text += (d.len() as u64 - 20) * self.per_formula_byte + 64;
                self.site(Site::Cell(at));
            }
            0x000A => return false,
            _ => {}
        }
        true
    }

    /// NUMBER, LABEL, RSTRING, BOOLERR, RK and LABELSST: one cell each.
    fn cell(&mut self, typ: u16, d: &[u8], at: usize, g: &Globals) -> bool {
        let need = match typ {
            0x0203 => 14,
            0x0204 | 0x00D6 => 6,
            0x0205 => 8,
            _ => 10,
        };
        if d.len() < need {
            return false;
        }
        let (row, col) = pos16(d);
        match typ {
            0x00FD => {
                let i = rd_u32(d, 6).unwrap_or(u32::MAX) as usize;
                let chars = match g.sst.get(i) {
                    Some(&n) => n,
                    None if g.sst_unsure => 65_535,
                    None => return true,
                };
                self.sh.strings += chars * STRING_GROWTH + 24;
            }
            0x0204 | 0x00D6 => self.sh.strings += d.len() as u64 * STRING_GROWTH + 24,
            _ => {}
        }
        self.value(row, col);
        self.site(Site::Cell(at));
        true
    }
}

/// The globals, and for each BOUNDSHEET the scan of its substream (scanned once per
/// position); the list ends where calamine would panic.
fn analyse(s: &[u8]) -> Result<(Globals, Vec<std::rc::Rc<Sheet>>), SniffError> {
    let g = globals(s);
    if g.sheets.len() > crate::read::MAX_SHEETS {
        return Err(SniffError::Bloated {
            detail: msg!(ErrMsg::OverSheets, crate::read::MAX_SHEETS),
        });
    }
    let mut seen: std::collections::HashMap<usize, std::rc::Rc<Sheet>> = Default::default();
    let mut out = Vec::new();
    let mut walked = 0u64;
    for &p in &g.sheets {
        let sh = match seen.get(&p) {
            Some(sh) => sh.clone(),
            None => match scan(s, p, &g, None) {
                Some(sh) => {
                    let sh = std::rc::Rc::new(sh);
                    seen.insert(p, sh.clone());
                    sh
                }
                None => break,
            },
        };
        walked += sh.records;
        if walked > MAX_WALK {
            return Err(SniffError::Corrupt {
                detail: ErrMsg::SheetLoop,
                source: None,
            });
        }
        out.push(sh);
    }
    Ok((g, out))
}

/// calamine's peak memory for this stream, roughly and from above.
fn estimate(s: &[u8], g: &Globals, scans: &[std::rc::Rc<Sheet>]) -> u64 {
    let mut held = 0u64;
    let mut building = 0u64;
    let mut clone = 0u64;
    let mut ours = 0u64;
    for sh in scans {
        let strings = sh.strings + sh.formula_text;
        held += sh.dense() + strings;
        building = building.max(2 * (sh.pushes * CELL_DATA + sh.formula_pushes * CELL_STRING));
        clone = clone.max(sh.dense() + strings);
        ours += sh.pushes * SPARSE_CELL + strings;
    }
    let sst: u64 = g.sst.iter().map(|n| n * STRING_GROWTH + 24).sum();
    let names = g.names * g.per_formula_byte();
    let metadata = g.sheets.len() as u64 * (160 + 255 * STRING_GROWTH);
    (3 * s.len() as u64)
        .saturating_add(sst)
        .saturating_add(names)
        .saturating_add(metadata)
        .saturating_add(held)
        .saturating_add(building)
        .saturating_add(clone)
        .saturating_add(ours)
}

/// Zeroes DIMENSIONS, squeezes far-flung sheets if calamine would need too much,
/// and says how to map positions back.
pub(super) fn sanitize(s: &mut [u8]) -> Result<XlsRemap, SniffError> {
    // Zeroing can change how overlapping substreams parse: repeat until none is left.
    let (mut g, mut scans) = analyse(s)?;
    for _ in 0..8 {
        let mut zeroed = false;
        for sh in &scans {
            for d in &sh.dimensions {
                if s[d.clone()].iter().any(|&b| b != 0) {
                    s[d.clone()].fill(0);
                    zeroed = true;
                }
            }
        }
        if !zeroed {
            break;
        }
        (g, scans) = analyse(s)?;
    }
    let mut remap = XlsRemap {
        sheets: vec![None; g.sheets.len()],
    };
    if estimate(s, &g, &scans) <= MEMORY_BUDGET
        && scans.iter().all(|sh| {
            sh.dimensions
                .iter()
                .all(|d| s[d.clone()].iter().all(|&b| b == 0))
        })
    {
        return Ok(remap);
    }
    let mut patched = std::collections::HashSet::new();
    let mut squeezed: std::collections::HashMap<usize, Axes> = Default::default();
    for (j, sh) in scans.iter().enumerate() {
        let p = g.sheets[j];
        if sh.area() < SQUEEZE_FROM || squeezed.contains_key(&p) {
            continue;
        }
        let mut c = Collect {
            rows: vec![false; 1 << 16],
            // MULRK columns are counted in u32 from a u16 start.
            cols: vec![false; (1 << 16) + 2048],
            sites: Vec::new(),
        };
        scan(s, p, &g, Some(&mut c));
        squeezed.insert(p, squeeze(s, c, &mut patched)?);
    }
    for (j, p) in g.sheets.iter().enumerate() {
        remap.sheets[j] = squeezed.get(p).cloned();
    }
    let (g, scans) = analyse(s)?;
    let need = estimate(s, &g, &scans);
    if need > MEMORY_BUDGET
        || scans.iter().any(|sh| {
            sh.dimensions
                .iter()
                .any(|d| s[d.clone()].iter().any(|&b| b != 0))
        })
    {
        return Err(SniffError::TooSpread { mib: need >> 20 });
    }
    Ok(remap)
}

/// Renumbers the rows and columns of one sheet's cell records by rank.
fn squeeze(
    s: &mut [u8],
    c: Collect,
    patched: &mut std::collections::HashSet<usize>,
) -> Result<Axes, SniffError> {
    let used = |v: &[bool]| -> Vec<u32> {
        v.iter()
            .enumerate()
            .filter(|(_, &u)| u)
            .map(|(i, _)| i as u32)
            .collect()
    };
    let axes = Axes {
        rows: used(&c.rows),
        cols: used(&c.cols),
    };
    if axes.cols.len() > 1 << 16 {
        return Err(SniffError::TooSpread {
            mib: u64::MAX >> 20,
        });
    }
    let rank = |v: &[u32], x: u16| v.binary_search(&(x as u32)).unwrap_or(0) as u16;
    for site in &c.sites {
        let (at, last) = match *site {
            Site::Cell(at) => (at, None),
            Site::MulRk(at, last) => (at, Some(last)),
        };
        if !patched.insert(at) {
            continue;
        }
        let (Some(row), Some(col)) = (rd_u16(s, at), rd_u16(s, at + 2)) else {
            continue;
        };
        let (r, c) = (rank(&axes.rows, row), rank(&axes.cols, col));
        s[at..at + 2].copy_from_slice(&r.to_le_bytes());
        s[at + 2..at + 4].copy_from_slice(&c.to_le_bytes());
        if let Some(last) = last {
            let l = rd_u16(s, last).unwrap_or(0);
            let moved = l.wrapping_sub(col).wrapping_add(c);
            s[last..last + 2].copy_from_slice(&moved.to_le_bytes());
        }
    }
    Ok(axes)
}

// ---------------------------------------------------------------------------
// A minimal compound file: version 3, 512-byte sectors, one stream "Workbook".

#[cfg(test)]
pub(crate) mod tests {
    use super::super::cfb::write_cfb;
    use super::*;
    use crate::read::sniff::{sniff_bytes, Container};
    use calamine::{Data, Reader, Xls};
    use std::io::Cursor;

    pub(crate) fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend_from_slice(&(data.len() as u16).to_le_bytes());
        v.extend_from_slice(data);
        v
    }

    pub(crate) fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&v.to_le_bytes());
        rec(0x0203, &d)
    }

    pub(crate) fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        let units: Vec<u16> = text.encode_utf16().collect();
        d.extend_from_slice(&(units.len() as u16).to_le_bytes());
        d.push(1); // UTF-16
        d.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        rec(0x0204, &d)
    }

    /// FORMULA with a cached number and the formula `=5`.
    pub(crate) fn formula(row: u16, col: u16, v: f64) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&v.to_le_bytes());
        d.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        d.extend_from_slice(&[3, 0, 0x1E, 5, 0]);
        rec(0x0006, &d)
    }

    pub(crate) fn dimensions(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
        let mut d = rf.to_le_bytes().to_vec();
        d.extend_from_slice(&rl.to_le_bytes());
        d.extend_from_slice(&cf.to_le_bytes());
        d.extend_from_slice(&cl.to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        rec(0x0200, &d)
    }

    /// A BIFF8 Workbook stream with the given sheets (name, records between BOF and EOF).
    pub(crate) fn book(sheets: &[(&str, Vec<Vec<u8>>)]) -> Vec<u8> {
        let bof = |dt: u16| {
            let mut d = vec![0u8; 16];
            d[..2].copy_from_slice(&0x0600u16.to_le_bytes());
            d[2..4].copy_from_slice(&dt.to_le_bytes());
            rec(0x0809, &d)
        };
        let boundsheet = |pos: u32, name: &str| {
            let mut d = pos.to_le_bytes().to_vec();
            let units: Vec<u16> = name.encode_utf16().collect();
            d.extend_from_slice(&[0, 0, units.len() as u8, 1]);
            d.extend(units.iter().flat_map(|u| u.to_le_bytes()));
            rec(0x0085, &d)
        };
        let eof = rec(0x000A, &[]);
        let globals_len = bof(5).len()
            + sheets
                .iter()
                .map(|(n, _)| boundsheet(0, n).len())
                .sum::<usize>()
            + eof.len();
        let mut bodies = Vec::new();
        let mut positions = Vec::new();
        let mut at = globals_len;
        for (_, recs) in sheets {
            let mut body = bof(0x10);
            for r in recs {
                body.extend_from_slice(r);
            }
            body.extend_from_slice(&eof);
            positions.push(at as u32);
            at += body.len();
            bodies.push(body);
        }
        let mut s = bof(5);
        for ((name, _), pos) in sheets.iter().zip(&positions) {
            s.extend(boundsheet(*pos, name));
        }
        s.extend_from_slice(&eof);
        assert_eq!(s.len(), globals_len);
        for b in bodies {
            s.extend(b);
        }
        s
    }

    fn sniffed(stream: &[u8]) -> (Vec<u8>, XlsRemap) {
        match sniff_bytes(write_cfb(stream)).unwrap() {
            Container::Xls(b, remap) => (b, remap),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rebuilt_file_opens_in_calamine_small_and_large() {
        // Small streams are padded past the mini-stream cutoff; large ones need DIFAT sectors.
        let filler = rec(0x1234, &[7u8; 8000]);
        for n in [0usize, 1100] {
            let mut recs = vec![number(2, 3, 42.5), label(0, 0, "项目支出")];
            recs.extend(std::iter::repeat_n(filler.clone(), n));
            let stream = book(&[("表一", recs)]);
            assert_eq!(stream.len() > 8 << 20, n > 0);
            let file = write_cfb(&stream);
            let cfb = super::super::cfb::Cfb::parse(&file).unwrap();
            let entries = cfb.entries().unwrap();
            let back = cfb.read_stream(&entries, entries[1], u64::MAX).unwrap();
            assert_eq!(&back[..stream.len()], &stream[..]);
            let mut xls: Xls<_> = Xls::new(Cursor::new(file)).unwrap();
            let range = xls.worksheet_range("表一").unwrap();
            assert_eq!(range.get_value((2, 3)), Some(&Data::Float(42.5)));
            assert_eq!(
                range.get_value((0, 0)),
                Some(&Data::String("项目支出".into()))
            );
        }
    }

    #[test]
    fn lying_dimensions_are_zeroed() {
        let stream = book(&[(
            "S",
            vec![dimensions(0, u32::MAX, 0, u16::MAX), number(1, 1, 1.0)],
        )]);
        let (file, remap) = sniffed(&stream);
        assert!(remap.is_identity());
        let cfb = super::super::cfb::Cfb::parse(&file).unwrap();
        let entries = cfb.entries().unwrap();
        let back = cfb.read_stream(&entries, entries[1], u64::MAX).unwrap();
        let at = super::super::bytes::find(&back, &0x0200u16.to_le_bytes()).unwrap();
        assert_eq!(&back[at + 4..at + 18], &[0u8; 14]);
        let mut xls: Xls<_> = Xls::new(Cursor::new(file)).unwrap();
        assert_eq!(
            xls.worksheet_range("S").unwrap().get_value((1, 1)),
            Some(&Data::Float(1.0))
        );
    }

    #[test]
    fn far_cells_are_squeezed_and_mapped_back() {
        let stream = book(&[
            ("near", vec![number(0, 0, 1.0), number(10, 5, 2.0)]),
            (
                "far",
                vec![
                    number(0, 0, 1.0),
                    formula(3, 2, 5.0),
                    number(65_535, 255, 9.0),
                    number(7, 60_000, 3.0),
                ],
            ),
        ]);
        let (file, remap) = sniffed(&stream);
        assert_eq!(remap.sheets[0], None);
        let axes = remap.sheets[1].as_ref().expect("far sheet squeezed");
        assert_eq!(axes.rows, vec![0, 3, 7, 65_535]);
        assert_eq!(axes.cols, vec![0, 2, 255, 60_000]);
        let mut xls: Xls<_> = Xls::new(Cursor::new(file)).unwrap();
        let range = xls.worksheet_range("far").unwrap();
        assert!(range.get_size().0 * range.get_size().1 <= 16);
        assert_eq!(remap.original(1, 3, 2), (65_535, 255));
        assert_eq!(range.get_value((3, 2)), Some(&Data::Float(9.0)));
    }

    #[test]
    fn cells_spread_everywhere_are_refused() {
        // 6000 cells on a diagonal: squeezing cannot help (6000 × 6000 cells).
        let recs: Vec<Vec<u8>> = (0..6000u16).map(|i| number(i * 10, i, 1.0)).collect();
        let e = sniff_bytes(write_cfb(&book(&[("d", recs)]))).unwrap_err();
        assert!(matches!(e, SniffError::TooSpread { .. }), "{e:?}");
        assert!(e.to_string().contains("分布过散"), "{e}");
    }

    #[test]
    fn sst_lengths_follow_continue_records() {
        // Two strings: "ab" (compressed), then 3 UTF-16 chars split over a CONTINUE
        // that switches to compressed characters.
        let mut sst = vec![0u8; 8];
        sst.extend_from_slice(&[2, 0, 0, b'a', b'b']);
        sst.extend_from_slice(&[3, 0, 1, b'x', 0]);
        let cont: &[u8] = &[0, b'y', b'z'];
        let (lens, ok) = sst_lengths(&[&sst, cont]);
        assert!(ok);
        assert_eq!(lens, vec![2, 3]);
        let (_, ok) = sst_lengths(&[&sst[..sst.len() - 1]]);
        assert!(!ok);
    }
}
