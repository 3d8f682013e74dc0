//! A worksheet's XML: flagged cells restyled (and fixed), missing ones added, a `<legacyDrawing>`
//! for the notes, `tabSelected` taken off.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use quick_xml::events::{BytesStart, Event};

use super::styles::Styles;
use super::xml::{check_root, rel_prefix, rewrite_tag, rid_attr, t_element, Spans, Splices};
use super::{Result, Unsupported, MAIN_NS};
use crate::annotate::plan::{in_limits, CopyPlan, Flag};
use crate::model::{CellPos, CellValue, Replacement, Sheet};
use crate::read::geometry::attr;

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
    let mut spans = Spans::new(xml);
    let mut existing = None;
    let mut splices = Splices::default();
    let shown: fn(&(&CellPos, &Flag)) -> bool = |(pos, _)| in_limits(**pos);
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
