//! The digest that tells a file jixiao wrote from one edited since: a hash over every entry but
//! `docProps/custom.xml` (names, CRC-32s and sizes from the central directory), kept in a
//! custom property of that same part, which is why the part is left out of it. Any program that
//! saves the workbook again (Excel, WPS, LibreOffice) rewrites its parts and so changes it.
//!
//! The hash detects change, not forgery: anyone who can write the file can replace it anyway.

use std::io::{self, Cursor, Read, Seek, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::entries::copy_entry;
use crate::model::files;

/// The custom property holding the digest.
pub const DIGEST_PROPERTY: &str = "jixiao-digest";
/// The part the digest is kept in, and which it leaves out.
const CUSTOM_PART: &str = "docProps/custom.xml";
/// Largest custom-properties part read.
const MAX_CUSTOM: u64 = 1 << 20;

/// The digest of the package `zip`: FNV-1a (64 bits) over each entry's name, CRC-32 and size,
/// in the central directory's order, `docProps/custom.xml` left out.
fn digest<R: Read + Seek>(zip: &mut ZipArchive<R>) -> io::Result<String> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(io::Error::other)?;
        if f.name_raw().eq_ignore_ascii_case(CUSTOM_PART.as_bytes()) {
            continue;
        }
        eat(&(f.name_raw().len() as u64).to_le_bytes());
        eat(f.name_raw());
        eat(&f.crc32().to_le_bytes());
        eat(&f.size().to_le_bytes());
    }
    Ok(format!("{hash:016x}"))
}

/// The package `bytes` (one jixiao wrote, its mark in `docProps/custom.xml`) with the digest
/// added to that part; every other entry is copied as it is.
pub fn seal(bytes: Vec<u8>) -> io::Result<Vec<u8>> {
    let mut zip = ZipArchive::new(Cursor::new(bytes.as_slice())).map_err(io::Error::other)?;
    let digest = digest(&mut zip)?;
    let custom_index = zip
        .index_for_name(CUSTOM_PART)
        .ok_or_else(|| io::Error::other("no custom properties"))?;
    let xml = read_part(&mut zip, custom_index)?;
    let sealed_xml = with_digest(&xml, &digest)?;
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len() + 512)));
    let stored = SimpleFileOptions::default()
        .last_modified_time(zip::DateTime::default())
        .compression_method(CompressionMethod::Stored);
    for i in 0..zip.len() {
        if i == custom_index {
            out.start_file(CUSTOM_PART, stored)
                .map_err(io::Error::other)?;
            out.write_all(&sealed_xml)?;
        } else {
            copy_entry(&mut zip, i, &mut out).map_err(io::Error::other)?;
        }
    }
    Ok(out.finish().map_err(io::Error::other)?.into_inner())
}

/// Whether the workbook at `path` carries a digest that matches what it holds: jixiao wrote it
/// and nobody changed it since.
pub fn is_sealed_intact(path: &Path) -> bool {
    let Ok(file) = files::open_regular(path) else {
        return false;
    };
    let Ok(mut zip) = ZipArchive::new(io::BufReader::new(file)) else {
        return false;
    };
    let Some(index) = zip.index_for_name(CUSTOM_PART) else {
        return false;
    };
    let (Ok(xml), Ok(actual)) = (read_part(&mut zip, index), digest(&mut zip)) else {
        return false;
    };
    recorded_digest(&xml).is_some_and(|d| d == actual)
}

fn read_part<R: Read + Seek>(zip: &mut ZipArchive<R>, index: usize) -> io::Result<Vec<u8>> {
    let part = zip.by_index(index).map_err(io::Error::other)?;
    let mut xml = Vec::new();
    part.take(MAX_CUSTOM).read_to_end(&mut xml)?;
    Ok(xml)
}

/// The custom properties with the digest property added before `</Properties>`, its `pid`
/// one above the highest there.
fn with_digest(xml: &[u8], digest: &str) -> io::Result<Vec<u8>> {
    let text = std::str::from_utf8(xml).map_err(io::Error::other)?;
    let close = text
        .rfind("</Properties>")
        .ok_or_else(|| io::Error::other("custom properties without </Properties>"))?;
    let max_pid = text
        .match_indices("pid=\"")
        .filter_map(|(at, m)| {
            let rest = &text[at + m.len()..];
            rest[..rest.find('"')?].parse::<u32>().ok()
        })
        .max()
        .unwrap_or(1);
    let pid = max_pid
        .checked_add(1)
        .filter(|&p| p <= i32::MAX as u32)
        .ok_or_else(|| io::Error::other("property id out of range"))?;
    let property = format!(
        "<property fmtid=\"{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}\" pid=\"{pid}\" \
         name=\"{DIGEST_PROPERTY}\"><jxvt:lpwstr xmlns:jxvt=\"http://schemas.openxmlformats.org/\
         officeDocument/2006/docPropsVTypes\">{digest}</jxvt:lpwstr></property>"
    );
    Ok([&xml[..close], property.as_bytes(), &xml[close..]].concat())
}

/// The digest recorded in the custom properties, if any.
fn recorded_digest(xml: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(xml).ok()?;
    let at = text.find(&format!("name=\"{DIGEST_PROPERTY}\""))?;
    let rest = &text[at..];
    let value = &rest[rest.find("lpwstr")?..];
    let start = value.find('>')? + 1;
    let end = value[start..].find('<')? + start;
    Some(value[start..end].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_added_after_the_highest_property_id() {
        let xml = b"<Properties><property pid=\"2\" name=\"jixiao\"/><property pid=\"5\" name=\"x\"/></Properties>";
        let out = with_digest(xml, "00ff").unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains("pid=\"6\" name=\"jixiao-digest\""), "{text}");
        assert_eq!(recorded_digest(&out).as_deref(), Some("00ff"));
    }
}
