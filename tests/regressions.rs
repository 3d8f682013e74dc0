//! Inputs that once broke jixiao (`tests/fixtures/regressions/`), checked through the binary:
//! every finding reported, exit 1, an annotated copy that opens, nothing on stderr.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Reader, Xlsx};
use common::{fixture, run_check, Run};
use jixiao::template::Template;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

fn regression(name: &str) -> PathBuf {
    common::fixtures_dir().join("regressions").join(name)
}

/// The findings of a report as (sheet, cell, rule), in order.
fn findings(run: &Run) -> Vec<(String, String, String)> {
    let report = run.report().unwrap();
    assert_eq!(report.files.len(), 1);
    report.files[0]
        .findings
        .iter()
        .map(|f| (f.sheet.clone(), f.cell.clone(), f.check.clone()))
        .collect()
}

/// The seed's xlsx with part `name` replaced by `data`, as the `parts` fuzz target builds it.
fn seed_with_part(name: &str, data: &[u8]) -> Vec<u8> {
    let seed = fs::read(fixture("seed-leiyang-2024.xlsx")).unwrap();
    let mut zip = ZipArchive::new(Cursor::new(seed)).unwrap();
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let part_name = part.name().unwrap().to_string();
        if part_name.ends_with('/') {
            continue;
        }
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        out.start_file(part_name.as_str(), stored).unwrap();
        out.write_all(if part_name == name { data } else { &bytes })
            .unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// `jixiao check` on `input`: exit 1, nothing on stderr, an annotated copy that calamine opens.
/// Returns the findings and the JSON report.
fn checks_and_writes(input: &Path) -> (Vec<(String, String, String)>, String) {
    let scratch = tempfile::tempdir().unwrap();
    let run = run_check(input, scratch.path());
    assert_eq!(run.stderr, "", "{}", input.display());
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let report = run.report().unwrap();
    let file = &report.files[0];
    assert_eq!(file.status, "checked", "{:?}", file.error);

    let copy = file.output.as_deref().expect("an annotated copy");
    let mut book: Xlsx<_> = open_workbook(copy).unwrap();
    let names: BTreeSet<String> = book.sheet_names().into_iter().collect();
    assert!(names.contains("基础数据表"), "{names:?}");
    for name in &names {
        book.worksheet_range(name).unwrap();
    }
    (findings(&run), run.stdout)
}

#[test]
fn overlapping_merges_in_a_rebuilt_copy() {
    let (got, json) = checks_and_writes(&regression("overlap-merges-rebuild.xlsx"));
    // K1:K2 kept; J1:K1 overlaps it, J1:J2 overlaps nothing kept.
    assert!(
        json.contains("工作表「基础数据表」有 1 个合并区域与前面的合并区域重复或重叠"),
        "{json}"
    );
    // The seed's first row has no number: the patch gives way to the rebuild, and says so.
    assert!(
        json.contains("副本未能在原文件上修补（有行没有行号），已按单元格重建"),
        "{json}"
    );
    let scratch = tempfile::tempdir().unwrap();
    let seed = findings(&run_check(
        &fixture("seed-leiyang-2024.xlsx"),
        scratch.path(),
    ));
    assert_eq!(got, seed);
    assert_eq!(got.len(), 9);
}

#[test]
fn the_parts_fuzzers_crash() {
    // The first byte picks the slot (1: the seed's second sheet); the rest is that part.
    let input = fs::read(regression("parts-crash-49ada5cf")).unwrap();
    assert_eq!(input[0], 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parts-crash.xlsx");
    fs::write(
        &path,
        seed_with_part("xl/worksheets/sheet2.xml", &input[1..]),
    )
    .unwrap();
    let (got, _) = checks_and_writes(&path);
    // The fuzzer changed the second sheet's cells too: its findings are the library's own.
    let wb = jixiao::read::read_path(&path).unwrap();
    let report = jixiao::check_workbook(&wb, &Template::built_in()).unwrap();
    let want: Vec<(String, String, String)> = report
        .findings
        .iter()
        .map(|f| (f.sheet.clone(), f.cell.to_string(), f.check.to_string()))
        .collect();
    assert_eq!(got, want);
    assert!(!got.is_empty());
}

#[test]
fn only_an_xlsx_copy_says_why_it_was_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let opts = jixiao::annotate::WriteOptions {
        out_dir: Some(dir.path().to_path_buf()),
        ..Default::default()
    };
    // The seed xlsx is patched; xls and ods copies are always rebuilt, which needs no word.
    for name in [
        "seed-leiyang-2024.xlsx",
        "seed-leiyang-2024.xls",
        "seed-leiyang-2024.ods",
    ] {
        let wb = jixiao::read::read_path(&fixture(name)).unwrap();
        let report = jixiao::check_workbook(&wb, &Template::built_in()).unwrap();
        let written = jixiao::annotate::write_copy(&wb, &report, &opts, false).unwrap();
        assert!(written.notes.is_empty(), "{name}: {:?}", written.notes);
    }
    let wb = jixiao::read::read_path(&regression("overlap-merges-rebuild.xlsx")).unwrap();
    let report = jixiao::check_workbook(&wb, &Template::built_in()).unwrap();
    let written = jixiao::annotate::write_copy(&wb, &report, &opts, false).unwrap();
    assert_eq!(written.notes.len(), 2, "{:?}", written.notes);
    assert!(written.notes[0].starts_with("副本未能在原文件上修补"));
}
