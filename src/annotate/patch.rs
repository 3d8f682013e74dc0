//! The copy of an xlsx file made by patching its own package.
//!
//! Parts jixiao does not change are copied byte for byte, compressed data included, so the copy
//! keeps whatever the file holds: comments, validation, conditional formats, images, print
//! settings, hidden sheets. Only these are written:
//!
//! - `styles.xml`: new fills, fonts, a border, number formats and cell formats appended;
//! - each flagged sheet: the flagged cells' style (and, in the corrected copy, value), a
//!   `<legacyDrawing>` and its relationships to a new comments part and VML drawing (or the
//!   notes added to the sheet's own comments and drawing);
//! - the summary sheet, added first, with `workbook.xml`, its relationships and the content
//!   types; `localSheetId`s move up by one and the summary becomes the active tab;
//! - the `jixiao` custom property that marks the file as jixiao's;
//! - `calcChain.xml` is dropped (Excel rebuilds it).
//!
//! Whatever this does not handle returns [`Unsupported`] and the copy is rebuilt instead:
//! threaded comments or a drawing it cannot extend on a flagged sheet, prefixed or strict
//! XML, cells or rows without `r`, a fix over a shared or array formula's master cell, and
//! the like.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{Cursor, Read, Write};
use std::ops::Range;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::summary_sheet::{Look, SummarySheet, Value, HEADER_COLOR, LINK_COLOR, TABLE_HEADER_ROW};
use super::{
    clip, note_size, note_text, severity_color, Flag, Lang, Mark, Mode, Names, CORRECTED_COLOR,
    MARK_PROPERTY,
};
use crate::model::{CellPos, CellValue, Sheet, Workbook};
use crate::model::{FileReport, Replacement};
use crate::read::geometry::{attr, relationships, resolve, sheets_of_workbook};

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const VT_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes";
const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const CT_WORKSHEET: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const CT_COMMENTS: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const CT_VML: &str = "application/vnd.openxmlformats-officedocument.vmlDrawing";
const CT_CUSTOM: &str = "application/vnd.openxmlformats-officedocument.custom-properties+xml";
/// Parts written smaller than this are stored rather than deflated.
const STORE_BELOW: usize = 4096;
/// Highest VML shape-id block (of 1024 ids) a drawing may start at.
const MAX_VML_BLOCK: u32 = 1 << 20;
/// Largest part this reads whole (sniff has already refused bigger ones).
const MAX_PART: u64 = 256 << 20;

/// Why a package is rebuilt rather than patched.
#[derive(Debug)]
pub(super) struct Unsupported(#[allow(dead_code)] pub &'static str);

type Result<T> = std::result::Result<T, Unsupported>;

/// What the copy shows: the workbook, its report, the cells to mark and the summary.
pub(super) struct Patch<'a> {
    pub wb: &'a Workbook,
    pub report: &'a FileReport,
    pub flags: &'a HashMap<usize, BTreeMap<CellPos, Flag>>,
    pub names: &'a Names,
    pub summary: &'a SummarySheet,
    pub mode: Mode,
    pub lang: Lang,
}

/// The copy of `package` (the xlsx file's bytes) that `patch` describes.
pub(super) fn patch(package: &crate::model::Package, p: &Patch<'_>) -> Result<Vec<u8>> {
    if p.names
        .sheets
        .iter()
        .zip(&p.wb.sheets)
        .any(|(n, s)| *n != s.name)
    {
        return Err(Unsupported("sheet names that Excel does not take"));
    }
    let mut pkg = Parts::open(package)?;
    let mut edits = Edits::default();

    // The workbook part and what it points to.
    let root_rels_index = pkg.index("_rels/.rels")?;
    let root_rels_xml = pkg.read(root_rels_index)?;
    let root_rels = relationships(&root_rels_xml);
    let workbook_part = root_rels
        .iter()
        .find(|(_, t, _)| t.ends_with("/officeDocument"))
        .map(|(_, _, target)| resolve("", target))
        .ok_or(Unsupported("no workbook relationship"))?;
    let (wb_dir, wb_file) = split_part(&workbook_part);
    let wb_index = pkg.index(&workbook_part)?;
    let wb_xml = pkg.read(wb_index)?;
    let wb_rels_part = rels_part_of(wb_dir, wb_file);
    let wb_rels_index = pkg.index(&wb_rels_part)?;
    let wb_rels_xml = pkg.read(wb_rels_index)?;
    let wb_rels = relationships(&wb_rels_xml);
    let target_of = |rid: &str| {
        wb_rels
            .iter()
            .find(|(id, _, _)| id == rid)
            .map(|(_, _, t)| resolve(wb_dir, t))
    };
    let sheet_parts: Vec<(String, String)> = sheets_of_workbook(&wb_xml)
        .into_iter()
        .filter_map(|(name, rid)| target_of(&rid).map(|part| (name, part)))
        .collect();
    let styles_part = wb_rels
        .iter()
        .find(|(_, t, _)| t.ends_with("/styles"))
        .map(|(_, _, t)| resolve(wb_dir, t))
        .ok_or(Unsupported("no styles part"))?;
    let styles_index = pkg.index(&styles_part)?;
    let styles_xml = pkg.read(styles_index)?;
    let mut styles = Styles::parse(&styles_xml)?;

    // New part names, checked free.
    let summary_part = pkg.free(format!("{wb_dir}/worksheets/jixiao-summary.xml"))?;
    let mut content_types = Vec::new();
    content_types.push((summary_part.clone(), CT_WORKSHEET));
    let mut vml_block = pkg.next_vml_block()?;

    // Flagged sheets get their cells marked and notes; every sheet loses `tabSelected`.
    let mut notes_made = 0;
    let flagged_sheets = p.flags.values().filter(|f| !f.is_empty()).count();
    for (name, part) in &sheet_parts {
        let Ok(index) = pkg.index(part) else {
            continue;
        };
        let sheet_index = p.wb.sheets.iter().position(|s| &s.name == name);
        let flags = sheet_index
            .and_then(|i| p.flags.get(&i))
            .filter(|f| !f.is_empty());
        // A sheet with nothing flagged is read whole only if its views may be selected.
        if flags.is_none() && !may_be_selected(&pkg.head(index, SHEET_HEAD)?) {
            continue;
        }
        let xml = pkg.read(index)?;
        let unselected = without_tab_selected(&xml);
        let Some(flags) = flags else {
            if let Cow::Owned(bytes) = unselected {
                edits.replace(index, bytes);
            }
            continue;
        };
        let sheet = &p.wb.sheets[sheet_index.unwrap_or_default()];
        notes_made += 1;
        let comments_part = pkg.free(format!("{wb_dir}/jixiao-comments{notes_made}.xml"))?;
        let vml_part = pkg.free(format!(
            "{wb_dir}/drawings/jixiao-vmlDrawing{notes_made}.vml"
        ))?;
        let (sheet_dir, sheet_file) = split_part(part);
        let rels_part = rels_part_of(sheet_dir, sheet_file);
        let (rels_xml, rels_index) = match pkg.find(&rels_part) {
            Some(i) => (Some(pkg.read(i)?), Some(i)),
            None => (None, None),
        };
        let rels = rels_xml.as_deref().map(relationships).unwrap_or_default();
        let vml_rid = fresh_id(&rels, "rIdJixiaoVml");
        let comments_rid = fresh_id(&rels, "rIdJixiaoNotes");

        let (patched, existing) = patch_sheet(&unselected, sheet, flags, p, &mut styles, &vml_rid)?;
        edits.replace(index, patched);
        let notes: Vec<(CellPos, String)> = flags
            .iter()
            .filter(|(pos, _)| super::in_limits(**pos))
            .map(|(pos, flag)| (*pos, note_text(flag, sheet.cell(*pos), p.report, p.lang)))
            .collect();
        let mut new_rels = String::new();
        match existing {
            None => {
                let _ = write!(
                    new_rels,
                    "<Relationship Id=\"{vml_rid}\" Type=\"{REL_NS}/vmlDrawing\" Target=\"/{}\"/>",
                    esc(&vml_part)
                );
                edits.add(
                    vml_part.clone(),
                    vml_xml(sheet, &notes, vml_block).into_bytes(),
                );
                vml_block = vml_blocks(vml_block, notes.len()).1;
                content_types.push((vml_part, CT_VML));
            }
            // The sheet's own notes stay; ours join them, in its comments part and drawing.
            Some(rid) => {
                if rels.iter().any(|(_, t, _)| t.ends_with("/threadedComment")) {
                    return Err(Unsupported("threaded comments"));
                }
                let drawing = rels
                    .iter()
                    .find(|(id, t, _)| *id == rid && t.ends_with("/vmlDrawing"))
                    .map(|(_, _, target)| resolve(sheet_dir, target))
                    .ok_or(Unsupported("a drawing that is not a VML one"))?;
                let own = rels
                    .iter()
                    .find(|(_, t, _)| t.ends_with("/comments"))
                    .map(|(_, _, target)| resolve(sheet_dir, target));
                let noted: Vec<CellPos> = match &own {
                    Some(part) => {
                        let i = pkg.index(part)?;
                        let xml = pkg.read(i)?;
                        let (merged, noted) = merge_comments(&xml, &notes)?;
                        edits.replace(i, merged);
                        noted
                    }
                    None => Vec::new(),
                };
                let i = pkg.index(&drawing)?;
                let vml = pkg.read(i)?;
                let fresh: Vec<(CellPos, String)> = notes
                    .iter()
                    .filter(|(pos, _)| !noted.contains(pos))
                    .cloned()
                    .collect();
                edits.replace(i, add_shapes(&vml, sheet, &fresh, vml_block)?);
                vml_block = vml_blocks(vml_block, fresh.len()).1;
                if own.is_some() {
                    continue;
                }
            }
        }
        let _ = write!(
            new_rels,
            "<Relationship Id=\"{comments_rid}\" Type=\"{REL_NS}/comments\" Target=\"/{}\"/>",
            esc(&comments_part)
        );
        rels_done(&mut edits, rels_xml, rels_index, rels_part, &new_rels)?;
        edits.add(comments_part.clone(), comments_xml(&notes).into_bytes());
        content_types.push((comments_part, CT_COMMENTS));
    }

    if notes_made < flagged_sheets {
        return Err(Unsupported("a flagged sheet not found in the package"));
    }
    edits.add(
        summary_part.clone(),
        summary_xml(p.summary, &mut styles).into_bytes(),
    );
    edits.replace(styles_index, styles.finish());

    // The workbook: the summary sheet first and active, calcChain gone.
    let summary_rid = fresh_id(&wb_rels, "rIdJixiaoSummary");
    edits.replace(wb_index, patch_workbook(&wb_xml, p, &summary_rid)?);
    let mut wb_rels_new = insert_before_close(
        &wb_rels_xml,
        "</Relationships>",
        &format!(
            "<Relationship Id=\"{summary_rid}\" Type=\"{REL_NS}/worksheet\" Target=\"/{}\"/>",
            esc(&summary_part)
        ),
    )?;
    let calc_chain = wb_rels
        .iter()
        .find(|(_, t, _)| t.ends_with("/calcChain"))
        .map(|(id, _, t)| (id.clone(), resolve(wb_dir, t)));
    let mut dropped_part = None;
    if let Some((id, part)) = calc_chain {
        wb_rels_new = remove_elements(&wb_rels_new, "Relationship", "Id", &id)?;
        if let Some(i) = pkg.find(&part) {
            edits.remove(i);
            dropped_part = Some(part);
        }
    }
    edits.replace(wb_rels_index, wb_rels_new);

    // The mark, in docProps/custom.xml.
    let custom = root_rels
        .iter()
        .find(|(_, t, _)| t.ends_with("/custom-properties"))
        .map(|(_, _, t)| resolve("", t));
    match custom {
        Some(part) => {
            if !part.eq_ignore_ascii_case("docProps/custom.xml") {
                return Err(Unsupported("custom properties elsewhere"));
            }
            let i = pkg.index(&part)?;
            let xml = pkg.read(i)?;
            edits.replace(i, add_mark(&xml, p.mode)?);
        }
        None => {
            if pkg.find("docProps/custom.xml").is_some() {
                return Err(Unsupported("unlinked custom properties"));
            }
            let id = fresh_id(&root_rels, "rIdJixiaoCustom");
            let rel = format!(
                "<Relationship Id=\"{id}\" Type=\"{REL_NS}/custom-properties\" Target=\"docProps/custom.xml\"/>"
            );
            edits.replace(
                root_rels_index,
                insert_before_close(&root_rels_xml, "</Relationships>", &rel)?,
            );
            let empty = format!(
                "{XML_HEAD}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" xmlns:vt=\"{VT_NS}\"></Properties>"
            );
            edits.add(
                "docProps/custom.xml".into(),
                add_mark(empty.as_bytes(), p.mode)?,
            );
            content_types.push(("docProps/custom.xml".into(), CT_CUSTOM));
        }
    }

    let ct_index = pkg.index("[Content_Types].xml")?;
    let ct_xml = pkg.read(ct_index)?;
    edits.replace(
        ct_index,
        patch_content_types(&ct_xml, &content_types, dropped_part.as_deref())?,
    );
    pkg.write(edits)
}

