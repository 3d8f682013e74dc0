//! `check_file`'s report when something goes wrong: the kind of error kept beside its message,
//! and the findings kept when only a copy cannot be written.

use std::fs;
use std::path::Path;

use jixiao::model::{ErrorKind, Status};
use jixiao::{check_file, Options};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn a_file_that_fails_says_what_kind_of_error() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_workbook = dir.path().join("a.xlsx");
    fs::write(&not_a_workbook, "not a zip").unwrap();
    let report = check_file(&not_a_workbook, &Options::default());
    assert_eq!(report.status, Status::Failed);
    assert_eq!(report.error_kind, Some(ErrorKind::NotAWorkbook));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["error_kind"], "not_a_workbook");

    let checked = check_file(&fixture("seed-leiyang-2024.xlsx"), &Options::default());
    assert_eq!(checked.error_kind, None);
    assert!(serde_json::to_value(&checked)
        .unwrap()
        .get("error_kind")
        .is_none());
}

#[test]
fn a_copy_that_cannot_be_written_keeps_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    // Someone's own file where the annotated copy would go.
    let taken = dir.path().join("seed-leiyang-2024.checked.xlsx");
    fs::write(&taken, "mine").unwrap();
    let opts = Options {
        out_dir: Some(dir.path().to_path_buf()),
        annotate: true,
        ..Options::default()
    };
    let report = check_file(&fixture("seed-leiyang-2024.xlsx"), &opts);
    assert_eq!(report.status, Status::Checked);
    assert_eq!(report.findings.len(), 9);
    assert_eq!(report.exit_code(), 1);
    assert_eq!(report.output, None);
    assert_eq!(report.error_kind, Some(ErrorKind::Write));
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.to_string().starts_with("未写出批注副本：目标文件已存在")),
        "{:?}",
        report.notes
    );
    assert_eq!(fs::read(&taken).unwrap(), b"mine");
}
