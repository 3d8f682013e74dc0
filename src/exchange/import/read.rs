//! Reading the data files `import` takes: `jixiao.data/1` JSON, the long CSV of fields or of
//! indicators, and a table with one row per department (CSV, or a workbook's first sheet with
//! its 指标 sheet), its header the field keys or the wide sheet's two rows of Chinese.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use indexmap::IndexMap;

use super::{Column, ImportError, Place, Record};
use crate::exchange::export::csv::{FIELD_COLUMNS, INDICATOR_COLUMNS};
use crate::exchange::export::xlsx::{INDICATOR_HEADERS, INDICATOR_SHEET, META_COLUMNS};
use crate::exchange::{DataFile, FieldData, IndicatorData, WorkbookData, SCHEMA};
use crate::extract::CellReading;
use crate::i18n::errors::{os_error, ErrMsg};
use crate::i18n::{msg, Message};
use crate::model::{CellPos, CellValue, FieldKey, Severity, SheetId};
use crate::template::{FieldInfo, Template};

/// A cell of a table: its value as text (a number as a decimal string), and for a workbook's
/// number the text it shows.
#[derive(Debug, Clone, Default)]
pub(super) struct TableCell {
    pub value: String,
    pub shown: Option<String>,
}

/// The records of one data file, in the order they come.
pub(super) fn read_file(path: &Path) -> Result<Vec<Record>, ImportError> {
    let file = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let why = |reason: Message| ImportError::Read {
        file: file.clone(),
        reason,
    };
    match ext.as_str() {
        "json" => {
            let text = read_text(path).map_err(why)?;
            json_records(&file, &text)
        }
        "csv" | "txt" => {
            let text = read_text(path).map_err(why)?;
            let rows = csv_rows(&text).map_err(|e| why(e.into()))?;
            table_records(&file, &rows, false)
        }
        _ => workbook_records(path, &file),
    }
}

fn read_text(path: &Path) -> Result<String, Message> {
    let mut f = crate::model::files::open_regular(path).map_err(|e| os_error(&e))?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes).map_err(|e| os_error(&e))?;
    let text = String::from_utf8(bytes).map_err(|_| Message::from(ErrMsg::NotUtf8))?;
    Ok(text.trim_start_matches('\u{feff}').to_string())
}

fn json_records(file: &str, text: &str) -> Result<Vec<Record>, ImportError> {
    let data: DataFile = serde_json::from_str(text).map_err(|e| ImportError::Read {
        file: file.to_string(),
        reason: msg!(ErrMsg::NotData, SCHEMA, e.to_string()),
    })?;
    if data.schema != SCHEMA {
        return Err(ImportError::Read {
            file: file.to_string(),
            reason: msg!(ErrMsg::WrongSchema, &data.schema, SCHEMA),
        });
    }
    Ok(data
        .workbooks
        .into_iter()
        .enumerate()
        .filter(|(_, w)| w.status != "failed")
        .map(|(i, data)| {
            let place = Place::json(file, i + 1, None);
            let fields = data
                .fields
                .keys()
                .map(|k| (k.clone(), Place::json(file, i + 1, Some(k))))
                .collect();
            Record {
                data,
                place,
                fields,
            }
        })
        .collect())
}

fn csv_rows(text: &str) -> Result<Vec<Vec<TableCell>>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        rows.push(
            record
                .iter()
                .map(|v| TableCell {
                    value: v.trim().to_string(),
                    shown: None,
                })
                .collect(),
        );
    }
    Ok(rows)
}

