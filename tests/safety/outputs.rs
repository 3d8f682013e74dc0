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
        not_checked: 0,
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

/// The package at `path` saved again with one part changed, its custom properties (jixiao's
/// mark) kept: what a person adding review notes in Excel leaves.
fn edit_in_place(path: &Path, part_suffix: &str) {
    use std::io::{Read, Write};
    let bytes = fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut edited = false;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if !edited && name.ends_with(part_suffix) {
            data.extend_from_slice("<!-- 审阅意见 -->".as_bytes());
            edited = true;
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(edited, "no part ending {part_suffix}");
    fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

/// A copy and a summary a person opened and saved with notes of their own keep the mark, but
/// no longer its digest: a re-run leaves both alone and says why; an untouched copy is
/// replaced as before.
#[test]
fn outputs_edited_since_jixiao_wrote_them_are_not_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("收件");
    fs::create_dir(&dir).unwrap();
    for name in ["甲.xlsx", "乙.xlsx"] {
        fs::copy(
            crate::common::fixture("seed-leiyang-2024.xlsx"),
            dir.join(name),
        )
        .unwrap();
    }
    let run = |logs: &str| {
        crate::run_within(
            120,
            &[std::ffi::OsStr::new("check"), dir.as_os_str()],
            &tmp.path().join(logs),
        )
    };
    let first = run("logs1");
    assert_eq!(first.code, Some(1), "{}\n{}", first.stdout, first.stderr);
    let (edited, untouched, summary) = (
        dir.join("甲.checked.xlsx"),
        dir.join("乙.checked.xlsx"),
        dir.join("汇总.xlsx"),
    );
    edit_in_place(&edited, ".xml");
    edit_in_place(&summary, "sheet1.xml");
    assert!(
        jixiao::annotate::is_jixiao_output(&edited),
        "the mark survives the edit"
    );
    let (edited_bytes, summary_bytes) = (fs::read(&edited).unwrap(), fs::read(&summary).unwrap());
    let untouched_before = fs::metadata(&untouched).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));

    let second = run("logs2");
    assert_eq!(
        fs::read(&edited).unwrap(),
        edited_bytes,
        "the edited copy was replaced"
    );
    assert_eq!(
        fs::read(&summary).unwrap(),
        summary_bytes,
        "the edited summary was replaced"
    );
    assert!(second.stdout.contains("生成后被改过"), "{}", second.stdout);
    assert!(second.stderr.contains("生成后被改过"), "{}", second.stderr);
    let untouched_after = fs::metadata(&untouched).unwrap().modified().unwrap();
    assert_ne!(
        untouched_before, untouched_after,
        "the untouched copy was not written again"
    );
}
