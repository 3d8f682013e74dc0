//! The batch's memory budget: files start only when their estimated peak fits; a file larger
//! than the whole budget still runs, alone.

use std::ffi::OsStr;
use std::fs;
use std::io::{Cursor, Write};

use jixiao::batch::{estimated_peak, parse_size, MemoryBudget};

use super::{common::fixture, run_within};

#[test]
fn a_file_starts_only_when_its_share_fits() {
    let budget = MemoryBudget::new(100);
    let first = budget.try_acquire(60).expect("an empty budget takes it");
    assert!(budget.try_acquire(60).is_none(), "60 + 60 > 100");
    let small = budget.try_acquire(40).expect("60 + 40 fits");
    drop(first);
    drop(small);
    // Larger than the whole budget: runs when nothing else does, and then alone.
    let huge = budget.try_acquire(500).expect("alone");
    assert!(budget.try_acquire(1).is_none());
    drop(huge);
    assert!(budget.try_acquire(1).is_some());
}

#[test]
fn the_estimate_follows_the_sizes_the_package_declares() {
    let tmp = tempfile::tempdir().unwrap();
    // 300 MB of zeros deflate to a few hundred KB: the file is small, what it declares is not.
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..300 {
        w.write_all(&chunk).unwrap();
    }
    let big = tmp.path().join("大.xlsx");
    fs::write(&big, w.finish().unwrap().into_inner()).unwrap();
    assert!(fs::metadata(&big).unwrap().len() < 2 << 20);
    let small = estimated_peak(&fixture("county-agri-2024-clean.xlsx"));
    let large = estimated_peak(&big);
    assert!(large > (3 * 300) << 20, "{large}");
    assert!(small < 64 << 20, "{small}");
}

#[test]
fn a_budget_smaller_than_any_file_still_checks_them_all() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("收件");
    fs::create_dir(&dir).unwrap();
    for i in 0..6 {
        fs::copy(
            fixture("seed-leiyang-2024.xlsx"),
            dir.join(format!("局{i}.xlsx")),
        )
        .unwrap();
    }
    let r = run_within(
        120,
        &[
            OsStr::new("check"),
            dir.as_os_str(),
            OsStr::new("--memory"),
            OsStr::new("1M"),
            OsStr::new("-j"),
            OsStr::new("4"),
        ],
        &tmp.path().join("logs"),
    );
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("共 6 个文件"), "{}", r.stdout);
    let bad = run_within(
        30,
        &[
            OsStr::new("check"),
            dir.as_os_str(),
            OsStr::new("--memory"),
            OsStr::new("很多"),
        ],
        &tmp.path().join("logs2"),
    );
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    assert_eq!(parse_size("2G"), Ok(2 << 30));
}
