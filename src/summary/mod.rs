//! The batch summary: one small row per workbook, kept in a spill file while the batch runs, then
//! read back worst first into `汇总.xlsx` and a terminal table.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};

use rust_xlsxwriter as xw;
use serde::{Deserialize, Serialize};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::annotate::Lang;
use crate::model::{FileReport, Severity, Status};

/// Default file name of the summary workbook.
pub const DEFAULT_NAME: &str = "汇总.xlsx";

/// What the summary keeps of one checked file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub path: String,
    pub output: Option<String>,
    pub department: Option<String>,
    pub year: Option<u32>,
    pub total_score: Option<String>,
    pub recalculated_total_score: Option<String>,
    pub grade: Option<String>,
    /// Findings per severity: error, rounding, missing, warning.
    pub counts: [u32; 4],
    pub failed: bool,
    pub error: Option<String>,
}

const SEVERITIES: [Severity; 4] = [
    Severity::Error,
    Severity::Rounding,
    Severity::Missing,
    Severity::Warning,
];

impl SummaryRow {
    pub fn from_report(r: &FileReport) -> Self {
        SummaryRow {
            path: r.path.clone(),
            output: r.output.clone(),
            department: r.department.clone(),
            year: r.year,
            total_score: r.total_score.clone(),
            recalculated_total_score: r.recalculated_total_score.clone(),
            grade: r.grade.clone(),
            counts: SEVERITIES.map(|s| u32::try_from(r.count(s)).unwrap_or(u32::MAX)),
            failed: r.status == Status::Failed,
            error: r.error.clone(),
        }
    }

    /// Ascending = worst first: files that could not be checked, then most errors, most
    /// rounding, most missing, most warnings (counts past 255, 127 for missing, tie).
    fn sort_key(&self) -> u32 {
        let rev = |n: u32, max: u32| max - n.min(max);
        (u32::from(!self.failed) << 31)
            | (rev(self.counts[0], 0xFF) << 23)
            | (rev(self.counts[1], 0xFF) << 15)
            | (rev(self.counts[2], 0x7F) << 8)
            | rev(self.counts[3], 0xFF)
    }

    fn exit_code(&self) -> i32 {
        if self.failed {
            2
        } else if self.counts[..3].iter().any(|&n| n > 0) {
            1
        } else {
            0
        }
    }

    /// 已检查 / 无法检查：reason.
    pub fn status_text(&self, lang: Lang) -> String {
        match (self.failed, lang) {
            (false, Lang::Zh) => "已检查".to_string(),
            (false, Lang::En) => "checked".to_string(),
            (true, Lang::Zh) => format!("无法检查：{}", self.error.as_deref().unwrap_or("")),
            (true, Lang::En) => format!("cannot check: {}", self.error.as_deref().unwrap_or("")),
        }
    }
}

/// How many files ended which way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub failed: usize,
    /// Checked, with error, rounding or missing findings.
    pub with_errors: usize,
    /// Checked, only warnings.
    pub warnings_only: usize,
    pub clean: usize,
}

// ---------------------------------------------------------------------------------------------
// The spill file.

enum Spill {
    File(BufWriter<File>),
    Memory(Vec<u8>),
}

trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// Rows appended in input order to an anonymous temporary file (memory if none can be made);
/// only a sort key and an offset per row stay in memory.
pub struct RowStore {
    spill: Spill,
    len: u64,
    /// (sort key, offset of the record); a record is a u32 length and the row's JSON. Eight
    /// bytes a file: what the summary costs in memory while the batch runs.
    index: Vec<(u32, u32)>,
    totals: Totals,
    error: Option<io::Error>,
}

impl Default for RowStore {
    fn default() -> Self {
        Self::new()
    }
}

impl RowStore {
    pub fn new() -> Self {
        let spill = match tempfile::tempfile() {
            Ok(f) => Spill::File(BufWriter::with_capacity(64 * 1024, f)),
            Err(_) => Spill::Memory(Vec::new()),
        };
        RowStore {
            spill,
            len: 0,
            index: Vec::new(),
            totals: Totals::default(),
            error: None,
        }
    }

