//! Command line: `jixiao check PATH...` (or just `jixiao PATH...`). [`run`] does the work and
//! decides every exit status; [`main`] turns what stopped it into a message and status 2.
//!
//! Exit status: 0 nothing to fix, 1 findings to fix, 2 a file could not be checked or the run
//! could not go on (bad arguments, an unreadable template, output that could not be written). A
//! closed stdout (`| head`) is not an error: the printing stops, the checking goes on.

mod args;
mod check;
mod documents;
mod exchange;
mod help;
mod interrupt;
pub mod launch;
pub mod rules;

use std::ffi::OsString;
use std::io;
use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::annotate::Lang;
use crate::i18n::fill_with;
use crate::i18n::notes::NoteMsg;
use crate::report::os_error;
use crate::template::TemplateError;
use args::{Cli, Command, SUBCOMMANDS};
use launch::Launch;

/// What stops a run; printed on stderr, exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Arguments clap refused (printed with the usage).
    #[error("{0}")]
    Args(clap::Error),
    #[error("{}", NoteMsg::Usage.text(Lang::Zh))]
    NoPaths,
    #[error("{0}")]
    Template(#[from] TemplateError),
    #[error("{}", Error::os(NoteMsg::CannotStart, .0, Lang::Zh))]
    Start(io::Error),
    #[error("{}", Error::os(NoteMsg::CannotSummarise, .0, Lang::Zh))]
    Rows(io::Error),
}

impl Error {
    /// The message in `lang`.
    pub(super) fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Error::Args(e), Lang::Zh) => help::argument_error(e),
            (Error::Args(e), Lang::En) => e.to_string(),
            (Error::NoPaths, _) => NoteMsg::Usage.text(lang).to_string(),
            (Error::Start(e), _) => Error::os(NoteMsg::CannotStart, e, lang),
            (Error::Rows(e), _) => Error::os(NoteMsg::CannotSummarise, e, lang),
            (Error::Template(e), lang) => e.message().render(lang),
        }
    }

    /// `key` saying the system's reason `e`, in `lang`.
    fn os(key: NoteMsg, e: &io::Error, lang: Lang) -> String {
        fill_with(key.text(lang), &[os_error(e, lang)])
    }
}

/// Runs the command line, prints what stopped it, if anything, and when started from the
/// desktop waits for Enter.
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang = lang_in(&args);
    let mut launch = launch::decide(launch::facts(launch::pause_in(&args), 1, Some(false)));
    let status = match run(&args, &mut launch) {
        Ok(status) => status,
        Err(e) => {
            let text = e.describe(lang);
            eprint!("{text}");
            if !text.ends_with('\n') {
                eprintln!();
            }
            ExitCode::from(2)
        }
    };
    if launch.pause {
        launch::wait_for_enter(lang);
    }
    status
}

/// `--lang` as given in `args` (zh unless `--lang en`), known before they are parsed, so that
/// the help and the argument errors are in that language.
fn lang_in(args: &[OsString]) -> Lang {
    let mut words = args.iter().skip(1).take_while(|a| *a != "--");
    while let Some(a) = words.next() {
        let value = if a == "--lang" {
            words.next().cloned()
        } else {
            a.to_str()
                .and_then(|a| a.strip_prefix("--lang="))
                .map(OsString::from)
        };
        if let Some(v) = value {
            return if v == "en" { Lang::En } else { Lang::Zh };
        }
    }
    Lang::Zh
}

/// The command line in `lang`.
fn command(lang: Lang) -> clap::Command {
    help::localize(Cli::command(), lang)
}

/// Parses `args` (the program's name first) and runs the command; the exit status, or what
/// stopped the run. `launch` is set to what the desktop start asks for.
pub fn run(args: &[OsString], launch: &mut Launch) -> Result<ExitCode, Error> {
    let lang = lang_in(args);
    let args = help_word_as_flag(args);
    if let Some(e) = unknown_subcommand(&args, lang) {
        return Err(Error::Args(e));
    }
    let parsed = command(lang)
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        // --help and --version: printed on stdout, status 0.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(Error::Args(e)),
    };
    let lang = Lang::from(cli.lang);
    let (paths, args) = match cli.command {
        Some(Command::Check { paths, args }) => (paths, args),
        Some(Command::Rules(args)) => return Ok(status(args.run(lang))),
        Some(Command::Template(args)) => return Ok(status(args.run(lang))),
        Some(Command::Export(args)) => return Ok(status(args.run(lang))),
        Some(Command::Import(args)) => return Ok(status(args.run(lang))),
        None => (cli.paths, cli.check),
    };
    *launch = launch::decide(launch::facts(args.pause, paths.len(), args.open_choice()));
    if paths.is_empty() {
        if launch.how_to {
            println!("{}", launch::how_to(lang));
            return Ok(ExitCode::from(2));
        }
        return Err(Error::NoPaths);
    }
    let (exit, to_open) = check::check(&paths, &args, lang)?;
    match to_open {
        Some(file) if launch.open => launch::open(&file, lang),
        _ if launch.pause && exit == 2 => eprintln!("\n{}", launch::nothing_checked_hint(lang)),
        _ => {}
    }
    Ok(status(exit))
}

/// `jixiao help [COMMAND]` as `jixiao [COMMAND] --help`.
fn help_word_as_flag(args: &[OsString]) -> Vec<OsString> {
    match args {
        [program, help, rest @ ..] if help == "help" && rest.len() <= 1 => {
            let mut out = vec![program.clone()];
            out.extend(rest.iter().cloned());
            out.push("--help".into());
            out
        }
        _ => args.to_vec(),
    }
}

/// The first word, when it is no option, no subcommand, has no extension and names no file or
/// folder: a mistyped or unknown subcommand, with clap's "did you mean".
fn unknown_subcommand(args: &[OsString], lang: Lang) -> Option<clap::Error> {
    let word = args.get(1)?;
    let text = word.to_str()?;
    let path = Path::new(word);
    if text.starts_with('-')
        || SUBCOMMANDS.contains(&text)
        || path.extension().is_some()
        || path.exists()
    {
        return None;
    }
    let full = command(lang);
    let usage = full.get_overridden_usage().map(|u| u.to_string());
    let only_subcommands = clap::Command::new("jixiao")
        .subcommands(full.get_subcommands().cloned())
        .subcommand_required(true)
        .override_usage(usage.unwrap_or_default())
        .disable_help_subcommand(true);
    only_subcommands
        .try_get_matches_from([args[0].clone(), word.clone()])
        .err()
        .filter(|e| e.kind() == clap::error::ErrorKind::InvalidSubcommand)
}

fn status(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}
