//! Column widths, row heights and merged ranges of an xlsx file.
//!
//! calamine reads values, formulas and styles but not the sheet geometry, so this module reads
//! `<cols><col min max width>`, `<row r ht>` and `<mergeCell ref>` straight from the package:
//! `_rels/.rels` → the workbook part → its rels → each sheet's XML part, one pass per sheet
//! that skips cell contents. It also notes whether a sheet has formulas at all, so the reader
//! can skip calamine's formula pass.
//!
//! Everything here is defensive: parts are read with size limits, counts are bounded, and any
//! error yields an empty (or partial) result instead of a panic or a failure. A sheet this
//! module cannot find gets its merged ranges from calamine instead.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read, Seek};

use quick_xml::events::Event;
use quick_xml::Reader;
use zip::ZipArchive;

use crate::model::{CellPos, CellRange, FileKind, Workbook};
use crate::ooxml::{
    attr, read_part, read_small, relationships, rels_part_of, resolve, sheets_of_workbook,
    split_part, workbook_target, MAX_LISTED_SHEETS,
};

/// Largest worksheet part read (uncompressed bytes).
const MAX_SHEET_PART: u64 = 512 * 1024 * 1024;
/// At most this many merged ranges are kept per sheet (the reader refuses far fewer).
const MAX_MERGES: usize = 1_000_000;
/// At most this many explicit row heights are kept per sheet.
const MAX_ROWS: usize = 200_000;
/// Excel's limits.
const MAX_ROW_INDEX: u32 = 1_048_576;
const MAX_COL_INDEX: u32 = 16_384;
/// Width in pixels of the widest digit of the default font (Calibri 11), and the cell padding.
const DIGIT_PX: f64 = 7.0;
const PADDING_PX: f64 = 5.0;

/// The geometry one worksheet states.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetGeometry {
    /// Zero-based column → width in Excel character units as the Excel UI shows it (8.43 is the
    /// default), i.e. the file's `width` attribute with the cell padding taken off.
    /// A hidden column has width 0.
    pub col_widths: BTreeMap<u32, f64>,
    /// Zero-based row → height in points. A hidden row has height 0.
    pub row_heights: BTreeMap<u32, f64>,
    /// `<sheetFormatPr defaultColWidth>` in the same units as `col_widths`: the width of every
    /// column the file does not list.
    pub default_col_width: Option<f64>,
    /// `<mergeCells>`, read in the same pass (so calamine need not read the sheet again).
    pub merged: Vec<CellRange>,
    /// Whether the part has an `<f>` tag anywhere (so the reader knows to look for formulas).
    pub has_formulas: bool,
}

/// The geometry of worksheet parts, by part name.
pub type ByPart = HashMap<String, SheetGeometry>;

/// Reads the column widths and row heights of every worksheet of an xlsx package, keyed by sheet
/// name. Returns an empty map when the bytes are not a readable xlsx package; a sheet whose part
/// cannot be read is left out.
pub fn read_xlsx_geometry(bytes: &[u8]) -> HashMap<String, SheetGeometry> {
    geometry_by_sheet(bytes, &ByPart::new())
}

/// As [`read_xlsx_geometry`], taking the geometry of the parts in `known` (read from the same
/// bytes, when sniffing sanitised them) instead of reading those parts again.
pub(super) fn geometry_by_sheet(bytes: &[u8], known: &ByPart) -> HashMap<String, SheetGeometry> {
    let Ok(mut zip) = ZipArchive::new(Cursor::new(bytes)) else {
        return HashMap::new();
    };
    let mut out = HashMap::new();
    for (name, part) in sheet_parts(&mut zip).into_iter().take(MAX_LISTED_SHEETS) {
        if out.contains_key(&name) {
            continue;
        }
        let geometry = match known.get(&part) {
            Some(g) if zip.index_for_name(&part).is_some() => Some(g.clone()),
            _ => read_part(&mut zip, &part, MAX_SHEET_PART).map(|xml| sheet_geometry(&xml)),
        };
        if let Some(geometry) = geometry {
            out.insert(name, geometry);
        }
    }
    out
}

/// Fills `Sheet::col_widths` and `Sheet::row_heights` of an xlsx workbook from the package bytes
/// it was read from (the reader calls this after calamine has read the cells). A sheet default
/// column width is spelled out for every column up to the last one in use. Sheets the package
/// states nothing for are left as they are; other kinds of workbook are not touched.
pub fn fill_geometry(wb: &mut Workbook, bytes: &[u8]) {
    if wb.kind != FileKind::Xlsx {
        return;
    }
    apply_geometry(wb, read_xlsx_geometry(bytes));
}

