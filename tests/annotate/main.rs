//! The annotated and corrected copies, through the public interface: values, formulas, merges,
//! formats and geometry survive; flagged cells carry a fill and a note; the summary sheet comes
//! first; outputs are deterministic and never replace a file jixiao did not write.
//!
//! One test binary: helpers in [`common_local`], tests by concern.

mod common_local;
mod notes;
mod patch;
mod rebuild;
mod safety;
