//! A worksheet's XML: flagged cells restyled (and fixed), missing ones added, a `<legacyDrawing>`
//! for the notes, `tabSelected` taken off.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use quick_xml::events::{BytesStart, Event};

use super::styles::Styles;
use super::xml::{check_root, rel_prefix, rewrite_tag, rid_attr, t_element, Spans, Splices};
use super::{Result, Unsupported, MAIN_NS};
use crate::annotate::plan::{in_limits, CopyPlan, Flag};
use crate::model::{CellPos, CellValue, Replacement, Sheet};
use crate::ooxml::attr;

/// How much of a sheet with nothing flagged is read to see whether it may be selected.
pub(super) const SHEET_HEAD: u64 = 64 << 10;

/// Whether a sheet whose XML starts with `head` may have `tabSelected` on a view: its cells
/// come later than `head` reaches, or the attribute is there before them.
pub(super) fn may_be_selected(head: &[u8]) -> bool {
    match memchr::memmem::find(head, b"sheetData") {
        Some(at) => memchr::memmem::find(&head[..at], b"tabSelected").is_some(),
        None => true,
    }
}

/// The sheet's XML with `tabSelected` taken off its views (before `<sheetData>`), since the
/// summary becomes the selected sheet. XML it cannot read is left as it is.
pub(super) fn without_tab_selected(xml: &[u8]) -> Cow<'_, [u8]> {
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
    if splices.is_empty() {
        Cow::Borrowed(xml)
    } else {
        Cow::Owned(splices.apply(xml))
    }
}

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
pub(super) fn patch_sheet(
    xml: &[u8],
    sheet: &Sheet,
    flags: &BTreeMap<CellPos, Flag>,
    p: &CopyPlan<'_>,
    styles: &mut Styles<'_>,
    vml_rid: &str,
) -> Result<(Vec<u8>, Option<String>)> {
    let shown: fn(&(&CellPos, &Flag)) -> bool = |(pos, _)| in_limits(**pos);
    let mut walk = SheetWalk {
        spans: Spans::new(xml),
        splices: Splices::default(),
        pending: flags.iter().filter(shown).peekable(),
        sheet,
        p,
        styles,
        vml_rid,
        existing: None,
        prefix: None,
        in_data: false,
        seen_data: false,
        row: None,
        drawing_at: None,
        last_row: None,
        last_col: None,
    };
    loop {
        let (event, range, depth) = walk.spans.next()?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                walk.start(e, matches!(event, Event::Empty(_)), range, depth)?
            }
            Event::End(ref e) => walk.end(e.local_name().as_ref(), range, depth)?,
            Event::Eof => break,
            _ => {}
        }
    }
    if !walk.seen_data || walk.pending.next().is_some() {
        return Err(Unsupported::NoCells);
    }
    Ok((walk.splices.apply(xml), walk.existing))
}

/// One pass over a flagged sheet's XML: the splices made so far, the flagged cells not reached
/// yet, and where the walk is.
struct SheetWalk<'x, 'a, 'y> {
    spans: Spans<'x>,
    splices: Splices,
    pending: Pending<'a>,
    sheet: &'a Sheet,
    p: &'a CopyPlan<'a>,
    styles: &'a mut Styles<'y>,
    vml_rid: &'a str,
    /// The relationship id of the sheet's own `<legacyDrawing>`.
    existing: Option<String>,
    /// The prefix the root declares for the relationships namespace.
    prefix: Option<String>,
    in_data: bool,
    seen_data: bool,
    /// The row being walked through, when it has flagged cells.
    row: Option<u32>,
    /// Where `<legacyDrawing>` goes: before the first element that must follow it.
    drawing_at: Option<usize>,
    // The last row and cell seen: insertions assume the file's order.
    last_row: Option<u32>,
    last_col: Option<u32>,
}

impl<'x> SheetWalk<'x, '_, '_> {
    fn start(
        &mut self,
        e: &BytesStart<'x>,
        empty: bool,
        range: Range<usize>,
        depth: usize,
    ) -> Result<()> {
        let name = e.local_name();
        let name = name.as_ref();
        match depth {
            0 => {
                if name != "worksheet" {
                    return Err(Unsupported::UnexpectedPart);
                }
                check_root(e, MAIN_NS)?;
                self.prefix = rel_prefix(e);
            }
            1 if name == "sheetData" => {
                self.seen_data = true;
                if empty {
                    let rows = self.new_rows(None)?;
                    self.splices
                        .put(range, format!("<sheetData>{rows}</sheetData>"));
                } else {
                    self.in_data = true;
                }
            }
            1 if name == "legacyDrawing" => {
                self.existing = Some(attr(e, "id").ok_or(Unsupported::Drawing)?);
            }
            1 if self.drawing_at.is_none() && AFTER_LEGACY_DRAWING.contains(&name) => {
                self.drawing_at = Some(range.start);
            }
            2 if self.in_data && name == "row" => self.row_start(e, empty, range)?,
            3 if self.in_data && name == "c" => self.cell(e, empty, range)?,
            _ => {}
        }
        Ok(())
    }

