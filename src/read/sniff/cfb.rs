//! OLE / CFB ([MS-CFB]): just enough to find streams and read a stream's start, and the
//! checks that refuse encrypted and non-Excel compound files.

use super::bytes::{rd_u16, rd_u32, rd_u64};
use super::{xls, Container, SniffError};
use crate::i18n::errors::ErrMsg;

pub(super) const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Sector ids with a meaning: the end of a chain, a free sector, a FAT or DIFAT sector;
/// ids up to `MAXREGSECT` are sectors.
pub(super) const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
pub(super) const FREESECT: u32 = 0xFFFF_FFFF;
pub(super) const FATSECT: u32 = 0xFFFF_FFFD;
pub(super) const DIFSECT: u32 = 0xFFFF_FFFC;
const MAXREGSECT: u32 = 0xFFFF_FFFA;
/// Streams smaller than this live in the mini stream.
pub(super) const MINI_CUTOFF: u64 = 4096;
const MINI_SECTOR: usize = 64;
/// Workbooks have a handful of directory entries; this allows 65,536 of 128 bytes.
const MAX_DIR_SECTORS: usize = 16_384;
/// How much of the Workbook stream is read to look for FILEPASS.
const BIFF_SCAN_BYTES: u64 = 256 * 1024;

const CORRUPT_OLE: SniffError = SniffError::Corrupt {
    detail: ErrMsg::OleBroken,
    source: None,
};

pub(super) struct Cfb<'a> {
    data: &'a [u8],
    /// Sector size: 512 or 4096.
    ss: usize,
    /// Sectors after the header (a short last one counts).
    nsec: u32,
    /// Sector ids holding the FAT, in order.
    fat: Vec<u32>,
    v3: bool,
}

impl<'a> Cfb<'a> {
    pub(super) fn parse(data: &'a [u8]) -> Option<Cfb<'a>> {
        if data.len() < 512 || !data.starts_with(&OLE_MAGIC) {
            return None;
        }
        let ss = match rd_u16(data, 0x1E)? {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        if data.len() < ss {
            return None;
        }
        let nsec = u32::try_from((data.len() - ss).div_ceil(ss)).ok()?;
        let per = ss / 4;
        // More FAT sectors than needed to map the whole file are ignored.
        let max_fat = nsec as usize / per + 1;
        let mut cfb = Cfb {
            data,
            ss,
            nsec,
            fat: Vec::new(),
            v3: rd_u16(data, 0x1A)? == 3,
        };
        for k in 0..109 {
            let id = rd_u32(data, 0x4C + 4 * k)?;
            if id < MAXREGSECT && cfb.fat.len() < max_fat {
                cfb.fat.push(id);
            }
        }
        let mut next = rd_u32(data, 0x44)?;
        let mut steps = 0u32;
        while next < MAXREGSECT && cfb.fat.len() < max_fat && steps <= nsec {
            steps += 1;
            let sec = cfb.sector(next)?;
            for k in 0..per - 1 {
                let id = rd_u32(sec, 4 * k)?;
                if id < MAXREGSECT && cfb.fat.len() < max_fat {
                    cfb.fat.push(id);
                }
            }
            next = rd_u32(sec, 4 * (per - 1))?;
        }
        Some(cfb)
    }

    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        if id >= self.nsec {
            return None;
        }
        let start = (id as usize + 1).checked_mul(self.ss)?;
        let end = start.checked_add(self.ss)?.min(self.data.len());
        self.data.get(start..end)
    }

    fn next(&self, id: u32) -> Option<u32> {
        let per = self.ss / 4;
        let fat_sector = self.sector(*self.fat.get(id as usize / per)?)?;
        rd_u32(fat_sector, (id as usize % per) * 4)
    }

    /// Sector ids of a chain, at most `max` of them (and never more than the file has).
    fn chain(&self, start: u32, max: usize) -> Option<Vec<u32>> {
        let max = max.min(self.nsec as usize);
        let mut ids = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN && ids.len() < max {
            if id >= self.nsec {
                return None;
            }
            ids.push(id);
            id = self.next(id)?;
        }
        Some(ids)
    }

    /// Directory entries (128 bytes each), from at most `MAX_DIR_SECTORS` sectors.
    pub(super) fn entries(&self) -> Option<Vec<&'a [u8]>> {
        let dir = self.chain(rd_u32(self.data, 0x30)?, MAX_DIR_SECTORS)?;
        let mut out = Vec::new();
        for id in dir {
            out.extend(self.sector(id)?.chunks_exact(128));
        }
        Some(out)
    }

