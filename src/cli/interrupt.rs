//! Ctrl-C during a batch: the first stops it (the files being checked are finished, no other is
//! started, the summary of what was done is written, exit 130); one more, or one after the
//! batch, ends the process at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The exit status of a run stopped by Ctrl-C (128 + SIGINT), as shells give.
pub(super) const EXIT_INTERRUPTED: i32 = 130;

/// The flag the batch stops on, its Ctrl-C handler installed on first use. None when the
/// handler could not be installed (Ctrl-C then ends the process as it does by default).
pub(super) fn stop_flag() -> Option<Arc<AtomicBool>> {
    static FLAG: OnceLock<Option<Arc<AtomicBool>>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&flag);
        let installed = ctrlc::set_handler(move || {
            if seen.swap(true, Ordering::SeqCst) {
                std::process::exit(EXIT_INTERRUPTED);
            }
        });
        installed.is_ok().then_some(flag)
    })
    .clone()
}

/// After the batch: a Ctrl-C from now on ends the process at once.
pub(super) fn batch_over(flag: &AtomicBool) {
    flag.store(true, Ordering::SeqCst);
}
