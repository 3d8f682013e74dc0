//! A worker thread: takes files off the queue, checks each, renders its report and summary row.

use std::ffi::OsString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

use indicatif::ProgressBar;

use super::memory::{estimated_peak, MemoryBudget};
use super::walk::Input;
use super::FileJob;
use crate::i18n::errors::ErrMsg;
use crate::i18n::{msg, Message};
use crate::model::{files, FileReport};
use crate::pipeline::Options;
use crate::summary::SummaryRow;

/// One file's results as the consumer needs them: printed text and a summary row.
pub(super) struct Done {
    pub index: usize,
    /// The file's part of the output, as the renderer wrote it.
    pub rendered: String,
    /// None for a file not checked ([`Input::skipped`]): named, not in the summary.
    pub row: Option<SummaryRow>,
    pub exit: i32,
    /// A file named, not checked ([`Input::skipped`]).
    pub skipped: bool,
}

/// A file handed to a worker: its index in input order, and the name its outputs get instead of
/// its stem, when another file of the batch has the usual one.
pub(super) type Job = (usize, Input, Option<OsString>);

/// What every worker shares: the options, the job, the progress bar, the stop flag and the
/// memory budget.
pub(super) struct Shared<'a> {
    pub opts: &'a Options,
    pub job: &'a dyn FileJob,
    pub progress: Option<&'a ProgressBar>,
    pub stop: &'a AtomicBool,
    pub budget: &'a MemoryBudget,
}

pub(super) fn worker(jobs: &Mutex<mpsc::Receiver<Job>>, s: &Shared<'_>, done: mpsc::Sender<Done>) {
    loop {
        let job = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok((index, input, renamed)) = job else {
            return;
        };
        // A file starts only when its estimated peak fits the budget.
        let permit = s.budget.acquire(estimated_peak(&input.path));
        // Once stopped, the files queued are handed back unstarted.
        let result = if s.stop.load(Ordering::Relaxed) {
            Done {
                index,
                rendered: String::new(),
                row: None,
                exit: 0,
                skipped: false,
            }
        } else {
            if let Some(bar) = s.progress {
                bar.set_message(input.path.display().to_string());
            }
            finish_one(index, &input, renamed, s.opts, s.job)
        };
        drop(permit);
        drop(input);
        if done.send(result).is_err() {
            return;
        }
    }
}

/// Checks one file and renders what the consumer needs; the report is dropped here.
fn finish_one(
    index: usize,
    input: &Input,
    renamed: Option<OsString>,
    opts: &Options,
    job: &dyn FileJob,
) -> Done {
    let done = |(report, rendered): (FileReport, String)| Done {
        index,
        rendered,
        row: Some(SummaryRow::from_report(&report)),
        exit: report.exit_code(),
        skipped: false,
    };
    match catch_unwind(AssertUnwindSafe(|| {
        done(check_one(input, renamed, opts, job))
    })) {
        Ok(d) => d,
        // A panic anywhere in one file's work fails that file only; a missing index would
        // stall the reorder buffer.
        Err(panic) => {
            let mut report =
                FileReport::failed(input.path.display().to_string(), internal_error(panic));
            report.localize(opts.lang);
            let rendered = job.file(&report);
            done((report, rendered))
        }
    }
}

fn internal_error(panic: Box<dyn std::any::Any + Send>) -> Message {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    msg!(ErrMsg::CheckPanicked, what)
}
/// Checks one file; a panic inside the checker becomes a failed report for that file only.
fn check_one(
    input: &Input,
    renamed: Option<OsString>,
    opts: &Options,
    job: &dyn FileJob,
) -> (FileReport, String) {
    let display = files::shown(&input.path);
    // Said in the run's language, as the job's own reports are.
    let render = |mut report: FileReport| {
        report.localize(opts.lang);
        let rendered = job.file(&report);
        (report, rendered)
    };
    if let Some(e) = &input.error {
        return render(FileReport::failed(display, e.clone()));
    }
    let is_renamed = renamed.is_some();
    let run = || {
        if !is_renamed && input.out_dir == opts.out_dir {
            job.run(&input.path, opts)
        } else {
            let mut own = opts.clone();
            own.out_dir = input.out_dir.clone();
            own.out_stem = renamed;
            job.run(&input.path, &own)
        }
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok((mut report, rendered)) => {
            if let (true, Some(copy)) = (is_renamed, &report.output) {
                report.notes.push(msg!(ErrMsg::CopyRenamed, copy));
                // The note is part of what is printed.
                return render(report);
            }
            (report, rendered)
        }
        Err(panic) => render(FileReport::failed(display, internal_error(panic))),
    }
}
