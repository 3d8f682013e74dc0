//! Annotated and corrected copies of a checked workbook.
//!
//! Both outputs are rebuilt with rust_xlsxwriter from the [`Workbook`] model: a summary sheet
//! first, then every input sheet copied cell by cell ([`copy_sheet`]) with values, formulas
//! (with their cached results), merged ranges, styles and geometry. Flagged cells get a fill by
//! severity and a note; `--fix` also writes each finding's replacement into its cell.
//!
//! Files are written to a temporary file beside the destination and renamed into place, and an
//! existing file is only replaced when jixiao wrote it (or with `force`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rust_xlsxwriter as xw;

mod patch;
mod summary_sheet;

use summary_sheet::SummarySheet;

use crate::model::{Cell, CellPos, CellRange, CellValue, FileKind, Sheet, Workbook};
use crate::model::{FileReport, Finding, Replacement, Severity};
use crate::read::geometry::text_width;

/// Language of notes and of the summary sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Folder for the outputs; the input's folder when None.
    pub out_dir: Option<PathBuf>,
    /// Replace an existing output even when jixiao did not write it.
    pub force: bool,
    pub lang: Lang,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("输出目录不可写：{}（{reason}）", .dir.display())]
    DirNotWritable { dir: PathBuf, reason: String },
    #[error("磁盘已满，无法写入 {}", .path.display())]
    DiskFull { path: PathBuf },
    #[error("目标文件已存在且不是 jixiao 生成的（加 --force 覆盖）：{}", .path.display())]
    NotOurs { path: PathBuf },
    #[error("输出文件就是输入文件，不会覆盖输入：{}", .path.display())]
    SameAsInput { path: PathBuf },
    #[error("写入 {} 失败：{reason}", .path.display())]
    Io { path: PathBuf, reason: String },
    #[error("生成工作簿失败：{0}")]
    Build(String),
}

impl From<xw::XlsxError> for WriteError {
    fn from(e: xw::XlsxError) -> Self {
        WriteError::Build(e.to_string())
    }
}

/// Where the output for `input` goes: `<out_dir or input's folder>/<input stem>.<suffix>.xlsx`.
pub fn output_path(input: &Path, out_dir: Option<&Path>, suffix: &str) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "workbook".to_string());
    let name = format!("{stem}.{suffix}.xlsx");
    match out_dir {
        Some(dir) => dir.join(name),
        None => input
            .parent()
            .map(|p| p.join(&name))
            .unwrap_or_else(|| PathBuf::from(&name)),
    }
}

/// Writes `<name>.checked.xlsx`: the workbook with every flagged cell filled and noted, after a
/// summary sheet. Returns the path written.
pub fn write_annotated(
    wb: &Workbook,
    report: &FileReport,
    opts: &WriteOptions,
) -> Result<PathBuf, WriteError> {
    write_copy(wb, report, opts, false).map(|w| w.path)
}

/// Writes `<name>.corrected.xlsx`: as the annotated copy, but every finding with a replacement
/// has it written into its cell (marked green, the original value in the note).
pub fn write_corrected(
    wb: &Workbook,
    report: &FileReport,
    opts: &WriteOptions,
) -> Result<PathBuf, WriteError> {
    write_copy(wb, report, opts, true).map(|w| w.path)
}

/// A copy written: where, and the notes for the report on how it was made (merged ranges left
/// out, …).
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub notes: Vec<String>,
}

/// Writes the annotated copy (the corrected one with `corrected`), as [`write_annotated`] and
/// [`write_corrected`] do, with the notes on how it was made.
pub fn write_copy(
    wb: &Workbook,
    report: &FileReport,
    opts: &WriteOptions,
    corrected: bool,
) -> Result<Written, WriteError> {
    write_output(wb, report, opts, Mode::of(corrected))
}

/// The bytes of the annotated copy (the corrected one with `corrected`), written nowhere.
pub fn render(
    wb: &Workbook,
    report: &FileReport,
    lang: Lang,
    corrected: bool,
) -> Result<Vec<u8>, WriteError> {
    build(wb, report, lang, Mode::of(corrected)).map(|built| built.bytes)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Annotated,
    Corrected,
}

impl Mode {
    fn of(corrected: bool) -> Mode {
        if corrected {
            Mode::Corrected
        } else {
            Mode::Annotated
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Mode::Annotated => "checked",
            Mode::Corrected => "corrected",
        }
    }
}

fn write_output(
    wb: &Workbook,
    report: &FileReport,
    opts: &WriteOptions,
    mode: Mode,
) -> Result<Written, WriteError> {
    let dest = output_path(&wb.path, opts.out_dir.as_deref(), mode.suffix());
    if let Some(dir) = &opts.out_dir {
        if !dir.is_dir() {
            fs::create_dir_all(dir).map_err(|e| WriteError::DirNotWritable {
                dir: dir.clone(),
                reason: e.to_string(),
            })?;
        }
    }
    check_destination(&wb.path, &dest, opts.force)?;
    let built = build(wb, report, opts.lang, mode)?;
    write_atomically(&dest, &built.bytes)?;
    Ok(Written {
        path: dest,
        notes: built.notes,
    })
}

// ---------------------------------------------------------------------------------------------
// Destination checks and atomic writing.

/// Custom document property that marks a file as jixiao's own output.
pub(crate) const MARK_PROPERTY: &str = "jixiao";

fn check_destination(input: &Path, dest: &Path, force: bool) -> Result<(), WriteError> {
    let Ok(meta) = fs::symlink_metadata(dest) else {
        return Ok(());
    };
    if let (Ok(a), Ok(b)) = (fs::canonicalize(input), fs::canonicalize(dest)) {
        if a == b {
            return Err(WriteError::SameAsInput {
                path: dest.to_path_buf(),
            });
        }
    }
    if meta.is_dir() {
        return Err(WriteError::Io {
            path: dest.to_path_buf(),
            reason: "同名目录已存在".to_string(),
        });
    }
    if !force && !is_jixiao_output(dest) {
        return Err(WriteError::NotOurs {
            path: dest.to_path_buf(),
        });
    }
    Ok(())
}

