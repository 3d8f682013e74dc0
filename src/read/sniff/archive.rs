//! ZIP: classify, then check sizes while inflating and sanitise XLSX parts.

use std::borrow::Cow;
use std::io::{self, Cursor, Read, Write};

use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::bytes::find;
use super::xlsx::{sanitize_sheet, sanitize_sst};
use super::{mib, one_line, Container, Limits, Package, SniffError, MIB};
use crate::i18n::errors::ErrMsg;
use crate::i18n::{msg, Message};
use crate::read::geometry::{sheet_geometry, ByPart};

/// The ZIP structure could not be read.
fn bad_zip(e: ZipError) -> SniffError {
    SniffError::Corrupt {
        detail: ErrMsg::ZipUnreadable,
        source: Some(e),
    }
}

fn zip_err(e: ZipError) -> SniffError {
    match e {
        ZipError::UnsupportedArchive(m) if m.to_ascii_lowercase().contains("password") => {
            SniffError::Encrypted { xls: false }
        }
        ZipError::InvalidPassword => SniffError::Encrypted { xls: false },
        ZipError::UnsupportedArchive(_) | ZipError::CompressionMethodNotSupported(_) => {
            SniffError::Corrupt {
                detail: ErrMsg::ZipMethod,
                source: Some(e),
            }
        }
        e => bad_zip(e),
    }
}

/// Lower-cased, forward slashes, no leading slash: how calamine matches part names.
fn norm_name(name: &str) -> String {
    name.replace('\\', "/")
        .trim_start_matches('/')
        .to_ascii_lowercase()
}

enum ZipKind {
    Xlsx,
    Ods,
}

pub(super) fn sniff_zip(bytes: Vec<u8>, lim: &Limits) -> Result<Container, SniffError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes.as_slice())).map_err(bad_zip)?;
    if zip.len() > lim.entries {
        return Err(SniffError::ZipBomb {
            detail: msg!(ErrMsg::ZipParts, zip.len()),
        });
    }
    match classify_zip(&mut zip)? {
        ZipKind::Ods => {
            // An encrypted package says so in its manifest (content.xml is then ciphertext).
            let names: Vec<String> = zip
                .file_names()
                .map(|n| n.map(|n| norm_name(&n)).unwrap_or_default())
                .collect();
            if let Some(i) = names.iter().position(|n| n == "meta-inf/manifest.xml") {
                if find(&read_small(&mut zip, i, MIB), b"encryption-data").is_some() {
                    return Err(SniffError::Encrypted { xls: false });
                }
            }
            walk_zip(zip, lim, None)?;
            Ok(Container::Ods(bytes))
        }
        ZipKind::Xlsx => {
            let cap = bytes.len().saturating_mul(4).min(64 * MIB as usize);
            let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(cap)));
            let (altered, geometry) = walk_zip(zip, lim, Some(&mut out))?;
            let out = out.finish().map_err(bad_zip)?;
            Ok(Container::Xlsx(
                out.into_inner(),
                Package::new(bytes).with_altered(altered),
                geometry,
            ))
        }
    }
}

fn classify_zip(zip: &mut ZipArchive<Cursor<&[u8]>>) -> Result<ZipKind, SniffError> {
    use SniffError::{ConvertFirst, NotWorkbook};
    // In index order; a name that cannot be decoded becomes "".
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| norm_name(&n)).unwrap_or_default())
        .collect();
    if names.is_empty() {
        return Err(NotWorkbook {
            what: ErrMsg::KindEmptyZip,
        });
    }
    let index = |p: &str| names.iter().position(|n| n == p);
    let has = |p: &str| index(p).is_some();

    if let Some(i) = index("mimetype") {
        if let Some(kind) = classify_mimetype(&read_small(zip, i, 256))? {
            return Ok(kind);
        }
    }
    if has("xl/workbook.xml") {
        return Ok(ZipKind::Xlsx);
    }
    if has("xl/workbook.bin") {
        return Err(ConvertFirst {
            what: ErrMsg::KindXlsb,
        });
    }
    if has("word/document.xml") {
        return Err(NotWorkbook {
            what: ErrMsg::KindWord,
        });
    }
    if has("ppt/presentation.xml") {
        return Err(NotWorkbook {
            what: ErrMsg::KindPowerPoint,
        });
    }
    if let Some(i) = index("[content_types].xml") {
        let ct = read_small(zip, i, MIB);
        let ct = String::from_utf8_lossy(&ct).to_ascii_lowercase();
        if ct.contains("sheet.binary") {
            return Err(ConvertFirst {
                what: ErrMsg::KindXlsb,
            });
        }
        if ct.contains("spreadsheetml")
            || ct.contains("ms-excel.sheet")
            || ct.contains("ms-excel.template")
        {
            return Ok(ZipKind::Xlsx);
        }
        if ct.contains("wordprocessingml") || ct.contains("ms-word") {
            return Err(NotWorkbook {
                what: ErrMsg::KindWord,
            });
        }
        if ct.contains("presentationml") || ct.contains("ms-powerpoint") {
            return Err(NotWorkbook {
                what: ErrMsg::KindPowerPoint,
            });
        }
    }
    Err(NotWorkbook {
        what: ErrMsg::KindZip,
    })
}

