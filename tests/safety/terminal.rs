//! Control characters in a file's name or cells never reach the terminal raw (they could erase
//! or hide report lines); the JSON keeps them as they are.

use std::ffi::OsStr;
use std::fs;

use super::{common::fixture, run_within};

const NAME: &str = "a\u{1b}[2J\rb.xlsx";

#[test]
fn escapes_in_a_file_name_are_shown_not_obeyed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("收件");
    fs::create_dir(&dir).unwrap();
    fs::copy(fixture("seed-leiyang-2024.xlsx"), dir.join(NAME)).unwrap();
    let out = tmp.path().join("out");
    for (i, what) in [dir.join(NAME), dir.clone()].iter().enumerate() {
        let r = run_within(
            60,
            &[
                OsStr::new("check"),
                what.as_os_str(),
                OsStr::new("-o"),
                out.as_os_str(),
                OsStr::new("--force"),
            ],
            &tmp.path().join(format!("logs{i}")),
        );
        assert_eq!(
            r.code,
            Some(1),
            "stdout: {}\nstderr: {}",
            r.stdout,
            r.stderr
        );
        for text in [&r.stdout, &r.stderr] {
            assert!(
                !text.contains(['\u{1b}', '\r']),
                "raw control characters: {text:?}"
            );
        }
        assert!(r.stdout.contains(r"a\u{1b}[2J\rb"), "{}", r.stdout);
    }

    let r = run_within(
        60,
        &[
            OsStr::new("check"),
            dir.join(NAME).as_os_str(),
            OsStr::new("--no-write"),
            OsStr::new("--format"),
            OsStr::new("json"),
        ],
        &tmp.path().join("json"),
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let path = v["files"][0]["path"].as_str().unwrap();
    assert!(path.ends_with(NAME), "{path:?}");
}