/// Whether `path` is a file jixiao wrote: its name ends with `.checked.xlsx` or
/// `.corrected.xlsx` and its `docProps/custom.xml` carries the `jixiao` property.
pub fn is_jixiao_output(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !(name.ends_with(".checked.xlsx") || name.ends_with(".corrected.xlsx")) {
        return false;
    }
    fs::metadata(path).is_ok_and(|m| m.is_file()) && carries_mark(path)
}

/// Whether the xlsx at `path` has the `jixiao` property in its `docProps/custom.xml`, as every
/// workbook jixiao writes has (copies and summaries alike).
pub(crate) fn carries_mark(path: &Path) -> bool {
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return false;
    };
    let Ok(part) = zip.by_name("docProps/custom.xml") else {
        return false;
    };
    let mut xml = Vec::new();
    if part.take(1024 * 1024).read_to_end(&mut xml).is_err() {
        return false;
    }
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                if e.local_name().as_ref() == "property" =>
            {
                let named = e.attributes().flatten().any(|a| {
                    a.key.local_name().as_ref() == "name" && a.value.as_ref() == MARK_PROPERTY
                });
                if named {
                    return true;
                }
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return false,
            _ => {}
        }
        buf.clear();
    }
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to a hidden temporary file beside `dest`, then renames it over `dest`; the
/// temporary file is removed on any error.
fn write_atomically(dest: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0;
    let (tmp, mut file) = loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(io_error(e, dir, dest)),
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|_| file.sync_all())
        .and_then(|_| {
            drop(file);
            fs::rename(&tmp, dest)
        });
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(io_error(e, dir, dest));
    }
    Ok(())
}

fn io_error(e: io::Error, dir: &Path, dest: &Path) -> WriteError {
    match e.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => WriteError::DiskFull {
            path: dest.to_path_buf(),
        },
        io::ErrorKind::PermissionDenied
        | io::ErrorKind::ReadOnlyFilesystem
        | io::ErrorKind::NotFound => WriteError::DirNotWritable {
            dir: dir.to_path_buf(),
            reason: e.to_string(),
        },
        _ if e.raw_os_error() == Some(28) => WriteError::DiskFull {
            path: dest.to_path_buf(),
        },
        _ => WriteError::Io {
            path: dest.to_path_buf(),
            reason: e.to_string(),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Building the workbook.

/// Light tints, so the text on them stays readable.
fn severity_color(severity: Severity) -> u32 {
    match severity {
        Severity::Error => 0xFFC7CE,
        Severity::Rounding => 0xFCD5B4,
        Severity::Missing => 0xBDD7EE,
        Severity::Warning => 0xFFEB9C,
    }
}
const CORRECTED_COLOR: u32 = 0xC6EFCE;

/// How a written cell is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Mark {
    Plain,
    Flag(Severity),
    Corrected,
}

/// The findings on one cell (indices into `report.findings`, most severe first) and, in the
/// corrected output, the finding whose replacement is written.
struct Flag {
    findings: Vec<usize>,
    fix: Option<usize>,
}

impl Flag {
    fn mark(&self, report: &FileReport) -> Mark {
        if self.fix.is_some() {
            Mark::Corrected
        } else {
            self.findings
                .iter()
                .map(|&i| report.findings[i].severity)
                .min()
                .map(Mark::Flag)
                .unwrap_or(Mark::Plain)
        }
    }
}

/// Findings grouped by sheet index and the cell that shows them: a cell hidden inside a merged
/// range is shown by the range's top-left cell, so that one gets the fill and the note.
fn plan(wb: &Workbook, report: &FileReport, mode: Mode) -> HashMap<usize, BTreeMap<CellPos, Flag>> {
    let mut out: HashMap<usize, BTreeMap<CellPos, Flag>> = HashMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        let Some(sheet) = wb.sheets.iter().position(|s| s.name == f.sheet) else {
            continue;
        };
        if !in_limits(f.cell) {
            continue;
        }
        let shown = wb.sheets[sheet]
            .merged_at(f.cell)
            .map_or(f.cell, |m| m.first);
        out.entry(sheet)
            .or_default()
            .entry(shown)
            .or_insert_with(|| Flag {
                findings: Vec::new(),
                fix: None,
            })
            .findings
            .push(i);
    }
    for flags in out.values_mut() {
        for (pos, flag) in flags.iter_mut() {
            flag.findings.sort_by_key(|&i| report.findings[i].severity);
            // A replacement is written only into the cell it is for, never into a merged range's
            // top-left cell on behalf of a hidden one.
            if mode == Mode::Corrected {
                flag.fix = flag.findings.iter().copied().find(|&i| {
                    let f = &report.findings[i];
                    f.replacement.is_some() && f.cell == *pos
                });
            }
        }
    }
    out
}

fn in_limits(pos: CellPos) -> bool {
    pos.row < 1_048_576 && pos.col < 16_384
}

/// A copy's bytes and what the report should say about how it was made.
struct Built {
    bytes: Vec<u8>,
    notes: Vec<String>,
}

