//! A worker thread: takes files off the queue, checks each, renders its report and summary row.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};

use indicatif::ProgressBar;

use super::walk::Input;
use super::FileJob;
use crate::model::{FileReport, Status};
use crate::pipeline::Options;
use crate::summary::SummaryRow;

/// One file's results as the consumer needs them: printed text and a summary row.
pub(super) struct Done {
    pub index: usize,
    /// The file's part of the output, as the renderer wrote it.
    pub rendered: String,
    pub row: SummaryRow,
    pub exit: i32,
}

/// A file handed to a worker: its index in input order, and the annotated-copy path it would
/// share with an earlier file, if any.
pub(super) type Job = (usize, Input, Option<PathBuf>);

pub(super) fn worker(
    jobs: &Mutex<mpsc::Receiver<Job>>,
    opts: &Options,
    job: &dyn FileJob,
    progress: Option<&ProgressBar>,
    done: mpsc::Sender<Done>,
) {
    loop {
        let next = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok((index, input, clash)) = next else {
            return;
        };
        if let Some(bar) = progress {
            bar.set_message(input.path.display().to_string());
        }
        let result = finish_one(index, &input, clash.as_deref(), opts, job);
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
    clash: Option<&Path>,
    opts: &Options,
    job: &dyn FileJob,
) -> Done {
    let done = |(report, rendered): (FileReport, String)| Done {
        index,
        rendered,
        row: SummaryRow::from_report(&report),
        exit: report.exit_code(),
    };
    match catch_unwind(AssertUnwindSafe(|| {
        done(check_one(input, clash, opts, job))
    })) {
        Ok(d) => d,
        // A panic anywhere in one file's work fails that file only; a missing index would
        // stall the reorder buffer.
        Err(panic) => {
            let failed =
                FileReport::failed(input.path.display().to_string(), internal_error(panic));
            let rendered = job.file(&failed);
            done((failed, rendered))
        }
    }
}

fn internal_error(panic: Box<dyn std::any::Any + Send>) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("检查时出现内部错误（{what}）；请把该文件发给 jixiao 的维护者")
}
/// Checks one file; a panic inside the checker becomes a failed report for that file only.
fn check_one(
    input: &Input,
    clash: Option<&Path>,
    opts: &Options,
    job: &dyn FileJob,
) -> (FileReport, String) {
    let display = input.path.display().to_string();
    let render = |report: FileReport| {
        let rendered = job.file(&report);
        (report, rendered)
    };
    if let Some(e) = &input.error {
        return render(FileReport::failed(display, e.clone()));
    }
    let run = || {
        if clash.is_none() && input.out_dir == opts.out_dir {
            job.run(&input.path, opts)
        } else {
            let mut own = opts.clone();
            own.out_dir = input.out_dir.clone();
            if clash.is_some() {
                own.annotate = false;
                own.fix = false;
            }
            job.run(&input.path, &own)
        }
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok((mut report, rendered)) => {
            if let (Some(dest), Status::Checked) = (clash, report.status) {
                report.notes.push(format!(
                    "未写出批注副本：本批次中另一个同名文件已写出 {}；请把其中一个文件改名后单独检查",
                    dest.display()
                ));
                // The note is part of what is printed.
                return render(report);
            }
            (report, rendered)
        }
        Err(panic) => render(FileReport::failed(display, internal_error(panic))),
    }
}
