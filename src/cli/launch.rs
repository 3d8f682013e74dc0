//! Started from the desktop: a file dropped on the program, a double-click, or the `.desktop`
//! entry's `--pause`. Then the window must stay open until the clerk has read it, and the
//! annotated copy of a single file is opened in the spreadsheet program. A script or a CI job
//! that pipes jixiao's output never waits.

use std::ffi::OsString;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::Command;

use crate::annotate::Lang;
use crate::i18n::msg;
use crate::i18n::notes::NoteMsg;
use crate::report::os_error;

/// Environment variable naming the program that opens a file (tests use it to record the path
/// instead of starting a spreadsheet program); default: the desktop's opener.
pub const OPENER_VAR: &str = "JIXIAO_OPENER";

/// What the process knows of how it was started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// `--pause` was given (the Linux `.desktop` entry gives it).
    pub pause_flag: bool,
    /// Windows: the console belongs to this process alone, i.e. Explorer made it for a drop or a
    /// double-click (a console shared with cmd.exe or PowerShell has two processes or more).
    pub console_alone: bool,
    pub stdin_terminal: bool,
    pub stdout_terminal: bool,
    /// Paths on the command line.
    pub paths: usize,
    /// `--open` (true) or `--no-open` (false).
    pub open: Option<bool>,
}

/// What to do about it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Launch {
    /// Wait for Enter before ending.
    pub pause: bool,
    /// Open the annotated copy (of a single file) or the summary workbook when done.
    pub open: bool,
    /// No path: say how to use the program instead of the usage line.
    pub how_to: bool,
}

/// The decision: started from the desktop when `--pause` says so, or when the console is this
/// process's own and both ends are a terminal (never when output goes to a pipe or a file).
pub fn decide(f: Facts) -> Launch {
    let desktop = f.pause_flag || (f.console_alone && f.stdin_terminal && f.stdout_terminal);
    Launch {
        pause: desktop,
        open: f.open.unwrap_or(desktop) && f.paths > 0,
        how_to: desktop && f.paths == 0,
    }
}

/// The facts of this process: `pause_flag`, `paths` and `open` from the parsed arguments.
pub fn facts(pause_flag: bool, paths: usize, open: Option<bool>) -> Facts {
    Facts {
        pause_flag,
        console_alone: console_alone(),
        stdin_terminal: io::stdin().is_terminal(),
        stdout_terminal: io::stdout().is_terminal(),
        paths,
        open,
    }
}

/// Whether `--pause` is among `args` before any `--` (for when the arguments cannot be parsed).
pub fn pause_in(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--pause")
}

#[cfg(windows)]
fn console_alone() -> bool {
    use windows_sys::Win32::System::Console::GetConsoleProcessList;
    let mut ids = [0u32; 2];
    // SAFETY: the buffer holds the two ids the call is told it may write.
    unsafe { GetConsoleProcessList(ids.as_mut_ptr(), 2) == 1 }
}

#[cfg(not(windows))]
fn console_alone() -> bool {
    false
}

/// Says `按回车键关闭窗口` and waits for a line on stdin (or its end).
pub fn wait_for_enter(lang: Lang) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "\n{}", NoteMsg::PressEnter.text(lang));
    let _ = err.flush();
    let _ = io::stdin().lock().read_line(&mut String::new());
}

/// Opens `file` with [`OPENER_VAR`]'s program or the desktop's opener, and waits for the opener
/// (which returns once the spreadsheet program is started). Says so when it cannot.
pub fn open(file: &Path, lang: Lang) {
    let mut cmd = match std::env::var_os(OPENER_VAR) {
        Some(program) => Command::new(program),
        None => desktop_opener(),
    };
    let result = cmd.arg(file).status();
    let said = match result {
        Ok(s) if s.success() => return,
        Ok(s) => s.to_string(),
        Err(e) => os_error(&e, lang),
    };
    let file = file.display().to_string();
    eprintln!("{}", msg!(NoteMsg::CannotOpen, file, said).render(lang));
}

fn desktop_opener() -> Command {
    if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        Command::new("open")
    } else {
        Command::new("xdg-open")
    }
}

/// Double-clicked without a file: how to use the program.
pub fn how_to(lang: Lang) -> &'static str {
    NoteMsg::HowTo.text(lang)
}

/// After a drop that checked nothing: what to do.
pub fn nothing_checked_hint(lang: Lang) -> &'static str {
    NoteMsg::NothingChecked.text(lang)
}

#[cfg(test)]
mod tests;