fn build(wb: &Workbook, report: &FileReport, lang: Lang, mode: Mode) -> Result<Built, WriteError> {
    let flags = plan(wb, report, mode);
    let values_only = wb
        .sheets
        .iter()
        .flat_map(|s| s.cells.values())
        .filter(|c| {
            c.formula
                .as_deref()
                .is_some_and(|f| portable_formula(wb.kind, f).is_none())
        })
        .count();
    let names = sheet_names(wb, lang);
    let summary = SummarySheet::layout(wb, report, &flags, &names, mode, lang, values_only);
    if let Some(package) = &wb.package {
        let patch = patch::Patch {
            wb,
            report,
            flags: &flags,
            names: &names,
            summary: &summary,
            mode,
            lang,
        };
        // Patching keeps everything the file holds; what it cannot patch is rebuilt below.
        if let Ok(bytes) = patch::patch(package, &patch) {
            return Ok(Built {
                bytes,
                notes: Vec::new(),
            });
        }
    }
    let mut book = xw::Workbook::new();
    book.set_properties(&properties(mode, lang)?);
    // The fastest level: half the time of the default 6 for a copy about 15% larger.
    book.set_zip_compression_level(1);

    let summary_ws = book.add_worksheet();
    summary_ws.set_name(&names.summary)?;
    summary.draw(summary_ws)?;

    let mut cx = Copier {
        kind: wb.kind,
        report,
        lang,
        formats: Formats::new(&wb.styles),
    };
    let empty = BTreeMap::new();
    let mut notes = Vec::new();
    for (i, sheet) in wb.sheets.iter().enumerate() {
        let ws = book.add_worksheet();
        ws.set_name(&names.sheets[i])?;
        let dropped = copy_sheet(ws, sheet, flags.get(&i).unwrap_or(&empty), &mut cx)?;
        if dropped > 0 {
            notes.push(dropped_merges_note(&sheet.name, dropped));
        }
    }
    Ok(Built {
        bytes: book.save_to_buffer()?,
        notes,
    })
}

fn properties(mode: Mode, lang: Lang) -> Result<xw::DocProperties, WriteError> {
    // A fixed creation time: the same input gives a byte-identical output.
    let created = xw::ExcelDateTime::from_ymd(2000, 1, 1)?;
    let title = match (mode, lang) {
        (Mode::Annotated, Lang::Zh) => "绩效自评表校验结果",
        (Mode::Corrected, Lang::Zh) => "绩效自评表更正稿",
        (Mode::Annotated, Lang::En) => "Self-evaluation check results",
        (Mode::Corrected, Lang::En) => "Self-evaluation corrected copy",
    };
    Ok(xw::DocProperties::new()
        .set_title(title)
        .set_author("jixiao")
        .set_comment(format!(
            "jixiao {} {}",
            env!("CARGO_PKG_VERSION"),
            mode.suffix()
        ))
        .set_creation_datetime(&created)
        .set_custom_property(MARK_PROPERTY, mode.suffix())
        .set_custom_property("jixiao-version", env!("CARGO_PKG_VERSION")))
}

/// Output sheet names: the summary's, unique among the input's, and the input's own (made valid
/// for Excel only when they are not).
struct Names {
    summary: String,
    sheets: Vec<String>,
}

fn sheet_names(wb: &Workbook, lang: Lang) -> Names {
    let mut taken: Vec<String> = Vec::new();
    let mut sheets = Vec::new();
    for (i, sheet) in wb.sheets.iter().enumerate() {
        let mut name = if is_valid_sheet_name(&sheet.name) {
            sheet.name.clone()
        } else {
            sanitize_sheet_name(&sheet.name, i)
        };
        name = unique_name(&name, &taken);
        taken.push(name.to_lowercase());
        sheets.push(name);
    }
    let base = match lang {
        Lang::Zh => "校验结果",
        Lang::En => "Check results",
    };
    let summary = if taken.contains(&base.to_lowercase()) {
        unique_name(&format!("{base}(jixiao)"), &taken)
    } else {
        base.to_string()
    };
    Names { summary, sheets }
}

fn is_valid_sheet_name(name: &str) -> bool {
    let len = name.encode_utf16().count();
    (1..=31).contains(&len)
        && !name.contains(['[', ']', ':', '*', '?', '/', '\\'])
        && !name.starts_with('\'')
        && !name.ends_with('\'')
        && !name.eq_ignore_ascii_case("history")
}

fn sanitize_sheet_name(name: &str, index: usize) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    // Trimmed again after the cut, which may end on an apostrophe.
    let cleaned = clip_to(cleaned.trim_matches('\''), 31).trim_end_matches('\'');
    if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        format!("Sheet{}", index + 1)
    } else {
        cleaned.to_string()
    }
}

fn unique_name(name: &str, taken: &[String]) -> String {
    if !taken.contains(&name.to_lowercase()) {
        return name.to_string();
    }
    for n in 2.. {
        let suffix = format!("({n})");
        let candidate = format!("{}{suffix}", clip_to(name, 31 - suffix.len()));
        if !taken.contains(&candidate.to_lowercase()) {
            return candidate;
        }
    }
    unreachable!("some numbered name is free")
}

// ---------------------------------------------------------------------------------------------
// Copying a sheet.

/// Merged ranges larger than this are not re-merged (rust_xlsxwriter writes every cell of one).
const MAX_MERGE_AREA: u64 = 100_000;
/// Excel's longest string, in UTF-16 units.
const MAX_STRING: usize = 32_767;
/// The longest note rust_xlsxwriter takes: room is kept for an author prefix.
const MAX_NOTE: usize = MAX_STRING - 54;

/// What copying a sheet needs besides the sheet: the input's kind, the report whose findings are
/// marked, the language of the notes and the format cache.
struct Copier<'a> {
    kind: FileKind,
    report: &'a FileReport,
    lang: Lang,
    formats: Formats<'a>,
}

/// Copies one input sheet cell by cell into `ws`: values, formulas with cached results, merged
/// ranges, styles, widths and heights; marks the flagged cells and, in the corrected output,
/// writes the replacements. Shared by both outputs. Returns how many merged ranges were left
/// out for overlapping others.
fn copy_sheet(
    ws: &mut xw::Worksheet,
    sheet: &Sheet,
    flags: &BTreeMap<CellPos, Flag>,
    cx: &mut Copier<'_>,
) -> Result<usize, WriteError> {
    ws.set_formula_result_default("");
    write_geometry(ws, cx.kind, sheet)?;

    let (merges, dropped) = merges_to_write(sheet);
    for range in merges {
        let (first, last) = (range.first, range.last);
        let style = sheet.cell(first).map(|c| c.style).unwrap_or(0);
        let format = cx.formats.get(style, Mark::Plain, None);
        ws.merge_range(
            first.row,
            first.col as u16,
            last.row,
            last.col as u16,
            "",
            format,
        )?;
        // merge_range gave every cell the top-left's format; the ones the input left unstyled
        // go back to the default, since Excel draws a merged cell's edges from each cell.
        let default = cx.formats.get(0, Mark::Plain, None);
        for row in first.row..=last.row {
            for col in first.col..=last.col {
                if !sheet.cells.contains_key(&CellPos::new(row, col)) {
                    ws.write_blank(row, col as u16, default)?;
                }
            }
        }
    }

    for (&pos, cell) in &sheet.cells {
        if !in_limits(pos) {
            continue;
        }
        write_cell(ws, pos, Some(cell), flags.get(&pos), cx)?;
    }
    // Flagged cells that hold nothing get their fill and note too.
    for (&pos, flag) in flags {
        if !sheet.cells.contains_key(&pos) {
            write_cell(ws, pos, None, Some(flag), cx)?;
        }
    }
    Ok(dropped)
}