    fn entry_size(&self, e: &[u8]) -> u64 {
        let size = rd_u64(e, 120).unwrap_or(0);
        if self.v3 {
            size & 0xFFFF_FFFF
        } else {
            size
        }
    }

    /// The first `cap` bytes of a stream (fewer if its chain ends early).
    pub(super) fn read_stream(&self, entries: &[&[u8]], e: &[u8], cap: u64) -> Option<Vec<u8>> {
        let size = self.entry_size(e);
        let want = size.min(cap) as usize;
        let start = rd_u32(e, 116)?;
        let mut out = Vec::with_capacity(want);
        if size >= MINI_CUTOFF {
            for id in self.chain(start, want.div_ceil(self.ss))? {
                let sec = self.sector(id)?;
                out.extend_from_slice(&sec[..sec.len().min(want - out.len())]);
            }
            return Some(out);
        }
        // Small streams live in the mini stream, which the root entry's chain holds.
        let root = entries.first()?;
        let root_len = self.entry_size(root).min(self.data.len() as u64) as usize;
        let mini = self.chain(rd_u32(root, 116)?, root_len.div_ceil(self.ss))?;
        let minifat = self.chain(rd_u32(self.data, 0x3C)?, usize::MAX)?;
        let per = self.ss / 4;
        let mut m = start;
        let mut steps = 0;
        while m != ENDOFCHAIN && out.len() < want && steps <= want / MINI_SECTOR {
            steps += 1;
            let off = (m as usize).checked_mul(MINI_SECTOR)?;
            let sec = self.sector(*mini.get(off / self.ss)?)?;
            let chunk = sec.get(off % self.ss..(off % self.ss + MINI_SECTOR).min(sec.len()))?;
            out.extend_from_slice(&chunk[..chunk.len().min(want - out.len())]);
            let fat_sector = self.sector(*minifat.get(m as usize / per)?)?;
            m = rd_u32(fat_sector, (m as usize % per) * 4)?;
        }
        Some(out)
    }
}

/// Directory entry `e` is a stream named `name` (ASCII, case-insensitive).
fn is_stream(e: &[u8], name: &str) -> bool {
    let len = rd_u16(e, 64).unwrap_or(0) as usize;
    e.get(66) == Some(&2)
        && (2..=64).contains(&len)
        && len / 2 - 1 == name.len()
        && name.bytes().enumerate().all(|(i, b)| {
            rd_u16(e, 2 * i).is_some_and(|u| u < 128 && (u as u8).eq_ignore_ascii_case(&b))
        })
}

pub(super) fn sniff_ole(bytes: Vec<u8>) -> Result<Container, SniffError> {
    let cfb = Cfb::parse(&bytes).ok_or(CORRUPT_OLE)?;
    let entries = cfb.entries().ok_or(CORRUPT_OLE)?;
    check_ole(&cfb, &entries)?;
    let wb = entries
        .iter()
        .copied()
        .find(|e| is_stream(e, "Workbook"))
        .or_else(|| entries.iter().copied().find(|e| is_stream(e, "Book")))
        .ok_or(CORRUPT_OLE)?;
    let mut stream = cfb
        .read_stream(&entries, wb, xls::MAX_STREAM as u64 + 1)
        .ok_or(SniffError::Corrupt {
            detail: ErrMsg::XlsStreamShort,
            source: None,
        })?;
    if stream.len() > xls::MAX_STREAM {
        return Err(SniffError::TooLarge {
            size: cfb.entry_size(wb),
            limit: xls::MAX_STREAM as u64,
        });
    }
    let remap = xls::sanitize(&mut stream)?;
    Ok(Container::Xls(write_cfb(&stream), remap))
}

