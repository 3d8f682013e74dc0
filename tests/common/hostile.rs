//! Builders for hostile and broken inputs (for `tests/hostile/`), all made at test time and
//! small on disk, and a runner that holds `jixiao` to an address-space limit.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The address-space limit every run gets: the issue's memory ceiling.
pub const MEMORY_LIMIT_KIB: u64 = 1024 * 1024;
/// A run longer than this is a hang.
pub const TIMEOUT: Duration = Duration::from_secs(120);

pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}), exit {:?}\nstdout: {}\nstderr: {}",
                self.code, self.stdout, self.stderr
            )
        })
    }

    /// The report of each file, by the path as given.
    pub fn files(&self) -> Vec<Value> {
        self.json()["files"].as_array().cloned().unwrap_or_default()
    }
}

/// `jixiao ARGS…` under `ulimit -v` ([`MEMORY_LIMIT_KIB`]), killed after [`TIMEOUT`];
/// stdout and stderr go to files in `logs`.
pub fn run_limited(args: &[&OsStr], logs: &Path) -> Outcome {
    fs::create_dir_all(logs).unwrap();
    let (out, err) = (logs.join("stdout"), logs.join("stderr"));
    let script = format!("ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\"");
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out).unwrap())
        .stderr(fs::File::create(&err).unwrap())
        .spawn()
        .expect("start jixiao");
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let read = |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap_or_default()).into_owned();
    let outcome = Outcome {
        code: status.and_then(|s| s.code()),
        stdout: read(&out),
        stderr: read(&err),
        elapsed: started.elapsed(),
    };
    assert!(
        status.is_some(),
        "jixiao {args:?} ran longer than {TIMEOUT:?}; stderr: {}",
        outcome.stderr
    );
    outcome
}

// ---------------------------------------------------------------------------------------------
// ZIP packages

pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The parts of a ZIP package, in order.
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