    /// Appends a row; a write error is kept and returned by [`RowStore::finish`].
    pub fn push(&mut self, row: &SummaryRow) {
        match row.exit_code() {
            2 => self.totals.failed += 1,
            1 => self.totals.with_errors += 1,
            _ if row.counts[3] > 0 => self.totals.warnings_only += 1,
            _ => self.totals.clean += 1,
        }
        self.totals.files += 1;
        if self.error.is_some() {
            return;
        }
        let bytes = match serde_json::to_vec(row) {
            Ok(b) => b,
            Err(e) => {
                self.error = Some(io::Error::other(e));
                return;
            }
        };
        let (Ok(n), Ok(offset)) = (u32::try_from(bytes.len()), u32::try_from(self.len)) else {
            self.error = Some(io::Error::other("汇总数据超过 4 GiB"));
            return;
        };
        let written = match &mut self.spill {
            Spill::File(w) => w
                .write_all(&n.to_le_bytes())
                .and_then(|_| w.write_all(&bytes)),
            Spill::Memory(v) => {
                v.extend_from_slice(&n.to_le_bytes());
                v.extend_from_slice(&bytes);
                Ok(())
            }
        };
        match written {
            Ok(()) => {
                self.index.push((row.sort_key(), offset));
                self.len += 4 + u64::from(n);
            }
            Err(e) => self.error = Some(e),
        }
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// The rows, worst first (input order among equals).
    pub fn finish(self) -> io::Result<SortedRows> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let reader: Box<dyn ReadSeek> = match self.spill {
            Spill::File(w) => {
                let file = w.into_inner().map_err(|e| e.into_error())?;
                Box::new(BufReader::new(file))
            }
            Spill::Memory(v) => Box::new(Cursor::new(v)),
        };
        let mut order = self.index;
        order.sort_by_key(|&(key, _)| key);
        Ok(SortedRows {
            reader,
            order,
            totals: self.totals,
        })
    }
}

/// The rows of a finished batch, read back one at a time, worst first.
pub struct SortedRows {
    reader: Box<dyn ReadSeek>,
    order: Vec<(u32, u32)>,
    totals: Totals,
}

impl SortedRows {
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// The `i`-th worst row.
    pub fn get(&mut self, i: usize) -> io::Result<SummaryRow> {
        let offset = self.order[i].1;
        self.reader.seek(SeekFrom::Start(u64::from(offset)))?;
        let mut n = [0u8; 4];
        self.reader.read_exact(&mut n)?;
        let mut bytes = vec![0u8; u32::from_le_bytes(n) as usize];
        self.reader.read_exact(&mut bytes)?;
        serde_json::from_slice(&bytes).map_err(io::Error::other)
    }
}

// ---------------------------------------------------------------------------------------------
// Columns shared by the workbook and the terminal table.

const COLUMNS: usize = 11;

fn headers(lang: Lang) -> [&'static str; COLUMNS] {
    match lang {
        Lang::Zh => [
            "部门",
            "年度",
            "文件",
            "填报总分",
            "重算总分",
            "等级",
            "错误",
            "舍入",
            "缺失",
            "提示",
            "状态",
        ],
        Lang::En => [
            "Department",
            "Year",
            "File",
            "Total as filed",
            "Recalculated",
            "Grade",
            "Errors",
            "Rounding",
            "Missing",
            "Warnings",
            "Status",
        ],
    }
}

/// The row's cells as text (what the terminal shows and the widths are measured on).
fn cells(row: &SummaryRow, lang: Lang) -> [String; COLUMNS] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let count = |i: usize| {
        if row.failed {
            String::new()
        } else {
            row.counts[i].to_string()
        }
    };
    [
        opt(&row.department),
        row.year.map(|y| y.to_string()).unwrap_or_default(),
        row.path.clone(),
        opt(&row.total_score),
        opt(&row.recalculated_total_score),
        opt(&row.grade),
        count(0),
        count(1),
        count(2),
        count(3),
        row.status_text(lang),
    ]
}

/// Columns holding numbers: right-aligned on the terminal, numbers in the workbook.
const NUMERIC: [bool; COLUMNS] = [
    false, true, false, true, true, false, true, true, true, true, false,
];

// ---------------------------------------------------------------------------------------------
// 汇总.xlsx

#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    #[error("汇总表 {} 已存在且不是 jixiao 生成的；加 --force 覆盖，或用 --summary 换一个名字", .0.display())]
    NotOurs(PathBuf),
    #[error("无法写入汇总表 {}：{reason}", .path.display())]
    Io { path: PathBuf, reason: String },
}

/// Whether `path` is a summary jixiao wrote (its custom properties carry the `jixiao` mark).
pub fn is_jixiao_summary(path: &Path) -> bool {
    crate::annotate::carries_mark(path)
}

