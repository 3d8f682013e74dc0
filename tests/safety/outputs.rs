//! Files jixiao creates: new, never through a link, renamed into place.

use std::fs;
use std::path::Path;

use jixiao::annotate::Lang;
use jixiao::summary::{write_summary, RowStore, SummaryRow};

fn one_row() -> SummaryRow {
    SummaryRow {
        path: "表.xlsx".into(),
        output: None,
        department: Some("财政局".into()),
        year: Some(2024),
        total_score: None,
        recalculated_total_score: None,
        grade: None,
        counts: [0; 4],
        failed: false,
        error: None,
    }
}

fn summary_at(dest: &Path) -> Result<(), jixiao::summary::SummaryError> {
    let mut store = RowStore::new();
    store.push(&one_row());
    let mut rows = store.finish().unwrap();
    write_summary(dest, &mut rows, Lang::Zh, false)
}

#[cfg(unix)]
#[test]
fn a_link_planted_at_the_summary_temp_name_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, b"precious").unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    // Every name the temporary file could take in this process: `.汇总.xlsx.jixiao-<pid>.tmp` and
    // `.汇总.xlsx.jixiao-<pid>-<n>.tmp`.
    let pid = std::process::id();
    let mut names = vec![format!(".汇总.xlsx.jixiao-{pid}.tmp")];
    names.extend((0..20).map(|n| format!(".汇总.xlsx.jixiao-{pid}-{n}.tmp")));
    for name in &names {
        std::os::unix::fs::symlink(&victim, out.join(name)).unwrap();
    }
    let dest = out.join("汇总.xlsx");
    summary_at(&dest).unwrap();
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
    let meta = fs::symlink_metadata(&dest).unwrap();
    assert!(meta.is_file(), "汇总.xlsx is not a regular file: {meta:?}");
    assert!(jixiao::summary::is_jixiao_summary(&dest));
}

/// A power cut can leave an output's name empty (the rename reached the disk, the data not):
/// that leftover is replaced without --force; a file with content is still left alone.
#[test]
fn an_empty_leftover_at_an_output_name_is_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("收件");
    fs::create_dir(&dir).unwrap();
    fs::copy(
        crate::common::fixture("county-agri-2024-clean.xlsx"),
        dir.join("农业局.xlsx"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    let (copy, summary) = (out.join("农业局.checked.xlsx"), out.join("汇总.xlsx"));
    fs::write(&copy, b"").unwrap();
    fs::write(&summary, b"").unwrap();
    let r = crate::run_within(
        60,
        &[
            std::ffi::OsStr::new("check"),
            dir.as_os_str(),
            std::ffi::OsStr::new("-o"),
            out.as_os_str(),
        ],
        &tmp.path().join("logs"),
    );
    assert_eq!(
        r.code,
        Some(0),
        "stdout: {}\nstderr: {}",
        r.stdout,
        r.stderr
    );
    assert!(jixiao::annotate::is_jixiao_output(&copy));
    assert!(jixiao::summary::is_jixiao_summary(&summary));

    fs::write(&summary, b"x").unwrap();
    let r = crate::run_within(
        60,
        &[
            std::ffi::OsStr::new("check"),
            dir.as_os_str(),
            std::ffi::OsStr::new("-o"),
            out.as_os_str(),
        ],
        &tmp.path().join("logs2"),
    );
    assert_eq!(
        r.code,
        Some(2),
        "stdout: {}\nstderr: {}",
        r.stdout,
        r.stderr
    );
    assert_eq!(fs::read(&summary).unwrap(), b"x");
}