/// Refuses encrypted and non-Excel compound files.
fn check_ole(cfb: &Cfb<'_>, entries: &[&[u8]]) -> Result<(), SniffError> {
    {
        let find = |name: &str| entries.iter().copied().find(|e| is_stream(e, name));
        if find("EncryptedPackage").is_some() || find("EncryptionInfo").is_some() {
            return Err(SniffError::Encrypted { xls: false });
        }
        if let Some(wb) = find("Workbook").or_else(|| find("Book")) {
            let head =
                cfb.read_stream(entries, wb, BIFF_SCAN_BYTES)
                    .ok_or(SniffError::Corrupt {
                        detail: ErrMsg::XlsStreamShort,
                        source: None,
                    })?;
            match biff_filepass(&head) {
                Some(true) => return Err(SniffError::Encrypted { xls: true }),
                Some(false) => {}
                None => {
                    return Err(SniffError::Corrupt {
                        detail: ErrMsg::XlsStreamHead,
                        source: None,
                    })
                }
            }
        } else if find("WordDocument").is_some() {
            return Err(SniffError::NotWorkbook {
                what: ErrMsg::KindDoc,
            });
        } else if find("PowerPoint Document").is_some() {
            return Err(SniffError::NotWorkbook {
                what: ErrMsg::KindPpt,
            });
        } else {
            return Err(SniffError::NotWorkbook {
                what: ErrMsg::KindOle,
            });
        }
    }
    Ok(())
}

/// Whether the workbook globals (up to their EOF record) contain FILEPASS;
/// `None` when the stream does not start with a BOF record.
fn biff_filepass(s: &[u8]) -> Option<bool> {
    const BOF: [u16; 4] = [0x0809, 0x0409, 0x0209, 0x0009];
    if !BOF.contains(&rd_u16(s, 0)?) {
        return None;
    }
    let mut i = 4 + rd_u16(s, 2)? as usize;
    while let (Some(typ), Some(len)) = (rd_u16(s, i), rd_u16(s, i + 2)) {
        match typ {
            0x002F => return Some(true),
            0x000A => return Some(false),
            t if BOF.contains(&t) => return Some(false),
            _ => i += 4 + len as usize,
        }
    }
    Some(false)
}

// ---------------------------------------------------------------------------
// Writing

/// `stream` as the only stream of a new compound file. Streams under 4096 bytes
/// would belong in the mini stream; this one is padded with empty BIFF records
/// (type 0, length 0), which calamine skips, instead.
pub(super) fn write_cfb(stream: &[u8]) -> Vec<u8> {
    let len = stream.len().max(4096);
    let data_sectors = len.div_ceil(512);
    let (fat, difat) = fat_sectors(data_sectors);
    // Layout: FAT sectors, DIFAT sectors, the directory, the stream.
    let dir = (fat + difat) as u32;
    let first = dir + 1;
    let total = first as usize + data_sectors;
    let mut table = vec![FREESECT; fat * 128];
    table[..fat].fill(FATSECT);
    table[fat..fat + difat].fill(DIFSECT);
    table[dir as usize] = ENDOFCHAIN;
    for k in 0..data_sectors {
        let id = first as usize + k;
        table[id] = if k + 1 == data_sectors {
            ENDOFCHAIN
        } else {
            id as u32 + 1
        };
    }

    let mut out = Vec::with_capacity(512 * (total + 1));
    out.extend_from_slice(&v3_header(&Header {
        fat,
        dir,
        minifat: (ENDOFCHAIN, 0),
        difat: (
            if difat > 0 { fat as u32 } else { ENDOFCHAIN },
            difat as u32,
        ),
    }));
    out.extend(table.iter().flat_map(|v| v.to_le_bytes()));
    // DIFAT sectors: 127 FAT sector ids each, then the next DIFAT sector.
    for d in 0..difat {
        for k in 0..127 {
            let i = 109 + d * 127 + k;
            let v = if i < fat { i as u32 } else { FREESECT };
            out.extend_from_slice(&v.to_le_bytes());
        }
        let next = if d + 1 < difat {
            (fat + d + 1) as u32
        } else {
            ENDOFCHAIN
        };
        out.extend_from_slice(&next.to_le_bytes());
    }
    // Directory: root storage, the stream, two empty entries.
    out.extend_from_slice(&dir_entry("Root Entry", 5, 1, FREESECT, ENDOFCHAIN, 0));
    out.extend_from_slice(&dir_entry(
        "Workbook", 2, FREESECT, FREESECT, first, len as u64,
    ));
    out.extend_from_slice(&dir_entry("", 0, FREESECT, FREESECT, 0, 0));
    out.extend_from_slice(&dir_entry("", 0, FREESECT, FREESECT, 0, 0));
    out.extend_from_slice(stream);
    out.resize(512 * (total + 1), 0);
    out
}