/// An OpenDocument package by its `mimetype`: ods, another document, or `None` when the
/// type names neither.
fn classify_mimetype(mime: &[u8]) -> Result<Option<ZipKind>, SniffError> {
    use SniffError::NotWorkbook;
    let mime = String::from_utf8_lossy(mime);
    let mime = mime.trim();
    if mime.starts_with("application/vnd.oasis.opendocument.spreadsheet") {
        return Ok(Some(ZipKind::Ods));
    }
    if mime.starts_with("application/vnd.oasis.opendocument.text") {
        return Err(NotWorkbook {
            what: ErrMsg::KindOdt,
        });
    }
    if mime.starts_with("application/vnd.oasis.opendocument.presentation") {
        return Err(NotWorkbook {
            what: ErrMsg::KindOdp,
        });
    }
    if mime.starts_with("application/vnd.oasis.opendocument") {
        return Err(NotWorkbook {
            what: ErrMsg::KindOpenDocument,
        });
    }
    Ok(None)
}

/// The first `cap` inflated bytes of entry `i`; what was read before any error.
fn read_small(zip: &mut ZipArchive<Cursor<&[u8]>>, i: usize, cap: u64) -> Vec<u8> {
    let mut out = Vec::new();
    if let Ok(f) = zip.by_index(i) {
        let _ = f.take(cap).read_to_end(&mut out);
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    SharedStrings,
    Sheet,
    /// Read whole when the package is opened, by calamine into structures that cost
    /// more than their XML (a `<xf/>` becomes a full `Style`) or by the annotated
    /// copy's patch: relationships, the workbook, styles, themes and content types.
    Meta,
    Other,
}

/// Largest inflated [`Part::Meta`] part, and most tags in one.
const META_BYTES: u64 = 16 * MIB;
const META_TAGS: u64 = 256 * 1024;
/// Most `<si>` entries in the shared strings (calamine keeps a `String` for each).
const MAX_SHARED_STRINGS: u64 = 2_000_000;

fn part_of(norm: &str) -> Part {
    let file = norm.rsplit('/').next().unwrap_or(norm);
    if file == "sharedstrings.xml" {
        Part::SharedStrings
    } else if file.ends_with(".rels")
        || norm == "[content_types].xml"
        || file == "workbook.xml"
        || file == "styles.xml"
        || (file.starts_with("theme") && file.ends_with(".xml"))
    {
        Part::Meta
    } else if file.ends_with(".xml")
        && (norm.contains("worksheets/")
            || norm.contains("macrosheets/")
            || norm.contains("dialogsheets/"))
    {
        Part::Sheet
    } else {
        Part::Other
    }
}

/// Inflates every entry through hard caps. With `out`, also writes an XLSX copy: shared
/// strings and sheets sanitised, relationships, workbook, styles and themes as they are, all
/// stored when small; the rest copied raw. Returns the parts whose sanitised text differs from
/// the file's (their names as [`norm_name`] gives them), and the geometry of the sanitised
/// worksheet parts by entry name.
fn walk_zip(
    mut zip: ZipArchive<Cursor<&[u8]>>,
    lim: &Limits,
    mut out: Option<&mut ZipWriter<Cursor<Vec<u8>>>>,
) -> Result<(Vec<String>, ByPart), SniffError> {
    let mut altered = Vec::new();
    let mut geometry = ByPart::new();
    let mut total: u64 = 0;
    let mut declared_total: u64 = 0;
    for i in 0..zip.len() {
        let header = Header::of(&mut zip, i)?;
        if header.is_dir {
            if let Some(w) = out.as_deref_mut() {
                copy_raw(&mut zip, i, w)?;
            }
            continue;
        }
        // Declared sizes first: cheap, and enough for honest bombs.
        declared_total = declared_total.saturating_add(header.size);
        check_sizes(&header.name, header.size, header.csize, declared_total, lim)?;
        let part = if out.is_some() {
            part_of(&norm_name(&header.name))
        } else {
            Part::Other
        };
        let f = zip.by_index(i).map_err(zip_err)?;
        let data = inflate(f, &header, part, &mut total, lim)?;
        let Some(w) = out.as_deref_mut() else {
            continue;
        };
        match data {
            None => copy_raw(&mut zip, i, w)?,
            Some(xml) => {
                let clean = sanitized(part, &xml)?;
                if part == Part::Sheet {
                    geometry.insert(header.name.clone(), sheet_geometry(&clean));
                }
                write_part(w, &header.name, &clean)?;
                if *clean != *xml {
                    altered.push(norm_name(&header.name));
                }
            }
        }
    }
    Ok((altered, geometry))
}

/// What an entry's headers declare.
struct Header {
    name: String,
    size: u64,
    csize: u64,
    is_dir: bool,
}

impl Header {
    /// The headers of entry `i`; an encrypted entry is refused.
    fn of(zip: &mut ZipArchive<Cursor<&[u8]>>, i: usize) -> Result<Header, SniffError> {
        let f = zip.by_index_raw(i).map_err(zip_err)?;
        let name = f.name().map_err(bad_zip)?.into_owned();
        if f.encrypted() {
            return Err(SniffError::Encrypted { xls: false });
        }
        Ok(Header {
            name,
            size: f.size(),
            csize: f.compressed_size(),
            is_dir: f.is_dir(),
        })
    }
}

fn copy_raw(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    i: usize,
    w: &mut ZipWriter<Cursor<Vec<u8>>>,
) -> Result<(), SniffError> {
    crate::ooxml::copy_entry(zip, i, w).map_err(zip_err)
}

/// Inflates one entry through the caps, never trusting its headers: the text of a part the
/// copy rewrites or keeps, `None` for one that is only counted.
fn inflate(
    f: impl Read,
    header: &Header,
    part: Part,
    total: &mut u64,
    lim: &Limits,
) -> Result<Option<Vec<u8>>, SniffError> {
    let name = header.name.as_str();
    let limit = lim.entry.min(lim.total.saturating_sub(*total));
    let (n, data) = match part {
        Part::Meta => {
            let mut buf = Growing(Vec::with_capacity(header.size.min(META_BYTES) as usize));
            let n = read_capped(f, limit.min(META_BYTES), &mut buf).map_err(|e| match e {
                SniffError::ZipBomb { .. } => bloated(name, msg!(ErrMsg::OverMib, mib(META_BYTES))),
                e => e,
            })?;
            (n, Some(buf.0))
        }
        Part::Other => (read_capped(f, limit, io::sink())?, None),
        Part::SharedStrings | Part::Sheet => {
            let cap = header.size.min(limit).min(16 * MIB) as usize;
            let mut buf = Growing(Vec::with_capacity(cap));
            (read_capped(f, limit, &mut buf)?, Some(buf.0))
        }
    };
    *total += n;
    check_sizes(name, n, header.csize, *total, lim)?;
    if part == Part::Meta
        && data
            .as_deref()
            .is_some_and(|xml| count_tags(xml) > META_TAGS)
    {
        return Err(bloated(name, msg!(ErrMsg::OverTags, META_TAGS)));
    }
    Ok(data)
}

/// A part as calamine may read it: shared strings and sheets sanitised, the rest as it is.
fn sanitized(part: Part, xml: &[u8]) -> Result<Cow<'_, [u8]>, SniffError> {
    Ok(match part {
        Part::SharedStrings => {
            if count_elements(xml, b"si") > MAX_SHARED_STRINGS {
                return Err(SniffError::Bloated {
                    detail: msg!(ErrMsg::OverStrings, MAX_SHARED_STRINGS),
                });
            }
            Cow::Owned(sanitize_sst(xml)?)
        }
        Part::Sheet => Cow::Owned(sanitize_sheet(xml)?),
        Part::Meta | Part::Other => Cow::Borrowed(xml),
    })
}

