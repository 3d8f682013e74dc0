//! Command line: `jixiao check PATH...` (or just `jixiao PATH...`).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

mod documents;

use crate::annotate::Lang;
use crate::batch::{self, BatchOptions, Walker};
use crate::pipeline::Options;
use crate::summary;
use crate::template::Template;

pub use crate::batch::is_workbook_name;

#[derive(Parser, Debug)]
#[command(
    name = "jixiao",
    version,
    about = "检查部门整体支出绩效自评表：重算控制率、合计与得分，指出填错的单元格"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Files or folders to check (same as `jixiao check`).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check workbooks: files or folders.
    Check {
        #[arg(value_name = "PATH", required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        args: CheckArgs,
    },
    /// List the checks of a template: `jixiao rules [--template FILE]`.
    Rules(crate::template::RulesArgs),
    /// Write the blank workbook a department fills in: `jixiao template -o FILE`.
    Template(crate::template::blank::TemplateArgs),
}

#[derive(clap::Args, Debug, Clone, Default)]
struct CheckArgs {
    /// Where outputs go (default: beside each input).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    out: Option<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write the corrected workbook (<name>.corrected.xlsx).
    #[arg(long)]
    fix: bool,
    /// Replace existing output files that jixiao did not write.
    #[arg(long)]
    force: bool,
    /// Do not write the annotated copy (nor the summary workbook, unless --summary is given).
    #[arg(long)]
    no_write: bool,
    /// Name of the summary workbook written when a folder or several files are checked
    /// (default 汇总.xlsx, in the -o folder, else in the first input's folder).
    #[arg(long, value_name = "NAME")]
    summary: Option<PathBuf>,
    /// Do not write the summary workbook.
    #[arg(long, conflicts_with = "summary")]
    no_summary: bool,
    /// Files checked at the same time (default: one per core, two when writing copies).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// Use this layout template instead of the built-in ones.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
}

#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Format {
    #[default]
    Text,
    Json,
}

#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
enum LangArg {
    #[default]
    Zh,
    En,
}

/// Parses the arguments, runs, and returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let (paths, args) = match cli.command {
        Some(Command::Check { paths, args }) => (paths, args),
        Some(Command::Rules(args)) => return args.run(),
        Some(Command::Template(args)) => return args.run(),
        None if !cli.paths.is_empty() => (cli.paths, cli.check),
        None => {
            eprintln!("用法：jixiao check 文件或文件夹…（jixiao --help 查看说明）");
            return 2;
        }
    };
    run_check(&paths, &args)
}

fn run_check(paths: &[PathBuf], args: &CheckArgs) -> i32 {
    let lang = if args.lang == LangArg::En {
        Lang::En
    } else {
        Lang::Zh
    };
    let template = match &args.template {
        Some(p) => match Template::load(p) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("{e}");
                return 2;
            }
        },
        None => None,
    };
    let opts = Options {
        out_dir: args.out.clone(),
        annotate: !args.no_write,
        fix: args.fix,
        force: args.force,
        lang,
        template,
    };
    if let Some(exit) = documents::run(paths, &opts, args.format == Format::Json) {
        return exit;
    }
    let format = match args.format {
        Format::Text => batch::Format::Text,
        Format::Json => batch::Format::Json,
    };
    let summary_dest = summary_destination(paths, args);
    let mut skip_summaries = vec![summary::DEFAULT_NAME.to_string()];
    if let Some(name) = summary_dest.file_name() {
        skip_summaries.push(name.to_string_lossy().into_owned());
    }
    let any_folder = paths.iter().any(|p| p.is_dir());
    // A progress bar only for a person watching: stderr a terminal, text output, several files.
    let watched = format == batch::Format::Text && std::io::stderr().is_terminal();
    let total =
        watched.then(|| Walker::new(paths, args.out.clone(), skip_summaries.clone()).count());
    let bopts = BatchOptions {
        format,
        jobs: args.jobs,
        progress: total.is_some_and(|n| n > 1),
        skip_summaries: skip_summaries.clone(),
    };
    let inputs = Walker::new(paths, args.out.clone(), skip_summaries);
    let mut stdout = std::io::stdout().lock();
    let result = match batch::run(inputs, total, &opts, &bopts, &mut stdout) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("无法开始检查：{e}");
            return 2;
        }
    };
    let mut exit = result.exit;
    if let Some(e) = &result.output_error {
        eprintln!("输出检查结果失败：{e}");
        exit = exit.max(2);
    }
    let many = result.rows.totals().files > 1 || any_folder;
    if !many {
        return exit;
    }
    let wanted = !args.no_summary && (args.summary.is_some() || !args.no_write || args.fix);
    let mut rows = match result.rows.finish() {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("无法汇总检查结果：{e}");
            return exit.max(2);
        }
    };
    let mut written = None;
    if wanted {
        match summary::write_summary(&summary_dest, &mut rows, lang, args.force) {
            Ok(()) => written = Some(summary_dest.as_path()),
            Err(e) => {
                eprintln!("{e}");
                exit = exit.max(2);
            }
        }
    }
    if format == batch::Format::Text {
        match summary::terminal_table(&mut rows, lang, Some(TERMINAL_ROWS), written) {
            Ok(table) => {
                use std::io::Write;
                let _ = stdout.write_all(table.as_bytes());
                let _ = stdout.flush();
            }
            Err(e) => eprintln!("无法汇总检查结果：{e}"),
        }
    }
    exit
}

/// Rows of the terminal summary (the worst); the summary workbook has them all.
const TERMINAL_ROWS: usize = 40;

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

/// Workbook files named directly or found below folders, in a stable order.
pub fn expand_inputs(paths: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    Walker::new(paths, None, Vec::new())
        .map(|i| match i.error {
            None => Ok(i.path),
            Some(e) => Err((i.path, e)),
        })
        .collect()
}