/// FAT and DIFAT sectors to map `data_sectors`, the directory and themselves.
fn fat_sectors(data_sectors: usize) -> (usize, usize) {
    let (mut fat, mut difat) = (1usize, 0usize);
    loop {
        let total = data_sectors + 1 + fat + difat;
        let need_fat = total.div_ceil(128);
        let need_difat = need_fat.saturating_sub(109).div_ceil(127);
        if need_fat == fat && need_difat == difat {
            return (fat, difat);
        }
        (fat, difat) = (need_fat, need_difat);
    }
}

/// Where a version-3 file keeps its tables; its FAT is in its first `fat` sectors.
pub(super) struct Header {
    pub fat: usize,
    pub dir: u32,
    /// First sector and sector count of the mini FAT, and of the DIFAT.
    pub minifat: (u32, u32),
    pub difat: (u32, u32),
}

/// The 512-byte header of a version-3 file (512-byte sectors, 64-byte mini sectors).
pub(super) fn v3_header(t: &Header) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..8].copy_from_slice(&OLE_MAGIC);
    h[0x18..0x1A].copy_from_slice(&0x3Eu16.to_le_bytes());
    h[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
    h[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
    h[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
    h[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
    h[0x2C..0x30].copy_from_slice(&(t.fat as u32).to_le_bytes());
    h[0x30..0x34].copy_from_slice(&t.dir.to_le_bytes());
    h[0x38..0x3C].copy_from_slice(&(MINI_CUTOFF as u32).to_le_bytes());
    h[0x3C..0x40].copy_from_slice(&t.minifat.0.to_le_bytes());
    h[0x40..0x44].copy_from_slice(&t.minifat.1.to_le_bytes());
    h[0x44..0x48].copy_from_slice(&t.difat.0.to_le_bytes());
    h[0x48..0x4C].copy_from_slice(&t.difat.1.to_le_bytes());
    for k in 0..109 {
        let v = if k < t.fat { k as u32 } else { FREESECT };
        h[0x4C + 4 * k..0x50 + 4 * k].copy_from_slice(&v.to_le_bytes());
    }
    h
}

/// A directory entry: `typ` 5 is the root storage, 2 a stream, 0 unused.
pub(super) fn dir_entry(
    name: &str,
    typ: u8,
    child: u32,
    right: u32,
    start: u32,
    size: u64,
) -> [u8; 128] {
    let mut e = [0u8; 128];
    let units: Vec<u16> = name.encode_utf16().collect();
    for (k, u) in units.iter().enumerate() {
        e[2 * k..2 * k + 2].copy_from_slice(&u.to_le_bytes());
    }
    if !units.is_empty() {
        e[64..66].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
    }
    e[66] = typ;
    e[67] = 1; // black
    e[68..72].copy_from_slice(&FREESECT.to_le_bytes());
    e[72..76].copy_from_slice(&right.to_le_bytes());
    e[76..80].copy_from_slice(&child.to_le_bytes());
    e[116..120].copy_from_slice(&start.to_le_bytes());
    e[120..128].copy_from_slice(&size.to_le_bytes());
    e
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::{sniff_bytes, sniff_path};
    use super::*;
    use calamine::{open_workbook_from_rs, Reader, Xls};
    use std::io::Cursor;

    #[test]
    fn encrypted_ooxml_in_ole_is_password_protected() {
        let f = cfb_of(&[
            ("EncryptionInfo", &[4, 0, 4, 0, 0x40, 0, 0, 0]),
            ("EncryptedPackage", &[0u8; 5000]),
        ]);
        let e = err(f);
        assert!(matches!(e, SniffError::Encrypted { xls: false }), "{e:?}");
        assert!(e.to_string().contains("密码保护"));
    }

    #[test]
    fn xls_filepass_is_password_protected() {
        let filler = (0x00E1u16, &[0u8; 200][..]); // INTERFACEHDR-sized padding records
        for big in [false, true] {
            let mut recs = vec![BOF, FILEPASS];
            if big {
                recs.extend(std::iter::repeat_n(filler, 30)); // past the 4096-byte mini stream cutoff
            }
            recs.push(EOF);
            let stream = biff(&recs);
            assert_eq!(stream.len() as u64 >= MINI_CUTOFF, big);
            let f = cfb_of(&[("\u{1}CompObj", &[1, 2, 3]), ("Workbook", &stream)]);
            let e = err(f);
            assert!(
                matches!(e, SniffError::Encrypted { xls: true }),
                "big={big}: {e:?}"
            );
        }
    }

    #[test]
    fn plain_xls_passes_and_filepass_after_globals_is_ignored() {
        for big in [false, true] {
            let filler = (0x00E1u16, &[0u8; 200][..]);
            let mut recs = vec![BOF];
            if big {
                recs.extend(std::iter::repeat_n(filler, 30));
            }
            recs.extend([EOF, BOF, FILEPASS, EOF]);
            let f = cfb_of(&[
                ("SummaryInformation", &[0u8; 100]),
                ("WORKBOOK", &biff(&recs)),
            ]);
            assert!(
                matches!(sniff_bytes(f), Ok(Container::Xls(..))),
                "big={big}"
            );
        }
        // BIFF5 names its stream "Book".
        let f = cfb_of(&[("Book", &biff(&[(0x0809, &[0, 5, 5, 0]), EOF]))]);
        assert!(matches!(sniff_bytes(f), Ok(Container::Xls(..))));
    }

    #[test]
    fn other_ole_files_are_named() {
        let msg = err(cfb_of(&[
            ("WordDocument", &[0u8; 600]),
            ("1Table", &[0u8; 100]),
        ]))
        .to_string();
        assert!(msg.contains("Word 文档"), "{msg}");
        let msg = err(cfb_of(&[("PowerPoint Document", &[0u8; 10])])).to_string();
        assert!(msg.contains("PowerPoint"), "{msg}");
        let msg = err(cfb_of(&[("Contents", &[0u8; 10])])).to_string();
        assert!(msg.contains("没有 Excel 工作表"), "{msg}");
        let e = err(cfb_of(&[("Workbook", b"not biff at all")]));
        assert!(matches!(e, SniffError::Corrupt { .. }), "{e:?}");
    }

    #[test]
    fn broken_ole_is_corrupt() {
        let good = cfb_of(&[("Workbook", &biff(&[BOF, EOF]))]);
        assert!(sniff_bytes(good.clone()).is_ok());
        let mut bad_shift = good.clone();
        bad_shift[0x1E] = 30;
        let mut bad_dir = good.clone();
        bad_dir[0x30..0x34].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
        let mut loop_fat = good.clone();
        loop_fat[512..516].copy_from_slice(&1u32.to_le_bytes()); // FAT sector points at itself...
        loop_fat[516..520].copy_from_slice(&1u32.to_le_bytes()); // ...and the directory loops
        for (what, bytes) in [
            ("short", good[..300].to_vec()),
            ("shift", bad_shift),
            ("dir", bad_dir),
        ] {
            let e = err(bytes);
            assert!(matches!(e, SniffError::Corrupt { .. }), "{what}: {e:?}");
        }
        // A looping chain must end, whatever it decides.
        let _ = sniff_bytes(loop_fat);
    }

    #[test]
    fn real_xls_files() {
        let Ok(Container::Xls(b, _)) = sniff_path(&fixture("sniff/seed-leiyang-2024.xls")) else {
            panic!("LibreOffice xls not Xls")
        };
        let wb: Xls<_> = open_workbook_from_rs(Cursor::new(b)).unwrap();
        let names = wb.sheet_names();
        assert!(
            names.iter().any(|n| n == "基础数据表") && names.iter().any(|n| n == "绩效自评表"),
            "{names:?}"
        );

        let e = sniff_path(&fixture("sniff/password-secret.xls")).unwrap_err();
        assert!(matches!(e, SniffError::Encrypted { xls: true }), "{e:?}");
    }
}
