//! Which files are checked and what their outputs are called: names in any encoding, files
//! named on the command line, files in a folder that are not checked.

#![cfg(unix)]

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

use super::{common::fixture, run_within};

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

fn json_files(stdout: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(stdout).unwrap();
    v["files"].as_array().unwrap().clone()
}

/// A Windows zip unpacked on Linux: 财政局, 民政局, 教育局 in GBK, not UTF-8.
#[test]
fn gbk_names_give_one_copy_each() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("收件");
    fs::create_dir(&dir).unwrap();
    let gbk: [&[u8]; 3] = [
        b"\xB2\xC6\xD5\xFE\xBE\xD6",
        b"\xC3\xF1\xD5\xFE\xBE\xD6",
        b"\xBD\xCC\xD3\xFD\xBE\xD6",
    ];
    for name in gbk {
        let file = OsString::from_vec([name, b".xlsx"].concat());
        fs::copy(fixture("county-agri-2024-clean.xlsx"), dir.join(file)).unwrap();
    }
    let r = run_within(
        120,
        &[os("check"), dir.as_os_str(), os("--format"), os("json")],
        &tmp.path().join("logs"),
    );
    assert_eq!(
        r.code,
        Some(0),
        "stdout: {}\nstderr: {}",
        r.stdout,
        r.stderr
    );
    for name in gbk {
        let copy = dir.join(OsStr::from_bytes(&[name, b".checked.xlsx"].concat()));
        assert!(
            jixiao::annotate::is_jixiao_output(&copy),
            "{copy:?} missing"
        );
    }
    let outputs: std::collections::BTreeSet<String> = json_files(&r.stdout)
        .iter()
        .map(|f| f["output"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(outputs.len(), 3, "{outputs:?}");
    assert!(
        outputs.iter().any(|o| o.contains(r"\xB2\xC6")),
        "{outputs:?}"
    );
}

/// `jixiao check *.xlsx` twice: the second run names the copies and the summary of the first
/// among its paths; they are not checked, nothing is written over them.
#[test]
fn named_outputs_of_an_earlier_run_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for name in ["甲.xlsx", "乙.xlsx"] {
        fs::copy(fixture("county-agri-2024-clean.xlsx"), dir.join(name)).unwrap();
    }
    fs::write(dir.join("~$甲.xlsx"), b"lock").unwrap();
    let star = |dir: &Path| {
        let mut names: Vec<OsString> = fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension() == Some(os("xlsx")))
            .map(|e| e.path().into_os_string())
            .collect();
        names.sort();
        names
    };
    let mut args = vec![OsString::from("check")];
    args.extend(star(dir));
    let argv: Vec<&OsStr> = args.iter().map(OsString::as_os_str).collect();
    let first = run_within(120, &argv, &dir.join("logs1"));
    assert_eq!(first.code, Some(0), "{}\n{}", first.stdout, first.stderr);
    assert!(dir.join("汇总.xlsx").is_file());

    let mut args = vec![OsString::from("check")];
    args.extend(star(dir));
    let argv: Vec<&OsStr> = args.iter().map(OsString::as_os_str).collect();
    let second = run_within(120, &argv, &dir.join("logs2"));
    assert_eq!(second.code, Some(0), "{}\n{}", second.stdout, second.stderr);
    let skipped = second
        .stdout
        .lines()
        .filter(|l| l.starts_with("未检查 "))
        .count();
    // 甲.checked.xlsx, 乙.checked.xlsx, 汇总.xlsx and the lock file.
    assert_eq!(skipped, 4, "{}", second.stdout);
    assert!(
        second.stdout.contains("另有 4 个文件未检查"),
        "{}",
        second.stdout
    );
    let doubled: Vec<_> = star(dir)
        .into_iter()
        .filter(|n| {
            let n = n.to_string_lossy();
            n.contains(".checked.checked") || n.contains(".xlsx.checked")
        })
        .collect();
    assert!(doubled.is_empty(), "{doubled:?}");
}

