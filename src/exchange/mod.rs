//! The tables' data out of the workbooks and back in: [`export`] reads every workbook through
//! the same stages as `check` ([`pipeline::check_data`]) and writes one record per workbook as
//! JSON, CSV or one wide workbook; [`import`] reads such records (or a bureau's own table with
//! the documented column names) and writes the standard workbook of each department.
//!
//! The record ([`WorkbookData`]) names fields by their stable keys (`sangong.final`), the same
//! in every format; docs/fields.md lists them ([`reference`]).

pub mod export;
pub mod import;
mod reference;

use std::collections::HashMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::extract::value::Reading;
use crate::model::{CellPos, FieldKey, FileReport, Severity, Status};
use crate::pipeline::{self, Checked};
use crate::template::{FieldInfo, Template};

pub use reference::reference;

/// The name and version of the data format, in every JSON file `export` writes.
pub const SCHEMA: &str = "jixiao.data/1";

/// A data file: `{"schema": "jixiao.data/1", "workbooks": [...]}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataFile {
    pub schema: String,
    pub workbooks: Vec<WorkbookData>,
}

/// One workbook's data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkbookData {
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub year: Option<u32>,
    #[serde(default)]
    pub family: Option<String>,
    /// `checked`, or `failed` for a file that could not be read as the tables.
    #[serde(default = "checked")]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default)]
    pub total_score: Option<String>,
    #[serde(default)]
    pub recalculated_total_score: Option<String>,
    #[serde(default)]
    pub grade: Option<String>,
    /// Field key → its cell, in the order the tables print them.
    #[serde(default)]
    pub fields: IndexMap<String, FieldData>,
    #[serde(default)]
    pub indicators: Vec<IndicatorData>,
}

fn checked() -> String {
    "checked".into()
}

/// One field's cell.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldData {
    /// The block of the tables ([`FieldInfo::block`]).
    #[serde(default)]
    pub table: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub sheet: String,
    #[serde(default)]
    pub cell: String,
    #[serde(default)]
    pub column: Option<String>,
    /// As filed: a decimal string in stored units (a rate as a ratio, `0.798`), the text of a
    /// cell that holds no number, or null for a blank cell.
    #[serde(default)]
    pub value: Option<String>,
    /// As the cell shows it (`79.80%`); its decimals and `%` are the number format.
    #[serde(default)]
    pub shown: Option<String>,
    /// The value the field's rule computes, where a rule determines it.
    #[serde(default)]
    pub recalculated: Option<String>,
    /// The worst finding on the cell.
    #[serde(default)]
    pub finding: Option<Severity>,
}

/// One row of the 绩效指标 table, its cells as they show.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndicatorData {
    #[serde(default)]
    pub level1: String,
    #[serde(default)]
    pub level2: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub actual: Option<String>,
    #[serde(default)]
    pub points: Option<String>,
    #[serde(default)]
    pub score: Option<String>,
    /// The score the rules give, where they flag the filed one.
    #[serde(default)]
    pub recalculated_score: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// The worst finding on the row's cells.
    #[serde(default)]
    pub finding: Option<Severity>,
}

impl WorkbookData {
    /// The record of a file that could not be checked: its path and why.
    pub fn failed(report: &FileReport) -> WorkbookData {
        WorkbookData {
            path: report.path.clone(),
            status: "failed".into(),
            error: report.error.as_ref().map(|e| e.to_string()),
            ..WorkbookData::default()
        }
    }

    /// Reads and checks the file at `path` like `check` does, with the first of `templates`
    /// that fits; returns its report and record. `infos` are the templates' fields, in order;
    /// why a file could not be checked is said in `lang`.
    pub fn of_file(
        path: &std::path::Path,
        templates: &[Template],
        infos: &[Vec<FieldInfo>],
        lang: crate::i18n::Lang,
    ) -> (FileReport, WorkbookData) {
        match pipeline::check_data(path, templates, lang) {
            Ok(c) => {
                let i = templates.iter().position(|t| std::ptr::eq(t, c.template));
                let data = WorkbookData::of(&c, i.map_or(&[][..], |i| &infos[i]));
                (c.report, data)
            }
            Err(report) => {
                let data = WorkbookData::failed(&report);
                (*report, data)
            }
        }
    }