/// Writes the summary workbook to `dest` (through a temporary file in the same folder, renamed
/// into place). An existing file is replaced only if jixiao wrote it, or with `force`.
pub fn write_summary(
    dest: &Path,
    rows: &mut SortedRows,
    lang: Lang,
    force: bool,
) -> Result<(), SummaryError> {
    let io_err = |e: &dyn std::fmt::Display| SummaryError::Io {
        path: dest.to_path_buf(),
        reason: e.to_string(),
    };
    if let Ok(meta) = fs::symlink_metadata(dest) {
        if meta.is_dir() {
            return Err(io_err(&"同名目录已存在"));
        }
        if !force && !is_jixiao_summary(dest) {
            return Err(SummaryError::NotOurs(dest.to_path_buf()));
        }
    }
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| io_err(&e))?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let built = build(dir, rows, lang).and_then(|mut wb| wb.save(&tmp));
    let result = built
        .map_err(|e| io_err(&e))
        .and_then(|()| fs::rename(&tmp, dest).map_err(|e| io_err(&e)));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn build(dir: &Path, rows: &mut SortedRows, lang: Lang) -> Result<xw::Workbook, xw::XlsxError> {
    let io = |e: io::Error| xw::XlsxError::IoError(e);
    // Widths first: the rows are written once, in order, and never held.
    let head = headers(lang);
    let mut widths: [usize; COLUMNS] = head.map(|h| h.width());
    for i in 0..rows.len() {
        let row = rows.get(i).map_err(io)?;
        for (w, c) in widths.iter_mut().zip(cells(&row, lang)) {
            *w = (*w).max(c.width());
        }
    }

    let mut wb = xw::Workbook::new();
    wb.set_properties(
        &xw::DocProperties::new()
            .set_title(match lang {
                Lang::Zh => "部门整体支出绩效自评检查汇总",
                Lang::En => "Performance self-evaluation check summary",
            })
            .set_custom_property(crate::annotate::MARK_PROPERTY, "summary")
            .set_custom_property("jixiao-version", env!("CARGO_PKG_VERSION")),
    );
    let header = xw::Format::new()
        .set_bold()
        .set_background_color(xw::Color::RGB(0xD9E1F2))
        .set_border_bottom(xw::FormatBorder::Thin)
        .set_align(xw::FormatAlign::Center)
        .set_align(xw::FormatAlign::VerticalCenter);
    let text = xw::Format::new();
    let score = xw::Format::new().set_num_format("0.00");
    let integer = xw::Format::new().set_num_format("0");
    let link = xw::Format::new()
        .set_font_color(xw::Color::RGB(0x0563C1))
        .set_underline(xw::FormatUnderline::Single);
    let bad = xw::Format::new().set_font_color(xw::Color::RGB(0xC00000));
    let errors = xw::Format::new()
        .set_num_format("0")
        .set_font_color(xw::Color::RGB(0xC00000))
        .set_bold();

    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(match lang {
        Lang::Zh => "汇总",
        Lang::En => "Summary",
    })?;
    for (col, w) in widths.iter().enumerate() {
        let w = (*w).clamp(6, 60) + 2;
        ws.set_column_width(col as u16, w as f64)?;
    }
    ws.set_row_height(0, 20)?;
    for (col, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, *h, &header)?;
    }
    let n = rows.len();
    for i in 0..n {
        let row = rows.get(i).map_err(io)?;
        let r = (i + 1) as u32;
        let texts = cells(&row, lang);
        for (col, value) in texts.iter().enumerate() {
            let c = col as u16;
            if value.is_empty() {
                continue;
            }
            match col {
                2 => match link_formula(dir, &row) {
                    Some(f) => ws.write_formula_with_format(r, c, f, &link)?,
                    None => ws.write_string_with_format(r, c, value, &text)?,
                },
                10 if row.failed => ws.write_string_with_format(r, c, value, &bad)?,
                _ if NUMERIC[col] => {
                    let fmt = match col {
                        3 | 4 => &score,
                        6 if row.counts[0] > 0 => &errors,
                        _ => &integer,
                    };
                    match value.parse::<f64>() {
                        Ok(v) => ws.write_number_with_format(r, c, v, fmt)?,
                        Err(_) => ws.write_string_with_format(r, c, value, &text)?,
                    }
                }
                _ => ws.write_string_with_format(r, c, value, &text)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, n as u32, (COLUMNS - 1) as u16)?;
    Ok(wb)
}

/// `=HYPERLINK("<annotated copy, relative to the summary>", "<input path>")`, when there is an
/// annotated copy and both strings fit in a formula's 255-character string literal.
fn link_formula(dir: &Path, row: &SummaryRow) -> Option<xw::Formula> {
    let output = row.output.as_deref()?;
    let target = relative_to(Path::new(output), dir);
    let target = target.to_string_lossy();
    if target.chars().count() > 255 || row.path.chars().count() > 255 {
        return None;
    }
    let quote = |s: &str| s.replace('"', "\"\"");
    Some(
        xw::Formula::new(format!(
            "HYPERLINK(\"{}\",\"{}\")",
            quote(&target),
            quote(&row.path)
        ))
        .set_result(&row.path),
    )
}

/// `path` as seen from `dir` (both made absolute first); `path` itself if they share no root.
fn relative_to(path: &Path, dir: &Path) -> PathBuf {
    let (Ok(path_abs), Ok(dir_abs)) = (std::path::absolute(path), std::path::absolute(dir)) else {
        return path.to_path_buf();
    };
    fn clean(p: &Path) -> Vec<Component<'_>> {
        let mut out: Vec<Component<'_>> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    }
    let (p, d) = (clean(&path_abs), clean(&dir_abs));
    let common = p.iter().zip(&d).take_while(|(a, b)| a == b).count();
    if common == 0 || matches!(d.get(common), Some(Component::ParentDir)) {
        return path_abs;
    }
    let mut rel = PathBuf::new();
    for _ in common..d.len() {
        rel.push("..");
    }
    for c in &p[common..] {
        rel.push(c.as_os_str());
    }
    rel
}

// ---------------------------------------------------------------------------------------------
// The terminal table.

/// Widest a cell of these columns is shown on the terminal (display columns).
const TERMINAL_MAX: [usize; COLUMNS] = [30, 4, 40, 8, 8, 4, 4, 4, 4, 4, 48];

/// The summary as an aligned table (CJK characters count two columns), worst first; at most
/// `limit` rows, then a line saying how many more there are and where to find them.
pub fn terminal_table(
    rows: &mut SortedRows,
    lang: Lang,
    limit: Option<usize>,
    summary: Option<&Path>,
) -> io::Result<String> {
    let zh = lang == Lang::Zh;
    let shown = limit.map_or(rows.len(), |l| l.min(rows.len()));
    let head = headers(lang).map(str::to_string);
    let mut table: Vec<[String; COLUMNS]> = Vec::with_capacity(shown + 1);
    table.push(head);
    for i in 0..shown {
        let row = rows.get(i)?;
        let mut c = cells(&row, lang);
        for (col, cell) in c.iter_mut().enumerate() {
            *cell = truncate(cell, TERMINAL_MAX[col], col == 2);
        }
        table.push(c);
    }
    let mut widths = [0usize; COLUMNS];
    for r in &table {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.width());
        }
    }
    let mut lines = Vec::with_capacity(table.len());
    for r in &table {
        let mut line = String::new();
        for (col, cell) in r.iter().enumerate() {
            if col > 0 {
                line.push_str("  ");
            }
            let pad = widths[col] - cell.width();
            let last = col == COLUMNS - 1;
            if NUMERIC[col] {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if !last {
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
        }
        lines.push(line.trim_end().to_string());
    }
    let rule = "-".repeat(lines.iter().map(|l| l.width()).max().unwrap_or(0));
    let mut out = String::new();
    out.push('\n');
    out.push_str(if zh {
        "汇总（问题最多的在前）\n"
    } else {
        "Summary (worst first)\n"
    });
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        if i == 0 {
            out.push_str(&rule);
            out.push('\n');
        }
    }
    if shown < rows.len() {
        let more = rows.len() - shown;
        out.push_str(&match (summary, zh) {
            (Some(p), true) => {
                format!("……另有 {more} 个文件问题较少，完整列表见 {}\n", p.display())
            }
            (Some(p), false) => format!(
                "… {more} more files with fewer findings; all of them are in {}\n",
                p.display()
            ),
            (None, true) => {
                format!("……另有 {more} 个文件问题较少；加 --summary 汇总.xlsx 可写出完整汇总表\n")
            }
            (None, false) => format!(
                "… {more} more files with fewer findings; --summary NAME.xlsx writes them all\n"
            ),
        });
    }
    let t = rows.totals();
    out.push_str(&if zh {
        format!(
            "共 {} 个文件：无法检查 {}，有错误 {}，仅有提示 {}，未发现问题 {}\n",
            t.files, t.failed, t.with_errors, t.warnings_only, t.clean
        )
    } else {
        format!(
            "{} files: {} could not be checked, {} with errors, {} with warnings only, {} clean\n",
            t.files, t.failed, t.with_errors, t.warnings_only, t.clean
        )
    });
    if let Some(p) = summary {
        out.push_str(&if zh {
            format!("汇总表：{}\n", p.display())
        } else {
            format!("summary workbook: {}\n", p.display())
        });
    }
    Ok(out)
}