/// Fills the sheets' geometry from what [`read_xlsx_geometry`] read, by sheet name.
pub fn apply_geometry(wb: &mut Workbook, mut geometry: HashMap<String, SheetGeometry>) {
    for sheet in &mut wb.sheets {
        let Some(g) = geometry.remove(&sheet.name) else {
            continue;
        };
        sheet.col_widths = g.col_widths;
        sheet.row_heights = g.row_heights;
        if let Some(default) = g.default_col_width {
            let last_cell = sheet.cells.keys().map(|p| p.col).max();
            let last_merge = sheet.merged.iter().map(|m| m.last.col).max();
            if let Some(last) = last_cell.max(last_merge) {
                for col in 0..=last.min(MAX_COL_INDEX - 1) {
                    sheet.col_widths.entry(col).or_insert(default);
                }
            }
        }
    }
}

/// Converts a file's `<col width>` (characters of the widest digit, padding included) into the
/// character width the Excel UI shows, which is what `rust_xlsxwriter::Worksheet::set_column_width`
/// takes. Round-trips through rust_xlsxwriter to the same pixel width.
pub fn ui_width_from_file_width(file_width: f64) -> f64 {
    if !file_width.is_finite() || file_width <= 0.0 {
        return 0.0;
    }
    let pixels = (file_width.min(255.0) * DIGIT_PX).round();
    if pixels < DIGIT_PX + PADDING_PX {
        pixels / (DIGIT_PX + PADDING_PX)
    } else {
        (pixels - PADDING_PX) / DIGIT_PX
    }
}

/// (sheet name, zip part path) in workbook order.
fn sheet_parts<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Vec<(String, String)> {
    let workbook_part = read_small(zip, "_rels/.rels")
        .and_then(|xml| workbook_target(&relationships(&xml)))
        .unwrap_or_else(|| "xl/workbook.xml".to_string());
    let Some(workbook_xml) = read_small(zip, &workbook_part) else {
        return Vec::new();
    };
    let (dir, file) = split_part(&workbook_part);
    let rels: HashMap<String, String> = read_small(zip, &rels_part_of(dir, file))
        .map(|xml| {
            relationships(&xml)
                .into_iter()
                .filter(|(_, typ, _)| typ.ends_with("/worksheet"))
                .map(|(id, _, target)| (id, resolve(dir, &target)))
                .collect()
        })
        .unwrap_or_default();
    sheets_of_workbook(&workbook_xml)
        .into_iter()
        .filter_map(|(name, rid)| rels.get(&rid).map(|part| (name, part.clone())))
        .collect()
}

fn parse_f64(text: Option<String>) -> Option<f64> {
    text.and_then(|t| t.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
}

fn parse_u32(text: Option<String>) -> Option<u32> {
    text.and_then(|t| t.trim().parse::<u32>().ok())
}

fn is_true(text: Option<String>) -> bool {
    matches!(text.as_deref().map(str::trim), Some("1" | "true"))
}

/// Reads one worksheet part: widths before `<sheetData>`, the row tags in it (their cells are
/// skipped unparsed) and the merged ranges after it. Stops at the first XML error, keeping what
/// was read up to there.
pub(super) fn sheet_geometry(xml: &[u8]) -> SheetGeometry {
    let mut reader = Reader::from_reader(xml);
    let mut geometry = SheetGeometry {
        has_formulas: has_formula_tag(xml),
        ..SheetGeometry::default()
    };
    // Rows without `r` follow the previous one.
    let mut next_row: u32 = 0;
    loop {
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::Eof) | Err(_) => break,
            _ => continue,
        };
        match e.local_name().as_ref() {
            "sheetFormatPr" => {
                geometry.default_col_width =
                    parse_f64(attr(&e, "defaultColWidth")).map(ui_width_from_file_width);
            }
            "col" => {
                let (Some(min), Some(max)) =
                    (parse_u32(attr(&e, "min")), parse_u32(attr(&e, "max")))
                else {
                    continue;
                };
                let hidden = is_true(attr(&e, "hidden"));
                let width = parse_f64(attr(&e, "width"));
                let ui = if hidden {
                    Some(0.0)
                } else {
                    width.map(ui_width_from_file_width)
                };
                if let Some(ui) = ui {
                    let first = min.max(1);
                    let last = max.min(MAX_COL_INDEX);
                    for col in first..=last {
                        geometry.col_widths.insert(col - 1, ui);
                    }
                }
            }
            "row" => {
                let row = match parse_u32(attr(&e, "r")) {
                    Some(r) if (1..=MAX_ROW_INDEX).contains(&r) => Some(r - 1),
                    Some(_) => None,
                    None => Some(next_row),
                };
                if let Some(row) = row {
                    next_row = row.saturating_add(1);
                    let height = if is_true(attr(&e, "hidden")) {
                        Some(0.0)
                    } else {
                        parse_f64(attr(&e, "ht"))
                    };
                    if let Some(h) = height {
                        if geometry.row_heights.len() < MAX_ROWS && row < MAX_ROW_INDEX {
                            geometry.row_heights.insert(row, h.min(409.0));
                        }
                    }
                }
                if !empty && reader.read_to_end(e.name()).is_err() {
                    break;
                }
            }
            "mergeCell" => {
                let range = attr(&e, "ref").and_then(|r| parse_range(&r));
                if let Some(range) = range {
                    if geometry.merged.len() < MAX_MERGES {
                        geometry.merged.push(range);
                    }
                }
            }
            _ => {}
        }
    }
    geometry
}

