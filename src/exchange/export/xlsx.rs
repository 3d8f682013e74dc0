//! `--format xlsx`: one wide sheet, a row per workbook and a column per field, worst first as
//! in 汇总.xlsx; a second sheet with every 绩效指标 row. The records are spilled to a temporary
//! file while the batch runs ([`Spill`]) and laid out once all are in ([`write`]).

use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter as xw;

use super::Exporter;
use crate::exchange::{FieldData, WorkbookData};
use crate::model::{FieldKey, Severity};
use crate::template::Template;

/// The columns before the fields: header (Chinese) and key.
pub const META_COLUMNS: [(&str, &str); 9] = [
    ("路径", "path"),
    ("部门", "department"),
    ("年度", "year"),
    ("版式", "family"),
    ("状态", "status"),
    ("填报总分", "total_score"),
    ("重算总分", "recalculated_total_score"),
    ("等级", "grade"),
    ("说明", "error"),
];

/// The header of the indicator sheet, column by column (keys as in the CSV).
pub const INDICATOR_HEADERS: [(&str, &str); 15] = [
    ("路径", "path"),
    ("部门", "department"),
    ("年度", "year"),
    ("版式", "family"),
    ("序号", "row"),
    ("一级指标", "level1"),
    ("二级指标", "level2"),
    ("三级指标", "name"),
    ("年度指标值", "target"),
    ("实际完成值", "actual"),
    ("分值", "points"),
    ("得分", "score"),
    ("重算得分", "recalculated_score"),
    ("偏差原因分析及改进措施", "reason"),
    ("问题", "finding"),
];

pub const DATA_SHEET: &str = "数据";
pub const INDICATOR_SHEET: &str = "指标";
const META_GROUP: &str = "工作簿";
const HEADER_COLOR: u32 = 0xD9D9D9;

/// Each record as one line, `rank \t json`, for [`write`].
pub struct Spill;

impl Exporter for Spill {
    fn workbook(&self, data: &WorkbookData, rank: u32) -> String {
        let json = serde_json::to_string(data).unwrap_or_default();
        format!("{rank}\t{json}\n")
    }
}

fn read_spill(spill: impl BufRead) -> io::Result<Vec<(u32, WorkbookData)>> {
    let mut out = Vec::new();
    for line in spill.lines() {
        let line = line?;
        let Some((rank, json)) = line.split_once('\t') else {
            continue;
        };
        let rank = rank.parse().map_err(io::Error::other)?;
        out.push((rank, serde_json::from_str(json).map_err(io::Error::other)?));
    }
    Ok(out)
}

/// The number format a cell showing `shown` has: its decimals, and `%` when it shows one.
pub fn number_format(shown: &str) -> String {
    let shown = shown.trim();
    let percent = shown.ends_with('%');
    let decimals = shown.split_once('.').map_or(0, |(_, f)| {
        f.chars().take_while(char::is_ascii_digit).count()
    });
    let mut code = String::from("0");
    if decimals > 0 {
        code.push('.');
        code.push_str(&"0".repeat(decimals));
    }
    if percent {
        code.push('%');
    }
    code
}

/// A number as filed, for a cell: None when it is not one.
pub fn number(value: &str) -> Option<f64> {
    Decimal::from_str(value.trim()).ok()?.to_f64()
}

/// One column of the wide sheet: a field key, with its two header texts.
struct Column {
    key: String,
    group: String,
    heading: String,
}

