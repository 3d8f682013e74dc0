//! Zip entries the copy takes as they come (comments and extra fields up to the format's
//! limits) and entries it does not carry over (names reaching outside the folder, DOCTYPEs).

use std::ffi::OsStr;
use std::fs;
use std::io::{Cursor, Read};
use std::path::Path;

use super::{common::fixture, run_within};

/// One entry of a hand-made zip: name, data (stored), comment and extra field bytes.
struct Entry {
    name: String,
    data: Vec<u8>,
    comment: Vec<u8>,
    extra: Vec<u8>,
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip written by hand, every entry stored, so that headers the zip crate would not write
/// (a 65,535-byte comment) can be made.
fn stored_zip(entries: &[Entry]) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    let le16 = |v: &mut Vec<u8>, n: usize| v.extend_from_slice(&(n as u16).to_le_bytes());
    let le32 = |v: &mut Vec<u8>, n: u32| v.extend_from_slice(&n.to_le_bytes());
    for e in entries {
        let offset = out.len() as u32;
        let (crc, size) = (crc32(&e.data), e.data.len() as u32);
        out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x08\x00\x00\x00\x00\x21\x00");
        le32(&mut out, crc);
        le32(&mut out, size);
        le32(&mut out, size);
        le16(&mut out, e.name.len());
        le16(&mut out, e.extra.len());
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&e.extra);
        out.extend_from_slice(&e.data);
        central.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x08\x00\x00\x00\x00\x21\x00");
        le32(&mut central, crc);
        le32(&mut central, size);
        le32(&mut central, size);
        le16(&mut central, e.name.len());
        le16(&mut central, e.extra.len());
        le16(&mut central, e.comment.len());
        central.extend_from_slice(&[0; 8]);
        le32(&mut central, offset);
        central.extend_from_slice(e.name.as_bytes());
        central.extend_from_slice(&e.extra);
        central.extend_from_slice(&e.comment);
    }
    let (start, len) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
    le16(&mut out, entries.len());
    le16(&mut out, entries.len());
    le32(&mut out, len);
    le32(&mut out, start);
    le16(&mut out, 0);
    out
}

/// The fixture's parts as [`Entry`]s, each passed through `edit`.
fn seed_entries(edit: impl Fn(&mut Entry)) -> Vec<Entry> {
    let bytes = fs::read(fixture("seed-leiyang-2024.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            let mut e = Entry {
                name: f.name().unwrap().to_string(),
                data,
                comment: Vec::new(),
                extra: Vec::new(),
            };
            edit(&mut e);
            e
        })
        .collect()
}

fn entries_of(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

/// `jixiao check <file>` in its own folder: the run and the annotated copy's entries.
fn check(tmp: &Path, bytes: &[u8]) -> (super::Run, Vec<(String, Vec<u8>)>) {
    let input = tmp.join("表.xlsx");
    fs::write(&input, bytes).unwrap();
    let r = run_within(
        60,
        &[OsStr::new("check"), input.as_os_str()],
        &tmp.join("logs"),
    );
    let copy = tmp.join("表.checked.xlsx");
    assert!(
        copy.is_file(),
        "no copy; stdout: {}\nstderr: {}",
        r.stdout,
        r.stderr
    );
    (r, entries_of(&copy))
}

#[test]
fn entries_with_the_longest_comments_and_extra_fields_are_read_and_copied() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = stored_zip(&seed_entries(|e| {
        // As long as the header lets them be: a 65,535-byte comment on the longest-named
        // entry the header has room for, and a custom extra field of 4,000 bytes elsewhere.
        if e.name == "docProps/app.xml" {
            e.comment = vec![b'c'; 65_535 - 46 - e.name.len()];
        }
        if e.name == "xl/theme/theme1.xml" {
            e.comment = vec![b'k'; 65_535];
        }
        if e.name.starts_with("xl/styles") {
            e.extra = [
                &0xCAFEu16.to_le_bytes()[..],
                &3996u16.to_le_bytes(),
                &[7; 3996],
            ]
            .concat();
        }
    }));
    let (r, copied) = check(tmp.path(), &zip);
    assert_eq!(
        r.code,
        Some(1),
        "stdout: {}\nstderr: {}",
        r.stdout,
        r.stderr
    );
    assert!(!r.stdout.contains("已按单元格重建"), "{}", r.stdout);
    assert!(r.stderr.is_empty(), "stderr: {}", r.stderr);
    let theme = fixture_part("xl/theme/theme1.xml");
    assert!(copied
        .iter()
        .any(|(n, d)| n == "xl/theme/theme1.xml" && *d == theme));
}

fn fixture_part(name: &str) -> Vec<u8> {
    let bytes = fs::read(fixture("seed-leiyang-2024.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut data = Vec::new();
    zip.by_name(name).unwrap().read_to_end(&mut data).unwrap();
    data
}

#[test]
fn entries_named_outside_the_folder_and_doctypes_are_not_carried_over() {
    let tmp = tempfile::tempdir().unwrap();
    let mut entries = seed_entries(|e| {
        if e.name == "xl/styles.xml" {
            let xml = String::from_utf8(e.data.clone()).unwrap();
            let at = xml.find("<styleSheet").unwrap();
            let doctype = "<!DOCTYPE styleSheet [<!ENTITY boom \"BOOM\">]>";
            e.data = format!("{}{doctype}{}", &xml[..at], &xml[at..]).into_bytes();
        }
    });
    for name in ["../../逃出.txt", "/tmp/逃出.txt"] {
        entries.push(Entry {
            name: name.to_string(),
            data: b"out".to_vec(),
            comment: Vec::new(),
            extra: Vec::new(),
        });
    }
    let (r, copied) = check(tmp.path(), &stored_zip(&entries));
    assert_eq!(
        r.code,
        Some(1),
        "stdout: {}\nstderr: {}",
        r.stdout,
        r.stderr
    );
    let names: Vec<&str> = copied.iter().map(|(n, _)| n.as_str()).collect();
    assert!(!names.iter().any(|n| n.contains("逃出")), "{names:?}");
    assert!(r.stdout.contains("路径不安全"), "{}", r.stdout);
    let styles = copied.iter().find(|(n, _)| n == "xl/styles.xml").unwrap();
    assert!(!String::from_utf8_lossy(&styles.1).contains("DOCTYPE"));
    assert!(!r.stdout.contains("已按单元格重建"), "{}", r.stdout);
}
