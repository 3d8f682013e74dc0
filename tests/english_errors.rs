//! `--lang en`: why a file cannot be checked is said in English, in the library's report and in
//! the binary's JSON.

use std::path::{Path, PathBuf};
use std::process::Command;

use jixiao::i18n::Lang;
use jixiao::model::ErrorKind;
use jixiao::{check_file, Options, Status};

/// Chinese an English error may keep: the tables' own names.
const KEPT: &[&str] = &["基础数据表", "绩效自评表"];

fn no_chinese_of_ours(text: &str) {
    let mut rest = text.to_string();
    for kept in KEPT {
        rest = rest.replace(kept, "");
    }
    assert!(
        !rest.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
        "Chinese left in «{text}»"
    );
}

fn english() -> Options {
    Options {
        lang: Lang::En,
        ..Options::default()
    }
}

/// The one-line error checking `path` in English gives, with its kind.
fn error_of(path: &Path) -> (String, ErrorKind) {
    let report = check_file(path, &english());
    assert_eq!(report.status, Status::Failed, "{path:?}");
    let error = report.error.expect("an error").to_string();
    assert!(!error.contains('\n'), "{error}");
    no_chinese_of_ours(&error);
    (error, report.error_kind.expect("a kind"))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn unreadable_files_are_explained_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let text = write(
        dir.path(),
        "note.xlsx",
        "这不是表格，只是一段文字。\n".as_bytes(),
    );
    let (e, kind) = error_of(&text);
    assert_eq!(kind, ErrorKind::NotAWorkbook);
    assert!(
        e.starts_with("this is a plain text file, not an Excel workbook"),
        "{e}"
    );

    let zip = write(
        dir.path(),
        "broken.xlsx",
        b"PK\x03\x04 not really a zip at all",
    );
    let (e, kind) = error_of(&zip);
    assert_eq!(kind, ErrorKind::Corrupt);
    assert!(
        e.contains("damaged or incomplete (the ZIP structure"),
        "{e}"
    );

    let pdf = write(dir.path(), "scan.xlsx", b"%PDF-1.7\n1 0 obj");
    assert!(error_of(&pdf).0.starts_with("this is a PDF file, not"));

    let empty = write(dir.path(), "empty.xlsx", b"");
    assert!(error_of(&empty).0.contains("empty (0 bytes)"));

    let (e, kind) = error_of(Path::new("tests/fixtures/sniff/password-secret.xls"));
    assert_eq!(kind, ErrorKind::Encrypted);
    assert!(
        e.starts_with("the file is password-protected (encrypted)"),
        "{e}"
    );

    let (e, kind) = error_of(&dir.path().join("no-such-file.xlsx"));
    assert_eq!(kind, ErrorKind::Missing);
    assert!(e.contains("there is no such file"), "{e}");
}

#[test]
fn a_workbook_without_the_tables_says_what_was_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "会议签到表").unwrap();
    ws.write_string(1, 0, "姓名").unwrap();
    wb.save(&path).unwrap();
    let report = check_file(&path, &english());
    assert_eq!(report.error_kind, Some(ErrorKind::NoTables));
    let e = report.error.expect("an error").to_string();
    assert!(e.starts_with("found neither the 基础数据表"), "{e}");
    // The labels looked for are the workbooks' own words.
    assert!(e.contains("“全年预算数”"), "{e}");
    // The Chinese run is unchanged.
    let zh = check_file(&path, &Options::default()).error.unwrap();
    assert!(zh
        .to_string()
        .starts_with("未找到基础数据表（查找“财政供养人员情况”"));
}

#[test]
fn the_json_report_says_errors_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let text = write(dir.path(), "note.xlsx", b"just a line of text\n");
    let missing = dir.path().join("gone.xlsx");
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["--lang", "en", "--format", "json", "--no-write"])
        .arg(&text)
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let files = json["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    let errors: Vec<&str> = files.iter().map(|f| f["error"].as_str().unwrap()).collect();
    assert!(
        errors[0].starts_with("this is a plain text file"),
        "{errors:?}"
    );
    assert_eq!(files[0]["error_kind"], "not_a_workbook");
    assert!(errors[1].starts_with("there is no such file"), "{errors:?}");
    for e in errors {
        no_chinese_of_ours(e);
    }
}