    fn row_start(&mut self, e: &BytesStart<'x>, empty: bool, range: Range<usize>) -> Result<()> {
        let r = attr(e, "r")
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|r| *r >= 1)
            .ok_or(Unsupported::RowWithoutNumber)?
            - 1;
        if self.last_row.is_some_and(|l| r <= l) {
            return Err(Unsupported::OutOfOrder);
        }
        self.last_row = Some(r);
        self.last_col = None;
        // Flagged cells in rows before this one get rows of their own.
        let before = self.new_rows(Some(r))?;
        if !before.is_empty() {
            self.splices.put(range.start..range.start, before);
        }
        if !empty && self.pending.peek().is_none_or(|(q, _)| q.row != r) {
            // Nothing flagged in this row: pass over it unparsed.
            return self.spans.skip(e);
        }
        self.row = Some(r);
        if empty {
            let cells = self.new_cells(|q| q.row == r)?;
            if !cells.is_empty() {
                self.splices.put(
                    range,
                    format!("{}{cells}</row>", rewrite_tag(e, false, &[])),
                );
            }
            self.row = None;
        }
        Ok(())
    }

    fn cell(&mut self, e: &BytesStart<'x>, empty: bool, range: Range<usize>) -> Result<()> {
        let r = self.row.ok_or(Unsupported::CellWithoutAddress)?;
        let pos = attr(e, "r")
            .and_then(|v| CellPos::parse_a1(v.trim()))
            .filter(|pos| pos.row == r)
            .ok_or(Unsupported::CellWithoutAddress)?;
        if self.last_col.is_some_and(|l| pos.col <= l) {
            return Err(Unsupported::OutOfOrder);
        }
        self.last_col = Some(pos.col);
        let before = self.new_cells(|q| q.row == r && q.col < pos.col)?;
        if !before.is_empty() {
            self.splices.put(range.start..range.start, before);
        }
        let Some((_, flag)) = self.pending.next_if(|(q, _)| **q == pos) else {
            return Ok(());
        };
        let (whole, formula_master) = if empty {
            (range.clone(), false)
        } else {
            self.rest_of_cell(range.clone())?
        };
        let fixes = flag.fix(self.p).is_some();
        if fixes && formula_master {
            return Err(Unsupported::FixOverSharedFormula);
        }
        if fixes {
            let new = cell_xml(pos, Some(e), flag, self.sheet, self.p, self.styles)?;
            self.splices.put(whole, new);
        } else {
            let s = attr(e, "s").and_then(|v| v.parse().ok()).unwrap_or(0);
            let new = self.styles.marked(s, flag.mark(self.p), false).to_string();
            self.splices
                .put(range, rewrite_tag(e, empty, &[("s", Some(&new))]));
        }
        Ok(())
    }

    /// Walks to the end of the cell element that `start` opened: its whole range, and whether it
    /// holds a shared, array or data-table formula's master.
    fn rest_of_cell(&mut self, start: Range<usize>) -> Result<(Range<usize>, bool)> {
        let mut whole = start;
        let mut formula_master = false;
        let mut depth = 1usize;
        while depth > 0 {
            let (ev, r2, _) = self.spans.next()?;
            match ev {
                Event::Start(ref f) | Event::Empty(ref f) => {
                    if f.local_name().as_ref() == "f"
                        && (attr(f, "ref").is_some()
                            || matches!(attr(f, "t").as_deref(), Some("array" | "dataTable")))
                    {
                        formula_master = true;
                    }
                    if matches!(ev, Event::Start(_)) {
                        depth += 1;
                    }
                }
                Event::End(_) => depth -= 1,
                Event::Eof => return Err(Unsupported::MalformedXml),
                _ => {}
            }
            whole.end = r2.end;
        }
        Ok((whole, formula_master))
    }

    fn end(&mut self, name: &str, range: Range<usize>, depth: usize) -> Result<()> {
        match (depth, name) {
            (2, "row") if self.in_data => {
                if let Some(r) = self.row.take() {
                    let cells = self.new_cells(|q| q.row == r)?;
                    if !cells.is_empty() {
                        self.splices.put(range.start..range.start, cells);
                    }
                }
            }
            (1, "sheetData") => {
                self.in_data = false;
                let rest = self.new_rows(None)?;
                if !rest.is_empty() {
                    self.splices.put(range.start..range.start, rest);
                }
            }
            (0, "worksheet") if self.existing.is_none() && self.p.mode.marks() => {
                let at = self.drawing_at.unwrap_or(range.start);
                self.splices.put(
                    at..at,
                    format!(
                        "<legacyDrawing {}/>",
                        rid_attr(self.prefix.as_deref(), self.vml_rid)
                    ),
                );
            }
            _ => {}
        }
        Ok(())
    }

    fn new_rows(&mut self, limit: Option<u32>) -> Result<String> {
        new_rows(&mut self.pending, limit, self.sheet, self.p, self.styles)
    }

    fn new_cells(&mut self, which: impl Fn(&CellPos) -> bool) -> Result<String> {
        new_cells(&mut self.pending, which, self.sheet, self.p, self.styles)
    }
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
    p: &CopyPlan<'_>,
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
    p: &CopyPlan<'_>,
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
    p: &CopyPlan<'_>,
    styles: &mut Styles<'_>,
) -> Result<String> {
    let own = tag
        .and_then(|t| attr(t, "s"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let fix = flag.fix(p).map(|c| &c.value);
    // A rate typed as text ("99.54%") that becomes a number keeps showing as a percentage.
    let percent = matches!(
        (fix, sheet.cell(pos).map(|c| &c.value)),
        (Some(Replacement::Number(_)), Some(CellValue::Text(t))) if t.trim_end().ends_with(['%', '％'])
    ) && styles.num_fmt_of(own) == 0;
    let s = styles.marked(own, flag.mark(p), percent);
    Ok(match fix {
        Some(Replacement::Number(d)) => format!("<c r=\"{pos}\" s=\"{s}\"><v>{d}</v></c>"),
        Some(Replacement::Text(t)) => format!(
            "<c r=\"{pos}\" s=\"{s}\" t=\"inlineStr\"><is>{}</is></c>",
            t_element(t)
        ),
        None => format!("<c r=\"{pos}\" s=\"{s}\"/>"),
    })
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
}
