//! What the sniff tests build their inputs with.

use std::io::{Cursor, Read, Write};
use std::path::PathBuf;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::cfb::{dir_entry, v3_header, Header, ENDOFCHAIN, FATSECT, FREESECT, MINI_CUTOFF};
use super::{sniff_with, Container, Limits, SniffError, MIB};

pub(super) fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub(super) fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

pub(super) fn small_limits() -> Limits {
    Limits {
        file: MIB,
        entry: 64 * 1024,
        total: 256 * 1024,
        ratio: 100,
        ratio_floor: 16 * 1024,
        entries: 100,
    }
}

/// The error for `bytes`, checked to be one non-empty line.
pub(super) fn err_with(bytes: Vec<u8>, lim: &Limits) -> SniffError {
    let e = sniff_with(bytes, lim).expect_err("should be refused");
    let msg = e.to_string();
    assert!(
        !msg.is_empty() && !msg.contains('\n') && !msg.contains('\r'),
        "not one line: {msg:?}"
    );
    e
}

pub(super) fn err(bytes: impl Into<Vec<u8>>) -> SniffError {
    err_with(bytes.into(), &Limits::default())
}

pub(super) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub(super) fn part(zip_bytes: &[u8], name: &str) -> String {
    let mut z = ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

pub(super) fn xlsx_bytes(c: Container) -> Vec<u8> {
    match c {
        Container::Xlsx(b, ..) => b,
        other => panic!("expected xlsx, got {other:?}"),
    }
}

pub(super) const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
pub(super) const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub(super) const PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// A minimal XLSX with one sheet "绩效自评表" and the given sheet and shared-strings XML.
pub(super) fn mini_xlsx(sheet: &str, sst: &str) -> Vec<u8> {
    let ct = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
    let rels = format!(
        r#"<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let wb = format!(
        r#"<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets><sheet name="绩效自评表" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let wb_rels = format!(
        r#"<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
    );
    zip_of(&[
        ("[Content_Types].xml", ct.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", wb.as_bytes()),
        ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ("xl/sharedStrings.xml", sst.as_bytes()),
    ])
}

/// A version-3 compound file (512-byte sectors, one FAT sector) holding `streams`
/// in the root storage; streams under 4096 bytes go to the mini stream.
pub(super) fn cfb_of(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let pad = |v: &mut Vec<u8>, n: usize| v.resize(v.len().div_ceil(n) * n, 0);
    let mut ministream = Vec::new();
    let mut minifat: Vec<u32> = Vec::new();
    let mut placed = Vec::new(); // (start, size, in_mini)
    for (_, data) in streams {
        if (data.len() as u64) < MINI_CUTOFF {
            let start = (ministream.len() / 64) as u32;
            ministream.extend_from_slice(data);
            pad(&mut ministream, 64);
            let n = data.len().div_ceil(64).max(1);
            if data.is_empty() {
                ministream.resize(ministream.len() + 64, 0);
            }
            for k in 0..n {
                minifat.push(if k + 1 == n {
                    ENDOFCHAIN
                } else {
                    start + k as u32 + 1
                });
            }
            placed.push((start, data.len(), true));
        } else {
            placed.push((0, data.len(), false));
        }
    }
    let mut fat = vec![FATSECT];
    let mut body: Vec<u8> = Vec::new(); // sectors 1.. after the FAT sector
    let alloc = |fat: &mut Vec<u32>, body: &mut Vec<u8>, data: &[u8]| -> u32 {
        let n = data.len().div_ceil(512).max(1);
        let start = fat.len() as u32;
        for k in 0..n {
            fat.push(if k + 1 == n {
                ENDOFCHAIN
            } else {
                start + k as u32 + 1
            });
        }
        body.extend_from_slice(data);
        body.resize((fat.len() - 1) * 512, 0);
        start
    };
    let mut dir = vec![0u8; 128 * (streams.len() + 1)];
    pad(&mut dir, 512);
    let dir_start = alloc(&mut fat, &mut body, &dir);
    let minifat_bytes: Vec<u8> = minifat.iter().flat_map(|v| v.to_le_bytes()).collect();
    let minifat_start = if minifat.is_empty() {
        ENDOFCHAIN
    } else {
        alloc(&mut fat, &mut body, &minifat_bytes)
    };
    let mini_start = if ministream.is_empty() {
        ENDOFCHAIN
    } else {
        alloc(&mut fat, &mut body, &ministream)
    };
    for (i, (_, data)) in streams.iter().enumerate() {
        if !placed[i].2 {
            placed[i].0 = alloc(&mut fat, &mut body, data);
        }
    }
    assert!(fat.len() <= 128, "test CFB too big for one FAT sector");
    fat.resize(128, FREESECT);

    let child = if streams.is_empty() { FREESECT } else { 1 };
    dir[..128].copy_from_slice(&dir_entry(
        "Root Entry",
        5,
        child,
        FREESECT,
        mini_start,
        ministream.len() as u64,
    ));
    for (i, (name, _)) in streams.iter().enumerate() {
        let right = if i + 1 < streams.len() {
            i as u32 + 2
        } else {
            FREESECT
        };
        let (start, size, _) = placed[i];
        dir[128 * (i + 1)..128 * (i + 2)].copy_from_slice(&dir_entry(
            name,
            2,
            FREESECT,
            right,
            start,
            size as u64,
        ));
    }
    let d = dir_start as usize - 1;
    body[d * 512..d * 512 + dir.len()].copy_from_slice(&dir);

    let mut h = v3_header(&Header {
        fat: 1,
        dir: dir_start,
        minifat: (minifat_start, minifat_bytes.len().div_ceil(512) as u32),
        difat: (ENDOFCHAIN, 0),
    })
    .to_vec();
    h.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    h.extend_from_slice(&body);
    h
}

pub(super) fn biff(records: &[(u16, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (typ, data) in records {
        out.extend_from_slice(&typ.to_le_bytes());
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
    }
    out
}

pub(super) const BOF: (u16, &[u8]) = (0x0809, &[0, 6, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
pub(super) const EOF: (u16, &[u8]) = (0x000A, &[]);
pub(super) const FILEPASS: (u16, &[u8]) = (0x002F, &[1, 0, 1, 0, 1, 0]);

pub(super) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

pub(super) fn mutate(input: &[u8], rnd: &mut impl FnMut() -> u64) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..1 + rnd() % 8 {
        let i = (rnd() as usize) % b.len();
        b[i] = match rnd() % 3 {
            0 => b"<>/=\"' x"[(rnd() % 8) as usize],
            _ => rnd() as u8,
        };
    }
    if rnd().is_multiple_of(4) {
        b.truncate((rnd() as usize) % b.len());
    }
    b
}

/// Rounds per input; `JIXIAO_SNIFF_FUZZ=20000` for a longer local run.
pub(super) fn fuzz_rounds() -> usize {
    std::env::var("JIXIAO_SNIFF_FUZZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150)
}
