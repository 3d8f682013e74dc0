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

mod comments;
mod package;
mod sheet;
mod styles;
mod summary;
mod workbook;
mod xml;

use std::borrow::Cow;
use std::fmt::Write as _;

use super::notes::note_text;
use super::plan::{in_limits, CopyPlan};
use crate::model::CellPos;
use crate::read::geometry::{relationships, resolve, sheets_of_workbook};
use comments::{add_shapes, comments_xml, merge_comments, vml_blocks, vml_xml};
use package::{fresh_id, rels_done, rels_part_of, split_part, Edits, Parts};
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

/// Why a package is rebuilt rather than patched.
#[derive(Debug)]
pub(super) struct Unsupported(#[allow(dead_code)] pub &'static str);

type Result<T> = std::result::Result<T, Unsupported>;

/// The copy of `package` (the xlsx file's bytes) that `patch` describes.
pub(super) fn patch(package: &crate::model::Package, p: &CopyPlan<'_>) -> Result<Vec<u8>> {
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
            .filter(|(pos, _)| in_limits(**pos))
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
