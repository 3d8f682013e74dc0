//! Command line: `jixiao check PATH...` (or just `jixiao PATH...`). [`run`] does the work and
//! decides every exit status; [`main`] turns what stopped it into a message and status 2.
//!
//! Exit status: 0 nothing to fix, 1 findings to fix, 2 a file could not be checked or the run
//! could not go on (bad arguments, an unreadable template, output that could not be written). A
//! closed stdout (`| head`) is not an error: the printing stops, the checking goes on.

mod args;
mod documents;
pub mod rules;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use crate::annotate::Lang;
use crate::batch::{self, BatchOptions, Walker};
use crate::pipeline::Options;
use crate::report::Format;
use crate::summary::{self, SortedRows};
use crate::template::{Template, TemplateError};
use args::{CheckArgs, Cli, Command};

/// What stops a run; printed on stderr, exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Arguments clap refused (printed by clap, with the usage).
    #[error("{0}")]
    Args(clap::Error),
    #[error("用法：jixiao check 文件或文件夹…（jixiao --help 查看说明）")]
    NoPaths,
    #[error("{0}")]
    Template(#[from] TemplateError),
    #[error("无法开始检查：{0}")]
    Start(io::Error),
    #[error("无法汇总检查结果：{0}")]
    Rows(io::Error),
}

/// Runs the command line and prints what stopped it, if anything.
pub fn main() -> ExitCode {
    match run() {
        Ok(status) => status,
        Err(Error::Args(e)) => {
            let _ = e.print();
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

/// Parses the arguments and runs the command; the exit status, or what stopped the run.
pub fn run() -> Result<ExitCode, Error> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version: printed on stdout, status 0.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(Error::Args(e)),
    };
    let (paths, args) = match cli.command {
        Some(Command::Check { paths, args }) => (paths, args),
        Some(Command::Rules(args)) => return Ok(status(args.run())),
        Some(Command::Template(args)) => return Ok(status(args.run())),
        None if !cli.paths.is_empty() => (cli.paths, cli.check),
        None => return Err(Error::NoPaths),
    };
    check(&paths, &args).map(status)
}

fn status(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}

/// A write to stdout failed: whether that is an error (reported here), i.e. not a closed pipe.
fn output_failed(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return false;
    }
    eprintln!("输出检查结果失败：{e}");
    true
}

/// `jixiao check`: every file's report, then for a folder or several files the summary.
fn check(paths: &[PathBuf], args: &CheckArgs) -> Result<i32, Error> {
    let opts = Options {
        out_dir: args.out.clone(),
        annotate: !args.no_write,
        fix: args.fix,
        force: args.force,
        lang: args.lang.into(),
        template: args.template.as_deref().map(Template::load).transpose()?,
    };
    if let Some(exit) = documents::run(paths, &opts, args.format == args::FormatArg::Json) {
        return Ok(exit);
    }
    let format = Format::from(args.format);
    let summary_dest = summary_destination(paths, args);
    let mut skip_summaries = vec![summary::DEFAULT_NAME.to_string()];
    if let Some(name) = summary_dest.file_name() {
        skip_summaries.push(name.to_string_lossy().into_owned());
    }
    let any_folder = paths.iter().any(|p| p.is_dir());
    // A progress bar only for a person watching: stderr a terminal, text output, several files.
    let watched = format == Format::Text && io::stderr().is_terminal();
    let total =
        watched.then(|| Walker::new(paths, args.out.clone(), skip_summaries.clone()).count());
    let bopts = BatchOptions {
        format,
        jobs: args.jobs,
        progress: total.is_some_and(|n| n > 1),
        skip_summaries: skip_summaries.clone(),
    };
    let inputs = Walker::new(paths, args.out.clone(), skip_summaries);
    let mut stdout = io::stdout().lock();
    let result = batch::run(inputs, total, &opts, &bopts, &mut stdout).map_err(Error::Start)?;
    let mut exit = result.exit;
    let printing = match &result.output_error {
        None => true,
        Some(e) => {
            if output_failed(e) {
                exit = exit.max(2);
            }
            false
        }
    };
    if result.rows.totals().files <= 1 && !any_folder {
        return Ok(exit);
    }
    let mut rows = result.rows.finish().map_err(Error::Rows)?;
    let table_out = (printing && format == Format::Text).then_some(&mut stdout as &mut dyn Write);
    Ok(exit.max(summarise(&mut rows, &summary_dest, args, table_out)))
}

/// Rows of the terminal summary (the worst); the summary workbook has them all.
const TERMINAL_ROWS: usize = 40;

/// After a batch: the summary workbook if wanted, and the terminal table on `table_out`; the exit
/// status these leave (0, or 2 when the workbook or the table could not be written).
fn summarise(
    rows: &mut SortedRows,
    dest: &Path,
    args: &CheckArgs,
    table_out: Option<&mut dyn Write>,
) -> i32 {
    let lang = Lang::from(args.lang);
    let wanted = !args.no_summary && (args.summary.is_some() || !args.no_write || args.fix);
    let mut exit = 0;
    let mut written = None;
    if wanted {
        match summary::write_summary(dest, rows, lang, args.force) {
            Ok(()) => written = Some(dest),
            Err(e) => {
                eprintln!("{e}");
                exit = 2;
            }
        }
    }
    if let Some(out) = table_out {
        match summary::terminal_table(rows, lang, Some(TERMINAL_ROWS), written) {
            Ok(table) => {
                let printed = out.write_all(table.as_bytes()).and_then(|_| out.flush());
                if printed.is_err_and(|e| output_failed(&e)) {
                    exit = 2;
                }
            }
            Err(e) => eprintln!("无法汇总检查结果：{e}"),
        }
    }
    exit
}

/// Where the summary workbook goes: `--summary` as given if it names a folder too; else that
/// name (default 汇总.xlsx) in the `-o` folder, or else in the first input's folder.
fn summary_destination(paths: &[PathBuf], args: &CheckArgs) -> PathBuf {
    let mut name = args
        .summary
        .clone()
        .unwrap_or_else(|| PathBuf::from(summary::DEFAULT_NAME));
    let is_xlsx = name
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !is_xlsx {
        let mut with = name.into_os_string();
        with.push(".xlsx");
        name = PathBuf::from(with);
    }
    if name.is_absolute() || name.components().count() > 1 {
        return name;
    }
    let dir = match (&args.out, paths.first()) {
        (Some(out), _) => out.clone(),
        (None, Some(first)) if first.is_dir() => first.clone(),
        (None, Some(first)) => first
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(".")),
        (None, None) => PathBuf::from("."),
    };
    dir.join(name)
}