/// The merged ranges the rebuild writes: well-formed ones within Excel's limits and not too
/// large, less any that overlaps (or repeats) one kept before it, as Excel's repair keeps the
/// first. rust_xlsxwriter refuses an overlapping range, and after that refusal it can panic on
/// a later merge, so it is never given one. Returns them and how many overlapping ones were left
/// out.
fn merges_to_write(sheet: &Sheet) -> (Vec<CellRange>, usize) {
    let mut taken: HashSet<(u32, u32)> = HashSet::new();
    let mut kept = Vec::new();
    let mut dropped = 0;
    for range in &sheet.merged {
        let (first, last) = (range.first, range.last);
        if first == last || !in_limits(last) || first.row > last.row || first.col > last.col {
            continue;
        }
        let area = u64::from(last.row - first.row + 1) * u64::from(last.col - first.col + 1);
        if area > MAX_MERGE_AREA {
            continue;
        }
        let cells = || {
            (first.row..=last.row).flat_map(move |r| (first.col..=last.col).map(move |c| (r, c)))
        };
        if cells().any(|cell| taken.contains(&cell)) {
            dropped += 1;
            continue;
        }
        taken.extend(cells());
        kept.push(*range);
    }
    (kept, dropped)
}

/// The copy's note on merged ranges left out of sheet `name`.
fn dropped_merges_note(name: &str, dropped: usize) -> String {
    format!(
        "工作表「{name}」有 {dropped} 个合并区域与前面的合并区域重复或重叠，副本中未合并（与 Excel 打开时的修复相同）"
    )
}

fn write_geometry(ws: &mut xw::Worksheet, kind: FileKind, sheet: &Sheet) -> Result<(), WriteError> {
    if sheet.col_widths.is_empty() && kind != FileKind::Xlsx {
        for (col, width) in content_widths(sheet) {
            ws.set_column_width(col as u16, width)?;
        }
    }
    for (&col, &width) in &sheet.col_widths {
        if col >= 16_384 || !width.is_finite() {
            continue;
        }
        if width <= 0.0 {
            ws.set_column_hidden(col as u16)?;
        } else {
            ws.set_column_width(col as u16, width.min(255.0))?;
        }
    }
    for (&row, &height) in &sheet.row_heights {
        if row >= 1_048_576 || !height.is_finite() {
            continue;
        }
        if height <= 0.0 {
            ws.set_row_hidden(row)?;
        } else {
            ws.set_row_height(row, height.min(409.0))?;
        }
    }
    Ok(())
}

/// Column widths from content for inputs that do not state them (xls, ods): the widest value
/// in the column, CJK characters counting about 2, between the default 8.43 and 60.
fn content_widths(sheet: &Sheet) -> BTreeMap<u32, f64> {
    // A value merged across columns does not need a column of its own width.
    let spanning: std::collections::HashSet<CellPos> = sheet
        .merged
        .iter()
        .filter(|m| m.first.col != m.last.col)
        .map(|m| m.first)
        .collect();
    let mut widest: BTreeMap<u32, f64> = BTreeMap::new();
    for (&pos, cell) in &sheet.cells {
        if pos.col >= 16_384 || spanning.contains(&pos) {
            continue;
        }
        let w = match &cell.value {
            CellValue::Text(s) => text_width(s),
            CellValue::Number(n) => format!("{:.2}", n)
                .trim_end_matches('0')
                .trim_end_matches('.')
                .len() as f64,
            CellValue::DateTime(_) => 10.0,
            CellValue::Bool(_) => 5.0,
            CellValue::Error(e) => e.len() as f64,
            CellValue::Empty => 0.0,
        };
        let entry = widest.entry(pos.col).or_insert(0.0);
        *entry = entry.max(w);
    }
    widest
        .into_iter()
        .map(|(col, w)| (col, (w + 2.0).clamp(0.0, 60.0)))
        .filter(|&(_, w)| w > 8.43)
        .collect()
}

fn write_cell(
    ws: &mut xw::Worksheet,
    pos: CellPos,
    cell: Option<&Cell>,
    flag: Option<&Flag>,
    cx: &mut Copier<'_>,
) -> Result<(), WriteError> {
    let report = cx.report;
    let formats = &mut cx.formats;
    let (row, col) = (pos.row, pos.col as u16);
    let mark = flag.map(|f| f.mark(report)).unwrap_or(Mark::Plain);
    let style = cell.map(|c| c.style).unwrap_or(0);
    let value = cell.map(|c| &c.value).unwrap_or(&CellValue::Empty);
    let fix = flag
        .and_then(|f| f.fix)
        .and_then(|i| report.findings[i].replacement.as_ref());
    // A number format where the style has none: dates need one to stay dates, and a rate typed
    // as text ("99.54%") that is replaced by a ratio should still show as a percentage.
    let fallback = match (fix, value) {
        _ if formats.has_number_format(style) => None,
        (None, CellValue::DateTime(_)) => Some(DATE_FORMAT),
        (Some(Replacement::Number(_)), CellValue::Text(t))
            if t.trim_end().ends_with(['%', '％']) =>
        {
            Some(PERCENT_FORMAT)
        }
        _ => None,
    };
    let format = formats.get(style, mark, fallback);

    match (fix, cell) {
        (Some(Replacement::Number(d)), _) => {
            match d.to_string().parse::<f64>() {
                Ok(n) if n.is_finite() => ws.write_number_with_format(row, col, n, format)?,
                _ => ws.write_string_with_format(row, col, d.to_string(), format)?,
            };
        }
        (Some(Replacement::Text(s)), _) => {
            ws.write_string_with_format(row, col, clip(s), format)?;
        }
        (None, Some(cell)) => write_value(ws, row, col, cell, cx.kind, format)?,
        (None, None) => {
            ws.write_blank(row, col, format)?;
        }
    }
    if let Some(flag) = flag {
        let text = note_text(flag, cell, report, cx.lang);
        ws.insert_note(row, col, &note(clip_to(&text, MAX_NOTE)))?;
    }
    Ok(())
}