/// The field columns of all records: the built-in templates' order first (a repeated row's
/// instances in turn), then fields they do not know, in the order met.
fn columns(records: &[(u32, WorkbookData)]) -> Vec<Column> {
    let mut order: HashMap<String, usize> = HashMap::new();
    for t in Template::built_in_ref() {
        for info in t.field_infos() {
            let n = order.len();
            order.entry(info.key).or_insert(n);
        }
    }
    let mut seen: HashMap<&str, (usize, u16, usize)> = HashMap::new();
    let mut cols: Vec<(&str, &FieldData)> = Vec::new();
    for (_, d) in records {
        for (key, f) in &d.fields {
            if seen.contains_key(key.as_str()) {
                continue;
            }
            let k = FieldKey::parse(key);
            let base = match k.split_column() {
                Some((row, column)) => row.repeated().with_column(column).to_string(),
                None => k.to_string(),
            };
            let place = order.get(&base).copied().unwrap_or(usize::MAX);
            seen.insert(key, (place, k.instance.unwrap_or(0), seen.len()));
            cols.push((key, f));
        }
    }
    cols.sort_by_key(|(key, _)| seen[key]);
    cols.into_iter()
        .map(|(key, f)| {
            let instance = FieldKey::parse(key).instance;
            let (group, heading) = match &f.column {
                Some(c) => (f.label.clone(), c.clone()),
                None => (f.table.clone(), f.label.clone()),
            };
            let group = match instance {
                Some(i) => format!("{group} {}", i + 1),
                None => group,
            };
            Column {
                key: key.to_string(),
                group,
                heading,
            }
        })
        .collect()
}

/// Cell formats, made once each.
struct Formats {
    header: xw::Format,
    made: HashMap<(String, Option<Severity>), xw::Format>,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: xw::Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(xw::FormatAlign::Center)
                .set_align(xw::FormatAlign::VerticalCenter)
                .set_background_color(xw::Color::RGB(HEADER_COLOR))
                .set_border(xw::FormatBorder::Thin),
            made: HashMap::new(),
        }
    }

    /// A cell with number format `code` ("" = text), filled as its finding is.
    fn get(&mut self, code: &str, flag: Option<Severity>) -> &xw::Format {
        self.made
            .entry((code.to_string(), flag))
            .or_insert_with(|| {
                let mut f = xw::Format::new();
                if !code.is_empty() {
                    f = f.set_num_format(code);
                }
                if let Some(s) = flag {
                    f = f.set_background_color(xw::Color::RGB(crate::annotate::severity_color(s)));
                }
                f
            })
    }
}

/// A value as filed: a number with the format its shown text has, else its text; a blank
/// cell only carries its finding's fill.
fn put(
    ws: &mut xw::Worksheet,
    (row, col): (u32, u16),
    value: Option<&str>,
    shown: Option<&str>,
    flag: Option<Severity>,
    formats: &mut Formats,
) -> Result<(), xw::XlsxError> {
    match value {
        Some(v) => match number(v) {
            Some(n) => {
                let code = number_format(shown.unwrap_or(v));
                ws.write_number_with_format(row, col, n, formats.get(&code, flag))?;
            }
            None => {
                ws.write_string_with_format(row, col, v, formats.get("", flag))?;
            }
        },
        None if flag.is_some() => {
            ws.write_blank(row, col, formats.get("", flag))?;
        }
        None => {}
    }
    Ok(())
}

/// Writes the wide workbook of the records in `spill` to `out`.
pub fn write(spill: impl BufRead, out: &mut dyn Write) -> Result<(), xw::XlsxError> {
    let mut records = read_spill(spill).map_err(xw::XlsxError::IoError)?;
    records.sort_by_key(|(rank, _)| *rank);
    let mut wb = xw::Workbook::new();
    wb.set_properties(
        &xw::DocProperties::new()
            .set_title("部门整体支出绩效自评数据")
            .set_custom_property(crate::annotate::MARK_PROPERTY, "export")
            .set_custom_property("jixiao-schema", crate::exchange::SCHEMA),
    );
    let mut formats = Formats::new();
    data_sheet(wb.add_worksheet(), &records, &mut formats)?;
    indicator_sheet(wb.add_worksheet(), &records, &mut formats)?;
    let bytes = wb.save_to_buffer()?;
    out.write_all(&bytes).map_err(xw::XlsxError::IoError)
}