/// `jixiao check x.xlsx x.checked.xlsx --force`, the second a department's own file: both are
/// inputs, neither is written to; x.xlsx's copy gets a name of its own.
#[test]
fn a_named_input_is_never_written_even_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let (x, theirs) = (tmp.path().join("x.xlsx"), tmp.path().join("x.checked.xlsx"));
    fs::copy(fixture("county-agri-2024-clean.xlsx"), &x).unwrap();
    fs::copy(fixture("seed-leiyang-2024.xlsx"), &theirs).unwrap();
    let before = fs::read(&theirs).unwrap();
    let r = run_within(
        120,
        &[
            os("check"),
            x.as_os_str(),
            theirs.as_os_str(),
            os("--force"),
        ],
        &tmp.path().join("logs"),
    );
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        fs::read(&theirs).unwrap(),
        before,
        "the named input was written"
    );
    assert!(jixiao::annotate::is_jixiao_output(
        &tmp.path().join("x.xlsx.checked.xlsx")
    ));
    assert!(jixiao::annotate::is_jixiao_output(
        &tmp.path().join("x.checked.checked.xlsx")
    ));
    assert!(r.stdout.contains("副本改名为"), "{}", r.stdout);
}

/// Files named like jixiao's outputs but without its mark are a department's and are checked;
/// a FIFO and a link to /dev/zero are named with the reason; all are counted.
#[test]
fn every_file_in_a_folder_is_checked_or_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("收件");
    fs::create_dir(&dir).unwrap();
    for name in [
        "报表.checked.v2.xlsx",
        "科教局.corrected.xlsx",
        "农业局.xlsx",
    ] {
        fs::copy(fixture("county-agri-2024-clean.xlsx"), dir.join(name)).unwrap();
    }
    let fifo = std::ffi::CString::new(dir.join("管道.xlsx").as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("/dev/zero", dir.join("零.xlsx")).unwrap();
    let r = run_within(
        120,
        &[os("check"), dir.as_os_str(), os("--no-write")],
        &tmp.path().join("logs"),
    );
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    for name in [
        "报表.checked.v2.xlsx",
        "科教局.corrected.xlsx",
        "农业局.xlsx",
    ] {
        assert!(
            r.stdout
                .lines()
                .any(|l| l.contains(name) && !l.starts_with("未检查")),
            "{name} not checked: {}",
            r.stdout
        );
    }
    for name in ["管道.xlsx", "零.xlsx"] {
        let line = r.stdout.lines().find(|l| l.contains(name));
        assert!(
            line.is_some_and(|l| l.starts_with("未检查 ") && l.contains("不是普通文件")),
            "{name}: {}",
            r.stdout
        );
    }
    assert!(r.stdout.contains("共 3 个文件"), "{}", r.stdout);
    assert!(r.stdout.contains("另有 2 个文件未检查"), "{}", r.stdout);
}

/// The corrected workbook is what a department sends on: named, it is checked like any input
/// (and never written to), while the annotated copy beside it, named too, is skipped.
#[test]
fn a_named_corrected_copy_is_checked_and_its_annotated_copy_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let input = dir.join("丙.xlsx");
    fs::copy(fixture("seed-leiyang-2024.xlsx"), &input).unwrap();
    let fixed = run_within(
        120,
        &[os("check"), os("--fix"), input.as_os_str()],
        &dir.join("logs1"),
    );
    assert_eq!(fixed.code, Some(1), "{}\n{}", fixed.stdout, fixed.stderr);
    let corrected = dir.join("丙.corrected.xlsx");
    let checked = dir.join("丙.checked.xlsx");
    let before = fs::read(&corrected).unwrap();

    let again = run_within(
        120,
        &[
            os("check"),
            os("--format"),
            os("json"),
            corrected.as_os_str(),
            checked.as_os_str(),
        ],
        &dir.join("logs2"),
    );
    let files = json_files(&again.stdout);
    assert_eq!(files.len(), 1, "{}\n{}", again.stdout, again.stderr);
    assert_eq!(files[0]["status"], "checked", "{}", again.stdout);
    assert!(again.stderr.contains("丙.checked.xlsx"), "{}", again.stderr);
    assert_eq!(fs::read(&corrected).unwrap(), before);
    assert!(dir.join("丙.corrected.checked.xlsx").is_file());
}
