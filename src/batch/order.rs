//! The calling thread's side of a run: files handed to the workers at most a window ahead of the
//! last one printed, reports printed in input order from a reorder buffer.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use indicatif::ProgressBar;

use super::progress::Tally;
use super::sink::Sink;
use super::walk::{Input, Walker};
use super::worker::{Done, Job};
use crate::annotate::{self, Lang};
use crate::summary::RowStore;

/// What the loop works with besides the channels.
pub(super) struct Order<'a, 'b> {
    pub window: usize,
    /// Whether the files' annotated or corrected copies are written (so outputs can clash).
    pub writes: bool,
    pub progress: Option<&'a ProgressBar>,
    pub sink: &'a mut Sink<'b>,
    pub rows: &'a mut RowStore,
    /// Language of the progress bar.
    pub lang: Lang,
}

impl Order<'_, '_> {
    /// Feeds `inputs` to `jobs` and prints what comes back on `done` until every file is printed;
    /// returns the highest exit status.
    pub(super) fn run(
        self,
        mut inputs: Walker,
        jobs: mpsc::Sender<Job>,
        done: &mpsc::Receiver<Done>,
    ) -> i32 {
        let mut jobs = Some(jobs);
        let mut claims = Claims::new(inputs.many_roots());
        let mut pending: BTreeMap<usize, Done> = BTreeMap::new();
        let (mut next_in, mut next_out) = (0usize, 0usize);
        let mut tally = Tally::new(self.lang);
        let mut exit = 0;
        loop {
            while next_in < next_out + self.window {
                let Some(tx) = &jobs else {
                    break;
                };
                let Some(input) = inputs.next() else {
                    jobs = None; // no more work: the workers stop once the queue is empty
                    break;
                };
                let clash = claims.clash(&input, self.writes);
                if tx.send((next_in, input, clash)).is_err() {
                    jobs = None;
                    break;
                }
                next_in += 1;
            }
            if next_out == next_in && jobs.is_none() {
                break;
            }
            let Ok(one) = done.recv() else {
                break;
            };
            tally.record(self.progress, one.exit);
            pending.insert(one.index, one);
            while let Some(one) = pending.remove(&next_out) {
                exit = exit.max(one.exit);
                // A closed stdout (`| head`) stops the printing, not the checking: the
                // annotated copies and the summary are still wanted.
                match self.progress {
                    Some(bar) => bar.suspend(|| self.sink.item(&one.rendered)),
                    None => self.sink.item(&one.rendered),
                }
                self.rows.push(&one.row);
                next_out += 1;
            }
        }
        exit
    }
}

/// The annotated-copy paths files of the batch will write, to find two that would write the same.
struct Claims {
    /// Several paths were given: remember every output path (by hash). Within one folder given,
    /// only same-stem neighbours can collide, which the walk marks.
    global: bool,
    claimed: HashSet<u64>,
}

impl Claims {
    fn new(global: bool) -> Self {
        Claims {
            global,
            claimed: HashSet::new(),
        }
    }

    /// The annotated-copy path `input` would share with an earlier file, if any.
    fn clash(&mut self, input: &Input, writes: bool) -> Option<PathBuf> {
        if !writes || input.error.is_some() {
            return None;
        }
        let dest = annotate::output_path(&input.path, input.out_dir.as_deref(), "checked");
        let taken = input.shares_stem || (self.global && !self.claimed.insert(hash_path(&dest)));
        taken.then_some(dest)
    }
}

fn hash_path(path: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}
