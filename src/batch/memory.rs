//! The batch's memory budget: a worker starts a file only when the file's estimated peak fits
//! beside those of the files being checked; a file larger than the whole budget runs alone.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::{Condvar, Mutex};

use crate::model::files;

const MIB: u64 = 1 << 20;
/// The default budget's ceiling.
pub const DEFAULT_CEILING: u64 = 1 << 30;
/// The least a file is counted at: the reader, the checks and the copy's buffers.
const BASE: u64 = 16 * MIB;
/// What a file is counted at when bounding the default number of workers: a typical workbook
/// of a few MB with its copy.
const TYPICAL: u64 = 64 * MIB;

/// The default budget: the smaller of 1 GiB and half the physical memory.
pub fn default_budget() -> u64 {
    physical_memory().map_or(DEFAULT_CEILING, |m| (m / 2).min(DEFAULT_CEILING))
}

/// The most workers a budget is worth at [`TYPICAL`] files (at least one).
pub fn workers_within(budget: u64) -> usize {
    usize::try_from(budget / TYPICAL)
        .unwrap_or(usize::MAX)
        .max(1)
}

fn physical_memory() -> Option<u64> {
    #[cfg(unix)]
    {
        let (pages, size) = unsafe {
            (
                libc::sysconf(libc::_SC_PHYS_PAGES),
                libc::sysconf(libc::_SC_PAGESIZE),
            )
        };
        let (pages, size) = (u64::try_from(pages).ok()?, u64::try_from(size).ok()?);
        pages.checked_mul(size).filter(|&m| m > 0)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The estimated peak memory of checking the file at `path` and writing its copies, from what
/// its package declares: the file held twice (as read, and the copy made for the reader), and
/// for a zip package (xlsx, ods) three times its parts' declared uncompressed size (the parts
/// inflated, the cells parsed from them, the copy's rewritten parts); for other files (xls) four
/// times their size. Sniffing refuses packages past its caps before any of this is spent.
pub fn estimated_peak(path: &Path) -> u64 {
    let Ok(file) = files::open_regular(path) else {
        return BASE;
    };
    let len = file.metadata().map_or(0, |m| m.len());
    let mut reader = BufReader::new(file);
    let mut magic = [0u8; 4];
    let declared = match reader.read_exact(&mut magic) {
        Ok(()) if &magic == b"PK\x03\x04" => declared_size(path),
        _ => None,
    };
    let body = match declared {
        Some(declared) => len
            .saturating_mul(2)
            .saturating_add(declared.saturating_mul(3)),
        None => len.saturating_mul(4),
    };
    BASE.saturating_add(body)
}

/// The sum of the uncompressed sizes a zip's central directory declares.
fn declared_size(path: &Path) -> Option<u64> {
    let file: File = files::open_regular(path).ok()?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).ok()?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        total = total.saturating_add(zip.by_index_raw(i).ok()?.size());
    }
    Some(total)
}

/// Memory shared by the workers, in bytes of estimated peak.
pub struct MemoryBudget {
    total: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// A file's share of the budget, given back when dropped.
pub struct Permit<'a> {
    budget: &'a MemoryBudget,
    amount: u64,
}

impl MemoryBudget {
    pub fn new(total: u64) -> Self {
        MemoryBudget {
            total,
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    fn fits(&self, used: u64, amount: u64) -> bool {
        used == 0 || used.saturating_add(amount) <= self.total
    }

    /// Waits until `amount` fits beside what is in use (or nothing is), then takes it.
    pub fn acquire(&self, amount: u64) -> Permit<'_> {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while !self.fits(*used, amount) {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used = used.saturating_add(amount);
        Permit {
            budget: self,
            amount,
        }
    }

    /// Takes `amount` if it fits now.
    pub fn try_acquire(&self, amount: u64) -> Option<Permit<'_>> {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        self.fits(*used, amount).then(|| {
            *used = used.saturating_add(amount);
            Permit {
                budget: self,
                amount,
            }
        })
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut used = self.budget.used.lock().unwrap_or_else(|e| e.into_inner());
        *used = used.saturating_sub(self.amount);
        self.budget.freed.notify_all();
    }
}

/// `512M`, `2G`, `1.5G`, `800MiB`, `1048576`: a size in bytes (K, M, G, T are powers of 1024).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let unit = unit.trim().to_ascii_uppercase();
    let scale: u64 = match unit.trim_end_matches("IB").trim_end_matches('B') {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return Err(format!("unknown unit {unit:?}")),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("not a size: {text:?}"))?;
    let bytes = value * scale as f64;
    if !(bytes >= 1.0 && bytes < u64::MAX as f64) {
        return Err(format!("not a size: {text:?}"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("1.5G"), Ok(3 << 29));
        assert_eq!(parse_size("800MiB"), Ok(800 << 20));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("abc").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("5X").is_err());
    }
}