/// The formula text to write into the xlsx copy, or None to keep only its value. An xlsx
/// formula is the file's own text. calamine renders an xls formula from its tokens (sheet names
/// unquoted, some tokens as placeholders) and gives an ods formula in OpenFormula syntax, so
/// those are kept only when they are plain same-sheet formulas that read the same in Excel.
fn portable_formula(kind: FileKind, text: &str) -> Option<String> {
    match kind {
        FileKind::Xlsx => Some(text.to_string()),
        FileKind::Xls => plain_formula(text),
        FileKind::Ods => plain_formula(&translate_open_formula(text)?),
    }
}

/// `text` when it holds only same-sheet references, numbers, strings, operators and functions.
fn plain_formula(text: &str) -> Option<String> {
    let text = text.trim().trim_start_matches('=');
    if text.is_empty() || text.len() > 8192 || text.contains("Unsupported") || text.contains("ptg")
    {
        return None;
    }
    let mut depth = 0i32;
    let mut in_string = false;
    let mut prev = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            in_string = c != '"';
            prev = c;
            continue;
        }
        // A dotted name (ORG.OPENOFFICE.X, COM.MICROSOFT.Y) is not an Excel function.
        if c == '.'
            && prev.is_ascii_alphabetic()
            && chars.peek().is_some_and(|n| n.is_ascii_alphabetic())
        {
            return None;
        }
        prev = c;
        match c {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            'A'..='Z' | 'a'..='z' | '0'..='9' | '_' | '.' | ',' | ':' | ' ' | '$' | '%' => {}
            '+' | '-' | '*' | '/' | '^' | '&' | '<' | '>' | '=' => {}
            _ => return None,
        }
    }
    (depth == 0 && !in_string).then(|| text.to_string())
}