// ---------------------------------------------------------------------------------------------
// The package.

/// The file's parts, read from the copy calamine read where that part is the file's own (and
/// so usually stored rather than deflated).
struct Parts<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    len: usize,
    names: Vec<String>,
    by_lower: HashMap<String, usize>,
    plain: Option<ZipArchive<Cursor<&'a [u8]>>>,
    package: &'a crate::model::Package,
}

#[derive(Default)]
struct Edits {
    replaced: HashMap<usize, Vec<u8>>,
    removed: Vec<usize>,
    added: Vec<(String, Vec<u8>)>,
}

impl Edits {
    fn replace(&mut self, index: usize, bytes: Vec<u8>) {
        self.replaced.insert(index, bytes);
    }
    fn remove(&mut self, index: usize) {
        self.removed.push(index);
    }
    fn add(&mut self, name: String, bytes: Vec<u8>) {
        self.added.push((name, bytes));
    }
}

impl<'a> Parts<'a> {
    fn open(package: &'a crate::model::Package) -> Result<Self> {
        let bytes = package.bytes();
        let mut zip =
            ZipArchive::new(Cursor::new(bytes)).map_err(|_| Unsupported("unreadable zip"))?;
        let mut names = Vec::with_capacity(zip.len());
        let mut by_lower = HashMap::with_capacity(zip.len());
        for i in 0..zip.len() {
            let f = zip
                .by_index_raw(i)
                .map_err(|_| Unsupported("unreadable zip"))?;
            let name = f
                .name()
                .map_err(|_| Unsupported("zip entry name"))?
                .into_owned();
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

    fn find(&self, part: &str) -> Option<usize> {
        self.by_lower
            .get(&part.trim_start_matches('/').to_ascii_lowercase())
            .copied()
    }

    fn index(&self, part: &str) -> Result<usize> {
        self.find(part).ok_or(Unsupported("a part is missing"))
    }

    fn read(&mut self, index: usize) -> Result<Vec<u8>> {
        self.read_up_to(index, MAX_PART, true)
    }

    /// The part's first `cap` bytes or fewer.
    fn head(&mut self, index: usize, cap: u64) -> Result<Vec<u8>> {
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
        .map_err(|_| Unsupported("unreadable part"))?;
        let mut out = Vec::with_capacity(f.size().min(cap) as usize);
        f.take(if whole { cap + 1 } else { cap })
            .read_to_end(&mut out)
            .map_err(|_| Unsupported("unreadable part"))?;
        if whole && out.len() as u64 > cap {
            return Err(Unsupported("part too large"));
        }
        if out.starts_with(&[0xFF, 0xFE]) || out.starts_with(&[0xFE, 0xFF]) {
            return Err(Unsupported("UTF-16 XML"));
        }
        // quick-xml skips a UTF-8 byte-order mark without counting it in its positions, which
        // the splices are made of; the part is written back without it.
        if out.starts_with(b"\xEF\xBB\xBF") {
            out.drain(..3);
        }
        Ok(out)
    }

    /// `part`, if no entry has that name yet.
    fn free(&self, part: String) -> Result<String> {
        match self.find(&part) {
            None => Ok(part.trim_start_matches('/').to_string()),
            Some(_) => Err(Unsupported("a part name jixiao uses is taken")),
        }
    }

    /// The first VML shape-id block that no drawing in the package uses.
    fn next_vml_block(&mut self) -> Result<u32> {
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
            return Err(Unsupported("a drawing id out of range"));
        }
        Ok(next)
    }

    /// The package with `edits` applied: untouched entries copied raw, in their order.
    fn write(mut self, mut edits: Edits) -> Result<Vec<u8>> {
        let failed = |_| Unsupported("zip write");
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
            out.write_all(&bytes).map_err(|_| Unsupported("zip write"))
        };
        for i in 0..self.names.len() {
            if edits.removed.contains(&i) {
                continue;
            }
            match edits.replaced.remove(&i) {
                Some(bytes) => put(&mut out, &self.names[i], bytes)?,
                None => {
                    let f = self.zip.by_index_raw(i).map_err(failed)?;
                    out.raw_copy_file(f).map_err(failed)?;
                }
            }
        }
        for (name, bytes) in edits.added {
            put(&mut out, &name, bytes)?;
        }
        for (name, bytes) in large {
            out.start_file(name, deflated).map_err(failed)?;
            out.write_all(&bytes)
                .map_err(|_| Unsupported("zip write"))?;
        }
        Ok(out.finish().map_err(failed)?.into_inner())
    }
}

/// A sheet's relationships with `new` added: its rels part edited, or a new one.
fn rels_done(
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

fn split_part(part: &str) -> (&str, &str) {
    match part.rfind('/') {
        Some(i) => (&part[..i], &part[i + 1..]),
        None => ("", part),
    }
}

fn rels_part_of(dir: &str, file: &str) -> String {
    if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    }
}

/// `base` numbered so that no relationship in `rels` has it as its id.
fn fresh_id(rels: &[(String, String, String)], base: &str) -> String {
    (1..)
        .map(|n| format!("{base}{n}"))
        .find(|id| rels.iter().all(|(taken, _, _)| taken != id))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// XML editing: spans of events, splices, tags.

/// Events of `xml` with the byte range each came from and the depth of its element (0 for
/// the root; an end tag has its start tag's depth).
struct Spans<'x> {
    reader: Reader<&'x [u8]>,
    depth: usize,
}

