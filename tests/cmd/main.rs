//! The command line's contracts as data: each `tests/cmd/NAME.toml` gives the arguments and the
//! exit status, and `tests/cmd/snapshots/NAME.snap` what the command prints (stdout, stderr).
//!
//! A case runs from the repository root, or with `[scratch]` in a fresh folder holding the files
//! it names, so the paths printed are relative and the same on every machine. After a deliberate
//! change of output: `INSTA_UPDATE=always cargo test --test cmd`, then read the diff.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

mod drop;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// Arguments after `jixiao`.
    args: Vec<String>,
    /// The exit status the command must end with.
    status: i32,
    scratch: Option<Scratch>,
    /// Paths in the scratch folder that must not exist after the run.
    #[serde(default)]
    absent: Vec<String>,
}

/// A temporary folder the command runs in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scratch {
    /// Path in the folder → file of the repository copied there.
    #[serde(default)]
    copy: BTreeMap<String, String>,
    /// Path in the folder → the text written there.
    #[serde(default)]
    write: BTreeMap<String, String>,
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(repo().join("tests/cmd"))
        .expect("tests/cmd")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    cases
}

/// Runs the case; its status and what it printed.
fn run(case: &Case) -> (i32, String) {
    let scratch = tempfile::tempdir().expect("temporary folder");
    let cwd = match &case.scratch {
        None => repo(),
        Some(s) => {
            for (to, from) in &s.copy {
                let to = scratch.path().join(to);
                fs::create_dir_all(to.parent().unwrap()).unwrap();
                fs::copy(repo().join(from), &to).unwrap_or_else(|e| panic!("{from}: {e}"));
            }
            for (to, text) in &s.write {
                let to = scratch.path().join(to);
                fs::create_dir_all(to.parent().unwrap()).unwrap();
                fs::write(to, text).unwrap();
            }
            scratch.path()
        }
    };
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(&case.args)
        .current_dir(cwd)
        .output()
        .expect("run jixiao");
    for path in &case.absent {
        assert!(!cwd.join(path).exists(), "{path} was written");
    }
    let status = out.status.code().expect("an exit status, not a signal");
    let mut shown = format!("status: {status}\n----- stdout -----\n");
    shown.push_str(&String::from_utf8_lossy(&out.stdout));
    if !out.stderr.is_empty() {
        shown.push_str("----- stderr -----\n");
        shown.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    (status, shown)
}

#[test]
fn every_case_prints_its_snapshot_and_ends_with_its_status() {
    let cases = cases();
    assert!(!cases.is_empty(), "no case in tests/cmd");
    for path in cases {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&path).unwrap();
        let case: Case = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}.toml: {e}"));
        let (status, shown) = run(&case);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_description(format!("jixiao {}", case.args.join(" ")));
        settings.bind(|| insta::assert_snapshot!(name.clone(), shown));
        assert_eq!(status, case.status, "{name}: exit status");
    }
}
