//! Only regular files are opened: a FIFO where a workbook or the summary is expected never
//! blocks a run.

#![cfg(unix)]

use std::ffi::{CString, OsStr};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use super::{common::fixture, run_within};

fn mkfifo(path: &Path) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    assert_eq!(
        unsafe { libc::mkfifo(c.as_ptr(), 0o644) },
        0,
        "mkfifo {path:?}"
    );
}

#[test]
fn a_fifo_named_as_a_workbook_is_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("x.xlsx");
    mkfifo(&fifo);
    let good = tmp.path().join("好.xlsx");
    fs::copy(fixture("county-agri-2024-clean.xlsx"), &good).unwrap();
    let out = tmp.path().join("out");
    let r = run_within(
        30,
        &[
            OsStr::new("check"),
            fifo.as_os_str(),
            good.as_os_str(),
            OsStr::new("-o"),
            out.as_os_str(),
        ],
        &tmp.path().join("logs"),
    );
    assert_eq!(
        r.code,
        Some(2),
        "stdout: {}\nstderr: {}",
        r.stdout,
        r.stderr
    );
    let all = format!("{}{}", r.stdout, r.stderr);
    let lines: Vec<&str> = all.lines().filter(|l| l.contains("不是普通文件")).collect();
    assert_eq!(lines.len(), 1, "{all}");
    assert!(all.contains(&*fifo.to_string_lossy()), "{all}");
    // The other file is still checked and copied.
    assert!(out.join("好.checked.xlsx").is_file(), "{all}");
}

#[test]
fn a_fifo_named_as_the_summary_is_not_replaced_and_does_not_block() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("收件");
    fs::create_dir(&dir).unwrap();
    fs::copy(
        fixture("county-agri-2024-clean.xlsx"),
        dir.join("农业局.xlsx"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    let summary = out.join("汇总.xlsx");
    mkfifo(&summary);
    // Without --force jixiao looks inside for its mark; with it, it would replace the name.
    for force in ["--lang=zh", "--force"] {
        let r = run_within(
            30,
            &[
                OsStr::new("check"),
                dir.as_os_str(),
                OsStr::new("-o"),
                out.as_os_str(),
                OsStr::new(force),
            ],
            &tmp.path().join(force),
        );
        assert_eq!(
            r.code,
            Some(2),
            "stdout: {}\nstderr: {}",
            r.stdout,
            r.stderr
        );
        assert!(
            r.stderr.contains("汇总.xlsx") && r.stderr.contains("不是普通文件"),
            "stderr: {}",
            r.stderr
        );
        let kind = fs::symlink_metadata(&summary).unwrap().file_type();
        assert!(kind.is_fifo(), "{kind:?}");
        assert!(out.join("农业局.checked.xlsx").is_file());
    }
}
