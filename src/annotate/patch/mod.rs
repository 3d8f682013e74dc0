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
//! - the `jixiao` custom property that marks the file as jixiao's (in a corrected copy also
//!   one property per change);
//!
//! The clean corrected copy writes only the corrected cells' values (with their own style, a
//! percentage format added where a rate typed as text becomes a number), the custom
//! properties, `fullCalcOnLoad` and the dropped calcChain: no fills, notes or summary sheet.
//! - `calcChain.xml` is dropped (Excel rebuilds it).
//!
//! Whatever this does not handle returns [`Unsupported`] and the copy is rebuilt instead:
//! threaded comments or a drawing it cannot extend on a flagged sheet, prefixed or strict
//! XML, cells or rows without `r`, a fix over a shared or array formula's master cell, and
//! the like.

mod comments;
mod package;
mod sheet;
mod styles;
mod summary;
mod unsupported;
mod workbook;
mod xml;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::notes::note_text;
use super::plan::{in_limits, CopyPlan, Flag};
use crate::model::{CellPos, Sheet};
use crate::ooxml::{
    relationships, rels_part_of, resolve, sheets_of_workbook, split_part, workbook_target,
};
use comments::{add_shapes, comments_xml, merge_comments, vml_blocks, vml_xml};
use package::{fresh_id, rels_done, Edits, Parts};
use sheet::{may_be_selected, patch_sheet, without_tab_selected, SHEET_HEAD};
use styles::Styles;
use summary::summary_xml;
use workbook::{add_mark, patch_content_types, patch_workbook};
use xml::{esc, insert_before_close, remove_elements};

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

pub(in crate::annotate) use unsupported::Unsupported;

type Result<T> = std::result::Result<T, Unsupported>;

/// The copy of `package` (the xlsx file's bytes) that `patch` describes.
pub(super) fn patch(package: &crate::model::Package, p: &CopyPlan<'_>) -> Result<Vec<u8>> {
    if p.names
        .sheets
        .iter()
        .zip(&p.wb.sheets)
        .any(|(n, s)| *n != s.name)
    {
        return Err(Unsupported::SheetNames);
    }
    let mut pkg = Parts::open(package)?;
    let book = Book::find(&mut pkg)?;
    let styles_index = pkg.index(&book.styles_part)?;
    let styles_xml = pkg.read(styles_index)?;
    let mut styles = Styles::parse(&styles_xml)?;

    // New part names, checked free; the clean corrected copy has no summary sheet.
    let summary_part = match p.mode.marks() {
        true => Some(pkg.free(format!("{}/worksheets/jixiao-summary.xml", book.dir))?),
        false => None,
    };
    let vml_block = pkg.next_vml_block()?;
    let mut w = Work {
        pkg,
        edits: Edits::default(),
        content_types: summary_part
            .iter()
            .map(|part| (part.clone(), CT_WORKSHEET))
            .collect(),
        vml_block,
    };
    mark_sheets(&mut w, &book, p, &mut styles)?;
    if let Some(part) = &summary_part {
        w.edits.add(
            part.clone(),
            summary_xml(p.summary, &mut styles).into_bytes(),
        );
    }
    w.edits.replace(styles_index, styles.finish());
    let dropped_part = patch_book(&mut w, &book, p, summary_part.as_deref())?;
    add_custom_mark(&mut w, &book, p)?;

    let ct_index = w.pkg.index("[Content_Types].xml")?;
    let ct_xml = w.pkg.read(ct_index)?;
    w.edits.replace(
        ct_index,
        patch_content_types(&ct_xml, &w.content_types, dropped_part.as_deref())?,
    );
    w.pkg.write(w.edits)
}

/// The package being patched, the edits made so far, the content types of the parts added and
/// the next free VML shape-id block.
struct Work<'a> {
    pkg: Parts<'a>,
    edits: Edits,
    content_types: Vec<(String, &'static str)>,
    vml_block: u32,
}

