//! The command line as clap types. Their help texts are in [`super::help`], one table per
//! language.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// `jixiao --version`: the version, the commit and the day it was built (see build.rs).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("JIXIAO_COMMIT"),
    ", ",
    env!("JIXIAO_BUILD_DATE"),
    ")"
);

#[derive(Parser, Debug)]
#[command(
    name = "jixiao",
    version = VERSION,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub check: CheckArgs,
    #[arg(long, global = true, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
}

#[derive(Subcommand, Debug)]
pub(super) enum Command {
    /// Check workbooks: files or folders.
    Check {
        #[arg(value_name = "PATH", required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        args: CheckArgs,
    },
    /// List the checks of a template: `jixiao rules [--template FILE]`.
    Rules(super::rules::RulesArgs),
    /// Write the blank workbook a department fills in: `jixiao template -o FILE`.
    Template(crate::template::blank::TemplateArgs),
    /// Export the tables' data: `jixiao export PATH… [-o FILE] [--format json|csv|xlsx]`.
    Export(super::exchange::ExportArgs),
    /// Write standard workbooks from data: `jixiao import DATA… -o DIR`.
    Import(super::exchange::ImportArgs),
}

/// The subcommands' names, for telling a mistyped one from a file name.
pub(super) const SUBCOMMANDS: [&str; 5] = ["check", "rules", "template", "export", "import"];

#[derive(clap::Args, Debug, Clone, Default)]
pub(super) struct CheckArgs {
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// `--fix` (clean) or `--fix=marked`.
    #[arg(
        long,
        value_enum,
        value_name = "STYLE",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "clean"
    )]
    pub fix: Option<FixArg>,
    #[arg(long)]
    pub force: bool,
    #[arg(long)]
    pub no_write: bool,
    #[arg(long, value_name = "NAME")]
    pub summary: Option<PathBuf>,
    #[arg(long, conflicts_with = "summary")]
    pub no_summary: bool,
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    #[arg(long, value_name = "SIZE", value_parser = crate::batch::parse_size)]
    pub memory: Option<u64>,
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    #[arg(long)]
    pub pause: bool,
    #[arg(long, conflicts_with = "no_open")]
    pub open: bool,
    #[arg(long)]
    pub no_open: bool,
}

impl CheckArgs {
    /// `--open` / `--no-open` if given.
    pub fn open_choice(&self) -> Option<bool> {
        match (self.open, self.no_open) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum FormatArg {
    #[default]
    Text,
    Json,
}

/// How the corrected workbook looks.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FixArg {
    /// As the original, values corrected; the changes in its document properties.
    Clean,
    /// With the annotated copy's fills, notes and summary sheet.
    Marked,
}

#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum LangArg {
    #[default]
    Zh,
    En,
}

impl From<FormatArg> for crate::report::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Self::Text,
            FormatArg::Json => Self::Json,
        }
    }
}

impl From<LangArg> for crate::annotate::Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Zh => Self::Zh,
            LangArg::En => Self::En,
        }
    }
}
