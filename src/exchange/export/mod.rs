//! `jixiao export`: every workbook read and checked as `check` does, in parallel through the
//! batch (same folder walk, skipping rules and progress bar), its record written as it comes in
//! one of the formats, each behind [`Exporter`]: [`json`], [`csv`], [`xlsx`] (one wide
//! workbook, written once every record is in, worst first).

pub mod csv;
pub mod json;
pub mod xlsx;

use std::io::{self, BufReader, BufWriter, IsTerminal, Seek, Write};
use std::path::{Path, PathBuf};

use super::WorkbookData;
use crate::annotate::Lang;
use crate::batch::{self, BatchOptions, FileJob, Walker};
use crate::i18n::errors::ErrMsg;
use crate::i18n::{msg, Message};
use crate::model::files::{self, Existing, TempFile};
use crate::model::FileReport;
use crate::pipeline::Options;
use crate::report::{os_error, Renderer};
use crate::summary::{self, SummaryRow};
use crate::template::{FieldInfo, Template};

/// One output format: each workbook's part on its own, so that the parts are written as the
/// workbooks are done, and what goes between and around them.
pub trait Exporter: Send + Sync {
    /// One workbook's part; `rank` sorts workbooks worst first, as in 汇总.xlsx.
    fn workbook(&self, data: &WorkbookData, rank: u32) -> String;
    /// What goes before the part of the workbook at `index` (0 for the first).
    fn before(&self, _index: usize) -> &'static str {
        ""
    }
    /// What goes after the last of `count` parts.
    fn end(&self, _count: usize) -> &'static str {
        ""
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Json,
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    pub format: Format,
    /// CSV: one row per 绩效指标 row instead of one per field.
    pub indicators: bool,
    /// The file to write; stdout when None (not for xlsx).
    pub out: Option<PathBuf>,
    /// Replace an existing output file.
    pub force: bool,
    pub jobs: Option<usize>,
    pub lang: Lang,
    /// A user's template, used instead of the built-in ones.
    pub template: Option<Template>,
}

#[derive(Debug, thiserror::Error)]
#[error("{}", self.message())]
pub enum ExportError {
    XlsxNeedsOut,
    Exists(PathBuf),
    Write { path: PathBuf, reason: String },
    Start(String),
}

impl ExportError {
    /// The one line said about it (`reason` and `Start`'s text are already in the run's language).
    pub fn message(&self) -> Message {
        match self {
            ExportError::XlsxNeedsOut => ErrMsg::ExportNeedsOut.into(),
            ExportError::Exists(p) => msg!(ErrMsg::ExportExists, p.display().to_string()),
            ExportError::Write { path, reason } => {
                msg!(ErrMsg::CannotWrite, path.display().to_string(), reason)
            }
            ExportError::Start(why) => msg!(ErrMsg::ExportStart, why),
        }
    }
}

/// What a run leaves behind.
#[derive(Debug, Default)]
pub struct Exported {
    pub files: usize,
    /// Files that could not be read as the tables, with why.
    pub failed: Vec<(String, String)>,
}

/// The job the batch workers do for an export: check, make the record, render it.
struct ExportJob<'a> {
    exporter: &'a dyn Exporter,
    templates: &'a [Template],
    infos: Vec<Vec<FieldInfo>>,
}

fn rank(report: &FileReport) -> u32 {
    SummaryRow::from_report(report).sort_key()
}

impl Renderer for ExportJob<'_> {
    fn file(&self, report: &FileReport) -> String {
        self.exporter
            .workbook(&WorkbookData::failed(report), rank(report))
    }
    fn before(&self, index: usize) -> &'static str {
        self.exporter.before(index)
    }
    fn end(&self, count: usize) -> &'static str {
        self.exporter.end(count)
    }
}

impl FileJob for ExportJob<'_> {
    fn run(&self, path: &Path, opts: &Options) -> (FileReport, String) {
        let (report, data) = WorkbookData::of_file(path, self.templates, &self.infos, opts.lang);
        let rendered = self.exporter.workbook(&data, rank(&report));
        (report, rendered)
    }
}

