//! Every file gets an answer: broken, encrypted, foreign and hostile workbooks (issue 4).
//!
//! Each input is built here, at test time, and run through the `jixiao` binary under a 1 GiB
//! address-space limit (`ulimit -v`) and a generous timeout. A file that cannot be checked must
//! get one line of Chinese saying why, exit status 2, `status: failed` in the JSON report, no
//! output file, and its bytes left as they were; the hostile files that are still workbooks must
//! be checked exactly as their honest twins are. Runs use `--no-write` where a file is expected to
//! be checked, while the annotated-workbook writer is a stub.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/hostile.rs"]
mod kit;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xls};
use kit::*;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    common::fixture(name)
}

struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("in")).unwrap();
        fs::create_dir(dir.path().join("out")).unwrap();
        Scratch { dir }
    }

    fn input(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join("in").join(name);
        fs::write(&p, bytes).unwrap();
        p
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// `jixiao check FILES… --format json -o out [--no-write]`, limited.
    fn check(&self, files: &[&Path], write: bool) -> Outcome {
        let out = self.out();
        let mut args: Vec<&OsStr> = vec!["check".as_ref()];
        args.extend(files.iter().map(|p| p.as_os_str()));
        args.extend([
            "--format".as_ref(),
            "json".as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
        ]);
        if !write {
            args.push("--no-write".as_ref());
        }
        run_limited(&args, &self.dir.path().join("logs"))
    }

    /// Names of the files in `in/` and `out/`.
    fn listing(&self) -> (Vec<String>, Vec<String>) {
        let names = |d: &Path| {
            let mut v: Vec<String> = fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        (names(&self.dir.path().join("in")), names(&self.out()))
    }
}

/// The file is refused: exit 2, `failed`, one line containing `phrase`, nothing written, input
/// unchanged, no panic. The run asks for the annotated copy: reading fails before any writing.
fn assert_refused(name: &str, bytes: &[u8], phrase: &str) -> String {
    let s = Scratch::new();
    let input = s.input(name, bytes);
    let run = s.check(&[&input], true);
    let files = run.files();
    assert_eq!(files.len(), 1, "{name}: {}", run.stdout);
    let f = &files[0];
    let error = f["error"].as_str().unwrap_or_default().to_string();
    assert_eq!(f["status"], "failed", "{name}: {f}");
    assert_eq!(
        run.code,
        Some(2),
        "{name}: exit status; stderr {}",
        run.stderr
    );
    assert!(
        !error.is_empty() && !error.contains('\n') && !error.contains('\r'),
        "{name}: not one line: {error:?}"
    );
    assert!(error.contains(phrase), "{name}: {error:?} lacks {phrase:?}");
    assert!(
        error
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{name}: not Chinese: {error:?}"
    );
    assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
    assert_eq!(f["output"], Value::Null, "{name}: {f}");
    assert_eq!(fs::read(&input).unwrap(), bytes, "{name}: input changed");
    assert_eq!(s.listing(), (vec![name.to_string()], vec![]), "{name}");
    error
}

/// Findings as (sheet, cell, check, severity, found, expected).
fn findings(f: &Value) -> Vec<String> {
    f["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings in {f}"))
        .iter()
        .map(|x| {
            format!(
                "{} {} {} {} {} {}",
                x["sheet"], x["cell"], x["check"], x["severity"], x["found"], x["expected"]
            )
        })
        .collect()
}

/// The file is checked (with `--no-write`), with the same findings, total and grade as `twin`.
fn assert_checked_like(name: &str, bytes: &[u8], twin_name: &str, twin: &[u8]) -> Value {
    let s = Scratch::new();
    let input = s.input(name, bytes);
    let twin_path = s.input(twin_name, twin);
    let run = s.check(&[&input, &twin_path], false);
    let files = run.files();
    assert_eq!(files.len(), 2, "{}", run.stdout);
    let (got, want) = (&files[0], &files[1]);
    assert_eq!(want["status"], "checked", "{twin_name}: {want}");
    assert_eq!(got["status"], "checked", "{name}: {got}");
    assert_eq!(findings(got), findings(want), "{name} vs {twin_name}");
    for key in ["total_score", "grade", "recalculated_total_score"] {
        assert_eq!(got[key], want[key], "{name}: {key}");
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(fs::read(&input).unwrap(), bytes, "{name}: input changed");
    assert!(s.listing().1.is_empty(), "output written with --no-write");
    got.clone()
}

fn seed_xlsx() -> Vec<u8> {
    fs::read(fixture("seed-leiyang-2024.xlsx")).unwrap()
}

mod batch;
mod bombs;
mod budgets;
mod by_content;
mod lying;
mod not_workbooks;