/// A workbook's first sheet (or the one named 数据) as a table, and its 指标 sheet.
fn workbook_records(path: &Path, file: &str) -> Result<Vec<Record>, ImportError> {
    let wb = crate::read::read_path(path).map_err(|e| ImportError::Read {
        file: file.to_string(),
        reason: e.message(),
    })?;
    let rows_of = |i: usize| -> Vec<Vec<TableCell>> {
        let sheet = &wb.sheets[i];
        let mut rows: Vec<Vec<TableCell>> = Vec::new();
        for (pos, cell) in &sheet.cells {
            let (r, c) = (pos.row as usize, pos.col as usize);
            if rows.len() <= r {
                rows.resize(r + 1, Vec::new());
            }
            if rows[r].len() <= c {
                rows[r].resize(c + 1, TableCell::default());
            }
            rows[r][c] = match &cell.value {
                CellValue::Number(n) => TableCell {
                    value: decimal_text(*n),
                    shown: Some(CellReading::of(&wb, SheetId::new(i), *pos).shown),
                },
                CellValue::Empty => TableCell::default(),
                _ => TableCell {
                    value: CellReading::of(&wb, SheetId::new(i), *pos).shown,
                    shown: None,
                },
            };
        }
        rows
    };
    let indicator_sheet = wb.sheets.iter().position(|s| s.name == INDICATOR_SHEET);
    let data_sheet = (0..wb.sheets.len())
        .find(|&i| Some(i) != indicator_sheet)
        .unwrap_or(0);
    let mut records = table_records(file, &rows_of(data_sheet), true)?;
    if let Some(i) = indicator_sheet {
        let more = table_records(file, &rows_of(i), true)?;
        records.extend(more);
    }
    Ok(records)
}

/// A stored number as the shortest decimal that reads back as it.
fn decimal_text(n: f64) -> String {
    use std::str::FromStr;
    rust_decimal::Decimal::from_str(&format!("{n}"))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| format!("{n}"))
}

/// What a table holds, from its header: long fields, long indicators, or one row a workbook.
fn table_records(
    file: &str,
    rows: &[Vec<TableCell>],
    workbook: bool,
) -> Result<Vec<Record>, ImportError> {
    let Some(header) = rows.first() else {
        return Ok(Vec::new());
    };
    let names: Vec<&str> = header.iter().map(|c| c.value.as_str()).collect();
    let has = |n: &str| names.contains(&n);
    let zh_indicators = INDICATOR_HEADERS.iter().all(|(zh, _)| has(zh));
    if has("field") && has("value") {
        long_fields(file, rows)
    } else if zh_indicators || (has("name") && has("level1") && has("row")) {
        let keys: Vec<String> = names
            .iter()
            .map(|n| {
                let known = INDICATOR_HEADERS.iter().find(|(zh, _)| zh == n);
                known.map_or(n.to_string(), |(_, k)| k.to_string())
            })
            .collect();
        long_indicators(file, &keys, &rows[1..])
    } else {
        wide(file, rows, workbook)
    }
}

fn cell(row: &[TableCell], i: Option<usize>) -> &str {
    i.and_then(|i| row.get(i)).map_or("", |c| c.value.as_str())
}

fn optional(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

fn severity(text: &str) -> Option<Severity> {
    [
        Severity::Error,
        Severity::Rounding,
        Severity::Missing,
        Severity::Warning,
    ]
    .into_iter()
    .find(|s| s.label_en() == text || s.label_zh() == text)
}

/// Rows grouped into workbooks by path (by department when there is no path), in order.
struct Grouped<'f> {
    file: &'f str,
    records: IndexMap<String, Record>,
}

impl<'f> Grouped<'f> {
    fn new(file: &'f str) -> Self {
        Grouped {
            file,
            records: IndexMap::new(),
        }
    }

    /// The record the row at `line` belongs to.
    fn record(
        &mut self,
        line: usize,
        path: &str,
        dept: &str,
        year: (&str, &str),
        family: &str,
    ) -> Result<&mut Record, ImportError> {
        let id = if path.is_empty() { dept } else { path };
        let file = self.file;
        let year = parse_year(year.0, Place::row(file, line, Some(year.1)))?;
        Ok(self
            .records
            .entry(id.to_string())
            .or_insert_with(|| Record {
                data: WorkbookData {
                    path: path.to_string(),
                    department: optional(dept),
                    year,
                    family: optional(family),
                    status: "checked".into(),
                    ..WorkbookData::default()
                },
                place: Place::row(file, line, None),
                fields: HashMap::new(),
            }))
    }
}

fn parse_year(text: &str, place: Place) -> Result<Option<u32>, ImportError> {
    if text.is_empty() {
        return Ok(None);
    }
    let whole = text.strip_suffix(".0").unwrap_or(text);
    match whole.parse::<u32>() {
        Ok(y) if (2000..=2100).contains(&y) => Ok(Some(y)),
        _ => Err(ImportError::NotANumber {
            place,
            value: text.to_string(),
            what: ErrMsg::AYear,
        }),
    }
}