/// The package's root relationships, its workbook part with its relationships, the worksheets
/// (name, part) and the styles part.
struct Book {
    root_rels_index: usize,
    root_rels_xml: Vec<u8>,
    root_rels: Vec<(String, String, String)>,
    /// The workbook part's folder (`xl`).
    dir: String,
    index: usize,
    xml: Vec<u8>,
    rels_index: usize,
    rels_xml: Vec<u8>,
    rels: Vec<(String, String, String)>,
    sheet_parts: Vec<(String, String)>,
    styles_part: String,
}

impl Book {
    fn find(pkg: &mut Parts<'_>) -> Result<Book> {
        let root_rels_index = pkg.index("_rels/.rels")?;
        let root_rels_xml = pkg.read(root_rels_index)?;
        let root_rels = relationships(&root_rels_xml);
        let workbook_part = workbook_target(&root_rels).ok_or(Unsupported::MissingPart)?;
        let (dir, file) = split_part(&workbook_part);
        let index = pkg.index(&workbook_part)?;
        let xml = pkg.read(index)?;
        let rels_index = pkg.index(&rels_part_of(dir, file))?;
        let rels_xml = pkg.read(rels_index)?;
        let rels = relationships(&rels_xml);
        let target_of = |rid: &str| {
            rels.iter()
                .find(|(id, _, _)| id == rid)
                .map(|(_, _, t)| resolve(dir, t))
        };
        let sheet_parts = sheets_of_workbook(&xml)
            .into_iter()
            .filter_map(|(name, rid)| target_of(&rid).map(|part| (name, part)))
            .collect();
        let styles_part = rels
            .iter()
            .find(|(_, t, _)| t.ends_with("/styles"))
            .map(|(_, _, t)| resolve(dir, t))
            .ok_or(Unsupported::MissingPart)?;
        Ok(Book {
            root_rels_index,
            root_rels_xml,
            root_rels,
            dir: dir.to_string(),
            index,
            xml,
            rels_index,
            rels_xml,
            rels,
            sheet_parts,
            styles_part,
        })
    }
}

/// Flagged sheets get their cells marked and notes; every sheet loses `tabSelected`.
fn mark_sheets(
    w: &mut Work<'_>,
    book: &Book,
    p: &CopyPlan<'_>,
    styles: &mut Styles<'_>,
) -> Result<()> {
    let mut notes_made = 0;
    let flagged_sheets = p.flags.values().filter(|f| !f.is_empty()).count();
    for (name, part) in &book.sheet_parts {
        let Ok(index) = w.pkg.index(part) else {
            continue;
        };
        let sheet_index = p.wb.sheets.iter().position(|s| &s.name == name);
        let flags = sheet_index
            .and_then(|i| p.flags.get(&i))
            .filter(|f| !f.is_empty());
        // A sheet with nothing flagged is read whole only if its views may be selected, and
        // then only to give the summary the selection.
        if flags.is_none() && (!p.mode.marks() || !may_be_selected(&w.pkg.head(index, SHEET_HEAD)?))
        {
            continue;
        }
        let xml = w.pkg.read(index)?;
        let unselected = match p.mode.marks() {
            true => without_tab_selected(&xml),
            false => Cow::Borrowed(&xml[..]),
        };
        let Some(flags) = flags else {
            if let Cow::Owned(bytes) = unselected {
                w.edits.replace(index, bytes);
            }
            continue;
        };
        notes_made += 1;
        let flagged = Flagged {
            part,
            index,
            xml: &unselected,
            sheet: &p.wb.sheets[sheet_index.unwrap_or_default()],
            flags,
            number: notes_made,
        };
        mark_sheet(w, book, p, styles, &flagged)?;
    }
    if notes_made < flagged_sheets {
        return Err(Unsupported::MissingPart);
    }
    Ok(())
}

/// A sheet with flagged cells: its part, entry and XML (without `tabSelected`), the sheet, its
/// flags, and its number among the flagged sheets.
struct Flagged<'s> {
    part: &'s str,
    index: usize,
    xml: &'s [u8],
    sheet: &'s Sheet,
    flags: &'s BTreeMap<CellPos, Flag>,
    number: usize,
}

