//! Where outputs go, and that they never replace a file jixiao did not write (nor the input);
//! outputs are deterministic, odd inputs do not fail.

use std::collections::BTreeSet;
use std::path::Path;

use calamine::Reader;
use jixiao::annotate::{self, WriteError, WriteOptions};
use jixiao::model::{CellPos, CellValue, FileKind, Severity, Workbook};
use jixiao::read::geometry;

use crate::common_local::*;

#[test]
fn output_paths() {
    let p = annotate::output_path(Path::new("/data/in/耒阳.xlsx"), None, "checked");
    assert_eq!(p, Path::new("/data/in/耒阳.checked.xlsx"));
    let p = annotate::output_path(
        Path::new("/data/in/a.xls"),
        Some(Path::new("/out")),
        "corrected",
    );
    assert_eq!(p, Path::new("/out/a.corrected.xlsx"));
    let p = annotate::output_path(Path::new("a.ods"), None, "checked");
    assert_eq!(p, Path::new("a.checked.xlsx"));
}

#[test]
fn two_runs_are_byte_identical() {
    let input = fixtures_dir().join("seed-leiyang-2024-formulas.xlsx");
    let wb = load(&input);
    let rep = report(&input, findings_for(&input, &wb));
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for write in [annotate::write_annotated, annotate::write_corrected] {
        let a = write(&wb, &rep, &opts(d1.path())).unwrap();
        let b = write(&wb, &rep, &opts(d2.path())).unwrap();
        let first = std::fs::read(&a).unwrap();
        assert_eq!(first, std::fs::read(&b).unwrap());
        // Writing again over jixiao's own output is allowed and gives the same bytes.
        let again = write(&wb, &rep, &opts(d1.path())).unwrap();
        assert_eq!(std::fs::read(again).unwrap(), first);
    }
    // No temporary files are left behind.
    for dir in [&d1, &d2] {
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
        assert_eq!(names.len(), 2);
    }
}

#[test]
fn a_foreign_file_is_never_replaced_without_force() {
    let input = fixtures_dir().join("seed-leiyang-2024.xlsx");
    let wb = load(&input);
    let rep = report(&input, findings_for(&input, &wb));
    let dir = tempfile::tempdir().unwrap();
    let dest = annotate::output_path(&input, Some(dir.path()), "checked");

    // Some other file under the output's name.
    std::fs::write(&dest, b"somebody's notes").unwrap();
    let err = annotate::write_annotated(&wb, &rep, &opts(dir.path())).unwrap_err();
    assert!(matches!(err, WriteError::NotOurs { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("不是 jixiao 生成的") && text.contains("--force") && !text.contains('\n'),
        "{text}"
    );
    assert_eq!(std::fs::read(&dest).unwrap(), b"somebody's notes");

    // A real workbook that jixiao did not write is foreign too.
    std::fs::copy(&input, &dest).unwrap();
    assert!(!annotate::is_jixiao_output(&dest));
    assert!(annotate::write_annotated(&wb, &rep, &opts(dir.path())).is_err());
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        std::fs::read(&input).unwrap()
    );

    // With force it is replaced, and from then on it is jixiao's own.
    let forced = WriteOptions {
        force: true,
        ..opts(dir.path())
    };
    annotate::write_annotated(&wb, &rep, &forced).unwrap();
    assert!(annotate::is_jixiao_output(&dest));
    annotate::write_annotated(&wb, &rep, &opts(dir.path())).unwrap();

    // A jixiao output under some other name is not taken for one of ours.
    let renamed = dir.path().join("seed.xlsx");
    std::fs::copy(&dest, &renamed).unwrap();
    assert!(!annotate::is_jixiao_output(&renamed));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn the_input_is_never_the_output() {
    // Re-checking an output names the new one after it.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.checked.xlsx");
    std::fs::copy(fixtures_dir().join("seed-leiyang-2024.xlsx"), &input).unwrap();
    let wb = load(&input);
    let before = std::fs::read(&input).unwrap();
    let out =
        annotate::write_annotated(&wb, &report(&input, Vec::new()), &opts(dir.path())).unwrap();
    assert_eq!(out, dir.path().join("x.checked.checked.xlsx"));
    assert_eq!(std::fs::read(&input).unwrap(), before);

    // An output path that leads to the input (a link) is refused, even with force.
    #[cfg(unix)]
    {
        let outdir = dir.path().join("out");
        std::fs::create_dir(&outdir).unwrap();
        let link = annotate::output_path(&input, Some(&outdir), "checked");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let forced = WriteOptions {
            force: true,
            ..opts(&outdir)
        };
        let err = annotate::write_annotated(&wb, &report(&input, Vec::new()), &forced).unwrap_err();
        assert!(matches!(err, WriteError::SameAsInput { .. }), "{err:?}");
        assert_eq!(std::fs::read(&input).unwrap(), before);
    }
}

#[test]
fn an_unwritable_folder_is_reported() {
    let input = fixtures_dir().join("seed-leiyang-2024.xlsx");
    let wb = load(&input);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let err = annotate::write_annotated(&wb, &report(&input, Vec::new()), &opts(&file.join("sub")))
        .unwrap_err();
    assert!(matches!(err, WriteError::DirNotWritable { .. }), "{err:?}");
    assert!(err.to_string().starts_with("输出目录不可写"), "{err}");
}

#[test]
fn odd_sheet_names_and_far_cells_do_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let wb = Workbook {
        path: dir.path().join("odd.ods"),
        kind: FileKind::Ods,
        sheets: vec![
            sheet_of("a/b:c", &[("A1", CellValue::Text("x".into()))]),
            sheet_of("A/B:C", &[("A1", CellValue::Text("y".into()))]),
            sheet_of(
                "一个名字超过三十一个字符的工作表名称一个名字超过三十一个字符的工作表名称",
                &[("A1", CellValue::Number(1.0))],
            ),
            sheet_of("history", &[("XFD1048576", CellValue::Number(2.0))]),
        ],
        styles: vec![calamine::Style::default()],
        package: None,
    };
    let rep = report(
        &wb.path,
        vec![finding("a/b:c", "A1", Severity::Error, "x", None)],
    );
    let out = annotate::write_annotated(&wb, &rep, &opts(dir.path())).unwrap();
    let names = open(&out).sheet_names();
    assert_eq!(names.len(), 5);
    let unique: BTreeSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(unique.len(), 5, "{names:?}");
    assert!(notes(&out)[&names[1]].contains_key(&CellPos::new(0, 0)));
}

#[test]
fn geometry_of_fixtures_and_garbage() {
    let input = fixtures_dir().join("seed-leiyang-2024-formulas.xlsx");
    let geo = geometry::read_xlsx_geometry(&std::fs::read(&input).unwrap());
    let widths = &geo["基础数据表"].col_widths;
    // <col min="4" max="5" width="16.7109375"> is 16 characters in the Excel UI.
    assert!(
        (widths[&3] - 16.0).abs() < 0.01 && (widths[&4] - 16.0).abs() < 0.01,
        "{widths:?}"
    );
    assert!((widths[&0] - 34.0).abs() < 0.01);
    // The reader fills the widths itself.
    let wb = jixiao::read::read_path(&input).unwrap();
    assert_eq!(&wb.sheets[0].col_widths, widths);

    let bytes = std::fs::read(&input).unwrap();
    for cut in [0, 10, bytes.len() / 2, bytes.len() - 10] {
        let _ = geometry::read_xlsx_geometry(&bytes[..cut]);
    }
    assert!(geometry::read_xlsx_geometry(b"not a zip").is_empty());
}
