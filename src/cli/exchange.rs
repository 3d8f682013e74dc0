//! `jixiao export` and `jixiao import`: the tables' data out of the workbooks and back in.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::annotate::Lang;
use crate::exchange::export::{self, ExportOptions};
use crate::exchange::import::{self, ImportOptions};
use crate::i18n::notes::NoteMsg;
use crate::i18n::words::Word;
use crate::i18n::{msg, Message};
use crate::template::Template;

#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum DataFormat {
    #[default]
    Json,
    Csv,
    Xlsx,
}

/// `jixiao export PATH… [-o FILE] [--format json|csv|xlsx] [--indicators]`.
#[derive(clap::Args, Debug, Clone)]
pub(super) struct ExportArgs {
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = DataFormat::Json)]
    pub format: DataFormat,
    #[arg(long)]
    pub indicators: bool,
    #[arg(long)]
    pub force: bool,
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
}

/// `jixiao import DATA… -o DIR [--family NAME] [--year YYYY]`.
#[derive(clap::Args, Debug, Clone)]
pub(super) struct ImportArgs {
    #[arg(value_name = "DATA", required = true)]
    pub data: Vec<PathBuf>,
    #[arg(short = 'o', long = "out", value_name = "DIR", required = true)]
    pub out: PathBuf,
    #[arg(long, value_name = "NAME")]
    pub family: Option<String>,
    #[arg(long, value_name = "YYYY")]
    pub year: Option<u32>,
}

impl ExportArgs {
    /// Exports; exit status 0, or 2 when a file could not be read as the tables or the output
    /// could not be written.
    pub(super) fn run(&self, lang: Lang) -> i32 {
        let template = match self.template.as_deref().map(Template::load).transpose() {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}", e.message().render(lang));
                return 2;
            }
        };
        let opts = ExportOptions {
            format: match self.format {
                DataFormat::Json => export::Format::Json,
                DataFormat::Csv => export::Format::Csv,
                DataFormat::Xlsx => export::Format::Xlsx,
            },
            indicators: self.indicators,
            out: self.out.clone(),
            force: self.force,
            jobs: self.jobs,
            lang,
            template,
        };
        match export::export(&self.paths, &opts) {
            Ok(done) => {
                for (path, why) in &done.failed {
                    eprintln!("{}", msg!(NoteMsg::CannotExport, path, why).render(lang));
                }
                if done.files == 0 {
                    let given = (self.paths.iter()).map(|p| Message::raw(p.display().to_string()));
                    let given = Message::join(given, Word::ListSep);
                    eprintln!("{}", msg!(NoteMsg::NothingToExport, given).render(lang));
                    return 2;
                }
                if let Some(out) = &self.out {
                    let n = done.files - done.failed.len();
                    let out = out.display().to_string();
                    eprintln!("{}", msg!(NoteMsg::Exported, n, out).render(lang));
                }
                if done.failed.is_empty() {
                    0
                } else {
                    2
                }
            }
            Err(e) => {
                eprintln!("{}", e.message().render(lang));
                2
            }
        }
    }
}

impl ImportArgs {
    /// Imports; exit status 0 when every workbook was written, 2 otherwise.
    pub(super) fn run(&self, lang: Lang) -> i32 {
        let opts = ImportOptions {
            out: self.out.clone(),
            family: self.family.clone(),
            year: self.year,
        };
        match import::import(&self.data, &opts) {
            Ok(written) => {
                for path in &written {
                    let path = path.display().to_string();
                    println!("{}", msg!(NoteMsg::Wrote, path).render(lang));
                }
                0
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("{}", e.message().render(lang));
                }
                2
            }
        }
    }
}
