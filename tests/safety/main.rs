//! The file system cannot be turned against jixiao (issue 14): links planted at its temporary
//! names, FIFOs where files are expected, leftovers of a power cut, control characters in names,
//! odd zip entries.

#[path = "../common/mod.rs"]
#[allow(dead_code)]
mod common;

mod outputs;