/// OpenFormula (`of:=SUM([.B7:.B8]);…`) to Excel syntax, for same-sheet references only.
fn translate_open_formula(text: &str) -> Option<String> {
    let body = text.trim();
    let body = body.strip_prefix("of:").unwrap_or(body).strip_prefix('=')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            in_string = c != '"';
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            ';' => out.push(','),
            '[' => {
                let mut inner = String::new();
                loop {
                    match chars.next()? {
                        ']' => break,
                        ch => inner.push(ch),
                    }
                }
                let mut parts = Vec::new();
                for part in inner.split(':') {
                    let cell = part.strip_prefix('.')?;
                    if !is_cell_ref(cell) {
                        return None;
                    }
                    parts.push(cell);
                }
                if parts.len() > 2 {
                    return None;
                }
                out.push_str(&parts.join(":"));
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// `A1`, `$B$12`: one to three letters, one to seven digits, optional `$` before each.
fn is_cell_ref(text: &str) -> bool {
    let text = text.strip_prefix('$').unwrap_or(text);
    let letters = text.chars().take_while(|c| c.is_ascii_uppercase()).count();
    let rest = text[letters..]
        .strip_prefix('$')
        .unwrap_or(&text[letters..]);
    (1..=3).contains(&letters)
        && (1..=7).contains(&rest.len())
        && rest.chars().all(|c| c.is_ascii_digit())
}

const ERROR_VALUES: [&str; 7] = [
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
];

fn write_value(
    ws: &mut xw::Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    kind: FileKind,
    format: &xw::Format,
) -> Result<(), WriteError> {
    if let Some(formula) = cell
        .formula
        .as_deref()
        .and_then(|f| portable_formula(kind, f))
    {
        let formula = xw::Formula::new(formula).set_result(cached_result(&cell.value));
        ws.write_formula_with_format(row, col, formula, format)?;
        return Ok(());
    }
    match &cell.value {
        CellValue::Empty => ws.write_blank(row, col, format)?,
        CellValue::Number(n) | CellValue::DateTime(n) => {
            ws.write_number_with_format(row, col, *n, format)?
        }
        CellValue::Text(s) => ws.write_string_with_format(row, col, clip(s), format)?,
        CellValue::Bool(b) => ws.write_boolean_with_format(row, col, *b, format)?,
        // An error constant is kept as a formula that yields it, so readers see the error.
        CellValue::Error(e) if ERROR_VALUES.contains(&e.as_str()) => ws.write_formula_with_format(
            row,
            col,
            xw::Formula::new(e).set_result(e.as_str()),
            format,
        )?,
        CellValue::Error(e) => ws.write_string_with_format(row, col, clip(e), format)?,
    };
    Ok(())
}

/// The cached result a formula is written with, as rust_xlsxwriter takes it.
fn cached_result(value: &CellValue) -> String {
    match value {
        CellValue::Empty => String::new(),
        CellValue::Number(n) | CellValue::DateTime(n) => format!("{n}"),
        CellValue::Text(s) => clip(s).to_string(),
        CellValue::Bool(true) => "TRUE".to_string(),
        CellValue::Bool(false) => "FALSE".to_string(),
        CellValue::Error(e) => e.clone(),
    }
}

fn clip(s: &str) -> &str {
    clip_to(s, MAX_STRING)
}

/// `s` cut to at most `max` UTF-16 units, the measure of Excel's limits, between characters.
fn clip_to(s: &str, max: usize) -> &str {
    // No character takes more UTF-16 units than UTF-8 bytes.
    if s.len() <= max {
        return s;
    }
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}
// ---------------------------------------------------------------------------------------------
// Notes.

fn display_value(value: &CellValue) -> String {
    match value {
        CellValue::Empty => String::new(),
        CellValue::Number(n) | CellValue::DateTime(n) => format!("{n}"),
        CellValue::Text(s) => s.clone(),
        CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        CellValue::Error(e) => e.clone(),
    }
}

fn note_text(flag: &Flag, cell: Option<&Cell>, report: &FileReport, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut parts = Vec::new();
    if let Some(i) = flag.fix {
        let f = &report.findings[i];
        let original = match cell {
            _ if !f.found.is_empty() => f.found.clone(),
            Some(c) => display_value(&c.value),
            None => String::new(),
        };
        let original = if original.trim().is_empty() {
            if zh {
                "（空白）".to_string()
            } else {
                "(blank)".to_string()
            }
        } else {
            original
        };
        let new = match (&f.expected, &f.replacement) {
            (Some(e), _) => e.clone(),
            (None, Some(Replacement::Number(d))) => d.normalize().to_string(),
            (None, Some(Replacement::Text(t))) => t.clone(),
            (None, None) => String::new(),
        };
        let mut line = if zh {
            format!("已更正：原值 {original} → {new}")
        } else {
            format!("Corrected: was {original}, now {new}")
        };
        if let Some(formula) = cell.and_then(|c| c.formula.as_ref()) {
            line.push_str(&if zh {
                format!("\n原为公式 ={formula}，已改为数值")
            } else {
                format!("\nThe formula ={formula} was replaced by the value")
            });
        }
        parts.push(line);
    }
    for &i in &flag.findings {
        parts.push(finding_text(&report.findings[i], lang));
    }
    parts.join("\n\n")
}

fn finding_text(f: &Finding, lang: Lang) -> String {
    let mut lines = Vec::new();
    match lang {
        Lang::Zh => {
            lines.push(format!("【{}】{}", f.severity.label_zh(), f.check));
            let found = if f.found.trim().is_empty() {
                "（空白）"
            } else {
                f.found.as_str()
            };
            lines.push(format!("填报值：{found}"));
            if let Some(e) = &f.expected {
                lines.push(format!("应为：{e}"));
            }
        }
        Lang::En => {
            lines.push(format!("[{}] {}", f.severity.label_en(), f.check));
            let found = if f.found.trim().is_empty() {
                "(blank)"
            } else {
                f.found.as_str()
            };
            lines.push(format!("Found: {found}"));
            if let Some(e) = &f.expected {
                lines.push(format!("Expected: {e}"));
            }
        }
    }
    if !f.message.trim().is_empty() {
        lines.push(f.message.clone());
    }
    lines.join("\n")
}

/// A note's box in pixels (width, height), sized to its text.
fn note_size(text: &str) -> (u32, u32) {
    const WIDTH_PX: u32 = 320;
    // About 44 narrow characters fit on one line of the note at its default font.
    let lines: f64 = text
        .lines()
        .map(|l| (text_width(l) / 44.0).ceil().max(1.0))
        .sum();
    (WIDTH_PX, ((lines * 15.0) as u32 + 12).clamp(74, 600))
}

fn note(text: &str) -> xw::Note {
    let (width, height) = note_size(text);
    xw::Note::new(text)
        .set_author("jixiao")
        .add_author_prefix(false)
        .set_width(width)
        .set_height(height)
}

// ---------------------------------------------------------------------------------------------
// Formats.

const DATE_FORMAT: &str = "yyyy-mm-dd";
const PERCENT_FORMAT: &str = "0.00%";

/// rust_xlsxwriter formats built from the calamine style palette, by (style index, mark,
/// number format supplied where the style has none).
struct Formats<'a> {
    styles: &'a [calamine::Style],
    cache: HashMap<(usize, Mark, Option<&'static str>), xw::Format>,
}

impl<'a> Formats<'a> {
    fn new(styles: &'a [calamine::Style]) -> Self {
        Formats {
            styles,
            cache: HashMap::new(),
        }
    }

    fn has_number_format(&self, style: usize) -> bool {
        self.styles
            .get(style)
            .and_then(|s| s.number_format.as_ref())
            .is_some_and(|f| !f.format_code.eq_ignore_ascii_case("general"))
    }

    fn get(&mut self, style: usize, mark: Mark, fallback: Option<&'static str>) -> &xw::Format {
        let styles = self.styles;
        self.cache
            .entry((style, mark, fallback))
            .or_insert_with(|| {
                let mut format = styles.get(style).map(format_of_style).unwrap_or_default();
                if let Some(code) = fallback {
                    format = format.set_num_format(code);
                }
                match mark {
                    Mark::Plain => format,
                    Mark::Flag(severity) => solid(format, severity_color(severity)),
                    Mark::Corrected => solid(format, CORRECTED_COLOR),
                }
            })
    }
}

fn solid(format: xw::Format, rgb: u32) -> xw::Format {
    format
        .set_pattern(xw::FormatPattern::Solid)
        .set_background_color(xw::Color::RGB(rgb))
}

fn rgb(c: &calamine::Color) -> xw::Color {
    xw::Color::RGB((u32::from(c.red) << 16) | (u32::from(c.green) << 8) | u32::from(c.blue))
}

/// A rust_xlsxwriter format with the number format, font, fill, borders, alignment and
/// protection of a calamine style.
fn format_of_style(style: &calamine::Style) -> xw::Format {
    let mut f = xw::Format::new();
    if let Some(nf) = &style.number_format {
        match nf.format_id {
            Some(0) => {}
            // Built-in formats keep their id, so locale-dependent ones stay so.
            Some(id @ 1..=163) => f = f.set_num_format_index(id as u8),
            _ if nf.format_code.eq_ignore_ascii_case("general") || nf.format_code.is_empty() => {}
            _ => f = f.set_num_format(nf.format_code.as_str()),
        }
    }
    if let Some(font) = &style.font {
        if let Some(name) = &font.name {
            f = f.set_font_name(name.as_str());
        }
        if let Some(size) = font.size.filter(|s| s.is_finite() && *s > 0.0) {
            f = f.set_font_size(size);
        }
        if font.is_bold() {
            f = f.set_bold();
        }
        if font.is_italic() {
            f = f.set_italic();
        }
        if font.has_strikethrough() {
            f = f.set_font_strikethrough();
        }
        f = match font.underline {
            calamine::UnderlineStyle::Single => f.set_underline(xw::FormatUnderline::Single),
            calamine::UnderlineStyle::Double => f.set_underline(xw::FormatUnderline::Double),
            calamine::UnderlineStyle::SingleAccounting => {
                f.set_underline(xw::FormatUnderline::SingleAccounting)
            }
            calamine::UnderlineStyle::DoubleAccounting => {
                f.set_underline(xw::FormatUnderline::DoubleAccounting)
            }
            _ => f,
        };
        if let Some(color) = &font.color {
            f = f.set_font_color(rgb(color));
        }
        if let Some(family) = font.family {
            f = f.set_font_family(family);
        }
    }
    if let Some(fill) = &style.fill {
        f = match fill.pattern {
            calamine::FillPattern::None => f,
            calamine::FillPattern::Solid => match fill.get_color() {
                Some(c) => f
                    .set_pattern(xw::FormatPattern::Solid)
                    .set_background_color(rgb(&c)),
                None => f,
            },
            pattern => {
                let mut g = f.set_pattern(fill_pattern(pattern));
                if let Some(c) = &fill.foreground_color {
                    g = g.set_foreground_color(rgb(c));
                }
                if let Some(c) = &fill.background_color {
                    g = g.set_background_color(rgb(c));
                }
                g
            }
        };
    }
    if let Some(b) = &style.borders {
        type SetStyle = fn(xw::Format, xw::FormatBorder) -> xw::Format;
        type SetColor = fn(xw::Format, xw::Color) -> xw::Format;
        let sides: [(&calamine::Border, SetStyle, SetColor); 4] = [
            (
                &b.top,
                |f, s| f.set_border_top(s),
                |f, c| f.set_border_top_color(c),
            ),
            (
                &b.bottom,
                |f, s| f.set_border_bottom(s),
                |f, c| f.set_border_bottom_color(c),
            ),
            (
                &b.left,
                |f, s| f.set_border_left(s),
                |f, c| f.set_border_left_color(c),
            ),
            (
                &b.right,
                |f, s| f.set_border_right(s),
                |f, c| f.set_border_right_color(c),
            ),
        ];
        for (border, set_style, set_color) in sides {
            if border.is_visible() {
                f = set_style(f, border_style(border.style));
                if let Some(c) = &border.color {
                    f = set_color(f, rgb(c));
                }
            }
        }
        let (up, down) = (b.diagonal_up.is_visible(), b.diagonal_down.is_visible());
        if up || down {
            let border = if up { &b.diagonal_up } else { &b.diagonal_down };
            let kind = match (up, down) {
                (true, true) => xw::FormatDiagonalBorder::BorderUpDown,
                (true, false) => xw::FormatDiagonalBorder::BorderUp,
                _ => xw::FormatDiagonalBorder::BorderDown,
            };
            f = f
                .set_border_diagonal(border_style(border.style))
                .set_border_diagonal_type(kind);
            if let Some(c) = &border.color {
                f = f.set_border_diagonal_color(rgb(c));
            }
        }
    }
    if let Some(a) = &style.alignment {
        f = match a.horizontal {
            calamine::HorizontalAlignment::Left => f.set_align(xw::FormatAlign::Left),
            calamine::HorizontalAlignment::Center => f.set_align(xw::FormatAlign::Center),
            calamine::HorizontalAlignment::CenterContinuous => {
                f.set_align(xw::FormatAlign::CenterAcross)
            }
            calamine::HorizontalAlignment::Right => f.set_align(xw::FormatAlign::Right),
            calamine::HorizontalAlignment::Justify => f.set_align(xw::FormatAlign::Justify),
            calamine::HorizontalAlignment::Distributed => f.set_align(xw::FormatAlign::Distributed),
            calamine::HorizontalAlignment::Fill => f.set_align(xw::FormatAlign::Fill),
            _ => f,
        };
        f = match a.vertical {
            calamine::VerticalAlignment::Top => f.set_align(xw::FormatAlign::Top),
            calamine::VerticalAlignment::Center => f.set_align(xw::FormatAlign::VerticalCenter),
            calamine::VerticalAlignment::Justify => f.set_align(xw::FormatAlign::VerticalJustify),
            calamine::VerticalAlignment::Distributed => {
                f.set_align(xw::FormatAlign::VerticalDistributed)
            }
            _ => f,
        };
        if a.wrap_text {
            f = f.set_text_wrap();
        }
        if a.shrink_to_fit {
            f = f.set_shrink();
        }
        if let Some(indent) = a.indent.filter(|i| *i > 0) {
            f = f.set_indent(indent);
        }
        f = match a.text_rotation {
            calamine::TextRotation::Degrees(d @ 1..=90) => f.set_rotation(d as i16),
            calamine::TextRotation::Degrees(d @ 91..=180) => f.set_rotation(90 - d as i16),
            calamine::TextRotation::Stacked => f.set_rotation(270),
            _ => f,
        };
    }
    if let Some(p) = &style.protection {
        if !p.locked {
            f = f.set_unlocked();
        }
        if p.hidden {
            f = f.set_hidden();
        }
    }
    f
}

fn border_style(style: calamine::BorderStyle) -> xw::FormatBorder {
    use calamine::BorderStyle as B;
    match style {
        B::Thin => xw::FormatBorder::Thin,
        B::Medium => xw::FormatBorder::Medium,
        B::Thick => xw::FormatBorder::Thick,
        B::Double => xw::FormatBorder::Double,
        B::Hair => xw::FormatBorder::Hair,
        B::Dashed => xw::FormatBorder::Dashed,
        B::Dotted => xw::FormatBorder::Dotted,
        B::MediumDashed => xw::FormatBorder::MediumDashed,
        B::DashDot => xw::FormatBorder::DashDot,
        B::MediumDashDot => xw::FormatBorder::MediumDashDot,
        B::DashDotDot => xw::FormatBorder::DashDotDot,
        B::MediumDashDotDot => xw::FormatBorder::MediumDashDotDot,
        B::SlantDashDot => xw::FormatBorder::SlantDashDot,
        _ => xw::FormatBorder::None,
    }
}

fn fill_pattern(pattern: calamine::FillPattern) -> xw::FormatPattern {
    use calamine::FillPattern as P;
    match pattern {
        P::Solid => xw::FormatPattern::Solid,
        P::DarkGray => xw::FormatPattern::DarkGray,
        P::MediumGray => xw::FormatPattern::MediumGray,
        P::LightGray => xw::FormatPattern::LightGray,
        P::Gray125 => xw::FormatPattern::Gray125,
        P::Gray0625 => xw::FormatPattern::Gray0625,
        P::DarkHorizontal => xw::FormatPattern::DarkHorizontal,
        P::DarkVertical => xw::FormatPattern::DarkVertical,
        P::DarkDown => xw::FormatPattern::DarkDown,
        P::DarkUp => xw::FormatPattern::DarkUp,
        P::DarkGrid => xw::FormatPattern::DarkGrid,
        P::DarkTrellis => xw::FormatPattern::DarkTrellis,
        P::LightHorizontal => xw::FormatPattern::LightHorizontal,
        P::LightVertical => xw::FormatPattern::LightVertical,
        P::LightDown => xw::FormatPattern::LightDown,
        P::LightUp => xw::FormatPattern::LightUp,
        P::LightGrid => xw::FormatPattern::LightGrid,
        P::LightTrellis => xw::FormatPattern::LightTrellis,
        _ => xw::FormatPattern::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xlsx_formulas_are_kept_as_written() {
        let f = "'基础 数据'!D11+_xlfn.XLOOKUP(A1,B:B,C:C)";
        assert_eq!(portable_formula(FileKind::Xlsx, f).as_deref(), Some(f));
    }

    #[test]
    fn xls_formulas_only_when_plain() {
        assert_eq!(
            portable_formula(FileKind::Xls, "B6+B9+B10").as_deref(),
            Some("B6+B9+B10")
        );
        assert_eq!(
            portable_formula(FileKind::Xls, "ROUND(E4/D4*100,2)").as_deref(),
            Some("ROUND(E4/D4*100,2)")
        );
        assert_eq!(
            portable_formula(FileKind::Xls, "IF(A1>0,\"有（\"\"是\"\"）\",\"\")").as_deref(),
            Some("IF(A1>0,\"有（\"\"是\"\"）\",\"\")")
        );
        for bad in [
            "基础数据表!D11",
            "[PtgNameX]",
            "Unsupported ptg: 1a",
            "SUM(A1",
            "A1)",
            "\"open",
            "",
        ] {
            assert_eq!(portable_formula(FileKind::Xls, bad), None, "{bad}");
        }
    }

    #[test]
    fn ods_formulas_are_translated_when_same_sheet() {
        let got = portable_formula(FileKind::Ods, "of:=[.B6]+SUM([.$B$7:.B8];1)");
        assert_eq!(got.as_deref(), Some("B6+SUM($B$7:B8,1)"));
        assert_eq!(
            portable_formula(FileKind::Ods, "of:=\"a;[b]\"&[.A1]").as_deref(),
            Some("\"a;[b]\"&A1")
        );
        for bad in [
            "of:=[$Sheet2.A1]",
            "of:=[.A1:.B2:.C3]",
            "of:=[.A1",
            "of:=ORG.OPENOFFICE.X([.A1])",
            "A1",
        ] {
            assert_eq!(portable_formula(FileKind::Ods, bad), None, "{bad}");
        }
    }

    #[test]
    fn merges_that_overlap_a_kept_one_are_left_out() {
        let range = |a: &str, b: &str| CellRange {
            first: CellPos::parse_a1(a).unwrap(),
            last: CellPos::parse_a1(b).unwrap(),
        };
        let sheet = Sheet {
            merged: vec![
                range("K1", "K2"),
                range("J1", "K1"),
                range("K1", "K2"),
                range("J1", "J2"),
                range("A1", "A1"),
            ],
            ..Sheet::default()
        };
        let (kept, dropped) = merges_to_write(&sheet);
        assert_eq!(kept, vec![range("K1", "K2"), range("J1", "J2")]);
        assert_eq!(dropped, 2);
    }

    #[test]
    fn strings_are_cut_by_utf16_units() {
        assert_eq!(clip_to("𠀀𠀀", 3), "𠀀");
        assert_eq!(clip_to("长长长", 2), "长长");
        assert_eq!(clip_to("abc", 3), "abc");
        assert!(!is_valid_sheet_name(&"𠀀".repeat(16)));
        assert_eq!(sanitize_sheet_name(&"𠀀".repeat(16), 0), "𠀀".repeat(15));
    }

    #[test]
    fn sheet_names_are_made_valid_and_unique() {
        assert!(is_valid_sheet_name("基础数据表"));
        assert!(!is_valid_sheet_name("a/b"));
        assert!(!is_valid_sheet_name("'x"));
        assert!(!is_valid_sheet_name("History"));
        assert_eq!(sanitize_sheet_name("a/b:c", 0), "a_b_c");
        assert_eq!(sanitize_sheet_name("''", 2), "Sheet3");
        let taken = vec!["sheet1".to_string(), "sheet1(2)".to_string()];
        assert_eq!(unique_name("Sheet1", &taken), "Sheet1(3)");
        assert_eq!(
            unique_name(&"长".repeat(31), &["长".repeat(31)])
                .chars()
                .count(),
            31
        );
    }
}