/// Marks one flagged sheet's cells and gives it the notes: a new comments part and drawing, or
/// the sheet's own extended.
fn mark_sheet(
    w: &mut Work<'_>,
    book: &Book,
    p: &CopyPlan<'_>,
    styles: &mut Styles<'_>,
    s: &Flagged<'_>,
) -> Result<()> {
    let comments_part = w
        .pkg
        .free(format!("{}/jixiao-comments{}.xml", book.dir, s.number))?;
    let vml_part = w.pkg.free(format!(
        "{}/drawings/jixiao-vmlDrawing{}.vml",
        book.dir, s.number
    ))?;
    let (sheet_dir, sheet_file) = split_part(s.part);
    let rels_part = rels_part_of(sheet_dir, sheet_file);
    let (rels_xml, rels_index) = match w.pkg.find(&rels_part) {
        Some(i) => (Some(w.pkg.read(i)?), Some(i)),
        None => (None, None),
    };
    let rels = rels_xml.as_deref().map(relationships).unwrap_or_default();
    let vml_rid = fresh_id(&rels, "rIdJixiaoVml");
    let comments_rid = fresh_id(&rels, "rIdJixiaoNotes");

    let (patched, existing) = patch_sheet(s.xml, s.sheet, s.flags, p, styles, &vml_rid)?;
    w.edits.replace(s.index, patched);
    if !p.mode.marks() {
        return Ok(());
    }
    let notes: Vec<(CellPos, String)> = s
        .flags
        .iter()
        .filter(|(pos, _)| in_limits(**pos))
        .map(|(pos, flag)| (*pos, note_text(flag, s.sheet.cell(*pos), p)))
        .collect();
    let mut new_rels = String::new();
    match existing {
        None => {
            let _ = write!(
                new_rels,
                "<Relationship Id=\"{vml_rid}\" Type=\"{REL_NS}/vmlDrawing\" Target=\"/{}\"/>",
                esc(&vml_part)
            );
            w.edits.add(
                vml_part.clone(),
                vml_xml(s.sheet, &notes, w.vml_block).into_bytes(),
            );
            w.vml_block = vml_blocks(w.vml_block, notes.len()).1;
            w.content_types.push((vml_part, CT_VML));
        }
        // The sheet's own notes stay; ours join them, in its comments part and drawing.
        Some(rid) => {
            if extend_own_notes(w, &rels, &rid, sheet_dir, s.sheet, &notes)? {
                return Ok(());
            }
        }
    }
    let _ = write!(
        new_rels,
        "<Relationship Id=\"{comments_rid}\" Type=\"{REL_NS}/comments\" Target=\"/{}\"/>",
        esc(&comments_part)
    );
    rels_done(&mut w.edits, rels_xml, rels_index, rels_part, &new_rels)?;
    w.edits
        .add(comments_part.clone(), comments_xml(&notes).into_bytes());
    w.content_types.push((comments_part, CT_COMMENTS));
    Ok(())
}

/// Adds `notes` to the sheet's own VML drawing (relationship `rid`) and to its comments part,
/// if it has one; returns whether it has.
fn extend_own_notes(
    w: &mut Work<'_>,
    rels: &[(String, String, String)],
    rid: &str,
    sheet_dir: &str,
    sheet: &Sheet,
    notes: &[(CellPos, String)],
) -> Result<bool> {
    if rels.iter().any(|(_, t, _)| t.ends_with("/threadedComment")) {
        return Err(Unsupported::ThreadedComments);
    }
    let drawing = rels
        .iter()
        .find(|(id, t, _)| *id == rid && t.ends_with("/vmlDrawing"))
        .map(|(_, _, target)| resolve(sheet_dir, target))
        .ok_or(Unsupported::Drawing)?;
    let own = rels
        .iter()
        .find(|(_, t, _)| t.ends_with("/comments"))
        .map(|(_, _, target)| resolve(sheet_dir, target));
    let noted: Vec<CellPos> = match &own {
        Some(part) => {
            let i = w.pkg.index(part)?;
            let xml = w.pkg.read(i)?;
            let (merged, noted) = merge_comments(&xml, notes)?;
            w.edits.replace(i, merged);
            noted
        }
        None => Vec::new(),
    };
    let i = w.pkg.index(&drawing)?;
    let vml = w.pkg.read(i)?;
    let fresh: Vec<(CellPos, String)> = notes
        .iter()
        .filter(|(pos, _)| !noted.contains(pos))
        .cloned()
        .collect();
    w.edits
        .replace(i, add_shapes(&vml, sheet, &fresh, w.vml_block)?);
    w.vml_block = vml_blocks(w.vml_block, fresh.len()).1;
    Ok(own.is_some())
}

