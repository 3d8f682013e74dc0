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
    // Every name the temporary file could take in this process: `.汇总.xlsx.<pid>.tmp` and
    // `.汇总.xlsx.<pid>-<n>.tmp`.
    let pid = std::process::id();
    let mut names = vec![format!(".汇总.xlsx.{pid}.tmp")];
    names.extend((0..20).map(|n| format!(".汇总.xlsx.{pid}-{n}.tmp")));
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