/// At most `max` display columns: the start of the text, or (for paths) its end, with "…".
fn truncate(s: &str, max: usize, keep_end: bool) -> String {
    let s = s.replace(['\n', '\r', '\t'], " ");
    if s.width() <= max {
        return s;
    }
    let budget = max.saturating_sub(1);
    let mut used = 0;
    let mut kept: Vec<char> = Vec::new();
    let chars: Vec<char> = if keep_end {
        s.chars().rev().collect()
    } else {
        s.chars().collect()
    };
    for c in chars {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        kept.push(c);
    }
    if keep_end {
        kept.reverse();
        format!("…{}", kept.into_iter().collect::<String>())
    } else {
        format!("{}…", kept.into_iter().collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str, failed: bool, counts: [u32; 4]) -> SummaryRow {
        SummaryRow {
            path: path.into(),
            output: None,
            department: Some("衡阳市生态环境局耒阳分局".into()),
            year: Some(2024),
            total_score: Some("94.00".into()),
            recalculated_total_score: Some("93.95".into()),
            grade: Some("优".into()),
            counts,
            failed,
            error: failed.then(|| "坏了".to_string()),
        }
    }

    #[test]
    fn rows_come_back_worst_first_and_stable() {
        let mut store = RowStore::new();
        let input = [
            row("clean", false, [0, 0, 0, 0]),
            row("warn", false, [0, 0, 0, 2]),
            row("e1", false, [1, 5, 0, 0]),
            row("bad", true, [0, 0, 0, 0]),
            row("e3", false, [3, 0, 0, 0]),
            row("e1b", false, [1, 5, 0, 0]),
            row("round", false, [0, 1, 0, 0]),
        ];
        for r in &input {
            store.push(r);
        }
        let mut sorted = store.finish().unwrap();
        let order: Vec<String> = (0..sorted.len())
            .map(|i| sorted.get(i).unwrap().path)
            .collect();
        assert_eq!(order, ["bad", "e3", "e1", "e1b", "round", "warn", "clean"]);
        let t = sorted.totals();
        assert_eq!(
            (t.files, t.failed, t.with_errors, t.warnings_only, t.clean),
            (7, 1, 4, 1, 1)
        );
        assert_eq!(sorted.get(0).unwrap(), input[3]);
    }

    #[test]
    fn terminal_table_aligns_cjk_by_display_width() {
        let mut store = RowStore::new();
        store.push(&row("a.xlsx", false, [1, 0, 0, 0]));
        let mut r = row("长长的路径/b.xlsx", false, [0, 0, 0, 0]);
        r.department = Some("农业局".into());
        store.push(&r);
        let mut sorted = store.finish().unwrap();
        let text = terminal_table(&mut sorted, Lang::Zh, None, None).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| l.contains("xlsx")).collect();
        assert_eq!(lines.len(), 2);
        let col = |l: &str| l[..l.find("2024").unwrap()].width();
        assert_eq!(col(lines[0]), col(lines[1]), "{text}");
        assert!(text.contains("共 2 个文件"), "{text}");
    }

    #[test]
    fn truncation_keeps_the_end_of_paths() {
        assert_eq!(truncate("abcdef", 4, true), "…def");
        assert_eq!(truncate("农业农村局", 5, false), "农业…");
        assert_eq!(truncate("abc", 4, false), "abc");
    }

    #[test]
    fn relative_links() {
        assert_eq!(
            relative_to(Path::new("/a/b/c.xlsx"), Path::new("/a")),
            PathBuf::from("b/c.xlsx")
        );
        assert_eq!(
            relative_to(Path::new("/a/b/c.xlsx"), Path::new("/a/d")),
            PathBuf::from("../b/c.xlsx")
        );
    }
}
