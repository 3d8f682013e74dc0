//! The command line as clap types.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "jixiao",
    version,
    about = "检查部门整体支出绩效自评表：重算控制率、合计与得分，指出填错的单元格"
)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Files or folders to check (same as `jixiao check`).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub check: CheckArgs,
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
}

#[derive(clap::Args, Debug, Clone, Default)]
pub(super) struct CheckArgs {
    /// Where outputs go (default: beside each input).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Also write the corrected workbook (<name>.corrected.xlsx).
    #[arg(long)]
    pub fix: bool,
    /// Replace existing output files that jixiao did not write.
    #[arg(long)]
    pub force: bool,
    /// Do not write the annotated copy (nor the summary workbook, unless --summary is given).
    #[arg(long)]
    pub no_write: bool,
    /// Name of the summary workbook written when a folder or several files are checked
    /// (default 汇总.xlsx, in the -o folder, else in the first input's folder).
    #[arg(long, value_name = "NAME")]
    pub summary: Option<PathBuf>,
    /// Do not write the summary workbook.
    #[arg(long, conflicts_with = "summary")]
    pub no_summary: bool,
    /// Files checked at the same time (default: one per core, two when writing copies).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
    /// Use this layout template instead of the built-in ones.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
}

#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum FormatArg {
    #[default]
    Text,
    Json,
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
