//! Checking many workbooks: folders walked in a stable order ([`walk`]), files checked in
//! parallel on a rayon pool ([`worker`]), reports printed in that order ([`order`], [`sink`]),
//! and one small [`SummaryRow`](crate::summary::SummaryRow) kept per file.
//!
//! Memory does not grow with the number of workbooks: a folder is listed one directory at a time
//! (names packed in one buffer), at most [`window`] files are between "started" and "printed",
//! each file's [`Workbook`](crate::model::Workbook) lives only inside its worker, and the rows
//! for the summary go to a spill file ([`RowStore`]).

mod memory;
mod order;
mod progress;
mod sink;
mod walk;
mod worker;

pub use memory::{
    default_budget, estimated_peak, parse_size, workers_within, MemoryBudget, Permit,
};
pub use walk::{Input, Skip, Walker};

use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc, Mutex};

use crate::model::FileReport;
use crate::pipeline::{check_file, Options};
use crate::report::{Format, Renderer};
use crate::summary::RowStore;

/// What a worker does with each file: by default checks it and renders its report
/// ([`Checking`]); `jixiao export` puts its own work here. The [`Renderer`] part renders a file
/// that could not be started (or whose work panicked) and frames the parts.
pub trait FileJob: Renderer {
    /// The file's report and its part of the output.
    fn run(&self, path: &Path, opts: &Options) -> (FileReport, String);
}

/// `jixiao check`'s work: [`check_file`], the report rendered.
pub struct Checking(pub Box<dyn Renderer>);

impl Renderer for Checking {
    fn file(&self, report: &FileReport) -> String {
        self.0.file(report)
    }
    fn before(&self, index: usize) -> &'static str {
        self.0.before(index)
    }
    fn end(&self, count: usize) -> &'static str {
        self.0.end(count)
    }
}

impl FileJob for Checking {
    fn run(&self, path: &Path, opts: &Options) -> (FileReport, String) {
        let report = check_file(path, opts);
        let rendered = self.0.file(&report);
        (report, rendered)
    }
}

/// What one batch run needs besides the per-file [`Options`].
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    pub format: Format,
    /// Worker threads; `None` = [`default_jobs`].
    pub jobs: Option<usize>,
    /// Draw a progress bar on stderr (the caller decides: a terminal, text output, > 1 file).
    pub progress: bool,
    /// Names of files jixiao wrote as summaries; skipped when found in a folder (if marked).
    pub skip_summaries: Vec<String>,
    /// Memory budget in bytes for the files being checked at once; `None` = [`default_budget`].
    pub memory: Option<u64>,
    /// Set (by Ctrl-C) to stop: the files being checked are finished, no other is started.
    pub stop: Arc<AtomicBool>,
}

/// What a run leaves behind once every report is printed.
pub struct BatchResult {
    /// Highest per-file exit status (0 when there was no file).
    pub exit: i32,
    /// One row per file, in input order, ready to be read back sorted worst first.
    pub rows: RowStore,
    /// Files named with the reason they were not checked.
    pub skipped: usize,
    /// Stopped ([`BatchOptions::stop`]) before every file was checked.
    pub interrupted: bool,
    /// Printing the reports failed (a closed pipe too); the printing stopped, the checking went
    /// on.
    pub output_error: Option<io::Error>,
}

/// One worker per core; two when outputs are written, since writing a copy leaves its core
/// idle (measured: 13% less wall time at N = 1,000 on 2 cores). [`run`] bounds it further by
/// the memory budget ([`workers_within`]).
pub fn default_jobs(opts: &Options) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if opts.annotate || opts.fix {
        cores * 2
    } else {
        cores
    }
}

/// Files between "handed to a worker" and "printed": the reorder buffer holds at most this many.
pub fn window(jobs: usize) -> usize {
    (jobs * 8).max(16)
}

/// Checks every input, `opts` applying to each; prints each report on `out` as soon as it and all
/// before it are done, and returns the exit status and the summary rows.
///
/// The calling thread walks the inputs, hands at most `window` files beyond the last one printed
/// to the workers, and prints in order. Everything that lives for the whole run (the folder
/// listing, the output paths claimed, the summary index) is allocated on this thread, apart from
/// the workers' per-file churn, so that a long run does not fragment their heaps.
pub fn run(
    inputs: Walker,
    total: Option<usize>,
    opts: &Options,
    batch: &BatchOptions,
    out: &mut dyn Write,
) -> io::Result<BatchResult> {
    let job = Checking(batch.format.renderer(opts.lang));
    run_job(inputs, total, opts, batch, &job, out)
}

/// [`run`] with another job than checking (`batch.format` is then unused).
pub fn run_job(
    inputs: Walker,
    total: Option<usize>,
    opts: &Options,
    batch: &BatchOptions,
    job: &dyn FileJob,
    out: &mut dyn Write,
) -> io::Result<BatchResult> {
    let budget = MemoryBudget::new(batch.memory.unwrap_or_else(default_budget));
    let jobs = batch.jobs.filter(|&j| j > 0).unwrap_or_else(|| {
        default_jobs(opts).min(workers_within(batch.memory.unwrap_or_else(default_budget)))
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("jixiao-{i}"))
        .build()
        .map_err(io::Error::other)?;
    let progress = progress::bar(batch.progress, total, opts.lang);

    let (job_tx, job_rx) = mpsc::channel::<worker::Job>();
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<worker::Done>();
    let mut rows = RowStore::new();
    let mut sink = sink::Sink::new(job, out);

    let ran = pool.in_place_scope(|scope| {
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let (job_rx, progress) = (&job_rx, progress.as_ref());
            let shared = worker::Shared {
                opts,
                job,
                progress,
                stop: &batch.stop,
                budget: &budget,
            };
            scope.spawn(move |_| worker::worker(job_rx, &shared, done_tx));
        }
        drop(done_tx);
        let order = order::Order {
            window: window(jobs),
            writes: opts.annotate || opts.fix,
            progress: progress.as_ref(),
            sink: &mut sink,
            rows: &mut rows,
            lang: opts.lang,
            skips_on_stderr: batch.format == Format::Json,
            stop: &batch.stop,
        };
        order.run(inputs, job_tx, &done_rx)
    });
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    Ok(BatchResult {
        exit: ran.exit,
        skipped: ran.skipped,
        interrupted: ran.interrupted,
        rows,
        output_error: sink.finish().err(),
    })
}
