//! Command line: `jixiao check PATH...` (or just `jixiao PATH...`).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::annotate::Lang;
use crate::findings::FileReport;
use crate::pipeline::{check_file, Options};
use crate::report;
use crate::template::Template;

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
    Template(crate::blank::TemplateArgs),
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
    /// Do not write the annotated copy.
    #[arg(long)]
    no_write: bool,
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
    let mut reports = Vec::new();
    for input in expand_inputs(paths) {
        let report = match input {
            Ok(path) => check_file(&path, &opts),
            Err((path, error)) => FileReport::failed(path.display().to_string(), error),
        };
        if args.format == Format::Text {
            let mut stdout = std::io::stdout().lock();
            let _ = write!(stdout, "{}", report::to_text(&report, lang));
        }
        reports.push(report);
    }
    if args.format == Format::Json {
        println!("{}", report::to_json(&reports));
    }
    reports.iter().map(FileReport::exit_code).max().unwrap_or(0)
}

/// Workbook files named directly or found below folders, in a stable order.
pub fn expand_inputs(paths: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found);
            found.sort();
            out.extend(found.into_iter().map(Ok));
        } else if path.exists() {
            out.push(Ok(path.clone()));
        } else {
            out.push(Err((path.clone(), "文件不存在；请检查路径".to_string())));
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if is_workbook_name(&path) {
            out.push(path);
        }
    }
}

/// Workbook extensions, skipping Office lock files and jixiao's own outputs.
pub fn is_workbook_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let ext_ok = [".xlsx", ".xls", ".ods", ".et", ".xlsm"]
        .iter()
        .any(|e| name.ends_with(e));
    ext_ok
        && !name.starts_with("~$")
        && !name.starts_with('.')
        && !name.contains(".checked.")
        && !name.contains(".corrected.")
}
