//! The summary sheet that opens every copy: laid out once as cells ([`SummarySheet::layout`]),
//! then drawn by whichever writer makes the copy (rust_xlsxwriter here, XML in `patch`).

use std::collections::HashMap;
use std::path::Path;

use rust_xlsxwriter as xw;

use super::names::Names;
use super::notes::clip;
use super::plan::{in_limits, severity_color, CORRECTED_COLOR};
use super::rebuild::style::solid;
use super::{Lang, Mode, WriteError};
use crate::i18n::msg;
use crate::i18n::notes::NoteMsg;
use crate::model::Workbook;
use crate::model::{FileReport, Finding, Severity};

/// The findings table's columns (the corrected copy's 处理 goes before the last).
const COLUMNS: [NoteMsg; 7] = [
    NoteMsg::ColumnSheet,
    NoteMsg::ColumnCell,
    NoteMsg::ColumnSeverity,
    NoteMsg::ColumnRule,
    NoteMsg::ColumnFound,
    NoteMsg::ColumnExpected,
    NoteMsg::ColumnMessage,
];

/// The columns of the 自评报告's findings, before its 原文.
const DOCUMENT_COLUMNS: [NoteMsg; 7] = [
    NoteMsg::ColumnParagraph,
    NoteMsg::ColumnTableCell,
    NoteMsg::ColumnSeverity,
    NoteMsg::ColumnRule,
    NoteMsg::ColumnReportFigure,
    NoteMsg::ColumnExpected,
    NoteMsg::ColumnMessage,
];

/// Row (0-based) of the findings table's header.
pub(super) const TABLE_HEADER_ROW: u32 = 9;

/// Width of the summary's 说明 column, in characters.
const MESSAGE_WIDTH: f64 = 70.0;
/// Width of the 原文 column of the report's findings, in characters.
const QUOTE_WIDTH: f64 = 50.0;

pub(super) enum Value {
    Text(String),
    Number(f64),
    /// A link to a cell of the copy: `location` is `'sheet'!A1`.
    Link {
        text: String,
        location: String,
    },
}

/// How a summary cell looks; each writer turns these into its own formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Look {
    Plain,
    Label,
    Header,
    Body,
    Wrap,
    Link,
    Severity(Severity),
    Fixed,
    /// A score shown with this many decimals, left-aligned like the text beside it.
    Score(u8),
}

pub(super) struct Entry {
    pub row: u32,
    pub col: u16,
    pub value: Value,
    pub look: Look,
}

pub(super) struct SummarySheet {
    /// In row, then column order.
    pub cells: Vec<Entry>,
    pub row_heights: Vec<(u32, f64)>,
    pub col_widths: Vec<f64>,
    /// The findings table's last row and last column (its header is [`TABLE_HEADER_ROW`]).
    pub last_row: u32,
    pub last_col: u16,
}

/// The summary's cells as they are laid out, in any order.
#[derive(Default)]
struct Cells(Vec<Entry>);

impl Cells {
    fn put(&mut self, row: u32, col: u16, value: Value, look: Look) {
        self.0.push(Entry {
            row,
            col,
            value,
            look,
        });
    }
}

fn text(s: &str) -> Value {
    Value::Text(clip(s).to_string())
}

/// What the summary tells, besides the workbook's sheets: the report, which findings were put
/// right, the copy's names, its kind and language.
struct Facts<'a> {
    wb: &'a Workbook,
    report: &'a FileReport,
    /// By finding: whether the corrected copy put it right.
    applied: Vec<bool>,
    names: &'a Names,
    mode: Mode,
    lang: Lang,
}