fn long_fields(file: &str, rows: &[Vec<TableCell>]) -> Result<Vec<Record>, ImportError> {
    let names: Vec<&str> = rows[0].iter().map(|c| c.value.as_str()).collect();
    let col = |n: &str| names.iter().position(|h| *h == n);
    let cols: HashMap<&str, Option<usize>> = FIELD_COLUMNS.iter().map(|&n| (n, col(n))).collect();
    let mut grouped = Grouped::new(file);
    for (i, row) in rows.iter().enumerate().skip(1) {
        let get = |n: &str| cell(row, cols[n]);
        if row.iter().all(|c| c.value.is_empty()) {
            continue;
        }
        let line = i + 1;
        let key = get("field").to_string();
        let field = FieldData {
            table: get("table").into(),
            label: get("label").into(),
            sheet: get("sheet").into(),
            cell: get("cell").into(),
            column: optional(get("column")),
            value: optional(get("value")),
            shown: optional(get("shown")),
            recalculated: optional(get("recalculated")),
            finding: severity(get("finding")),
        };
        let year = (get("year"), "year");
        let record = grouped.record(line, get("path"), get("department"), year, get("family"))?;
        let place = Place::row(file, line, Some("field"));
        if record.data.fields.contains_key(&key) {
            return Err(ImportError::DuplicateField { place, field: key });
        }
        record.fields.insert(key.clone(), place);
        record.data.fields.insert(key, field);
    }
    Ok(grouped.records.into_values().collect())
}

fn long_indicators(
    file: &str,
    names: &[String],
    rows: &[Vec<TableCell>],
) -> Result<Vec<Record>, ImportError> {
    let col = |n: &str| names.iter().position(|h| h == n);
    let cols: HashMap<&str, Option<usize>> =
        INDICATOR_COLUMNS.iter().map(|&n| (n, col(n))).collect();
    let mut grouped = Grouped::new(file);
    for (i, row) in rows.iter().enumerate() {
        let get = |n: &str| cell(row, cols[n]);
        if row.iter().all(|c| c.value.is_empty()) {
            continue;
        }
        let shown = |n: &str| {
            cols[n]
                .and_then(|i| row.get(i))
                .and_then(|c| c.shown.clone().or_else(|| optional(&c.value)))
                .filter(|s| !s.is_empty())
        };
        let indicator = IndicatorData {
            level1: get("level1").into(),
            level2: get("level2").into(),
            name: get("name").into(),
            target: optional(get("target")),
            actual: optional(get("actual")),
            points: shown("points"),
            score: shown("score"),
            recalculated_score: optional(get("recalculated_score")),
            reason: optional(get("reason")),
            finding: severity(get("finding")),
        };
        let year = (get("year"), "year");
        let record = grouped.record(i + 2, get("path"), get("department"), year, get("family"))?;
        record.data.indicators.push(indicator);
    }
    Ok(grouped.records.into_values().collect())
}