impl<'x> Spans<'x> {
    fn new(xml: &'x [u8]) -> Self {
        Spans {
            reader: Reader::from_reader(xml),
            depth: 0,
        }
    }

    /// Skips to the end of the element `start` opened.
    fn skip(&mut self, start: &BytesStart<'_>) -> Result<()> {
        self.depth = self.depth.saturating_sub(1);
        self.reader
            .read_to_end(start.name())
            .map(|_| ())
            .map_err(|_| Unsupported("malformed XML"))
    }

    fn next(&mut self) -> Result<(Event<'x>, Range<usize>, usize)> {
        let start = self.reader.buffer_position() as usize;
        let event = self
            .reader
            .read_event()
            .map_err(|_| Unsupported("malformed XML"))?;
        let depth = match event {
            Event::Start(_) => {
                self.depth += 1;
                self.depth - 1
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                self.depth
            }
            _ => self.depth,
        };
        Ok((event, start..self.reader.buffer_position() as usize, depth))
    }
}

/// Replacements of byte ranges (an empty range inserts), applied in order of position.
#[derive(Default)]
struct Splices(Vec<(Range<usize>, String)>);

impl Splices {
    fn put(&mut self, at: Range<usize>, text: String) {
        self.0.push((at, text));
    }

    fn apply(mut self, xml: &[u8]) -> Vec<u8> {
        self.0.sort_by_key(|(r, _)| (r.start, r.end));
        let extra: usize = self.0.iter().map(|(_, t)| t.len()).sum();
        let mut out = Vec::with_capacity(xml.len() + extra);
        let mut at = 0;
        for (range, text) in self.0 {
            let start = range.start.max(at);
            out.extend_from_slice(&xml[at..start]);
            out.extend_from_slice(text.as_bytes());
            at = range.end.max(start);
        }
        out.extend_from_slice(&xml[at..]);
        out
    }
}

/// `tag` written again with the attributes in `set` replaced in place, added at the end (Some)
/// or removed (None). Values in `set` must already be escaped.
fn rewrite_tag(tag: &BytesStart<'_>, empty: bool, set: &[(&str, Option<&str>)]) -> String {
    let mut out = String::with_capacity(tag.len() + 32);
    out.push('<');
    out.push_str(tag.name().as_ref());
    let mut done = vec![false; set.len()];
    for a in tag.attributes().with_checks(false).flatten() {
        let key: &str = a.key.as_ref();
        let value: &str = &a.value;
        let value = match set.iter().position(|(k, _)| *k == key) {
            Some(i) => {
                done[i] = true;
                match set[i].1 {
                    Some(v) => v,
                    None => continue,
                }
            }
            None => value,
        };
        let quote = if value.contains('"') { '\'' } else { '"' };
        let _ = write!(out, " {key}={quote}{value}{quote}");
    }
    for ((key, value), done) in set.iter().zip(done) {
        if let (Some(v), false) = (value, done) {
            let _ = write!(out, " {key}=\"{v}\"");
        }
    }
    out.push_str(if empty { "/>" } else { ">" });
    out
}

/// Checks that an element is unprefixed and in `ns` (its default namespace).
fn check_root(tag: &BytesStart<'_>, ns: &str) -> Result<()> {
    if tag.name().prefix().is_some() {
        return Err(Unsupported("prefixed XML"));
    }
    match attr(tag, "xmlns") {
        Some(v) if v == ns => Ok(()),
        _ => Err(Unsupported("unexpected namespace")),
    }
}

/// The prefix the element declares for the relationships namespace.
fn rel_prefix(tag: &BytesStart<'_>) -> Option<String> {
    tag.attributes().with_checks(false).flatten().find_map(|a| {
        let key: &str = a.key.as_ref();
        let value: &str = &a.value;
        key.strip_prefix("xmlns:")
            .filter(|_| value == REL_NS)
            .map(str::to_string)
    })
}

/// `r:id="…"` with the file's prefix, or a local declaration when it has none.
fn rid_attr(prefix: Option<&str>, rid: &str) -> String {
    match prefix {
        Some(p) => format!("{p}:id=\"{rid}\""),
        None => format!("xmlns:jxr=\"{REL_NS}\" jxr:id=\"{rid}\""),
    }
}

fn insert_before_close(xml: &[u8], close: &str, text: &str) -> Result<Vec<u8>> {
    let at = memchr::memmem::rfind(xml, close.as_bytes())
        .ok_or(Unsupported("an element to add to is empty"))?;
    let mut s = Splices::default();
    s.put(at..at, text.to_string());
    Ok(s.apply(xml))
}

/// `xml` without the `<name>` elements whose `key` attribute is `value` (case-insensitively).
fn remove_elements(xml: &[u8], name: &str, key: &str, value: &str) -> Result<Vec<u8>> {
    let mut spans = Spans::new(xml);
    let mut splices = Splices::default();
    loop {
        match spans.next()? {
            (Event::Empty(e), range, _)
                if e.local_name().as_ref() == name
                    && attr(&e, key).is_some_and(|v| {
                        v.trim_start_matches('/')
                            .eq_ignore_ascii_case(value.trim_start_matches('/'))
                    }) =>
            {
                splices.put(range, String::new());
            }
            (Event::Eof, _, _) => break,
            _ => {}
        }
    }
    Ok(splices.apply(xml))
}

