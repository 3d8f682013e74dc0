//! The summary sheet written as worksheet XML.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::styles::Styles;
use super::xml::{esc, t_element};
use super::{MAIN_NS, REL_NS, XML_HEAD};
use crate::annotate::summary_sheet::{SummarySheet, Value, TABLE_HEADER_ROW};
use crate::model::CellPos;

/// A UI column width (characters) as the file stores it.
fn file_width(ui: f64) -> f64 {
    let px = if ui < 1.0 {
        (ui * 12.0 + 0.5).floor()
    } else {
        (ui * 7.0 + 0.5).floor() + 5.0
    };
    ((px / 7.0) * 256.0).trunc() / 256.0
}

pub(super) fn summary_xml(summary: &SummarySheet, styles: &mut Styles<'_>) -> String {
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
