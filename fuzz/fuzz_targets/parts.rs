//! Structure-aware companion of `read_and_check`: mutated bytes rarely survive a ZIP's
//! CRC or a compound file's sector chains, so this target puts them *inside* a valid
//! container and runs the same path (sniff, read, check), then renders both copies.
//!
//! The first byte picks the slot: 0 the seed's first sheet, 1 its second sheet, 2 a
//! shared-strings part, 3 its styles, 4 its workbook part, 5 an ods `content.xml`,
//! 6 the workbook's relationships, 7 the content types, 8 custom properties, 9 an xls
//! Workbook stream. Everything else of the container is the seed's.
#![no_main]

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::sync::OnceLock;

use jixiao::template::Template;
use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const SEED_XLSX: &[u8] = include_bytes!("../../tests/fixtures/seed-leiyang-2024.xlsx");
const SEED_ODS: &[u8] = include_bytes!("../../tests/fixtures/seed-leiyang-2024.ods");

fn templates() -> &'static [Template] {
    static T: OnceLock<Vec<Template>> = OnceLock::new();
    T.get_or_init(Template::built_in)
}

fn parts(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut d = Vec::new();
            f.read_to_end(&mut d).unwrap();
            (f.name().unwrap().to_string(), d)
        })
        .collect()
}

/// The seed package with part `name` replaced (or added) by `data`.
fn with_part(seed: &[u8], name: &str, data: &[u8]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut placed = false;
    for (n, d) in parts(seed) {
        if n.ends_with('/') {
            continue;
        }
        w.start_file(n.as_str(), stored).unwrap();
        if n == name {
            w.write_all(data).unwrap();
            placed = true;
        } else {
            w.write_all(&d).unwrap();
        }
    }
    if !placed {
        w.start_file(name, stored).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A version-3 compound file with one stream "Workbook" (padded to 4096 bytes).
fn cfb(stream: &[u8]) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let mut data = stream.to_vec();
    data.resize(data.len().max(4096).div_ceil(512) * 512, 0);
    let n = data.len() / 512;
    let fat_sectors = (n + 2).div_ceil(127).max(1);
    if fat_sectors > 109 {
        return Vec::new();
    }
    let mut fat = vec![0xFFFF_FFFDu32; fat_sectors];
    let dir = fat.len() as u32;
    fat.push(END);
    let first = fat.len() as u32;
    for k in 0..n {
        fat.push(if k + 1 == n {
            END
        } else {
            first + k as u32 + 1
        });
    }
    fat.resize(fat_sectors * 128, FREE);
    let entry = |name: &str, typ: u8, child: u32, start: u32, size: u32| {
        let mut e = [0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (k, u) in units.iter().enumerate() {
            e[2 * k..2 * k + 2].copy_from_slice(&u.to_le_bytes());
        }
        e[64..66].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
        e[66] = typ;
        e[67] = 1;
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&FREE.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    let mut h = vec![0u8; 512];
    h[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    h[0x18..0x1A].copy_from_slice(&0x3Eu16.to_le_bytes());
    h[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
    h[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
    h[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
    h[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
    h[0x2C..0x30].copy_from_slice(&(fat_sectors as u32).to_le_bytes());
    h[0x30..0x34].copy_from_slice(&dir.to_le_bytes());
    h[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
    h[0x3C..0x40].copy_from_slice(&END.to_le_bytes());
    h[0x44..0x48].copy_from_slice(&END.to_le_bytes());
    for k in 0..109 {
        let v = if k < fat_sectors { k as u32 } else { FREE };
        h[0x4C + 4 * k..0x50 + 4 * k].copy_from_slice(&v.to_le_bytes());
    }
    h.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    h.extend_from_slice(&entry("Root Entry", 5, 1, END, 0));
    h.extend_from_slice(&entry(
        "Workbook",
        2,
        FREE,
        first,
        stream.len().max(4096) as u32,
    ));
    h.extend_from_slice(&[0u8; 256]);
    h.extend_from_slice(&data);
    h
}

fuzz_target!(|data: &[u8]| {
    let Some((&slot, body)) = data.split_first() else {
        return;
    };
    let file = match slot % 10 {
        0 => with_part(SEED_XLSX, "xl/worksheets/sheet1.xml", body),
        1 => with_part(SEED_XLSX, "xl/worksheets/sheet2.xml", body),
        2 => with_part(SEED_XLSX, "xl/sharedStrings.xml", body),
        3 => with_part(SEED_XLSX, "xl/styles.xml", body),
        4 => with_part(SEED_XLSX, "xl/workbook.xml", body),
        5 => with_part(SEED_ODS, "content.xml", body),
        // Parts only the annotated copy's patch reads.
        6 => with_part(SEED_XLSX, "xl/_rels/workbook.xml.rels", body),
        7 => with_part(SEED_XLSX, "[Content_Types].xml", body),
        8 => with_part(SEED_XLSX, "docProps/custom.xml", body),
        _ => cfb(body),
    };
    let Ok(container) = jixiao::read::sniff::sniff_bytes(file) else {
        return;
    };
    let Ok(wb) = jixiao::read::read_container(Path::new("fuzz"), container) else {
        return;
    };
    let Ok(report) = jixiao::check_workbook(&wb, templates()) else {
        return;
    };
    for corrected in [false, true] {
        let _ = jixiao::annotate::render(&wb, &report, jixiao::annotate::Lang::Zh, corrected);
    }
});