/// Escapes text for XML; characters XML 1.0 cannot hold become OOXML `_xHHHH_` escapes.
fn esc(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| {
        matches!(c, '&' | '<' | '>' | '"') || (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
    }) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c < ' ' && !matches!(c, '\t' | '\n' | '\r') => {
                let _ = write!(out, "_x{:04X}_", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `<t>` with its text, keeping leading and trailing spaces.
fn t_element(text: &str) -> String {
    let text = clip(text);
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        format!("<t xml:space=\"preserve\">{}</t>", esc(text))
    } else {
        format!("<t>{}</t>", esc(text))
    }
}

/// How much of a sheet with nothing flagged is read to see whether it may be selected.
const SHEET_HEAD: u64 = 64 << 10;

/// Whether a sheet whose XML starts with `head` may have `tabSelected` on a view: its cells
/// come later than `head` reaches, or the attribute is there before them.
fn may_be_selected(head: &[u8]) -> bool {
    match memchr::memmem::find(head, b"sheetData") {
        Some(at) => memchr::memmem::find(&head[..at], b"tabSelected").is_some(),
        None => true,
    }
}

/// The sheet's XML with `tabSelected` taken off its views (before `<sheetData>`), since the
/// summary becomes the selected sheet. XML it cannot read is left as it is.
fn without_tab_selected(xml: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memmem::find(xml, b"tabSelected").is_none() {
        return Cow::Borrowed(xml);
    }
    let mut spans = Spans::new(xml);
    let mut splices = Splices::default();
    loop {
        match spans.next() {
            Ok((ref event @ (Event::Start(ref e) | Event::Empty(ref e)), range, _)) => {
                match e.local_name().as_ref() {
                    "sheetData" => break,
                    "sheetView" if attr(e, "tabSelected").is_some() => {
                        let empty = matches!(event, Event::Empty(_));
                        splices.put(range, rewrite_tag(e, empty, &[("tabSelected", None)]));
                    }
                    _ => {}
                }
            }
            Ok((Event::Eof, _, _)) | Err(_) => break,
            _ => {}
        }
    }
    if splices.0.is_empty() {
        Cow::Borrowed(xml)
    } else {
        Cow::Owned(splices.apply(xml))
    }
}

// ---------------------------------------------------------------------------------------------
// styles.xml

/// One of the lists in styles.xml jixiao appends to.
#[derive(Default)]
struct List {
    /// The opening tag (the whole element when it is empty), if the list is there.
    open: Option<Range<usize>>,
    empty: bool,
    close: usize,
    count: usize,
    added: Vec<String>,
}

impl List {
    fn push(&mut self, xml: String) -> usize {
        self.added.push(xml);
        self.count + self.added.len() - 1
    }
}

struct Styles<'x> {
    xml: &'x [u8],
    num_fmts: List,
    fonts: List,
    fills: List,
    borders: List,
    cell_style_xfs: List,
    cell_xfs: List,
    /// Each `<xf>` of cellXfs, whole.
    xfs: Vec<Range<usize>>,
    /// The children of the first font, whole.
    font0_children: Vec<(String, Range<usize>)>,
    next_num_fmt: u32,
    fill_for: HashMap<u32, usize>,
    xf_for_mark: HashMap<(usize, Mark, bool), usize>,
    xf_for_look: HashMap<Look, usize>,
    bold_font: Option<usize>,
    link_font: Option<usize>,
    thin_border: Option<usize>,
}

impl<'x> Styles<'x> {
    fn parse(xml: &'x [u8]) -> Result<Self> {
        let mut s = Styles {
            xml,
            num_fmts: List::default(),
            fonts: List::default(),
            fills: List::default(),
            borders: List::default(),
            cell_style_xfs: List::default(),
            cell_xfs: List::default(),
            xfs: Vec::new(),
            font0_children: Vec::new(),
            next_num_fmt: 164,
            fill_for: HashMap::new(),
            xf_for_mark: HashMap::new(),
            xf_for_look: HashMap::new(),
            bold_font: None,
            link_font: None,
            thin_border: None,
        };
        let mut spans = Spans::new(xml);
        let mut list: Option<&'static str> = None;
        let mut child_start = 0;
        loop {
            let (event, range, depth) = spans.next()?;
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(event, Event::Empty(_));
                    let name = e.local_name();
                    let name = name.as_ref();
                    if depth == 0 {
                        if name != "styleSheet" {
                            return Err(Unsupported("not a styles part"));
                        }
                        check_root(e, MAIN_NS)?;
                    } else if depth == 1 {
                        let which: Option<&'static str> = match name {
                            "numFmts" => Some("numFmts"),
                            "fonts" => Some("fonts"),
                            "fills" => Some("fills"),
                            "borders" => Some("borders"),
                            "cellStyleXfs" => Some("cellStyleXfs"),
                            "cellXfs" => Some("cellXfs"),
                            _ => None,
                        };
                        if let Some(w) = which {
                            let l = s.list_mut(w);
                            l.open = Some(range.clone());
                            l.empty = empty;
                            if !empty {
                                list = Some(w);
                            }
                        }
                    } else if depth == 2 {
                        child_start = range.start;
                        if let Some(w) = list {
                            s.list_mut(w).count += 1;
                            if w == "numFmts" {
                                if let Some(id) =
                                    attr(e, "numFmtId").and_then(|v| v.parse::<u32>().ok())
                                {
                                    if id > u32::MAX - 1024 {
                                        return Err(Unsupported("a number format id out of range"));
                                    }
                                    s.next_num_fmt = s.next_num_fmt.max(id + 1);
                                }
                            }
                            if w == "cellXfs" && empty {
                                s.xfs.push(range.clone());
                            }
                        }
                    } else if depth == 3 && list == Some("fonts") && s.fonts.count == 1 {
                        if empty {
                            s.font0_children.push((name.to_string(), range.clone()));
                        } else {
                            return Err(Unsupported("font with nested elements"));
                        }
                    }
                }
                Event::End(_) => {
                    if depth == 1 {
                        if let Some(w) = list.take() {
                            s.list_mut(w).close = range.start;
                        }
                    } else if depth == 2 && list == Some("cellXfs") {
                        s.xfs.push(child_start..range.end);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if s.fonts.open.is_none() || s.fills.open.is_none() || s.borders.open.is_none() {
            return Err(Unsupported("styles without fonts, fills or borders"));
        }
        if s.cell_xfs.open.is_none() || s.xfs.is_empty() || s.fonts.count == 0 {
            return Err(Unsupported("styles without cell formats"));
        }
        // New formats name cell style format 0.
        if s.cell_style_xfs.count == 0 {
            return Err(Unsupported("styles without cell style formats"));
        }
        Ok(s)
    }

    fn list_mut(&mut self, which: &str) -> &mut List {
        match which {
            "numFmts" => &mut self.num_fmts,
            "fonts" => &mut self.fonts,
            "fills" => &mut self.fills,
            "borders" => &mut self.borders,
            "cellStyleXfs" => &mut self.cell_style_xfs,
            _ => &mut self.cell_xfs,
        }
    }

    fn fill(&mut self, rgb: u32) -> usize {
        if let Some(&i) = self.fill_for.get(&rgb) {
            return i;
        }
        let i = self.fills.push(format!(
            "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FF{rgb:06X}\"/><bgColor indexed=\"64\"/></patternFill></fill>"
        ));
        self.fill_for.insert(rgb, i);
        i
    }

    /// The first font again, with `extra` children instead of those named in `drop`.
    fn font_like_default(&mut self, extra: &str, drop: &[&str]) -> usize {
        let mut font = String::from("<font>");
        font.push_str(extra);
        for (name, range) in &self.font0_children {
            if !drop.contains(&name.as_str()) {
                font.push_str(&String::from_utf8_lossy(&self.xml[range.clone()]));
            }
        }
        font.push_str("</font>");
        self.fonts.push(font)
    }

    /// The number format id of cell format `xf`.
    fn num_fmt_of(&self, xf: usize) -> u32 {
        let Some(range) = self.xfs.get(xf) else {
            return 0;
        };
        let mut spans = Spans::new(&self.xml[range.clone()]);
        match spans.next() {
            Ok((Event::Start(e) | Event::Empty(e), _, _)) => attr(&e, "numFmtId")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            _ => 0,
        }
    }

    /// The cell format of a flagged cell: its own with the mark's fill (and a percentage format
    /// where `percent`).
    fn marked(&mut self, xf: usize, mark: Mark, percent: bool) -> usize {
        let xf = if xf < self.xfs.len() { xf } else { 0 };
        if let Some(&i) = self.xf_for_mark.get(&(xf, mark, percent)) {
            return i;
        }
        let rgb = match mark {
            Mark::Flag(s) => severity_color(s),
            Mark::Corrected => CORRECTED_COLOR,
            Mark::Plain => return xf,
        };
        let fill = self.fill(rgb).to_string();
        let range = self.xfs[xf].clone();
        let element = &self.xml[range];
        let mut spans = Spans::new(element);
        let new = match spans.next() {
            Ok((ref event @ (Event::Start(ref e) | Event::Empty(ref e)), ref first, _)) => {
                let empty = matches!(event, Event::Empty(_));
                let mut set = vec![("fillId", Some(fill.as_str())), ("applyFill", Some("1"))];
                if percent {
                    set.push(("numFmtId", Some("10")));
                    set.push(("applyNumberFormat", Some("1")));
                }
                let mut new = rewrite_tag(e, empty, &set);
                new.push_str(&String::from_utf8_lossy(&element[first.end..]));
                new
            }
            _ => format!("<xf numFmtId=\"0\" fontId=\"0\" fillId=\"{fill}\" borderId=\"0\" xfId=\"0\" applyFill=\"1\"/>"),
        };
        let i = self.cell_xfs.push(new);
        self.xf_for_mark.insert((xf, mark, percent), i);
        i
    }

    /// The cell format of a summary look (0 for plain).
    fn look(&mut self, look: Look) -> usize {
        if look == Look::Plain {
            return 0;
        }
        if let Some(&i) = self.xf_for_look.get(&look) {
            return i;
        }
        let bold = |s: &mut Self| match s.bold_font {
            Some(f) => f,
            None => {
                let f = s.font_like_default("<b/>", &["b"]);
                s.bold_font = Some(f);
                f
            }
        };
        let thin = |s: &mut Self| match s.thin_border {
            Some(b) => b,
            None => {
                let side = |n: &str| format!("<{n} style=\"thin\"><color indexed=\"64\"/></{n}>");
                let b = s.borders.push(format!(
                    "<border>{}{}{}{}<diagonal/></border>",
                    side("left"),
                    side("right"),
                    side("top"),
                    side("bottom")
                ));
                s.thin_border = Some(b);
                b
            }
        };
        // (numFmtId, fontId, fillId, borderId, alignment)
        let (num_fmt, font, fill, border, align): (u32, usize, usize, usize, &str) = match look {
            Look::Plain => (0, 0, 0, 0, ""),
            Look::Label => (0, bold(self), 0, 0, ""),
            Look::Header => {
                let f = bold(self);
                let fill = self.fill(HEADER_COLOR);
                (0, f, fill, thin(self), "<alignment vertical=\"center\"/>")
            }
            Look::Body => (0, 0, 0, thin(self), "<alignment vertical=\"top\"/>"),
            Look::Wrap => (
                0,
                0,
                0,
                thin(self),
                "<alignment vertical=\"top\" wrapText=\"1\"/>",
            ),
            Look::Link => {
                let font = match self.link_font {
                    Some(f) => f,
                    None => {
                        let f = self.font_like_default(
                            &format!("<u/><color rgb=\"FF{LINK_COLOR:06X}\"/>"),
                            &["u", "color"],
                        );
                        self.link_font = Some(f);
                        f
                    }
                };
                (0, font, 0, thin(self), "<alignment vertical=\"top\"/>")
            }
            Look::Severity(sev) => {
                let fill = self.fill(severity_color(sev));
                (0, 0, fill, thin(self), "<alignment vertical=\"top\"/>")
            }
            Look::Fixed => {
                let fill = self.fill(CORRECTED_COLOR);
                (0, 0, fill, thin(self), "<alignment vertical=\"top\"/>")
            }
            Look::Score(d) => {
                let id = match d {
                    0 => 0,
                    2 => 2,
                    d => {
                        let id = self.next_num_fmt;
                        self.next_num_fmt += 1;
                        self.num_fmts.push(format!(
                            "<numFmt numFmtId=\"{id}\" formatCode=\"0.{}\"/>",
                            "0".repeat(d as usize)
                        ));
                        id
                    }
                };
                (id, 0, 0, 0, "<alignment horizontal=\"left\"/>")
            }
        };
        let mut xf = format!(
            "<xf numFmtId=\"{num_fmt}\" fontId=\"{font}\" fillId=\"{fill}\" borderId=\"{border}\" xfId=\"0\""
        );
        for (on, name) in [
            (num_fmt != 0, "applyNumberFormat"),
            (font != 0, "applyFont"),
            (fill != 0, "applyFill"),
            (border != 0, "applyBorder"),
            (!align.is_empty(), "applyAlignment"),
        ] {
            if on {
                let _ = write!(xf, " {name}=\"1\"");
            }
        }
        if align.is_empty() {
            xf.push_str("/>");
        } else {
            let _ = write!(xf, ">{align}</xf>");
        }
        let i = self.cell_xfs.push(xf);
        self.xf_for_look.insert(look, i);
        i
    }

    /// styles.xml with everything added.
    fn finish(self) -> Vec<u8> {
        let mut splices = Splices::default();
        for (name, list) in [
            ("numFmts", &self.num_fmts),
            ("fonts", &self.fonts),
            ("fills", &self.fills),
            ("borders", &self.borders),
            ("cellXfs", &self.cell_xfs),
        ] {
            if list.added.is_empty() {
                continue;
            }
            let count = (list.count + list.added.len()).to_string();
            let children = list.added.concat();
            match &list.open {
                Some(open) => {
                    let mut spans = Spans::new(&self.xml[open.clone()]);
                    let tag = match spans.next() {
                        Ok((Event::Start(e) | Event::Empty(e), _, _)) => {
                            rewrite_tag(&e, false, &[("count", Some(&count))])
                        }
                        _ => format!("<{name} count=\"{count}\">"),
                    };
                    if list.empty {
                        splices.put(open.clone(), format!("{tag}{children}</{name}>"));
                    } else {
                        splices.put(open.clone(), tag);
                        splices.put(list.close..list.close, children);
                    }
                }
                // Only numFmts can be missing here; it goes before the fonts.
                None => {
                    let at = self.fonts.open.as_ref().map_or(0, |r| r.start);
                    splices.put(
                        at..at,
                        format!("<{name} count=\"{count}\">{children}</{name}>"),
                    );
                }
            }
        }
        splices.apply(self.xml)
    }
}

// ---------------------------------------------------------------------------------------------
// Worksheets.

/// Elements that come after `<legacyDrawing>` in a worksheet.
const AFTER_LEGACY_DRAWING: [&str; 8] = [
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
];

/// A flagged sheet's XML with its flagged cells restyled (and fixed), missing ones added, and a
/// `<legacyDrawing>` pointing at relationship `vml_rid`; or, when the sheet has a drawing of its
/// own (its notes), that drawing's relationship id, to which the notes are added.
fn patch_sheet(
    xml: &[u8],
    sheet: &Sheet,
    flags: &BTreeMap<CellPos, Flag>,
    p: &Patch<'_>,
    styles: &mut Styles<'_>,
    vml_rid: &str,
) -> Result<(Vec<u8>, Option<String>)> {
    let mut spans = Spans::new(xml);
    let mut existing = None;
    let mut splices = Splices::default();
    let shown: fn(&(&CellPos, &Flag)) -> bool = |(pos, _)| super::in_limits(**pos);
    let mut pending: Pending<'_> = flags.iter().filter(shown).peekable();
    let mut prefix = None;
    let mut in_data = false;
    let mut seen_data = false;
    let mut row: Option<u32> = None;
    let mut drawing_at = None;
    // The last row and cell seen: insertions assume the file's order.
    let mut last_row: Option<u32> = None;
    let mut last_col: Option<u32> = None;
    loop {
        let (event, range, depth) = spans.next()?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name();
                let name = name.as_ref();
                match depth {
                    0 => {
                        if name != "worksheet" {
                            return Err(Unsupported("not a worksheet"));
                        }
                        check_root(e, MAIN_NS)?;
                        prefix = rel_prefix(e);
                    }
                    1 if name == "sheetData" => {
                        seen_data = true;
                        if empty {
                            let rows = new_rows(&mut pending, None, sheet, p, styles)?;
                            splices.put(range.clone(), format!("<sheetData>{rows}</sheetData>"));
                        } else {
                            in_data = true;
                        }
                    }
                    1 if name == "legacyDrawing" => {
                        existing =
                            Some(attr(e, "id").ok_or(Unsupported("a drawing without its id"))?);
                    }
                    1 if drawing_at.is_none() && AFTER_LEGACY_DRAWING.contains(&name) => {
                        drawing_at = Some(range.start);
                    }
                    2 if in_data && name == "row" => {
                        let r = attr(e, "r")
                            .and_then(|v| v.trim().parse::<u32>().ok())
                            .filter(|r| *r >= 1)
                            .ok_or(Unsupported("a row without its number"))?
                            - 1;
                        if last_row.is_some_and(|l| r <= l) {
                            return Err(Unsupported("rows out of order"));
                        }
                        last_row = Some(r);
                        last_col = None;
                        // Flagged cells in rows before this one get rows of their own.
                        let before = new_rows(&mut pending, Some(r), sheet, p, styles)?;
                        if !before.is_empty() {
                            splices.put(range.start..range.start, before);
                        }
                        if !empty && pending.peek().is_none_or(|(q, _)| q.row != r) {
                            // Nothing flagged in this row: pass over it unparsed.
                            spans.skip(e)?;
                            continue;
                        }
                        row = Some(r);
                        if empty {
                            let cells = new_cells(&mut pending, |q| q.row == r, sheet, p, styles)?;
                            if !cells.is_empty() {
                                splices.put(
                                    range.clone(),
                                    format!("{}{cells}</row>", rewrite_tag(e, false, &[])),
                                );
                            }
                            row = None;
                        }
                    }
                    3 if in_data && name == "c" => {
                        let r = row.ok_or(Unsupported("a cell outside a row"))?;
                        let pos = attr(e, "r")
                            .and_then(|v| CellPos::parse_a1(v.trim()))
                            .filter(|pos| pos.row == r)
                            .ok_or(Unsupported("a cell without its address"))?;
                        if last_col.is_some_and(|l| pos.col <= l) {
                            return Err(Unsupported("cells out of order"));
                        }
                        last_col = Some(pos.col);
                        let before = new_cells(
                            &mut pending,
                            |q| q.row == r && q.col < pos.col,
                            sheet,
                            p,
                            styles,
                        )?;
                        if !before.is_empty() {
                            splices.put(range.start..range.start, before);
                        }
                        if let Some((_, flag)) = pending.next_if(|(q, _)| **q == pos) {
                            // The whole cell element, to replace.
                            let mut whole = range.clone();
                            let mut inner_formula_master = false;
                            if !empty {
                                let mut d = 1usize;
                                while d > 0 {
                                    let (ev, r2, _) = spans.next()?;
                                    match ev {
                                        Event::Start(ref f) | Event::Empty(ref f) => {
                                            if f.local_name().as_ref() == "f"
                                                && (attr(f, "ref").is_some()
                                                    || matches!(
                                                        attr(f, "t").as_deref(),
                                                        Some("array" | "dataTable")
                                                    ))
                                            {
                                                inner_formula_master = true;
                                            }
                                            if matches!(ev, Event::Start(_)) {
                                                d += 1;
                                            }
                                        }
                                        Event::End(_) => d -= 1,
                                        Event::Eof => return Err(Unsupported("malformed XML")),
                                        _ => {}
                                    }
                                    whole.end = r2.end;
                                }
                            }
                            let fixes = flag.fix.is_some();
                            if fixes && inner_formula_master {
                                return Err(Unsupported("a fix over a shared formula"));
                            }
                            if fixes {
                                splices.put(whole, cell_xml(pos, Some(e), flag, sheet, p, styles)?);
                            } else {
                                let s = attr(e, "s").and_then(|v| v.parse().ok()).unwrap_or(0);
                                let new = styles.marked(s, flag.mark(p.report), false).to_string();
                                splices.put(
                                    range.clone(),
                                    rewrite_tag(e, empty, &[("s", Some(&new))]),
                                );
                            }
                            continue;
                        }
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => {
                let name = e.local_name();
                match (depth, name.as_ref()) {
                    (2, "row") if in_data => {
                        if let Some(r) = row.take() {
                            let cells = new_cells(&mut pending, |q| q.row == r, sheet, p, styles)?;
                            if !cells.is_empty() {
                                splices.put(range.start..range.start, cells);
                            }
                        }
                    }
                    (1, "sheetData") => {
                        in_data = false;
                        let rest = new_rows(&mut pending, None, sheet, p, styles)?;
                        if !rest.is_empty() {
                            splices.put(range.start..range.start, rest);
                        }
                    }
                    (0, "worksheet") if existing.is_none() => {
                        let at = drawing_at.unwrap_or(range.start);
                        splices.put(
                            at..at,
                            format!("<legacyDrawing {}/>", rid_attr(prefix.as_deref(), vml_rid)),
                        );
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_data || pending.next().is_some() {
        return Err(Unsupported("a sheet without its cells"));
    }
    Ok((splices.apply(xml), existing))
}

type Pending<'f> = std::iter::Peekable<
    std::iter::Filter<
        std::collections::btree_map::Iter<'f, CellPos, Flag>,
        fn(&(&CellPos, &Flag)) -> bool,
    >,
>;

/// New `<row>`s for the flagged cells still pending in rows before `limit` (all when None),
/// which the file left out.
fn new_rows(
    pending: &mut Pending<'_>,
    limit: Option<u32>,
    sheet: &Sheet,
    p: &Patch<'_>,
    styles: &mut Styles<'_>,
) -> Result<String> {
    let mut out = String::new();
    while let Some((pos, _)) = pending.peek() {
        let r = pos.row;
        if limit.is_some_and(|limit| r >= limit) {
            break;
        }
        let _ = write!(out, "<row r=\"{}\">", r + 1);
        out.push_str(&new_cells(pending, |q| q.row == r, sheet, p, styles)?);
        out.push_str("</row>");
    }
    Ok(out)
}

/// New `<c>`s for the pending flagged cells while `which` holds.
fn new_cells(
    pending: &mut Pending<'_>,
    which: impl Fn(&CellPos) -> bool,
    sheet: &Sheet,
    p: &Patch<'_>,
    styles: &mut Styles<'_>,
) -> Result<String> {
    let mut out = String::new();
    while let Some((pos, flag)) = pending.next_if(|(q, _)| which(q)) {
        out.push_str(&cell_xml(*pos, None, flag, sheet, p, styles)?);
    }
    Ok(out)
}

/// A flagged cell written anew: a cell the file left out (`tag` None), or one whose value the
/// corrected copy replaces.
fn cell_xml(
    pos: CellPos,
    tag: Option<&BytesStart<'_>>,
    flag: &Flag,
    sheet: &Sheet,
    p: &Patch<'_>,
    styles: &mut Styles<'_>,
) -> Result<String> {
    let own = tag
        .and_then(|t| attr(t, "s"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let fix = flag
        .fix
        .and_then(|i| p.report.findings[i].replacement.as_ref());
    // A rate typed as text ("99.54%") that becomes a number keeps showing as a percentage.
    let percent = matches!(
        (fix, sheet.cell(pos).map(|c| &c.value)),
        (Some(Replacement::Number(_)), Some(CellValue::Text(t))) if t.trim_end().ends_with(['%', '％'])
    ) && styles.num_fmt_of(own) == 0;
    let s = styles.marked(own, flag.mark(p.report), percent);
    Ok(match fix {
        Some(Replacement::Number(d)) => format!("<c r=\"{pos}\" s=\"{s}\"><v>{d}</v></c>"),
        Some(Replacement::Text(t)) => format!(
            "<c r=\"{pos}\" s=\"{s}\" t=\"inlineStr\"><is>{}</is></c>",
            t_element(t)
        ),
        None => format!("<c r=\"{pos}\" s=\"{s}\"/>"),
    })
}

// ---------------------------------------------------------------------------------------------
// Notes: a comments part and its VML drawing per sheet.

/// The shape-id blocks `notes` notes take from `first` on, as an idmap's `data` lists them,
/// and the first block after them.
fn vml_blocks(first: u32, notes: usize) -> (String, u32) {
    // Ids start at block × 1024 + 1.
    let n = ((notes + 1).div_ceil(1024).max(1)) as u32;
    let list: Vec<String> = (first..first + n).map(|b| b.to_string()).collect();
    (list.join(","), first + n)
}

/// One note as a comment's rich-text run.
fn note_run(text: &str) -> String {
    format!(
        "<r><rPr><sz val=\"8\"/><color indexed=\"81\"/><rFont val=\"Tahoma\"/><family val=\"2\"/></rPr>{}</r>",
        t_element(text)
    )
}

/// The sheet's own comments part with jixiao as one more author and the notes added: a note on
/// a cell that already has a comment goes after its text. Returns the part and those cells.
fn merge_comments(xml: &[u8], notes: &[(CellPos, String)]) -> Result<(Vec<u8>, Vec<CellPos>)> {
    let mut spans = Spans::new(xml);
    let mut splices = Splices::default();
    let mut authors = 0usize;
    let mut authors_at = None;
    let mut list_at = None;
    let mut current: Option<&String> = None;
    let mut noted = Vec::new();
    loop {
        let (event, range, depth) = spans.next()?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name();
                match (depth, name.as_ref()) {
                    (0, "comments") => check_root(e, MAIN_NS)?,
                    (0, _) => return Err(Unsupported("not a comments part")),
                    (1, "authors") if empty => {
                        authors_at = Some(range.clone());
                    }
                    (2, "author") => authors += 1,
                    (1, "commentList") if empty => list_at = Some(range.clone()),
                    (2, "comment") => {
                        let pos = attr(e, "ref").and_then(|r| CellPos::parse_a1(r.trim()));
                        current = notes
                            .iter()
                            .find(|(p, _)| Some(*p) == pos)
                            .map(|(p, text)| {
                                noted.push(*p);
                                text
                            });
                    }
                    (4, "rPh" | "phoneticPr") if current.is_some() => {
                        return Err(Unsupported("a comment with phonetic text"));
                    }
                    // Plain text becomes a run, so that the note's run joins runs only.
                    (4, "t") if current.is_some() => {
                        splices.put(range.start..range.start, "<r>".to_string());
                        if empty {
                            splices.put(range.end..range.end, "</r>".to_string());
                        }
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => match (depth, e.local_name().as_ref()) {
                (4, "t") if current.is_some() => {
                    splices.put(range.end..range.end, "</r>".to_string());
                }
                (1, "authors") => authors_at = Some(range.start..range.start),
                (1, "commentList") => list_at = Some(range.start..range.start),
                (3, "text") => {
                    if let Some(text) = current.take() {
                        splices.put(range.start..range.start, note_run(&format!("\n\n{text}")));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let (Some(authors_at), Some(list_at)) = (authors_at, list_at) else {
        return Err(Unsupported("a comments part without authors or list"));
    };
    let author = "<author>jixiao</author>".to_string();
    splices.put(
        authors_at.clone(),
        if authors_at.is_empty() {
            author
        } else {
            format!("<authors>{author}</authors>")
        },
    );
    let mut added = String::new();
    for (pos, text) in notes.iter().filter(|(p, _)| !noted.contains(p)) {
        let _ = write!(
            added,
            "<comment ref=\"{pos}\" authorId=\"{authors}\"><text>{}</text></comment>",
            note_run(text)
        );
    }
    splices.put(
        list_at.clone(),
        if list_at.is_empty() {
            added
        } else {
            format!("<commentList>{added}</commentList>")
        },
    );
    Ok((splices.apply(xml), noted))
}

/// The sheet's own VML drawing with shapes for `notes` added, in shape-id block `block`.
fn add_shapes(
    vml: &[u8],
    sheet: &Sheet,
    notes: &[(CellPos, String)],
    block: u32,
) -> Result<Vec<u8>> {
    if notes.is_empty() {
        return Ok(vml.to_vec());
    }
    for ns in [
        &b"xmlns:v=\"urn:schemas-microsoft-com:vml\""[..],
        b"xmlns:o=\"urn:schemas-microsoft-com:office:office\"",
        b"xmlns:x=\"urn:schemas-microsoft-com:office:excel\"",
    ] {
        if memchr::memmem::find(vml, ns).is_none() {
            return Err(Unsupported("a drawing with other VML prefixes"));
        }
    }
    let idmap =
        memchr::memmem::find(vml, b"<o:idmap").ok_or(Unsupported("a drawing without an idmap"))?;
    let data = memchr::memmem::find(&vml[idmap..], b"data=\"")
        .map(|at| idmap + at + 6)
        .ok_or(Unsupported("a drawing without an idmap"))?;
    let data_end = vml[data..]
        .iter()
        .position(|&b| b == b'"')
        .map(|at| data + at)
        .ok_or(Unsupported("malformed VML"))?;
    let close = memchr::memmem::rfind(vml, b"</xml>").ok_or(Unsupported("malformed VML"))?;
    if close < data_end {
        return Err(Unsupported("malformed VML"));
    }
    let mut splices = Splices::default();
    splices.put(
        data_end..data_end,
        format!(",{}", vml_blocks(block, notes.len()).0),
    );
    splices.put(
        close..close,
        vml_shapes(sheet, notes, block, "_jixiao_t202"),
    );
    Ok(splices.apply(vml))
}

fn comments_xml(notes: &[(CellPos, String)]) -> String {
    let mut out = format!(
        "{XML_HEAD}<comments xmlns=\"{MAIN_NS}\"><authors><author>jixiao</author></authors><commentList>"
    );
    for (pos, text) in notes {
        let _ = write!(
            out,
            "<comment ref=\"{pos}\" authorId=\"0\"><text><r><rPr><sz val=\"8\"/><color indexed=\"81\"/>\
             <rFont val=\"Tahoma\"/><family val=\"2\"/></rPr>{}</r></text></comment>",
            t_element(text)
        );
    }
    out.push_str("</commentList></comments>");
    out
}

/// Pixel width of a column as Excel draws it.
fn col_px(sheet: &Sheet, col: u32) -> u32 {
    let width = sheet.col_widths.get(&col).copied().unwrap_or(8.43);
    if width <= 0.0 {
        0
    } else if width < 1.0 {
        (width * 12.0 + 0.5) as u32
    } else {
        (width * 7.0 + 0.5) as u32 + 5
    }
}

fn row_px(sheet: &Sheet, row: u32) -> u32 {
    let height = sheet.row_heights.get(&row).copied().unwrap_or(15.0);
    (height.max(0.0) * 4.0 / 3.0).round() as u32
}

/// The cell and offset where a distance in pixels from the start of `first` ends.
fn walk(mut at: u32, mut px: u32, size: impl Fn(u32) -> u32, last: u32) -> (u32, u32) {
    while at < last {
        let s = size(at);
        if px < s.max(1) {
            break;
        }
        px -= s;
        at += 1;
    }
    (at, px)
}

fn vml_xml(sheet: &Sheet, notes: &[(CellPos, String)], block: u32) -> String {
    format!(
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" \
         xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\">\
         <o:idmap v:ext=\"edit\" data=\"{}\"/></o:shapelayout>{}</xml>",
        vml_blocks(block, notes.len()).0,
        vml_shapes(sheet, notes, block, "_x0000_t202")
    )
}

/// A note shape type (named `type_id`) and one hidden note shape per note.
fn vml_shapes(sheet: &Sheet, notes: &[(CellPos, String)], block: u32, type_id: &str) -> String {
    let mut out = format!(
        "<v:shapetype id=\"{type_id}\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\">\
         <v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>"
    );
    let cols = |c: u32| col_px(sheet, c);
    let rows = |r: u32| row_px(sheet, r);
    for (k, (pos, text)) in notes.iter().enumerate() {
        let (width, height) = note_size(text);
        // Like Excel: one column right of the cell, starting a row above it.
        let (col, x) = ((pos.col + 1).min(16_383), 15);
        let (row, y) = (pos.row.saturating_sub(1), 10);
        let left: u32 = (0..col).map(cols).sum::<u32>() + x;
        let top: u32 = (0..row).map(rows).sum::<u32>() + y;
        let (end_col, end_x) = walk(col, x + width, cols, 16_383);
        let (end_row, end_y) = walk(row, y + height, rows, 1_048_575);
        let _ = write!(
            out,
            "<v:shape id=\"_x0000_s{id}\" type=\"#{type_id}\" style=\"position:absolute;margin-left:{ml}pt;\
             margin-top:{mt}pt;width:{w}pt;height:{h}pt;z-index:{z};visibility:hidden\" fillcolor=\"#ffffe1\" \
             o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/>\
             <v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div>\
             </v:textbox><x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/>\
             <x:Anchor>{col}, {x}, {row}, {y}, {end_col}, {end_x}, {end_row}, {end_y}</x:Anchor>\
             <x:AutoFill>False</x:AutoFill><x:Row>{r}</x:Row><x:Column>{c}</x:Column></x:ClientData></v:shape>",
            id = block as u64 * 1024 + 1 + k as u64,
            ml = left as f64 * 0.75,
            mt = top as f64 * 0.75,
            w = width as f64 * 0.75,
            h = height as f64 * 0.75,
            z = k + 1,
            r = pos.row,
            c = pos.col,
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The summary sheet.

/// A UI column width (characters) as the file stores it.
fn file_width(ui: f64) -> f64 {
    let px = if ui < 1.0 {
        (ui * 12.0 + 0.5).floor()
    } else {
        (ui * 7.0 + 0.5).floor() + 5.0
    };
    ((px / 7.0) * 256.0).trunc() / 256.0
}

fn summary_xml(summary: &SummarySheet, styles: &mut Styles<'_>) -> String {
    let top = TABLE_HEADER_ROW + 2;
    let last_col = CellPos::column_letters(u32::from(summary.last_col));
    let mut out = format!(
        "{XML_HEAD}<worksheet xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>\
         <sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\"><pane ySplit=\"{ys}\" topLeftCell=\"A{top}\" \
         activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A{top}\" sqref=\"A{top}\"/>\
         </sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><cols>",
        ys = TABLE_HEADER_ROW + 1,
    );
    for (c, &w) in summary.col_widths.iter().enumerate() {
        let _ = write!(
            out,
            "<col min=\"{n}\" max=\"{n}\" width=\"{}\" customWidth=\"1\"/>",
            file_width(w),
            n = c + 1
        );
    }
    out.push_str("</cols><sheetData>");
    let heights: HashMap<u32, f64> = summary.row_heights.iter().copied().collect();
    let mut links = String::new();
    let mut cells = summary.cells.iter().peekable();
    while let Some(first) = cells.peek() {
        let r = first.row;
        match heights.get(&r) {
            Some(h) => {
                let _ = write!(out, "<row r=\"{}\" ht=\"{h}\" customHeight=\"1\">", r + 1);
            }
            None => {
                let _ = write!(out, "<row r=\"{}\">", r + 1);
            }
        }
        while let Some(e) = cells.next_if(|e| e.row == r) {
            let pos = CellPos::new(e.row, u32::from(e.col));
            let s = styles.look(e.look);
            let s = if s == 0 {
                String::new()
            } else {
                format!(" s=\"{s}\"")
            };
            match &e.value {
                Value::Number(n) => {
                    let _ = write!(out, "<c r=\"{pos}\"{s}><v>{n}</v></c>");
                }
                Value::Text(t) => {
                    let _ = write!(
                        out,
                        "<c r=\"{pos}\"{s} t=\"inlineStr\"><is>{}</is></c>",
                        t_element(t)
                    );
                }
                Value::Link { text, location } => {
                    let _ = write!(
                        out,
                        "<c r=\"{pos}\"{s} t=\"inlineStr\"><is>{}</is></c>",
                        t_element(text)
                    );
                    let _ = write!(
                        links,
                        "<hyperlink ref=\"{pos}\" location=\"{}\" display=\"{}\"/>",
                        esc(location),
                        esc(text)
                    );
                }
            }
        }
        out.push_str("</row>");
    }
    let _ = write!(
        out,
        "</sheetData><autoFilter ref=\"A{}:{last_col}{}\"/>",
        TABLE_HEADER_ROW + 1,
        summary.last_row + 1
    );
    if !links.is_empty() {
        let _ = write!(out, "<hyperlinks>{links}</hyperlinks>");
    }
    out.push_str(
        "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>\
         <pageSetup paperSize=\"9\" orientation=\"landscape\" fitToHeight=\"0\"/></worksheet>",
    );
    out
}

// ---------------------------------------------------------------------------------------------
// workbook.xml, content types, custom properties.

/// Elements of a workbook that come after `<definedNames>`.
const AFTER_DEFINED_NAMES: [&str; 10] = [
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
];

fn patch_workbook(xml: &[u8], p: &Patch<'_>, rid: &str) -> Result<Vec<u8>> {
    let mut spans = Spans::new(xml);
    let mut splices = Splices::default();
    let mut prefix = None;
    let mut sheets_open = None;
    let mut max_id = 0u32;
    let mut names_done = false;
    let mut names_at = None;
    let mut calc_seen = false;
    let summary_name = &p.names.summary;
    let filter = format!(
        "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">'{}'!$A${}:${}${}</definedName>",
        esc(&summary_name.replace('\'', "''")),
        TABLE_HEADER_ROW + 1,
        CellPos::column_letters(u32::from(p.summary.last_col)),
        p.summary.last_row + 1
    );
    loop {
        let (event, range, depth) = spans.next()?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name();
                let name = name.as_ref();
                match (depth, name) {
                    (0, "workbook") => {
                        check_root(e, MAIN_NS)?;
                        prefix = rel_prefix(e);
                    }
                    (0, _) => return Err(Unsupported("not a workbook")),
                    (1, "sheets") if !empty => sheets_open = Some(range.end),
                    (1, "sheets") => return Err(Unsupported("a workbook without sheets")),
                    (2, "sheet") => {
                        if let Some(id) = attr(e, "sheetId").and_then(|v| v.parse::<u32>().ok()) {
                            max_id = max_id.max(id);
                        }
                        // Chart and dialog sheets are not among the workbook's worksheets.
                        if attr(e, "name")
                            .is_some_and(|n| n.to_lowercase() == summary_name.to_lowercase())
                        {
                            return Err(Unsupported("a sheet has the summary's name"));
                        }
                    }
                    (2, "workbookView") => {
                        splices.put(
                            range.clone(),
                            rewrite_tag(e, empty, &[("activeTab", None), ("firstSheet", None)]),
                        );
                    }
                    (1, "definedNames") => {
                        names_done = true;
                        if empty {
                            splices.put(
                                range.clone(),
                                format!("<definedNames>{filter}</definedNames>"),
                            );
                        } else {
                            splices.put(range.end..range.end, filter.clone());
                        }
                    }
                    (2, "definedName") => {
                        if let Some(id) =
                            attr(e, "localSheetId").and_then(|v| v.parse::<u32>().ok())
                        {
                            let id = (id + 1).to_string();
                            splices.put(
                                range.clone(),
                                rewrite_tag(e, empty, &[("localSheetId", Some(&id))]),
                            );
                        }
                    }
                    // The corrected copy's values feed formulas: have them recalculated on opening.
                    (1, "calcPr") if p.mode == Mode::Corrected => {
                        calc_seen = true;
                        names_at = names_at.or(Some(range.start));
                        splices.put(
                            range.clone(),
                            rewrite_tag(e, empty, &[("fullCalcOnLoad", Some("1"))]),
                        );
                    }
                    (1, n) if names_at.is_none() && AFTER_DEFINED_NAMES.contains(&n) => {
                        names_at = Some(range.start);
                    }
                    _ => {}
                }
            }
            Event::End(ref e)
                if depth == 0 && e.local_name().as_ref() == "workbook" && names_at.is_none() =>
            {
                names_at = Some(range.start);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let at = sheets_open.ok_or(Unsupported("a workbook without sheets"))?;
    splices.put(
        at..at,
        format!(
            "<sheet name=\"{}\" sheetId=\"{}\" {}/>",
            esc(summary_name),
            max_id
                .checked_add(1)
                .ok_or(Unsupported("a sheet id out of range"))?,
            rid_attr(prefix.as_deref(), rid)
        ),
    );
    let at = names_at.ok_or(Unsupported("malformed workbook"))?;
    if !names_done {
        splices.put(at..at, format!("<definedNames>{filter}</definedNames>"));
    }
    if p.mode == Mode::Corrected && !calc_seen {
        // calcPr is the first element after definedNames.
        splices.put(at..at, "<calcPr fullCalcOnLoad=\"1\"/>".to_string());
    }
    Ok(splices.apply(xml))
}

fn patch_content_types(
    xml: &[u8],
    parts: &[(String, &str)],
    dropped: Option<&str>,
) -> Result<Vec<u8>> {
    let xml = match dropped {
        Some(part) => Cow::Owned(remove_elements(xml, "Override", "PartName", part)?),
        None => Cow::Borrowed(xml),
    };
    let mut spans = Spans::new(&xml);
    loop {
        match spans.next()? {
            (Event::Start(e) | Event::Empty(e), _, _) if e.local_name().as_ref() == "Override" => {
                let named = attr(&e, "PartName").unwrap_or_default();
                let named = named.trim_start_matches('/');
                if parts.iter().any(|(p, _)| p.eq_ignore_ascii_case(named)) {
                    return Err(Unsupported("a content type for a part jixiao adds"));
                }
            }
            (Event::Eof, _, _) => break,
            _ => {}
        }
    }
    let mut added = String::new();
    for (part, content_type) in parts {
        let _ = write!(
            added,
            "<Override PartName=\"/{}\" ContentType=\"{content_type}\"/>",
            esc(part)
        );
    }
    insert_before_close(&xml, "</Types>", &added)
}

/// Custom properties with jixiao's mark (and version) added.
fn add_mark(xml: &[u8], mode: Mode) -> Result<Vec<u8>> {
    let mut spans = Spans::new(xml);
    let mut max_pid = 1u32;
    loop {
        match spans.next()? {
            (Event::Start(e) | Event::Empty(e), _, _) if e.local_name().as_ref() == "property" => {
                if attr(&e, "name").is_some_and(|n| n == MARK_PROPERTY || n == "jixiao-version") {
                    return Err(Unsupported("the file already carries jixiao's mark"));
                }
                if let Some(pid) = attr(&e, "pid").and_then(|v| v.parse::<u32>().ok()) {
                    max_pid = max_pid.max(pid);
                }
            }
            (Event::Eof, _, _) => break,
            _ => {}
        }
    }
    let property = |pid: u32, name: &str, value: &str| {
        format!(
            "<property fmtid=\"{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}\" pid=\"{pid}\" name=\"{name}\">\
             <jxvt:lpwstr xmlns:jxvt=\"{VT_NS}\">{value}</jxvt:lpwstr></property>"
        )
    };
    // Property ids are xsd:int.
    if max_pid > i32::MAX as u32 - 2 {
        return Err(Unsupported("a property id out of range"));
    }
    let added = property(max_pid + 1, MARK_PROPERTY, mode.suffix())
        + &property(max_pid + 2, "jixiao-version", env!("CARGO_PKG_VERSION"));
    insert_before_close(xml, "</Properties>", &added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_selected_is_taken_off_the_views_only() {
        let xml = br#"<worksheet><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t> tabSelected="1"</t></is></c></row></sheetData></worksheet>"#;
        let out = without_tab_selected(xml);
        let out = std::str::from_utf8(&out).unwrap();
        assert!(out.contains(r#"<sheetView workbookViewId="0"/>"#), "{out}");
        assert!(
            out.contains(r#"<t> tabSelected="1"</t>"#),
            "cell text is left alone: {out}"
        );
        let plain = br#"<worksheet><sheetData/></worksheet>"#;
        assert!(matches!(without_tab_selected(plain), Cow::Borrowed(_)));
    }

    #[test]
    fn styles_grow_lists_that_were_empty_or_missing() {
        let xml = format!(
            r#"<styleSheet xmlns="{MAIN_NS}"><numFmts count="0"/><fonts count="1"><font><sz val="11"/><color theme="1"/><name val="宋体"/></font></fonts><fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/><xf numFmtId="10" fontId="0" fillId="0" borderId="0"><alignment wrapText="1"/></xf></cellXfs></styleSheet>"#
        );
        let mut styles = Styles::parse(xml.as_bytes()).unwrap();
        assert_eq!(styles.num_fmt_of(1), 10);
        let marked = styles.marked(1, Mark::Flag(crate::model::Severity::Error), false);
        assert_eq!(marked, 2);
        assert_eq!(styles.look(Look::Score(3)), 3);
        assert_eq!(styles.look(Look::Link), 4);
        let out = String::from_utf8(styles.finish()).unwrap();
        assert!(
            out.contains(
                r#"<numFmts count="1"><numFmt numFmtId="164" formatCode="0.000"/></numFmts>"#
            ),
            "{out}"
        );
        assert!(out.contains(r#"<cellXfs count="5">"#), "{out}");
        assert!(out.contains(r#"<xf numFmtId="10" fontId="0" fillId="2" borderId="0" applyFill="1"><alignment wrapText="1"/></xf>"#), "{out}");
        // The link font is the default font, underlined and blue instead of its theme colour.
        assert!(
            out.contains(
                r#"<font><u/><color rgb="FF0563C1"/><sz val="11"/><name val="宋体"/></font>"#
            ),
            "{out}"
        );
        assert!(out.contains(r#"<fills count="3">"#), "{out}");

        let missing = xml.replace(r#"<numFmts count="0"/>"#, "");
        let mut styles = Styles::parse(missing.as_bytes()).unwrap();
        styles.look(Look::Score(1));
        let out = String::from_utf8(styles.finish()).unwrap();
        assert!(
            out.contains(
                r#"<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts><fonts"#
            ),
            "{out}"
        );
    }

    #[test]
    fn what_is_not_patched_says_why() {
        let prefixed = format!(r#"<x:styleSheet xmlns:x="{MAIN_NS}"><x:fonts/></x:styleSheet>"#);
        let err = Styles::parse(prefixed.as_bytes()).err().unwrap();
        assert_eq!(err.0, "prefixed XML");
        let strict = r#"<styleSheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"/>"#;
        assert_eq!(
            Styles::parse(strict.as_bytes()).err().unwrap().0,
            "unexpected namespace"
        );
        assert_eq!(
            Styles::parse(b"<styleSheet").err().unwrap().0,
            "malformed XML"
        );
    }

    #[test]
    fn notes_take_as_many_id_blocks_as_they_need() {
        assert_eq!(vml_blocks(1, 0), ("1".to_string(), 2));
        assert_eq!(vml_blocks(1, 1023), ("1".to_string(), 2));
        assert_eq!(vml_blocks(3, 1024), ("3,4".to_string(), 5));
        let sheet = Sheet::default();
        let notes: Vec<(CellPos, String)> = (0..1100)
            .map(|r| (CellPos::new(r, 0), "x".to_string()))
            .collect();
        let vml = vml_xml(&sheet, &notes, 1);
        assert!(vml.contains(r#"data="1,2""#));
        // The last shape's id lies in the second block.
        assert!(vml.contains(&format!("_x0000_s{}\"", 1024 + 1100)));
    }

    #[test]
    fn only_a_sheet_that_may_be_selected_is_read_whole() {
        assert!(!may_be_selected(
            b"<worksheet><sheetViews><sheetView workbookViewId=\"0\"/></sheetViews><sheetData>"
        ));
        assert!(may_be_selected(
            b"<worksheet><sheetViews><sheetView tabSelected=\"1\"/></sheetViews><sheetData>"
        ));
        // Cells not reached yet: anything may come.
        assert!(may_be_selected(b"<worksheet><cols><col min=\"1\""));
        assert!(!may_be_selected(
            b"<worksheet><sheetData/><x tabSelected=\"1\"/>"
        ));
    }

    #[test]
    fn tab_selected_goes_however_it_is_quoted() {
        let xml = br#"<worksheet><sheetViews><sheetView tabSelected='1' workbookViewId="0"></sheetView></sheetViews><sheetData/></worksheet>"#;
        let out = without_tab_selected(xml);
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            r#"<worksheet><sheetViews><sheetView workbookViewId="0"></sheetView></sheetViews><sheetData/></worksheet>"#
        );
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(esc("x\u{1}y\tz"), "x_x0001_y\tz");
        assert!(matches!(esc("普通文字"), Cow::Borrowed(_)));
        assert_eq!(
            t_element(" 前后有空格 "),
            "<t xml:space=\"preserve\"> 前后有空格 </t>"
        );
    }
}
