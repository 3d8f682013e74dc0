//! `jixiao check`: the batch, the summary workbook and table, and what a drop opens.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::args::{CheckArgs, FixArg};
use super::{interrupt, Error};
use crate::annotate::Lang;
use crate::batch::{self, BatchOptions, Walker};
use crate::pipeline::Options;
use crate::report::msg::{self, Msg};
use crate::report::{os_error, Format};
use crate::summary::{self, RowStore, SortedRows};
use crate::template::Template;

/// A write to stdout failed: whether that is an error (reported here), i.e. not a closed pipe.
fn output_failed(e: &io::Error, lang: Lang) -> bool {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return false;
    }
    eprintln!(
        "{}",
        msg::fill(Msg::OutputFailed, lang, &[&os_error(e, lang)])
    );
    true
}

/// `jixiao check`: every file's report, then for a folder or several files the summary; the exit
/// status, and the file to open for a person who dropped the inputs (the annotated copy of a
/// single file, else the summary workbook).
pub(super) fn check(
    paths: &[PathBuf],
    args: &CheckArgs,
    lang: Lang,
) -> Result<(i32, Option<PathBuf>), Error> {
    let opts = Options {
        out_dir: args.out.clone(),
        annotate: !args.no_write,
        fix: args.fix.is_some(),
        marked: args.fix == Some(FixArg::Marked),
        force: args.force,
        lang,
        template: args.template.as_deref().map(Template::load).transpose()?,
        ..Options::default()
    };
    let format = Format::from(args.format);
    let summary_dest = summary_destination(paths, args);
    let mut skip_summaries = vec![summary::DEFAULT_NAME.to_string()];
    if let Some(name) = summary_dest.file_name() {
        skip_summaries.push(name.to_string_lossy().into_owned());
    }
    let any_folder = paths.iter().any(|p| p.is_dir());
    let json = format == Format::Json;
    if let Some(done) = super::documents::run(paths, &opts, json, skip_summaries.clone()) {
        if done.rows.totals().files == 1 && !any_folder {
            return Ok((done.exit, done.single_copy));
        }
        let mut rows = done.rows.finish().map_err(Error::Rows)?;
        let mut stdout = io::stdout().lock();
        let table_out = (!json).then_some(&mut stdout as &mut dyn Write);
        let (status, written) = summarise(&mut rows, &summary_dest, args, lang, table_out);
        return Ok((done.exit.max(status), written));
    }
    // A progress bar only for a person watching: stderr a terminal, text output, several files.
    let watched = format == Format::Text && io::stderr().is_terminal();
    let total = watched.then(|| {
        Walker::new(paths, args.out.clone(), skip_summaries.clone())
            .filter(|i| i.skipped.is_none())
            .count()
    });
    let stop = interrupt::stop_flag();
    let bopts = BatchOptions {
        format,
        jobs: args.jobs,
        memory: args.memory,
        progress: total.is_some_and(|n| n > 1),
        skip_summaries: skip_summaries.clone(),
        stop: stop.clone().unwrap_or_default(),
    };
    let inputs = Walker::new(paths, args.out.clone(), skip_summaries);
    let mut stdout = io::stdout().lock();
    let result = batch::run(inputs, total, &opts, &bopts, &mut stdout).map_err(Error::Start);
    if let Some(flag) = &stop {
        interrupt::batch_over(flag);
    }
    let result = result?;
    let done = Batch {
        exit: result.exit,
        skipped: result.skipped,
        interrupted: result.interrupted,
    };
    let printing = match &result.output_error {
        None => format == Format::Text,
        Some(e) => {
            if output_failed(e, lang) {
                return after_batch(
                    result.rows,
                    Batch {
                        exit: done.exit.max(2),
                        ..done
                    },
                    paths,
                    args,
                    lang,
                    false,
                );
            }
            false
        }
    };
    after_batch(result.rows, done, paths, args, lang, printing)
}

/// How the batch went, as [`after_batch`] needs it.
#[derive(Clone, Copy)]
struct Batch {
    exit: i32,
    skipped: usize,
    interrupted: bool,
}

/// After the batch: the summary for a folder or several files, the count of files not checked,
/// and exit 130 when it was stopped by Ctrl-C. `printing`: the table goes on stdout.
fn after_batch(
    rows: RowStore,
    done: Batch,
    paths: &[PathBuf],
    args: &CheckArgs,
    lang: Lang,
    printing: bool,
) -> Result<(i32, Option<PathBuf>), Error> {
    let finish = |exit: i32| {
        if done.skipped > 0 {
            let line = msg::fill(Msg::SkippedCount, lang, &[&done.skipped]);
            if printing {
                println!("{line}");
            } else {
                eprintln!("{line}");
            }
        }
        if done.interrupted {
            eprintln!("{}", msg::text(Msg::Interrupted, lang));
            return interrupt::EXIT_INTERRUPTED;
        }
        exit
    };
    let files = rows.totals().files;
    if files == 0 && !done.interrupted {
        let given: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!("{}", msg::fill(Msg::NoWorkbook, lang, &[&given.join("、")]));
        return Ok((finish(2), None));
    }
    let mut rows = rows.finish().map_err(Error::Rows)?;
    let any_folder = paths.iter().any(|p| p.is_dir());
    if files <= 1 && !any_folder {
        let copy = match files {
            0 => None,
            _ => rows.get(0).map_err(Error::Rows)?.output.map(PathBuf::from),
        };
        return Ok((finish(done.exit), copy));
    }
    let mut stdout = io::stdout().lock();
    let table_out = printing.then_some(&mut stdout as &mut dyn Write);
    let dest = summary_destination(paths, args);
    let (status, written) = summarise(&mut rows, &dest, args, lang, table_out);
    drop(stdout);
    Ok((finish(done.exit.max(status)), written))
}

/// Rows of the terminal summary (the worst); the summary workbook has them all.
const TERMINAL_ROWS: usize = 40;

/// After a batch: the summary workbook if wanted, and the terminal table on `table_out`; the exit
/// status these leave (0, or 2 when the workbook or the table could not be written), and the
/// workbook if written.
fn summarise(
    rows: &mut SortedRows,
    dest: &Path,
    args: &CheckArgs,
    lang: Lang,
    table_out: Option<&mut dyn Write>,
) -> (i32, Option<PathBuf>) {
    let wanted =
        !args.no_summary && (args.summary.is_some() || !args.no_write || args.fix.is_some());
    let mut exit = 0;
    let mut written = None;
    if wanted {
        match summary::write_summary(dest, rows, lang, args.force) {
            Ok(()) => written = Some(dest),
            Err(e) => {
                eprintln!("{}", e.message().render(lang));
                exit = 2;
            }
        }
    }
    if let Some(out) = table_out {
        match summary::terminal_table(rows, lang, Some(TERMINAL_ROWS), written) {
            Ok(table) => {
                let printed = out.write_all(table.as_bytes()).and_then(|_| out.flush());
                if printed.is_err_and(|e| output_failed(&e, lang)) {
                    exit = 2;
                }
            }
            Err(e) => eprintln!("{}", Error::Rows(e).describe(lang)),
        }
    }
    (exit, written.map(Path::to_path_buf))
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