/// `<f>`, `<f …>`, `<f/>`, with or without a namespace prefix (`<x:f>`). Text and attribute
/// values cannot hold a raw `<`, so only a tag matches; a prefix match elsewhere only costs a
/// needless formula pass.
fn has_formula_tag(xml: &[u8]) -> bool {
    let tag_after = |at: usize| {
        matches!(
            xml.get(at + 2),
            Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n')
        )
    };
    memchr::memmem::find_iter(xml, b"<f").any(tag_after)
        || memchr::memmem::find_iter(xml, b":f").any(tag_after)
}

/// "A1:C2" (or a single cell "A1"), as calamine reads a `<mergeCell ref>`.
fn parse_range(text: &str) -> Option<CellRange> {
    let (first, last) = text.split_once(':').unwrap_or((text, text));
    let (first, last) = (CellPos::parse_a1(first)?, CellPos::parse_a1(last)?);
    Some(CellRange { first, last })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_round_trip_through_pixels() {
        // Excel's default 8.43 is stored as 9.140625.
        assert!((ui_width_from_file_width(9.140625) - 59.0 / 7.0).abs() < 1e-9);
        assert_eq!(ui_width_from_file_width(0.0), 0.0);
        assert_eq!(ui_width_from_file_width(f64::NAN), 0.0);
        assert!(ui_width_from_file_width(1e300) <= 255.0);
    }

    #[test]
    fn garbage_gives_nothing() {
        assert!(read_xlsx_geometry(b"").is_empty());
        assert!(read_xlsx_geometry(b"PK\x03\x04 not really a zip").is_empty());
        assert!(read_xlsx_geometry(&[0u8; 4096]).is_empty());
    }

    #[test]
    fn one_pass_reads_widths_heights_and_merges() {
        let xml = br#"<x:worksheet xmlns:x="s"><x:cols><x:col min="2" max="3" width="9.140625"/></x:cols>
            <x:sheetData><x:row r="2" ht="30"><x:c r="A2"><x:v>1</x:v></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>row</x:t></x:is></x:c></x:row>
            <x:row hidden="1"/><x:row r="9" ht="12.5"><x:c r="A9"/></x:row></x:sheetData>
            <x:mergeCells count="2"><x:mergeCell ref="A1:C2"/><x:mergeCell ref="$D$4"/><x:mergeCell ref="nonsense"/></x:mergeCells></x:worksheet>"#;
        let g = sheet_geometry(xml);
        assert_eq!(g.col_widths.keys().copied().collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(
            g.row_heights.into_iter().collect::<Vec<_>>(),
            vec![(1, 30.0), (2, 0.0), (8, 12.5)]
        );
        let range = |a: &str, b: &str| CellRange {
            first: CellPos::parse_a1(a).unwrap(),
            last: CellPos::parse_a1(b).unwrap(),
        };
        assert_eq!(g.merged, vec![range("A1", "C2"), range("D4", "D4")]);
        assert!(!g.has_formulas);
    }

    #[test]
    fn finds_formula_tags_only() {
        assert!(has_formula_tag(b"<c><f>SUM(A1)</f><v>1</v></c>"));
        assert!(has_formula_tag(b"<x:c><x:f t=\"shared\" si=\"0\"/></x:c>"));
        assert!(has_formula_tag(b"<c><f\nt=\"array\">A1</f></c>"));
        assert!(!has_formula_tag(b"<font/><c><v>1</v></c><filterColumn/>"));
    }
}