fn data_sheet(
    ws: &mut xw::Worksheet,
    records: &[(u32, WorkbookData)],
    formats: &mut Formats,
) -> Result<(), xw::XlsxError> {
    ws.set_name(DATA_SHEET)?;
    let columns = columns(records);
    let meta = META_COLUMNS.len() as u16;
    ws.merge_range(0, 0, 0, meta - 1, META_GROUP, &formats.header)?;
    for (i, (zh, _)) in META_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(1, i as u16, *zh, &formats.header)?;
        ws.set_column_width(i as u16, if i == 0 { 36 } else { 12 })?;
    }
    // The group header merged over its run of columns.
    let mut start = 0;
    while start < columns.len() {
        let mut end = start;
        while end + 1 < columns.len() && columns[end + 1].group == columns[start].group {
            end += 1;
        }
        let (c1, c2) = (meta + start as u16, meta + end as u16);
        if c1 == c2 {
            ws.write_string_with_format(0, c1, &columns[start].group, &formats.header)?;
        } else {
            ws.merge_range(0, c1, 0, c2, &columns[start].group, &formats.header)?;
        }
        start = end + 1;
    }
    for (i, c) in columns.iter().enumerate() {
        let col = meta + i as u16;
        ws.write_string_with_format(1, col, &c.heading, &formats.header)?;
        ws.set_column_width(col, 12)?;
    }
    for (n, (_, d)) in records.iter().enumerate() {
        let row = 2 + n as u32;
        let meta_values = [
            Some(d.path.clone()),
            d.department.clone(),
            d.year.map(|y| y.to_string()),
            d.family.clone(),
            Some(d.status.clone()),
            d.total_score.clone(),
            d.recalculated_total_score.clone(),
            d.grade.clone(),
            d.error.clone(),
        ];
        for (i, v) in meta_values.iter().enumerate() {
            if let Some(v) = v {
                match (i, number(v)) {
                    (2, Some(n)) => ws.write_number(row, i as u16, n)?,
                    (5 | 6, Some(n)) => {
                        ws.write_number_with_format(row, i as u16, n, formats.get("0.00", None))?
                    }
                    _ => ws.write_string(row, i as u16, v)?,
                };
            }
        }
        for (i, c) in columns.iter().enumerate() {
            let Some(f) = d.fields.get(&c.key) else {
                continue;
            };
            let at = (row, meta + i as u16);
            put(
                ws,
                at,
                f.value.as_deref(),
                f.shown.as_deref(),
                f.finding,
                formats,
            )?;
        }
    }
    let last_col = meta + columns.len() as u16 - 1;
    ws.set_freeze_panes(2, 2)?;
    ws.autofilter(1, 0, 1 + records.len() as u32, last_col)?;
    Ok(())
}

fn indicator_sheet(
    ws: &mut xw::Worksheet,
    records: &[(u32, WorkbookData)],
    formats: &mut Formats,
) -> Result<(), xw::XlsxError> {
    ws.set_name(INDICATOR_SHEET)?;
    for (i, (zh, _)) in INDICATOR_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *zh, &formats.header)?;
        let width = match i {
            0 | 7 | 13 => 30,
            8 | 9 => 16,
            _ => 10,
        };
        ws.set_column_width(i as u16, width)?;
    }
    let mut row = 1;
    for (_, d) in records {
        for (n, ind) in d.indicators.iter().enumerate() {
            let texts = [
                Some(d.path.as_str()),
                d.department.as_deref(),
                None,
                d.family.as_deref(),
                None,
                Some(ind.level1.as_str()),
                Some(ind.level2.as_str()),
                Some(ind.name.as_str()),
                ind.target.as_deref(),
                ind.actual.as_deref(),
            ];
            for (i, t) in texts.iter().enumerate() {
                if let Some(t) = t.filter(|t| !t.is_empty()) {
                    ws.write_string(row, i as u16, t)?;
                }
            }
            if let Some(y) = d.year {
                ws.write_number(row, 2, y)?;
            }
            ws.write_number(row, 4, (n + 1) as u32)?;
            put(ws, (row, 10), ind.points.as_deref(), None, None, formats)?;
            put(
                ws,
                (row, 11),
                ind.score.as_deref(),
                None,
                ind.finding,
                formats,
            )?;
            put(
                ws,
                (row, 12),
                ind.recalculated_score.as_deref(),
                None,
                None,
                formats,
            )?;
            if let Some(r) = ind.reason.as_deref() {
                ws.write_string(row, 13, r)?;
            }
            if let Some(s) = ind.finding {
                ws.write_string(row, 14, s.label_en())?;
            }
            row += 1;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row.max(1) - 1, INDICATOR_HEADERS.len() as u16 - 1)?;
    Ok(())
}
