//! A run stopped by Ctrl-C ends cleanly (exit 130, no temporary file, the summary of what was
//! done); the temporary files of a killed run are removed by the next one.

#![cfg(unix)]

use std::ffi::OsStr;
use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{common::fixture, run_within};

/// A folder of `n` copies of the seed workbook.
fn inbox(root: &Path, n: usize) -> std::path::PathBuf {
    let dir = root.join("收件");
    fs::create_dir(&dir).unwrap();
    for i in 0..n {
        fs::copy(
            fixture("seed-leiyang-2024.xlsx"),
            dir.join(format!("局{i:03}.xlsx")),
        )
        .unwrap();
    }
    dir
}

fn names_in(dir: &Path, pred: impl Fn(&str) -> bool) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| pred(n))
        .collect()
}

/// `jixiao check dir -j 1`, once its first copy is written (or after 60 s).
fn started(dir: &Path) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args([
            OsStr::new("check"),
            dir.as_os_str(),
            OsStr::new("-j"),
            OsStr::new("1"),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while names_in(dir, |n| n.ends_with(".checked.xlsx")).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

/// The child's exit code, killing it if it has not ended within 60 s.
fn wait_within(child: &mut Child) -> Option<i32> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("jixiao still running 60 s after Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn ctrl_c_stops_the_batch_with_130_and_leaves_no_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 150;
    let dir = inbox(tmp.path(), n);
    let mut child = started(&dir);
    assert_eq!(
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) },
        0
    );
    assert_eq!(wait_within(&mut child), Some(130));
    let temps = names_in(&dir, |n| n.ends_with(".tmp"));
    assert!(temps.is_empty(), "{temps:?}");
    let copies = names_in(&dir, |n| n.ends_with(".checked.xlsx")).len();
    assert!(copies > 0 && copies < n, "{copies} copies");
    // The summary of what was done: one row per file checked.
    assert!(jixiao::summary::is_jixiao_summary(&dir.join("汇总.xlsx")));
}

#[test]
fn temporary_files_of_a_killed_run_are_removed_by_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = inbox(tmp.path(), 40);
    let mut child = started(&dir);
    let dead = child.id();
    child.kill().unwrap();
    child.wait().unwrap();
    // What the kill may have left, made sure of; and one of a run still alive (this one).
    let leftover = dir.join(format!(".局000.checked.xlsx.jixiao-{dead}-7.tmp"));
    fs::write(&leftover, b"half a copy").unwrap();
    let alive = dir.join(format!(
        ".局001.checked.xlsx.jixiao-{}-0.tmp",
        std::process::id()
    ));
    fs::write(&alive, b"being written").unwrap();
    let r = run_within(
        120,
        &[OsStr::new("check"), dir.as_os_str()],
        &tmp.path().join("logs"),
    );
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    let temps = names_in(&dir, |n| n.ends_with(".tmp"));
    let alive_name = alive.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(temps, vec![alive_name], "{temps:?}");
    assert!(
        !r.stdout.contains("jixiao-"),
        "a temporary file was named: {}",
        r.stdout
    );
}