/// What a column of a wide table holds.
#[derive(Debug, Clone, PartialEq)]
enum Meaning {
    Meta(&'static str),
    Field(String),
    Nothing,
}

/// Every built-in family's fields, for reading a header.
fn known_fields() -> Vec<FieldInfo> {
    let mut out: Vec<FieldInfo> = Vec::new();
    for t in Template::built_in_ref() {
        for info in t.field_infos() {
            if !out.iter().any(|o| o.key == info.key) {
                out.push(info);
            }
        }
    }
    out
}

/// A header text that names a field: its key (`sangong.final`, `special#1.final`), or the
/// wide sheet's group and heading ("三公经费" / "本年决算数", "本级专项资金 2" / …).
fn field_named(known: &[FieldInfo], group: &str, heading: &str) -> Option<String> {
    let key_text = if heading.contains('.') {
        heading
    } else {
        group
    };
    if key_text.is_ascii() && !key_text.is_empty() {
        let key = FieldKey::parse(key_text);
        let base = match key.split_column() {
            Some((row, column)) => row.repeated().with_column(column).to_string(),
            None => key.to_string(),
        };
        if known.iter().any(|i| i.key == base) {
            return Some(key_text.to_string());
        }
    }
    let (group, instance) = match group.rsplit_once(' ') {
        Some((g, n)) if n.parse::<u16>().is_ok_and(|n| n > 0) => (g, n.parse::<u16>().ok()),
        _ => (group, None),
    };
    let info = known
        .iter()
        .find(|i| i.group() == group && i.heading() == heading)?;
    match (info.repeat, instance) {
        (true, Some(n)) => {
            let (row, column) = info.key.split_once('.')?;
            Some(format!("{row}#{}.{column}", n - 1))
        }
        (false, None) => Some(info.key.clone()),
        _ => None,
    }
}

/// One row a workbook: the header is either one row of keys or two rows of Chinese.
fn wide(file: &str, rows: &[Vec<TableCell>], workbook: bool) -> Result<Vec<Record>, ImportError> {
    let known = known_fields();
    let meta_of = |text: &str| {
        META_COLUMNS
            .iter()
            .find(|(zh, key)| *zh == text || *key == text)
            .map(|(_, key)| *key)
    };
    let first: Vec<&str> = rows[0].iter().map(|c| c.value.as_str()).collect();
    let one_row = first
        .iter()
        .any(|t| meta_of(t).is_some() || field_named(&known, t, "").is_some());
    let ncols = rows.iter().take(2).map(Vec::len).max().unwrap_or(0);
    let mut meanings = Vec::with_capacity(ncols);
    let mut group = String::new();
    for c in 0..ncols {
        let top = cell(&rows[0], Some(c));
        let (group_text, heading) = if one_row {
            (top.to_string(), "")
        } else {
            if !top.is_empty() {
                group = top.to_string();
            }
            (group.clone(), rows.get(1).map_or("", |r| cell(r, Some(c))))
        };
        let meaning = if group_text.is_empty() && heading.is_empty() {
            Meaning::Nothing
        } else if let Some(m) = meta_of(if one_row { &group_text } else { heading }) {
            Meaning::Meta(m)
        } else if let Some(key) = field_named(&known, &group_text, heading) {
            Meaning::Field(key)
        } else {
            let shown = [group_text.as_str(), heading]
                .iter()
                .filter(|t| !t.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" / ");
            let header_row = if one_row { 1 } else { 2 };
            return Err(ImportError::UnknownField {
                place: Place::cell(file, header_row, c, workbook, None),
                field: shown,
            });
        };
        meanings.push(meaning);
    }
    let start = if one_row { 1 } else { 2 };
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(start) {
        if row.iter().all(|c| c.value.is_empty()) {
            continue;
        }
        let line = i + 1;
        let mut data = WorkbookData {
            status: "checked".into(),
            ..WorkbookData::default()
        };
        let mut fields = HashMap::new();
        for (c, meaning) in meanings.iter().enumerate() {
            let Some(tc) = row.get(c) else { continue };
            let text = tc.value.as_str();
            match meaning {
                Meaning::Nothing => {}
                Meaning::Meta("path") => data.path = text.to_string(),
                Meaning::Meta("department") => data.department = optional(text),
                Meaning::Meta("family") => data.family = optional(text),
                Meaning::Meta("year") => {
                    data.year =
                        parse_year(text, Place::cell(file, line, c, workbook, Some("year")))?
                }
                Meaning::Meta(_) => {}
                Meaning::Field(key) => {
                    fields.insert(
                        key.clone(),
                        Place::cell(file, line, c, workbook, Some(key.as_str())),
                    );
                    data.fields.insert(
                        key.clone(),
                        FieldData {
                            value: optional(text),
                            shown: tc.shown.clone(),
                            ..FieldData::default()
                        },
                    );
                }
            }
        }
        out.push(Record {
            data,
            place: Place::row(file, line, None),
            fields,
        });
    }
    Ok(out)
}

impl Place {
    /// A cell of a table: a workbook's by its address, a CSV's by its column number.
    fn cell(file: &str, line: usize, col: usize, workbook: bool, name: Option<&str>) -> Place {
        let column = match (workbook, name) {
            (true, None) => Column::Named(CellPos::column_letters(col as u32)),
            (true, Some(n)) => Column::Described(msg!(
                ErrMsg::ColumnNamed,
                CellPos::column_letters(col as u32),
                n
            )),
            (false, None) => Column::Described(msg!(ErrMsg::ColumnNumber, col + 1)),
            (false, Some(n)) => Column::Described(msg!(
                ErrMsg::ColumnNamed,
                msg!(ErrMsg::ColumnNumber, col + 1),
                n
            )),
        };
        Place {
            file: file.to_string(),
            row: line,
            column: Some(column),
            json: false,
        }
    }
}
