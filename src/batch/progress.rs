//! The progress bar on stderr, for a person watching a batch.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::annotate::Lang;
use crate::report::msg::{self, Msg};

/// A bar counting up to `total` files (if known), or none when not `wanted`.
pub(super) fn bar(wanted: bool, total: Option<usize>, lang: Lang) -> Option<ProgressBar> {
    if !wanted {
        return None;
    }
    let bar = ProgressBar::with_draw_target(
        total.map(|t| t as u64),
        ProgressDrawTarget::stderr_with_hz(10),
    );
    let style = ProgressStyle::with_template(
        "{bar:30.cyan/blue} {pos}/{len} {prefix} [{elapsed_precise}] {wide_msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("█▉▊▋▌▍▎▏ ");
    bar.set_style(style);
    bar.set_prefix(msg::fill(Msg::Progress, lang, &[&0, &0]));
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

/// Files done so far that had errors and that could not be checked, shown in the bar's prefix.
pub(super) struct Tally {
    with_errors: usize,
    failed: usize,
    lang: Lang,
}

impl Tally {
    pub(super) fn new(lang: Lang) -> Self {
        Tally {
            with_errors: 0,
            failed: 0,
            lang,
        }
    }

    /// One more file done, with this exit status.
    pub(super) fn record(&mut self, bar: Option<&ProgressBar>, exit: i32) {
        match exit {
            2 => self.failed += 1,
            1 => self.with_errors += 1,
            _ => {}
        }
        if let Some(bar) = bar {
            bar.inc(1);
            let counts: [&dyn std::fmt::Display; 2] = [&self.with_errors, &self.failed];
            bar.set_prefix(msg::fill(Msg::Progress, self.lang, &counts));
        }
    }
}
