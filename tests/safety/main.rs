//! The file system cannot be turned against jixiao (issue 14): links planted at its temporary
//! names, FIFOs where files are expected, leftovers of a power cut, control characters in names,
//! odd zip entries.

#[path = "../common/mod.rs"]
mod common;

mod interrupt;
mod memory;
mod names;
mod outputs;
mod special;
mod terminal;
mod zips;

use std::ffi::OsStr;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a run of the binary left: exit code (None when it had to be killed), stdout, stderr.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `jixiao ARGS…`, killed if it has not finished within `secs` seconds (the test then fails
/// instead of hanging).
fn run_within(secs: u64, args: &[&OsStr], logs: &Path) -> Run {
    fs::create_dir_all(logs).unwrap();
    let (out, err) = (logs.join("stdout"), logs.join("stderr"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out).unwrap())
        .stderr(fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap_or_default()).into_owned();
    let run = Run {
        code: status.and_then(|s| s.code()),
        stdout: read(&out),
        stderr: read(&err),
    };
    assert!(
        status.is_some(),
        "jixiao {args:?} still running after {secs} s; stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    run
}