/// The package with each part passed through `edit` (name, text) → new text, and `extra` parts
/// added. ODS needs its `mimetype` first and stored: it stays where it was, uncompressed.
pub fn repack(
    bytes: &[u8],
    edit: impl Fn(&str, String) -> String,
    extra: &[(&str, &[u8])],
) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in unzip(bytes) {
        let method = if name == "mimetype" || name.ends_with('/') {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let opts = SimpleFileOptions::default().compression_method(method);
        if name.ends_with('/') {
            w.add_directory(name.as_str(), opts).unwrap();
            continue;
        }
        let data = match String::from_utf8(data) {
            Ok(text) if name.ends_with(".xml") || name.ends_with(".rels") => {
                edit(&name, text).into_bytes()
            }
            Ok(text) => text.into_bytes(),
            Err(e) => e.into_bytes(),
        };
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(&data).unwrap();
    }
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in extra {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A ZIP entry whose data is `size` zero bytes, written through the deflater in 1 MiB pieces.
pub fn zeros_zip(parts: &[(&str, &[u8])], name: &str, size: u64) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(size >= u32::MAX as u64);
    for (n, data) in parts {
        w.start_file(*n, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.start_file(name, opts).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        w.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    w.finish().unwrap().into_inner()
}

/// Rewrites the uncompressed size of entry `name` in its local and central headers.
pub fn lie_about_size(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for (sig, field, name_at) in [(&b"PK\x03\x04"[..], 22, 30), (&b"PK\x01\x02"[..], 24, 46)] {
        let mut at = 0;
        while let Some(p) = find(&zip[at..], sig) {
            let h = at + p;
            if zip.len() > h + name_at + name.len()
                && &zip[h + name_at..h + name_at + name.len()] == name.as_bytes()
            {
                zip[h + field..h + field + 4].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
            at = h + 4;
        }
    }
    assert_eq!(patched, 2, "entry {name} not found twice");
}

pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// The parts of a minimal xlsx whose sheets (names) all point at the given sheet parts
/// (`targets[i]` is the part of sheet i, e.g. "worksheets/sheet1.xml").
pub fn xlsx_parts(sheets: &[(String, String)]) -> Vec<(String, Vec<u8>)> {
    let ct = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
    let rels = format!(
        r#"<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let mut wb = format!(r#"<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>"#);
    let mut wb_rels = format!(r#"<Relationships xmlns="{PKG_REL}">"#);
    for (i, (name, target)) in sheets.iter().enumerate() {
        wb.push_str(&format!(
            r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#,
            i + 1,
            i + 1
        ));
        wb_rels.push_str(&format!(
            r#"<Relationship Id="rId{}" Type="{REL}/worksheet" Target="{target}"/>"#,
            i + 1
        ));
    }
    wb.push_str("</sheets></workbook>");
    wb_rels.push_str("</Relationships>");
    vec![
        ("[Content_Types].xml".into(), ct.as_bytes().to_vec()),
        ("_rels/.rels".into(), rels.into_bytes()),
        ("xl/workbook.xml".into(), wb.into_bytes()),
        ("xl/_rels/workbook.xml.rels".into(), wb_rels.into_bytes()),
    ]
}

/// A worksheet part with the given `<sheetData>` content.
pub fn sheet_xml(data: &str) -> String {
    format!(r#"<worksheet xmlns="{NS}"><sheetData>{data}</sheetData></worksheet>"#)
}

pub fn zip_owned(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip_of(&refs)
}

// ---------------------------------------------------------------------------------------------
// BIFF8 records and compound files

pub fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut v = typ.to_le_bytes().to_vec();
    v.extend_from_slice(&(data.len() as u16).to_le_bytes());
    v.extend_from_slice(data);
    v
}

pub fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&v.to_le_bytes());
    rec(0x0203, &d)
}

/// LABEL (UTF-16), split across CONTINUE-free records: at most 4000 characters.
pub fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().take(4000).collect();
    let mut d = row.to_le_bytes().to_vec();
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&(units.len() as u16).to_le_bytes());
    d.push(1);
    d.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    rec(0x0204, &d)
}

pub fn dimensions(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
    let mut d = rf.to_le_bytes().to_vec();
    d.extend_from_slice(&rl.to_le_bytes());
    d.extend_from_slice(&cf.to_le_bytes());
    d.extend_from_slice(&cl.to_le_bytes());
    d.extend_from_slice(&[0, 0]);
    rec(0x0200, &d)
}

/// MERGEDCELLS for the given (first row, last row, first col, last col) ranges.
pub fn merged(ranges: &[(u16, u16, u16, u16)]) -> Vec<u8> {
    let mut d = (ranges.len() as u16).to_le_bytes().to_vec();
    for (rf, rl, cf, cl) in ranges {
        for v in [rf, rl, cf, cl] {
            d.extend_from_slice(&v.to_le_bytes());
        }
    }
    rec(0x00E5, &d)
}

pub const FILEPASS: (u16, &[u8]) = (0x002F, &[1, 0, 1, 0, 1, 0]);

/// A BIFF8 Workbook stream: globals (with `extra_globals` records after BOF), then each sheet.
pub fn biff_book(extra_globals: &[Vec<u8>], sheets: &[(String, Vec<Vec<u8>>)]) -> Vec<u8> {
    let bof = |dt: u16| {
        let mut d = vec![0u8; 16];
        d[..2].copy_from_slice(&0x0600u16.to_le_bytes());
        d[2..4].copy_from_slice(&dt.to_le_bytes());
        rec(0x0809, &d)
    };
    let boundsheet = |pos: u32, name: &str| {
        let units: Vec<u16> = name.encode_utf16().collect();
        let mut d = pos.to_le_bytes().to_vec();
        d.extend_from_slice(&[0, 0, units.len() as u8, 1]);
        d.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        rec(0x0085, &d)
    };
    let eof = rec(0x000A, &[]);
    let globals_len = bof(5).len()
        + extra_globals.iter().map(Vec::len).sum::<usize>()
        + sheets
            .iter()
            .map(|(n, _)| boundsheet(0, n).len())
            .sum::<usize>()
        + eof.len();
    let mut s = bof(5);
    for r in extra_globals {
        s.extend_from_slice(r);
    }
    let mut bodies = Vec::new();
    let mut at = globals_len;
    for (name, recs) in sheets {
        let mut body = bof(0x10);
        for r in recs {
            body.extend_from_slice(r);
        }
        body.extend_from_slice(&eof);
        s.extend(boundsheet(at as u32, name));
        at += body.len();
        bodies.push(body);
    }
    s.extend_from_slice(&eof);
    assert_eq!(s.len(), globals_len);
    for b in bodies {
        s.extend(b);
    }
    s
}

/// A version-3 compound file holding `streams` in its root storage. Every stream is padded to
/// 4096 bytes at least (so no mini stream is needed); BIFF readers skip the zero padding.
pub fn cfb(streams: &[(&str, &[u8])]) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let padded: Vec<Vec<u8>> = streams
        .iter()
        .map(|(_, d)| {
            let mut d = d.to_vec();
            if d.len() < 4096 {
                d.resize(4096, 0);
            }
            d
        })
        .collect();
    let dir_sectors = (streams.len() + 1).div_ceil(4);
    let data_sectors: usize = padded.iter().map(|d| d.len().div_ceil(512)).sum();
    let mut fat_sectors = 1;
    while fat_sectors * 128 < fat_sectors + dir_sectors + data_sectors {
        fat_sectors += 1;
    }
    assert!(fat_sectors <= 109, "test CFB too big");
    let mut fat = vec![0xFFFF_FFFDu32; fat_sectors];
    let chain = |fat: &mut Vec<u32>, n: usize| -> u32 {
        let start = fat.len() as u32;
        for k in 0..n {
            fat.push(if k + 1 == n {
                END
            } else {
                start + k as u32 + 1
            });
        }
        start
    };
    let dir_start = chain(&mut fat, dir_sectors);
    let starts: Vec<u32> = padded
        .iter()
        .map(|d| chain(&mut fat, d.len().div_ceil(512)))
        .collect();
    fat.resize(fat_sectors * 128, FREE);

    let entry = |name: &str, typ: u8, child: u32, right: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (k, u) in units.iter().enumerate() {
            e[2 * k..2 * k + 2].copy_from_slice(&u.to_le_bytes());
        }
        e[64..66].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
        e[66] = typ;
        e[67] = 1;
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&right.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    let mut dir = entry("Root Entry", 5, 1, FREE, END, 0);
    for (i, ((name, _), d)) in streams.iter().zip(&padded).enumerate() {
        let right = if i + 1 < streams.len() {
            i as u32 + 2
        } else {
            FREE
        };
        dir.extend(entry(name, 2, FREE, right, starts[i], d.len() as u32));
    }
    dir.resize(dir_sectors * 512, 0);

    let mut h = vec![0u8; 512];
    h[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    h[0x18..0x1A].copy_from_slice(&0x3Eu16.to_le_bytes());
    h[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
    h[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
    h[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
    h[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
    h[0x2C..0x30].copy_from_slice(&(fat_sectors as u32).to_le_bytes());
    h[0x30..0x34].copy_from_slice(&dir_start.to_le_bytes());
    h[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
    h[0x3C..0x40].copy_from_slice(&END.to_le_bytes());
    h[0x44..0x48].copy_from_slice(&END.to_le_bytes());
    for k in 0..109 {
        let v = if k < fat_sectors { k as u32 } else { FREE };
        h[0x4C + 4 * k..0x50 + 4 * k].copy_from_slice(&v.to_le_bytes());
    }
    h.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    h.extend(dir);
    for d in padded {
        let n = d.len().div_ceil(512) * 512;
        h.extend(&d);
        h.resize(h.len() + n - d.len(), 0);
    }
    h
}