/// Exports every workbook of `paths` as `opts` asks.
pub fn export(paths: &[PathBuf], opts: &ExportOptions) -> Result<Exported, ExportError> {
    if opts.format == Format::Xlsx && opts.out.is_none() {
        return Err(ExportError::XlsxNeedsOut);
    }
    if let Some(dest) = &opts.out {
        may_write(dest, opts.force, opts.lang)?;
    }
    let exporter: Box<dyn Exporter> = match (opts.format, opts.indicators) {
        (Format::Json, _) => Box::new(json::Json),
        (Format::Csv, false) => Box::new(csv::Fields),
        (Format::Csv, true) => Box::new(csv::Indicators),
        (Format::Xlsx, _) => Box::new(xlsx::Spill),
    };
    let templates = match &opts.template {
        Some(t) => std::slice::from_ref(t),
        None => Template::built_in_ref(),
    };
    let job = ExportJob {
        exporter: &*exporter,
        templates,
        infos: templates.iter().map(Template::field_infos).collect(),
    };
    let mut skip = vec![summary::DEFAULT_NAME.to_string()];
    if let Some(name) = opts.out.as_deref().and_then(Path::file_name) {
        skip.push(name.to_string_lossy().into_owned());
    }
    let watched = io::stderr().is_terminal();
    let total = watched.then(|| Walker::new(paths, None, skip.clone()).count());
    let bopts = BatchOptions {
        jobs: opts.jobs,
        progress: total.is_some_and(|n| n > 1),
        skip_summaries: skip.clone(),
        ..BatchOptions::default()
    };
    let popts = Options {
        lang: opts.lang,
        ..Options::default()
    };
    let inputs = Walker::new(paths, None, skip);
    let run = |out: &mut dyn Write| {
        batch::run_job(inputs, total, &popts, &bopts, &job, out)
            .map_err(|e| ExportError::Start(os_error(&e, opts.lang)))
    };
    let result = match (&opts.out, opts.format) {
        (Some(dest), Format::Xlsx) => {
            let spill = tempfile::tempfile().map_err(|e| write_error(dest, &e, opts.lang))?;
            let mut spill = BufWriter::new(spill);
            let result = run(&mut spill)?;
            let mut spill = spill
                .into_inner()
                .map_err(|e| write_error(dest, e.error(), opts.lang))?;
            spill
                .rewind()
                .map_err(|e| write_error(dest, &e, opts.lang))?;
            if let Some(e) = &result.output_error {
                return Err(write_error(dest, e, opts.lang));
            }
            let mut tmp = TempFile::beside(dest).map_err(|e| write_error(dest, &e, opts.lang))?;
            xlsx::write(BufReader::new(spill), tmp.file()).map_err(|e| ExportError::Write {
                path: dest.clone(),
                reason: e.to_string(),
            })?;
            tmp.persist()
                .map_err(|e| write_error(dest, &e, opts.lang))?;
            result
        }
        (Some(dest), _) => {
            let mut tmp = TempFile::beside(dest).map_err(|e| write_error(dest, &e, opts.lang))?;
            let result = {
                let mut out = BufWriter::new(tmp.file());
                let result = run(&mut out)?;
                if let Some(e) = &result.output_error {
                    return Err(write_error(dest, e, opts.lang));
                }
                out.flush().map_err(|e| write_error(dest, &e, opts.lang))?;
                result
            };
            tmp.persist()
                .map_err(|e| write_error(dest, &e, opts.lang))?;
            result
        }
        (None, _) => {
            let mut stdout = io::stdout().lock();
            let result = run(&mut stdout)?;
            // A closed pipe ends the printing, not the run.
            if let Some(e) = result
                .output_error
                .as_ref()
                .filter(|e| e.kind() != io::ErrorKind::BrokenPipe)
            {
                return Err(ExportError::Write {
                    path: PathBuf::from("-"),
                    reason: os_error(e, opts.lang),
                });
            }
            result
        }
    };
    let files = result.rows.totals().files;
    let mut rows = result
        .rows
        .finish()
        .map_err(|e| ExportError::Start(os_error(&e, opts.lang)))?;
    let mut failed = Vec::new();
    for i in 0..rows.len() {
        let row = rows
            .get(i)
            .map_err(|e| ExportError::Start(os_error(&e, opts.lang)))?;
        if row.failed {
            failed.push((row.path, row.error.unwrap_or_default()));
        }
    }
    Ok(Exported { files, failed })
}

/// Whether `dest` may be written: nothing there, an empty leftover, or with `force` a regular
/// file. Links, FIFOs and folders never.
fn may_write(dest: &Path, force: bool, lang: Lang) -> Result<(), ExportError> {
    match files::existing(dest) {
        Ok(Existing::Nothing | Existing::Empty) => Ok(()),
        Ok(Existing::File) if force => Ok(()),
        Ok(Existing::File) => Err(ExportError::Exists(dest.to_path_buf())),
        Err(e) => Err(write_error(dest, &e, lang)),
    }
}

fn write_error(dest: &Path, e: &io::Error, lang: Lang) -> ExportError {
    ExportError::Write {
        path: dest.to_path_buf(),
        reason: os_error(e, lang),
    }
}