/// Writes one part into the copy. Small parts are stored (compressing them again costs more
/// than it saves); large ones are compressed at the fastest level so the copy stays about as
/// small as the input, and calamine inflates it as it streams.
fn write_part(
    w: &mut ZipWriter<Cursor<Vec<u8>>>,
    name: &str,
    clean: &[u8],
) -> Result<(), SniffError> {
    let opts = if clean.len() as u64 <= MIB {
        SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
    } else {
        SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1))
    };
    w.start_file(name, opts).map_err(zip_err)?;
    w.write_all(clean).map_err(|e| bad_zip(e.into()))
}

fn bloated(name: &str, what: Message) -> SniffError {
    SniffError::Bloated {
        detail: msg!(ErrMsg::PartBloated, one_line(name, 60), what),
    }
}

/// Start and empty tags: a `<` followed by anything but `/`, `?` or `!`.
fn count_tags(xml: &[u8]) -> u64 {
    memchr::memchr_iter(b'<', xml)
        .filter(|&i| matches!(xml.get(i + 1), Some(c) if !matches!(c, b'/' | b'?' | b'!')))
        .count() as u64
}

/// Start and empty tags whose local name is `local` (any prefix), counted from above:
/// text cannot hold a raw `<`, so every match is a tag or sits in a comment or CDATA.
fn count_elements(xml: &[u8], local: &[u8]) -> u64 {
    let mut n = 0;
    let mut i = 0;
    while let Some(p) = xml[i..].iter().position(|&c| c == b'<') {
        let start = i + p + 1;
        let end = xml[start..]
            .iter()
            .position(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
            .map_or(xml.len(), |e| start + e);
        let name = &xml[start..end];
        let local_name = name.rsplit(|&c| c == b':').next().unwrap_or(name);
        if local_name == local {
            n += 1;
        }
        i = start;
    }
    n
}

fn check_sizes(
    name: &str,
    size: u64,
    csize: u64,
    total: u64,
    lim: &Limits,
) -> Result<(), SniffError> {
    let name = one_line(name, 60);
    if size > lim.entry {
        return Err(SniffError::ZipBomb {
            detail: msg!(ErrMsg::PartInflates, name, mib(lim.entry)),
        });
    }
    if total > lim.total {
        return Err(SniffError::ZipBomb {
            detail: msg!(ErrMsg::AllInflate, mib(lim.total)),
        });
    }
    if size > lim.ratio_floor && size / csize.max(1) > lim.ratio {
        return Err(SniffError::ZipBomb {
            detail: msg!(ErrMsg::PartRatio, name, lim.ratio),
        });
    }
    Ok(())
}

/// A buffer that grows by a quarter at a time: reading a part near the size cap
/// must not double its allocation past it.
struct Growing(Vec<u8>);

impl Write for Growing {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let v = &mut self.0;
        if v.capacity() - v.len() < b.len() {
            v.reserve_exact(b.len().max(v.capacity() / 4).max(64 * 1024));
        }
        v.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Copies at most `limit` bytes to `w`; one byte more is a bomb, not a truncation.
fn read_capped<R: Read, W: Write>(r: R, limit: u64, mut w: W) -> Result<u64, SniffError> {
    let n = io::copy(&mut r.take(limit.saturating_add(1)), &mut w).map_err(|e| {
        SniffError::Corrupt {
            detail: ErrMsg::ZipDamaged,
            source: Some(e.into()),
        }
    })?;
    if n > limit {
        return Err(SniffError::ZipBomb {
            detail: msg!(ErrMsg::Inflates, mib(limit)),
        });
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::{sniff_bytes, sniff_with};
    use super::*;
    use calamine::{open_workbook_from_rs, Ods, Reader};

    #[test]
    fn truncated_zip_is_corrupt() {
        let full = read_fixture("seed-leiyang-2024.xlsx");
        for len in [30, full.len() / 2, full.len() - 10] {
            let e = err(full[..len].to_vec());
            assert!(matches!(e, SniffError::Corrupt { .. }), "len {len}: {e:?}");
            assert!(e.to_string().contains("损坏或不完整"));
        }
    }

    #[test]
    fn damaged_deflate_data_is_corrupt() {
        let text = "<worksheet>".repeat(2000);
        let mut z = zip_of(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", text.as_bytes()),
        ]);
        // Flip bytes inside the second entry's compressed data.
        let second = find(&z[4..], b"PK\x03\x04").unwrap() + 4;
        for b in &mut z[second + 60..second + 70] {
            *b ^= 0x5A;
        }
        let e = err(z);
        assert!(matches!(e, SniffError::Corrupt { .. }), "{e:?}");
    }

    #[test]
    fn other_zip_documents_are_named() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (zip_of(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]), "Word 文档"),
            (zip_of(&[("ppt/presentation.xml", b"<p/>")]), "PowerPoint"),
            (zip_of(&[("[Content_Types].xml", br#"<Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#), ("doc/main.xml", b"<x/>")]), "Word 文档"),
            (zip_of(&[("xl/workbook.bin", b"\0\0")]), ".xlsb"),
            (zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")]), ".odt"),
            (zip_of(&[("报表/自评表.xlsx", b"PK")]), "ZIP 压缩包"),
            (zip_of(&[]), "空的 ZIP"),
        ];
        for (bytes, want) in cases {
            let msg = err(bytes).to_string();
            assert!(msg.contains(want), "want {want}: got {msg}");
        }
    }

    #[test]
    fn ods_is_recognised_by_mimetype() {
        let z = zip_of(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", b"<x/>"),
        ]);
        assert!(matches!(sniff_bytes(z), Ok(Container::Ods(_))));

        let real = read_fixture("sniff/seed-leiyang-2024.ods");
        let Ok(Container::Ods(b)) = sniff_bytes(real.clone()) else {
            panic!("real ods not Ods")
        };
        assert_eq!(b, real, "ODS passes through unchanged");
        let wb: Ods<_> = open_workbook_from_rs(Cursor::new(b)).unwrap();
        assert!(
            wb.sheet_names().iter().any(|n| n == "绩效自评表"),
            "{:?}",
            wb.sheet_names()
        );
    }

    #[test]
    fn xlsx_found_through_content_types() {
        let ct = br#"<Types><Override PartName="/book/main.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
        let z = zip_of(&[
            ("[Content_Types].xml", ct),
            ("book/main.xml", b"<workbook/>"),
        ]);
        assert!(matches!(sniff_bytes(z), Ok(Container::Xlsx(..))));
    }

    #[test]
    fn zip_bomb_refused_by_declared_size() {
        let zeros = vec![0u8; 1024 * 1024];
        let z = zip_of(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", &zeros),
        ]);
        let e = err_with(z, &small_limits());
        assert!(matches!(e, SniffError::ZipBomb { .. }), "{e:?}");
        assert!(e.to_string().contains("超过 0.1 MiB，疑似压缩炸弹"), "{e}");
        assert!(e.to_string().contains("sheet1.xml"), "{e}");
    }

    #[test]
    fn zip_bomb_refused_by_total_size() {
        let part = vec![b'x'; 60 * 1024];
        let names: Vec<String> = (0..6).map(|i| format!("xl/media/image{i}.png")).collect();
        let mut entries: Vec<(&str, &[u8])> = vec![("xl/workbook.xml", b"<workbook/>")];
        entries.extend(names.iter().map(|n| (n.as_str(), part.as_slice())));
        let lim = Limits {
            ratio: u64::MAX,
            ..small_limits()
        };
        let e = err_with(zip_of(&entries), &lim);
        assert!(
            matches!(&e, SniffError::ZipBomb { detail } if detail.contains("全部部件")),
            "{e:?}"
        );
        // The same file is fine under the default limits.
        assert!(sniff_bytes(zip_of(&entries)).is_ok());
    }

    #[test]
    fn zip_bomb_refused_by_ratio() {
        let zeros = vec![0u8; 48 * 1024];
        let z = zip_of(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/styles.xml", &zeros),
        ]);
        let e = err_with(z.clone(), &small_limits());
        assert!(
            matches!(&e, SniffError::ZipBomb { detail } if detail.contains("压缩比")),
            "{e:?}"
        );
        let lim = Limits {
            ratio: u64::MAX,
            ..small_limits()
        };
        assert!(sniff_with(z, &lim).is_ok());
    }

    /// Headers that understate the inflated size must not get the data past the cap.
    #[test]
    fn zip_bomb_with_lying_header_is_refused() {
        let zeros = vec![0u8; 1024 * 1024];
        let mut z = zip_of(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", &zeros),
        ]);
        // Patch the declared uncompressed size to 100 in the local and central headers.
        let mut patched = 0;
        for sig in [&b"PK\x03\x04"[..], b"PK\x01\x02"] {
            let (field, name_at) = if sig == b"PK\x03\x04" {
                (22, 30)
            } else {
                (24, 46)
            };
            let mut at = 0;
            while let Some(p) = find(&z[at..], sig) {
                let h = at + p;
                if z[h + name_at..].starts_with(b"xl/worksheets/sheet1.xml") {
                    z[h + field..h + field + 4].copy_from_slice(&100u32.to_le_bytes());
                    patched += 1;
                }
                at = h + 4;
            }
        }
        assert_eq!(patched, 2);
        let lim = Limits {
            ratio: u64::MAX,
            ..small_limits()
        };
        let e = err_with(z, &lim);
        assert!(
            matches!(e, SniffError::ZipBomb { .. } | SniffError::Corrupt { .. }),
            "{e:?}"
        );
    }

    #[test]
    fn read_capped_stops_at_the_cap() {
        let mut sink = Vec::new();
        let e = read_capped(io::repeat(0), 1000, &mut sink).unwrap_err();
        assert!(matches!(e, SniffError::ZipBomb { .. }));
        assert!(
            sink.len() <= 1001,
            "read {} bytes past a 1000-byte cap",
            sink.len()
        );
        assert_eq!(
            read_capped(&[7u8; 1000][..], 1000, io::sink()).unwrap(),
            1000
        );
    }

    #[test]
    fn too_many_entries_refused() {
        let names: Vec<String> = (0..101).map(|i| format!("xl/f{i}.xml")).collect();
        let mut entries: Vec<(&str, &[u8])> = vec![("xl/workbook.xml", b"<workbook/>")];
        entries.extend(names.iter().map(|n| (n.as_str(), &b"<x/>"[..])));
        assert!(matches!(
            err_with(zip_of(&entries), &small_limits()),
            SniffError::ZipBomb { .. }
        ));
    }

    #[test]
    fn encrypted_zip_entry_is_password_protected() {
        let mut z = zip_of(&[("xl/workbook.xml", b"<workbook/>")]);
        // Set the "encrypted" flag bit in the local and central headers.
        let local = find(&z, b"PK\x03\x04").unwrap();
        z[local + 6] |= 1;
        let central = find(&z, b"PK\x01\x02").unwrap();
        z[central + 8] |= 1;
        assert!(matches!(err(z), SniffError::Encrypted { xls: false }));
    }

    #[test]
    fn elements_are_counted_by_local_name() {
        let xml = b"<sst><si><t>a</t></si><x:si/><si\n/><sis/><!-- <si> --></sst>";
        assert_eq!(count_elements(xml, b"si"), 4);
        assert_eq!(count_tags(xml), 7);
    }

    #[test]
    fn parts_calamine_blows_up_are_bounded() {
        let styles = format!(
            r#"<styleSheet xmlns="{NS}"><cellXfs>{}</cellXfs></styleSheet>"#,
            "<xf/>".repeat(300_000)
        );
        let z = mini_xlsx(
            &format!(r#"<worksheet xmlns="{NS}"><sheetData/></worksheet>"#),
            "<sst/>",
        );
        let mut parts = vec![("xl/styles.xml", styles.as_bytes())];
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        let mut src = ZipArchive::new(Cursor::new(z.as_slice())).unwrap();
        for i in 0..src.len() {
            w.raw_copy_file(src.by_index_raw(i).unwrap()).unwrap();
        }
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (n, d) in parts.drain(..) {
            w.start_file(n, opts).unwrap();
            w.write_all(d).unwrap();
        }
        let e = err(w.finish().unwrap().into_inner());
        assert!(matches!(e, SniffError::Bloated { .. }), "{e:?}");
        assert!(e.to_string().contains("styles.xml"), "{e}");

        let sst = format!(r#"<sst xmlns="{NS}">{}</sst>"#, "<si/>".repeat(2_000_001));
        let e = err(mini_xlsx(
            &format!(r#"<worksheet xmlns="{NS}"><sheetData/></worksheet>"#),
            &sst,
        ));
        assert!(e.to_string().contains("共享字符串超过"), "{e}");
    }
}
