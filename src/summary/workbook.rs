//! 汇总.xlsx: the summary rows as a workbook, written atomically and marked as jixiao's.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use rust_xlsxwriter as xw;

use super::{cells, headers, SortedRows, SummaryRow, COLUMNS, NUMERIC};
use crate::annotate::Lang;
use crate::i18n::notes::NoteMsg;
use crate::i18n::{msg, Message};
use crate::model::files::{self, Existing, TempFile};
use crate::model::text::text_width;
use crate::report::os_error;

/// Why the summary workbook could not be written; said in Chinese, or in any language by
/// [`SummaryError::message`].
#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    NotOurs(PathBuf),
    Io { path: PathBuf, reason: String },
}

impl SummaryError {
    /// What went wrong, to be said in the run's language.
    pub fn message(&self) -> Message {
        match self {
            SummaryError::NotOurs(path) => {
                msg!(NoteMsg::SummaryNotOurs, path.display().to_string())
            }
            SummaryError::Io { path, reason } => {
                msg!(
                    NoteMsg::SummaryWriteFailed,
                    path.display().to_string(),
                    reason
                )
            }
        }
    }
}

impl std::fmt::Display for SummaryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

/// Whether `path` is a summary jixiao wrote (its custom properties carry the `jixiao` mark).
pub fn is_jixiao_summary(path: &Path) -> bool {
    crate::annotate::carries_mark(path)
}

/// Writes the summary workbook to `dest` (through a new temporary file in the same folder,
/// renamed into place). An existing file is replaced only if it is empty or jixiao wrote it and
/// nobody changed it since, or with `force`; a link, FIFO or folder at `dest` never.
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
    let existing = files::existing(dest).map_err(|e| io_err(&e))?;
    let unchanged = || is_jixiao_summary(dest) && crate::ooxml::is_sealed_intact(dest);
    if existing == Existing::File && !force && !unchanged() {
        return Err(SummaryError::NotOurs(dest.to_path_buf()));
    }
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let os_err = |e: io::Error| io_err(&os_error(&e, lang));
    fs::create_dir_all(dir).map_err(os_err)?;
    // Made in memory, so that no zip writer is ever left unfinished on a full disk.
    let bytes = build(dir, rows, lang)
        .and_then(|mut wb| wb.save_to_buffer())
        .map_err(|e| match e {
            xw::XlsxError::IoError(e) => os_err(e),
            e => io_err(&e),
        })?;
    let bytes = crate::ooxml::seal(bytes).map_err(|e| io_err(&e))?;
    let mut tmp = TempFile::beside(dest).map_err(os_err)?;
    tmp.file().write_all(&bytes).map_err(os_err)?;
    tmp.persist().map_err(os_err)
}

fn io(e: io::Error) -> xw::XlsxError {
    xw::XlsxError::IoError(e)
}

fn build(dir: &Path, rows: &mut SortedRows, lang: Lang) -> Result<xw::Workbook, xw::XlsxError> {
    // Widths first: the rows are written once, in order, and never held.
    let head = headers(lang);
    let mut widths: [usize; COLUMNS] = head.map(text_width);
    for i in 0..rows.len() {
        let row = rows.get(i).map_err(io)?;
        for (w, c) in widths.iter_mut().zip(cells(&row, lang)) {
            *w = (*w).max(text_width(&c));
        }
    }

    let mut wb = xw::Workbook::new();
    wb.set_properties(
        &xw::DocProperties::new()
            .set_title(NoteMsg::SummaryTitle.text(lang))
            .set_custom_property(crate::annotate::MARK_PROPERTY, "summary")
            .set_custom_property("jixiao-version", env!("CARGO_PKG_VERSION")),
    );
    let formats = Formats::new();
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(NoteMsg::SummarySheet.text(lang))?;
    for (col, w) in widths.iter().enumerate() {
        let w = (*w).clamp(6, 60) + 2;
        ws.set_column_width(col as u16, w as f64)?;
    }
    ws.set_row_height(0, 20)?;
    for (col, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, *h, &formats.header)?;
    }
    let n = rows.len();
    for i in 0..n {
        let row = rows.get(i).map_err(io)?;
        write_row(ws, (i + 1) as u32, &row, dir, lang, &formats)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, n as u32, (COLUMNS - 1) as u16)?;
    Ok(wb)
}

/// The cell formats of the summary sheet.
struct Formats {
    header: xw::Format,
    text: xw::Format,
    score: xw::Format,
    integer: xw::Format,
    link: xw::Format,
    bad: xw::Format,
    errors: xw::Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: xw::Format::new()
                .set_bold()
                .set_background_color(xw::Color::RGB(0xD9E1F2))
                .set_border_bottom(xw::FormatBorder::Thin)
                .set_align(xw::FormatAlign::Center)
                .set_align(xw::FormatAlign::VerticalCenter),
            text: xw::Format::new(),
            score: xw::Format::new().set_num_format("0.00"),
            integer: xw::Format::new().set_num_format("0"),
            link: xw::Format::new()
                .set_font_color(xw::Color::RGB(0x0563C1))
                .set_underline(xw::FormatUnderline::Single),
            bad: xw::Format::new().set_font_color(xw::Color::RGB(0xC00000)),
            errors: xw::Format::new()
                .set_num_format("0")
                .set_font_color(xw::Color::RGB(0xC00000))
                .set_bold(),
        }
    }
}

/// One file's row: the path a link to its annotated copy, numbers as numbers, a failure in red.
fn write_row(
    ws: &mut xw::Worksheet,
    r: u32,
    row: &SummaryRow,
    dir: &Path,
    lang: Lang,
    f: &Formats,
) -> Result<(), xw::XlsxError> {
    for (col, value) in cells(row, lang).iter().enumerate() {
        let c = col as u16;
        if value.is_empty() {
            continue;
        }
        match col {
            2 => match link_formula(dir, row) {
                Some(formula) => ws.write_formula_with_format(r, c, formula, &f.link)?,
                None => ws.write_string_with_format(r, c, value, &f.text)?,
            },
            10 if row.failed => ws.write_string_with_format(r, c, value, &f.bad)?,
            _ if NUMERIC[col] => {
                let fmt = match col {
                    3 | 4 => &f.score,
                    6 if row.counts[0] > 0 => &f.errors,
                    _ => &f.integer,
                };
                match value.parse::<f64>() {
                    Ok(v) => ws.write_number_with_format(r, c, v, fmt)?,
                    Err(_) => ws.write_string_with_format(r, c, value, &f.text)?,
                }
            }
            _ => ws.write_string_with_format(r, c, value, &f.text)?,
        };
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

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
