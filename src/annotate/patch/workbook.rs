//! `workbook.xml` with the summary sheet first, the content types of the parts added, and the
//! custom property that marks the copy as jixiao's.

use std::borrow::Cow;
use std::fmt::Write as _;

use quick_xml::events::Event;

use super::xml::{
    check_root, esc, insert_before_close, rel_prefix, remove_elements, rewrite_tag, rid_attr,
    Spans, Splices,
};
use super::{Result, Unsupported, MAIN_NS, VT_NS};
use crate::annotate::paths::MARK_PROPERTY;
use crate::annotate::plan::{correction_properties, CopyPlan};
use crate::annotate::summary_sheet::TABLE_HEADER_ROW;
use crate::model::CellPos;
use crate::ooxml::attr;

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

/// `workbook.xml` with the summary sheet (relationship `summary_rid`) added first and active,
/// when there is one, and a full recalculation asked for in a corrected copy.
pub(super) fn patch_workbook(
    xml: &[u8],
    p: &CopyPlan<'_>,
    summary_rid: Option<&str>,
) -> Result<Vec<u8>> {
    let summary = summary_rid.is_some();
    let mut spans = Spans::new(xml);
    let mut splices = Splices::default();
    let mut prefix = None;
    let mut sheets_open = None;
    let mut max_id = 0u32;
    let mut names_done = false;
    let mut names_at = None;
    let mut calc_seen = false;
    let summary_name = &p.names.summary;
    let filter = summary_filter(p);
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
                    (0, _) => return Err(Unsupported::UnexpectedPart),
                    (1, "sheets") if !empty => sheets_open = Some(range.end),
                    (1, "sheets") => return Err(Unsupported::UnexpectedPart),
                    (2, "sheet") => {
                        if let Some(id) = attr(e, "sheetId").and_then(|v| v.parse::<u32>().ok()) {
                            max_id = max_id.max(id);
                        }
                        // Chart and dialog sheets are not among the workbook's worksheets.
                        if summary
                            && attr(e, "name")
                                .is_some_and(|n| n.to_lowercase() == summary_name.to_lowercase())
                        {
                            return Err(Unsupported::NameTaken);
                        }
                    }
                    (2, "workbookView") if summary => {
                        splices.put(
                            range.clone(),
                            rewrite_tag(e, empty, &[("activeTab", None), ("firstSheet", None)]),
                        );
                    }
                    (1, "definedNames") if summary => {
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
                    (2, "definedName") if summary => {
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
                    (1, "calcPr") if p.mode.corrects() => {
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
    let at = sheets_open.ok_or(Unsupported::UnexpectedPart)?;
    if let Some(rid) = summary_rid {
        splices.put(
            at..at,
            format!(
                "<sheet name=\"{}\" sheetId=\"{}\" {}/>",
                esc(summary_name),
                max_id.checked_add(1).ok_or(Unsupported::IdOutOfRange)?,
                rid_attr(prefix.as_deref(), rid)
            ),
        );
    }
    let at = names_at.ok_or(Unsupported::MalformedXml)?;
    if summary && !names_done {
        splices.put(at..at, format!("<definedNames>{filter}</definedNames>"));
    }
    if p.mode.corrects() && !calc_seen {
        // calcPr is the first element after definedNames.
        splices.put(at..at, "<calcPr fullCalcOnLoad=\"1\"/>".to_string());
    }
    Ok(splices.apply(xml))
}

/// The summary sheet's autofilter range, as a defined name.
fn summary_filter(p: &CopyPlan<'_>) -> String {
    format!(
        "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">'{}'!$A${}:${}${}</definedName>",
        esc(&p.names.summary.replace('\'', "''")),
        TABLE_HEADER_ROW + 1,
        CellPos::column_letters(u32::from(p.summary.last_col)),
        p.summary.last_row + 1
    )
}

pub(super) fn patch_content_types(
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
                    return Err(Unsupported::NameTaken);
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

/// Custom properties with jixiao's mark (and version) added, and in a corrected copy its list
/// of changes.
pub(super) fn add_mark(xml: &[u8], p: &CopyPlan<'_>) -> Result<Vec<u8>> {
    let mut spans = Spans::new(xml);
    let mut max_pid = 1u32;
    loop {
        match spans.next()? {
            (Event::Start(e) | Event::Empty(e), _, _) if e.local_name().as_ref() == "property" => {
                if attr(&e, "name").is_some_and(|n| n == MARK_PROPERTY || n == "jixiao-version") {
                    return Err(Unsupported::AlreadyMarked);
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
    let mut properties = vec![
        (MARK_PROPERTY.to_string(), p.mode.suffix().to_string()),
        (
            "jixiao-version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
    ];
    properties.extend(correction_properties(p));
    let mut added = String::new();
    for (name, value) in &properties {
        // Property ids are xsd:int.
        max_pid = max_pid
            .checked_add(1)
            .filter(|&pid| pid <= i32::MAX as u32)
            .ok_or(Unsupported::IdOutOfRange)?;
        added.push_str(&property(max_pid, &esc(name), &esc(value)));
    }
    insert_before_close(xml, "</Properties>", &added)
}