impl SummarySheet {
    /// The summary of `report`: the file's facts and counts, then one row per finding, then
    /// the findings of the paired `document` if any.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn layout(
        wb: &Workbook,
        report: &FileReport,
        document: Option<&FileReport>,
        names: &Names,
        mode: Mode,
        lang: Lang,
        values_only: usize,
    ) -> SummarySheet {
        // Which findings were put right in the corrected copy: those its corrections settle.
        let applied = report
            .findings
            .iter()
            .map(|f| {
                mode.corrects()
                    && f.severity.fails()
                    && report
                        .corrections
                        .iter()
                        .any(|c| c.sheet == f.sheet && c.cell == f.cell)
            })
            .collect();
        let facts = Facts {
            wb,
            report,
            applied,
            names,
            mode,
            lang,
        };
        let mut cells = Cells::default();
        facts.put_facts(&mut cells);
        facts.put_counts(&mut cells);
        let last_col = facts.put_table_header(&mut cells);
        let (mut row, mut row_heights) = facts.put_findings(&mut cells);
        let last_row = row.saturating_sub(1).max(TABLE_HEADER_ROW);
        if report.findings.is_empty() {
            cells.put(row, 0, facts.text(NoteMsg::NoFindings), Look::Plain);
            row += 1;
        }
        if let Some(document) = document {
            row = facts.put_document(&mut cells, &mut row_heights, document, row);
        }
        facts.put_notes(&mut cells, row, values_only);

        let mut col_widths: Vec<f64> = vec![20.0, 10.0, 8.0, 8.0, 16.0, 16.0];
        if mode.corrects() {
            col_widths.push(12.0);
        }
        col_widths.push(MESSAGE_WIDTH);
        if document.is_some() {
            col_widths.push(QUOTE_WIDTH);
        }
        let mut cells = cells.0;
        cells.sort_by_key(|e| (e.row, e.col));
        SummarySheet {
            cells,
            row_heights,
            col_widths,
            last_row,
            last_col,
        }
    }

    /// Draws the summary into a rust_xlsxwriter sheet.
    pub(super) fn draw(&self, ws: &mut xw::Worksheet) -> Result<(), WriteError> {
        let mut formats: HashMap<Look, xw::Format> = HashMap::new();
        for e in &self.cells {
            let format = formats.entry(e.look).or_insert_with(|| format_of(e.look));
            match &e.value {
                Value::Text(s) => ws.write_string_with_format(e.row, e.col, s, format)?,
                Value::Number(n) => ws.write_number_with_format(e.row, e.col, *n, format)?,
                Value::Link { text, location } => ws.write_url_with_format(
                    e.row,
                    e.col,
                    xw::Url::new(format!("internal:{location}")).set_text(text),
                    format,
                )?,
            };
        }
        for &(row, height) in &self.row_heights {
            ws.set_row_height(row, height)?;
        }
        ws.autofilter(TABLE_HEADER_ROW, 0, self.last_row, self.last_col)?;
        ws.set_freeze_panes(TABLE_HEADER_ROW + 1, 0)?;
        ws.set_landscape()
            .set_paper_size(9)
            .set_print_fit_to_pages(1, 0);
        for (c, &w) in self.col_widths.iter().enumerate() {
            ws.set_column_width(c as u16, w)?;
        }
        Ok(())
    }
}