    /// The record of a workbook checked; `infos` are its template's fields.
    pub fn of(c: &Checked, infos: &[FieldInfo]) -> WorkbookData {
        let r = &c.report;
        let worst = worst_findings(r);
        let flag = |sheet: &str, pos: CellPos| worst.get(&(sheet, pos)).copied();
        let sheet_name = |id: crate::model::SheetId| c.figures.sheet_name(id).unwrap_or("");
        let mut fields = IndexMap::new();
        for (key, info) in ordered_fields(c, infos) {
            let Some(cell) = c.layout.fields.get(key) else {
                continue;
            };
            let sheet = sheet_name(cell.sheet);
            let (value, shown) = filed(c, &key);
            let field = FieldData {
                table: info.map_or("", |i| i.block).to_string(),
                label: info.map_or_else(|| cell.label.clone(), |i| i.label.clone()),
                sheet: sheet.to_string(),
                cell: cell.pos.to_string(),
                column: info.and_then(|i| i.column).map(str::to_string),
                value,
                shown,
                recalculated: c.recalculated.get(&key).map(|d| d.to_string()),
                finding: flag(sheet, cell.pos),
            };
            fields.insert(key.to_string(), field);
        }
        let indicators = c
            .layout
            .indicators
            .iter()
            .zip(&c.figures.indicators)
            .map(|(row, cells)| {
                let sheet = sheet_name(row.sheet);
                let text = |s: &str| (!s.is_empty()).then(|| s.to_string());
                let mut positions = vec![row.target, row.actual, row.points, row.score];
                positions.extend(row.reason);
                let recalculated_score = r
                    .findings
                    .iter()
                    .find(|f| f.sheet == sheet && f.cell == row.score)
                    .and_then(|f| f.expected.clone());
                IndicatorData {
                    level1: row.level1.clone(),
                    level2: row.level2.clone(),
                    name: row.name.clone(),
                    target: text(&cells.target.shown),
                    actual: text(&cells.actual.shown),
                    points: text(&shown_at(c, row.sheet, row.points)),
                    score: text(&cells.score.shown),
                    recalculated_score,
                    reason: cells.reason.as_ref().and_then(|r| text(&r.shown)),
                    finding: positions.iter().filter_map(|p| flag(sheet, *p)).min(),
                }
            })
            .collect();
        WorkbookData {
            path: r.path.clone(),
            department: r.department.clone(),
            year: r.year,
            family: Some(c.template.family.clone()),
            status: match r.status {
                Status::Checked => "checked".into(),
                Status::Failed => "failed".into(),
            },
            error: r.error.as_ref().map(|e| e.to_string()),
            total_score: r.total_score.clone(),
            recalculated_total_score: r.recalculated_total_score.clone(),
            grade: r.grade.clone(),
            fields,
            indicators,
        }
    }
}

/// The worst finding on each cell.
fn worst_findings(r: &FileReport) -> HashMap<(&str, CellPos), Severity> {
    let mut worst: HashMap<(&str, CellPos), Severity> = HashMap::new();
    for f in &r.findings {
        let e = worst
            .entry((f.sheet.as_str(), f.cell))
            .or_insert(f.severity);
        *e = (*e).min(f.severity);
    }
    worst
}

/// The text a cell of the indicator table shows (the 分值, which the extract reads as a field).
fn shown_at(c: &Checked, sheet: crate::model::SheetId, pos: CellPos) -> String {
    c.layout
        .fields
        .iter()
        .find(|(_, f)| f.sheet == sheet && f.pos == pos)
        .map(|(k, _)| c.figures.shown(k).to_string())
        .unwrap_or_default()
}

/// A field's value and shown text as filed: a number, the text of an unreadable cell, or
/// nothing for a blank.
fn filed(c: &Checked, key: &FieldKey) -> (Option<String>, Option<String>) {
    if let Some(fig) = c.figures.by_key.get(key) {
        return match &fig.reading {
            Reading::Quantity { cmp: None, num } => (
                Some(num.value.normalize().to_string()),
                Some(fig.shown.clone()),
            ),
            _ => (None, None),
        };
    }
    let unreadable = c.figures.unreadable_cells.iter().find(|u| {
        c.layout
            .fields
            .get(key)
            .is_some_and(|f| f.sheet == u.field.sheet && f.pos == u.field.pos)
    });
    match unreadable {
        Some(u) => (Some(u.found.clone()), Some(u.found.clone())),
        None => (None, None),
    }
}

/// The workbook's fields (not the 绩效指标 rows) in the template's order, each with what the
/// template says of it; fields the template does not describe last, in the order located.
fn ordered_fields<'i>(
    c: &Checked,
    infos: &'i [FieldInfo],
) -> Vec<(FieldKey, Option<&'i FieldInfo>)> {
    let mut out: Vec<(FieldKey, Option<&FieldInfo>)> = Vec::new();
    for info in infos {
        let key = FieldKey::parse(&info.key);
        if info.repeat {
            let (base, column) = key.split_column().expect("a row's key has a column");
            for instance in c.layout.repeats.get(&base).into_iter().flatten() {
                out.push((instance.with_column(column), Some(info)));
            }
        } else {
            out.push((key, Some(info)));
        }
    }
    for key in c.layout.fields.keys() {
        let indicator = key.field.as_str() == "ind";
        if !indicator && !out.iter().any(|(k, _)| k == key) {
            out.push((*key, None));
        }
    }
    out
}
