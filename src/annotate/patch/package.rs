//! The xlsx package: its parts read (from the copy calamine read where it can) and written back
//! with the edits, untouched entries copied raw.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::xml::insert_before_close;
use super::{Result, Unsupported, MAX_PART, MAX_VML_BLOCK, PKG_REL_NS, STORE_BELOW, XML_HEAD};
use crate::ooxml::{copy_entry, is_unsafe_name, without_doctype};

/// The file's parts, read from the copy calamine read where that part is the file's own (and
/// so usually stored rather than deflated).
pub(super) struct Parts<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    len: usize,
    names: Vec<String>,
    by_lower: HashMap<String, usize>,
    plain: Option<ZipArchive<Cursor<&'a [u8]>>>,
    package: &'a crate::model::Package,
}

#[derive(Default)]
pub(super) struct Edits {
    replaced: HashMap<usize, Vec<u8>>,
    removed: Vec<usize>,
    added: Vec<(String, Vec<u8>)>,
}

impl Edits {
    pub(super) fn replace(&mut self, index: usize, bytes: Vec<u8>) {
        self.replaced.insert(index, bytes);
    }
    pub(super) fn remove(&mut self, index: usize) {
        self.removed.push(index);
    }
    pub(super) fn add(&mut self, name: String, bytes: Vec<u8>) {
        self.added.push((name, bytes));
    }
}