impl Facts<'_> {
    /// Rows 0–5: department, year, file, both totals, grade.
    fn put_facts(&self, cells: &mut Cells) {
        let report = self.report;
        let file_name = Path::new(&report.path)
            .file_name()
            .or_else(|| self.wb.path.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let unknown = || NoteMsg::Unknown.text(self.lang).to_string();
        let facts: [(NoteMsg, String); 6] = [
            (
                NoteMsg::Department,
                report.department.clone().unwrap_or_else(unknown),
            ),
            (
                NoteMsg::Year,
                report.year.map(|y| y.to_string()).unwrap_or_else(unknown),
            ),
            (NoteMsg::File, file_name),
            (
                NoteMsg::TotalFiled,
                report.total_score.clone().unwrap_or_else(unknown),
            ),
            (
                NoteMsg::TotalRecalculated,
                report
                    .recalculated_total_score
                    .clone()
                    .unwrap_or_else(unknown),
            ),
            (NoteMsg::Grade, report.grade.clone().unwrap_or_else(unknown)),
        ];
        for (r, (name, value)) in facts.iter().enumerate() {
            let r = r as u32;
            cells.put(r, 0, self.text(*name), Look::Label);
            // Scores are written as numbers, showing the decimals they were given with.
            match value.trim().parse::<f64>() {
                Ok(n) if r != 2 && n.is_finite() => {
                    let decimals = value
                        .trim()
                        .split_once('.')
                        .map(|(_, d)| d.len().min(10))
                        .unwrap_or(0);
                    cells.put(r, 1, Value::Number(n), Look::Score(decimals as u8));
                }
                _ => cells.put(r, 1, text(value), Look::Plain),
            }
        }
    }

    /// Rows 6–7: the findings by severity, and in the corrected copy how many were put right.
    fn put_counts(&self, cells: &mut Cells) {
        let report = self.report;
        let counts_row = 6;
        cells.put(counts_row, 0, self.text(NoteMsg::FindingCount), Look::Label);
        let severities = [
            Severity::Error,
            Severity::Rounding,
            Severity::Missing,
            Severity::Warning,
        ];
        for (i, s) in severities.iter().enumerate() {
            let col = 1 + i as u16;
            cells.put(counts_row, col, text(self.severity(*s)), Look::Severity(*s));
            cells.put(
                counts_row + 1,
                col,
                Value::Number(report.count(*s) as f64),
                Look::Body,
            );
        }
        if !report.not_checked.is_empty() {
            cells.put(
                counts_row + 2,
                0,
                self.text(NoteMsg::RulesNotChecked),
                Look::Label,
            );
            let count = report.not_checked.len() as f64;
            cells.put(counts_row + 2, 1, Value::Number(count), Look::Body);
        }
        if self.mode.corrects() {
            let done = self.applied.iter().filter(|a| **a).count();
            cells.put(counts_row, 5, self.text(NoteMsg::Corrected), Look::Fixed);
            cells.put(counts_row + 1, 5, Value::Number(done as f64), Look::Body);
            cells.put(counts_row, 6, self.text(NoteMsg::Pending), Look::Body);
            cells.put(
                counts_row + 1,
                6,
                Value::Number((report.findings.len() - done) as f64),
                Look::Body,
            );
        }
    }

    /// The findings table's header; returns its last column.
    fn put_table_header(&self, cells: &mut Cells) -> u16 {
        let mut columns = COLUMNS.to_vec();
        if self.mode.corrects() {
            columns.insert(6, NoteMsg::ColumnAction);
        }
        for (c, name) in columns.iter().enumerate() {
            cells.put(TABLE_HEADER_ROW, c as u16, self.text(*name), Look::Header);
        }
        (columns.len() - 1) as u16
    }

    /// One row per finding under the header; returns the next row and the rows' heights.
    fn put_findings(&self, cells: &mut Cells) -> (u32, Vec<(u32, f64)>) {
        let mut row_heights = Vec::new();
        let mut row = TABLE_HEADER_ROW + 1;
        for (i, f) in self.report.findings.iter().enumerate() {
            let sheet_index = self.wb.sheets.iter().position(|s| s.name == f.sheet);
            let sheet_name = sheet_index
                .map(|s| self.names.sheets[s].as_str())
                .unwrap_or(f.sheet.as_str());
            cells.put(row, 0, text(sheet_name), Look::Body);
            let (cell, look) = self.cell_link(f, sheet_index.is_some(), sheet_name);
            cells.put(row, 1, cell, look);
            let severity = self.severity(f.severity);
            cells.put(row, 2, text(severity), Look::Severity(f.severity));
            cells.put(row, 3, text(&f.check), Look::Body);
            cells.put(row, 4, text(&f.found), Look::Body);
            let expected = text(f.expected.as_deref().unwrap_or(""));
            cells.put(row, 5, expected, Look::Body);
            let mut c = 6;
            if self.mode.corrects() {
                if self.applied[i] {
                    cells.put(row, c, self.text(NoteMsg::Corrected), Look::Fixed);
                } else {
                    cells.put(row, c, self.text(NoteMsg::Pending), Look::Body);
                }
                c += 1;
            }
            let message = f.message.render(self.lang);
            row_heights.push((row, row_height(lines(&message, MESSAGE_WIDTH))));
            cells.put(row, c, text(&message), Look::Wrap);
            row += 1;
        }
        (row, row_heights)
    }

    /// The finding's cell, a link to it when the copy has it.
    fn cell_link(&self, f: &Finding, in_copy: bool, sheet_name: &str) -> (Value, Look) {
        let cell = f.cell.to_string();
        if in_copy && in_limits(f.cell) {
            let location = format!("'{}'!{}", sheet_name.replace('\'', "''"), cell);
            let link = Value::Link {
                text: cell,
                location,
            };
            (link, Look::Link)
        } else {
            (Value::Text(cell), Look::Body)
        }
    }

    /// After a gap from `row`: the 自评报告's name, then its findings, one row each with the
    /// paragraph, the table cell R1 compares with, and the sentence quoted; returns the next row.
    /// The cells they name are not marked: the report, not the cell, says it.
    fn put_document(
        &self,
        cells: &mut Cells,
        row_heights: &mut Vec<(u32, f64)>,
        document: &FileReport,
        mut row: u32,
    ) -> u32 {
        row += 1;
        let name = Path::new(&document.path)
            .file_name()
            .map_or(document.path.clone(), |n| n.to_string_lossy().into_owned());
        cells.put(row, 0, self.text(NoteMsg::Document), Look::Label);
        cells.put(row, 1, text(&name), Look::Plain);
        row += 1;
        if let Some(error) = &document.error {
            let failed = msg!(NoteMsg::DocumentFailed, error);
            cells.put(row, 0, text(&failed.render(self.lang)), Look::Plain);
            return row + 1;
        }
        if document.findings.is_empty() {
            cells.put(row, 0, self.text(NoteMsg::DocumentClean), Look::Plain);
            return row + 1;
        }
        let mut columns = DOCUMENT_COLUMNS.to_vec();
        if self.mode.corrects() {
            columns.insert(6, NoteMsg::ColumnAction);
        }
        columns.push(NoteMsg::ColumnQuote);
        for (c, name) in columns.iter().enumerate() {
            cells.put(row, c as u16, self.text(*name), Look::Header);
        }
        row += 1;
        for f in &document.findings {
            let paragraph = f.text.as_ref().map_or(0, |t| t.paragraph);
            let paragraph = msg!(NoteMsg::Paragraph, paragraph).render(self.lang);
            cells.put(row, 0, text(&paragraph), Look::Body);
            let sheet_index = self.wb.sheets.iter().position(|s| s.name == f.sheet);
            let (cell, look) = match sheet_index {
                Some(s) => self.cell_link(f, true, &self.names.sheets[s]),
                None => (Value::Text(String::new()), Look::Body),
            };
            cells.put(row, 1, cell, look);
            cells.put(
                row,
                2,
                text(self.severity(f.severity)),
                Look::Severity(f.severity),
            );
            cells.put(row, 3, text(&f.check), Look::Body);
            cells.put(row, 4, text(&f.found), Look::Body);
            cells.put(
                row,
                5,
                text(f.expected.as_deref().unwrap_or("")),
                Look::Body,
            );
            let mut c = 6;
            if self.mode.corrects() {
                cells.put(row, c, text(""), Look::Body);
                c += 1;
            }
            let quote = f.text.as_ref().map_or("", |t| t.quote.as_str());
            let message = f.message.render(self.lang);
            let tall = lines(&message, MESSAGE_WIDTH).max(lines(quote, QUOTE_WIDTH));
            cells.put(row, c, text(&message), Look::Wrap);
            cells.put(row, c + 1, text(quote), Look::Wrap);
            row_heights.push((row, row_height(tall)));
            row += 1;
        }
        row
    }

    /// The report's notes, and one on formulas kept as values, from `row` on after a gap.
    fn put_notes(&self, cells: &mut Cells, mut row: u32, values_only: usize) {
        let mut notes: Vec<String> = (self.report.not_checked.iter())
            .map(|n| n.line().render(self.lang))
            .collect();
        notes.extend(self.report.notes.iter().map(|n| n.render(self.lang)));
        if values_only > 0 {
            notes.push(msg!(NoteMsg::ValuesOnly, values_only).render(self.lang));
        }
        if notes.is_empty() {
            return;
        }
        row += 1;
        cells.put(row, 0, self.text(NoteMsg::Notes), Look::Label);
        for note in &notes {
            cells.put(row, 1, text(note), Look::Plain);
            row += 1;
        }
    }

    fn severity(&self, s: Severity) -> &'static str {
        s.label(self.lang)
    }

    /// The summary cell saying `key`.
    fn text(&self, key: NoteMsg) -> Value {
        text(key.text(self.lang))
    }
}