/// The workbook with the summary sheet (part `summary_part`, if any) first and active, and
/// calcChain gone. Returns the part dropped.
fn patch_book(
    w: &mut Work<'_>,
    book: &Book,
    p: &CopyPlan<'_>,
    summary_part: Option<&str>,
) -> Result<Option<String>> {
    let summary_rid = fresh_id(&book.rels, "rIdJixiaoSummary");
    let summary = summary_part.map(|part| (part, summary_rid.as_str()));
    w.edits.replace(
        book.index,
        patch_workbook(&book.xml, p, summary.map(|(_, rid)| rid))?,
    );
    let mut rels = match summary {
        Some((part, rid)) => insert_before_close(
            &book.rels_xml,
            "</Relationships>",
            &format!(
                "<Relationship Id=\"{rid}\" Type=\"{REL_NS}/worksheet\" Target=\"/{}\"/>",
                esc(part)
            ),
        )?,
        None => book.rels_xml.clone(),
    };
    let calc_chain = book
        .rels
        .iter()
        .find(|(_, t, _)| t.ends_with("/calcChain"))
        .map(|(id, _, t)| (id.clone(), resolve(&book.dir, t)));
    let mut dropped_part = None;
    if let Some((id, part)) = calc_chain {
        rels = remove_elements(&rels, "Relationship", "Id", &id)?;
        if let Some(i) = w.pkg.find(&part) {
            w.edits.remove(i);
            dropped_part = Some(part);
        }
    }
    w.edits.replace(book.rels_index, rels);
    Ok(dropped_part)
}

/// The mark, in docProps/custom.xml.
fn add_custom_mark(w: &mut Work<'_>, book: &Book, p: &CopyPlan<'_>) -> Result<()> {
    let custom = book
        .root_rels
        .iter()
        .find(|(_, t, _)| t.ends_with("/custom-properties"))
        .map(|(_, _, t)| resolve("", t));
    if let Some(part) = custom {
        if !part.eq_ignore_ascii_case("docProps/custom.xml") {
            return Err(Unsupported::CustomProperties);
        }
        let i = w.pkg.index(&part)?;
        let xml = w.pkg.read(i)?;
        w.edits.replace(i, add_mark(&xml, p)?);
        return Ok(());
    }
    if w.pkg.find("docProps/custom.xml").is_some() {
        return Err(Unsupported::CustomProperties);
    }
    let id = fresh_id(&book.root_rels, "rIdJixiaoCustom");
    let rel = format!(
        "<Relationship Id=\"{id}\" Type=\"{REL_NS}/custom-properties\" Target=\"docProps/custom.xml\"/>"
    );
    w.edits.replace(
        book.root_rels_index,
        insert_before_close(&book.root_rels_xml, "</Relationships>", &rel)?,
    );
    let empty = format!(
        "{XML_HEAD}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" xmlns:vt=\"{VT_NS}\"></Properties>"
    );
    w.edits
        .add("docProps/custom.xml".into(), add_mark(empty.as_bytes(), p)?);
    w.content_types
        .push(("docProps/custom.xml".into(), CT_CUSTOM));
    Ok(())
}