impl<'a> Parts<'a> {
    pub(super) fn open(package: &'a crate::model::Package) -> Result<Self> {
        let bytes = package.bytes();
        let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| Unsupported::Unreadable)?;
        let mut names = Vec::with_capacity(zip.len());
        let mut by_lower = HashMap::with_capacity(zip.len());
        for i in 0..zip.len() {
            let f = zip.by_index_raw(i).map_err(|_| Unsupported::Unreadable)?;
            let name = f.name().map_err(|_| Unsupported::Unreadable)?.into_owned();
            by_lower.insert(name.trim_start_matches('/').to_ascii_lowercase(), i);
            names.push(name);
        }
        let plain = package
            .plain()
            .and_then(|b| ZipArchive::new(Cursor::new(b)).ok());
        Ok(Parts {
            zip,
            len: bytes.len(),
            names,
            by_lower,
            plain,
            package,
        })
    }

    pub(super) fn find(&self, part: &str) -> Option<usize> {
        self.by_lower
            .get(&part.trim_start_matches('/').to_ascii_lowercase())
            .copied()
    }

    pub(super) fn index(&self, part: &str) -> Result<usize> {
        self.find(part).ok_or(Unsupported::MissingPart)
    }

    pub(super) fn read(&mut self, index: usize) -> Result<Vec<u8>> {
        self.read_up_to(index, MAX_PART, true)
    }

    /// The part's first `cap` bytes or fewer.
    pub(super) fn head(&mut self, index: usize, cap: u64) -> Result<Vec<u8>> {
        self.read_up_to(index, cap, false)
    }

    fn read_up_to(&mut self, index: usize, cap: u64, whole: bool) -> Result<Vec<u8>> {
        let lower = self.names[index]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let plain = match &mut self.plain {
            Some(plain) if !self.package.is_altered(&lower) => {
                plain.index_for_name(&self.names[index]).map(|i| (plain, i))
            }
            _ => None,
        };
        let f = match plain {
            Some((plain, i)) => plain.by_index(i),
            None => self.zip.by_index(index),
        }
        .map_err(|_| Unsupported::Unreadable)?;
        let mut out = Vec::with_capacity(f.size().min(cap) as usize);
        f.take(if whole { cap + 1 } else { cap })
            .read_to_end(&mut out)
            .map_err(|_| Unsupported::Unreadable)?;
        if whole && out.len() as u64 > cap {
            return Err(Unsupported::TooLarge);
        }
        if out.starts_with(&[0xFF, 0xFE]) || out.starts_with(&[0xFE, 0xFF]) {
            return Err(Unsupported::Utf16);
        }
        // quick-xml skips a UTF-8 byte-order mark without counting it in its positions, which
        // the splices are made of; the part is written back without it.
        if out.starts_with(b"\xEF\xBB\xBF") {
            out.drain(..3);
        }
        // A DOCTYPE (and the entities it declares) is not carried into a part jixiao rewrites.
        without_doctype(out).ok_or(Unsupported::MalformedXml)
    }

    /// `part`, if no entry has that name yet.
    pub(super) fn free(&self, part: String) -> Result<String> {
        match self.find(&part) {
            None => Ok(part.trim_start_matches('/').to_string()),
            Some(_) => Err(Unsupported::NameTaken),
        }
    }

    /// The first VML shape-id block that no drawing in the package uses.
    pub(super) fn next_vml_block(&mut self) -> Result<u32> {
        let vml: Vec<usize> = (0..self.names.len())
            .filter(|&i| self.names[i].to_ascii_lowercase().ends_with(".vml"))
            .collect();
        let mut next = 1;
        for i in vml {
            let xml = self.read(i)?;
            let mut rest = xml.as_slice();
            while let Some(at) = memchr::memmem::find(rest, b"data=\"") {
                rest = &rest[at + 6..];
                let end = rest.iter().position(|&b| b == b'"').unwrap_or(rest.len());
                for n in String::from_utf8_lossy(&rest[..end]).split(',') {
                    if let Ok(n) = n.trim().parse::<u32>() {
                        next = next.max(n.saturating_add(1));
                    }
                }
            }
        }
        if next > MAX_VML_BLOCK {
            return Err(Unsupported::Drawing);
        }
        Ok(next)
    }

    /// The package with `edits` applied: untouched entries copied raw, in their order.
    pub(super) fn write(mut self, mut edits: Edits) -> Result<Vec<u8>> {
        let failed = |_| Unsupported::ZipWrite;
        let capacity = self.len + (64 << 10);
        let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(capacity)));
        let stored = SimpleFileOptions::default()
            .last_modified_time(zip::DateTime::default())
            .compression_method(CompressionMethod::Stored);
        let deflated = stored
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1));
        // Small parts are stored where they were; large ones are deflated after everything
        // else, one after another, so the writer resets one compressor instead of making many.
        let mut large: Vec<(String, Vec<u8>)> = Vec::new();
        let mut put = |out: &mut ZipWriter<_>, name: &str, bytes: Vec<u8>| {
            if bytes.len() >= STORE_BELOW {
                large.push((name.to_string(), bytes));
                return Ok(());
            }
            out.start_file(name, stored).map_err(failed)?;
            out.write_all(&bytes).map_err(|_| Unsupported::ZipWrite)
        };
        for i in 0..self.names.len() {
            if edits.removed.contains(&i) {
                continue;
            }
            match edits.replaced.remove(&i) {
                Some(bytes) => put(&mut out, &self.names[i], bytes)?,
                // An entry that could be unpacked outside its folder is not carried over.
                None if is_unsafe_name(&self.names[i]) => {}
                None => copy_entry(&mut self.zip, i, &mut out).map_err(failed)?,
            }
        }
        for (name, bytes) in edits.added {
            put(&mut out, &name, bytes)?;
        }
        for (name, bytes) in large {
            out.start_file(name, deflated).map_err(failed)?;
            out.write_all(&bytes).map_err(|_| Unsupported::ZipWrite)?;
        }
        Ok(out.finish().map_err(failed)?.into_inner())
    }
}

/// A sheet's relationships with `new` added: its rels part edited, or a new one.
pub(super) fn rels_done(
    edits: &mut Edits,
    xml: Option<Vec<u8>>,
    index: Option<usize>,
    part: String,
    new: &str,
) -> Result<()> {
    match (xml, index) {
        (Some(xml), Some(i)) => {
            edits.replace(i, insert_before_close(&xml, "</Relationships>", new)?);
        }
        _ => edits.add(
            part,
            format!("{XML_HEAD}<Relationships xmlns=\"{PKG_REL_NS}\">{new}</Relationships>")
                .into_bytes(),
        ),
    }
    Ok(())
}

/// `base` numbered so that no relationship in `rels` has it as its id.
pub(super) fn fresh_id(rels: &[(String, String, String)], base: &str) -> String {
    (1..)
        .map(|n| format!("{base}{n}"))
        .find(|id| rels.iter().all(|(taken, _, _)| taken != id))
        .unwrap_or_default()
}