/// Lines `s` takes wrapped in a column `width` characters wide.
fn lines(s: &str, width: f64) -> f64 {
    (crate::model::text::excel_width(s) / width).ceil().max(1.0)
}

/// Wrapped text needs its row tall enough; not every reader sizes rows itself.
fn row_height(lines: f64) -> f64 {
    (lines * 15.0).min(409.0)
}

/// The table header's fill and the links' font colour (severity colours are the copy's own).
pub(super) const HEADER_COLOR: u32 = 0xD9D9D9;
pub(super) const LINK_COLOR: u32 = 0x0563C1;

fn format_of(look: Look) -> xw::Format {
    let body = || {
        xw::Format::new()
            .set_align(xw::FormatAlign::Top)
            .set_border(xw::FormatBorder::Thin)
    };
    match look {
        Look::Plain => xw::Format::new(),
        Look::Label => xw::Format::new().set_bold(),
        Look::Header => xw::Format::new()
            .set_bold()
            .set_pattern(xw::FormatPattern::Solid)
            .set_background_color(xw::Color::RGB(HEADER_COLOR))
            .set_border(xw::FormatBorder::Thin)
            .set_align(xw::FormatAlign::VerticalCenter),
        Look::Body => body(),
        Look::Wrap => body().set_text_wrap(),
        Look::Link => body()
            .set_font_color(xw::Color::RGB(LINK_COLOR))
            .set_underline(xw::FormatUnderline::Single),
        Look::Severity(s) => solid(body(), severity_color(s)),
        Look::Fixed => solid(body(), CORRECTED_COLOR),
        Look::Score(0) => xw::Format::new().set_align(xw::FormatAlign::Left),
        Look::Score(d) => xw::Format::new()
            .set_num_format(format!("0.{}", "0".repeat(d as usize)))
            .set_align(xw::FormatAlign::Left),
    }
}
