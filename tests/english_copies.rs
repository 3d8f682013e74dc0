//! `--lang en` copies and summaries: the annotated and corrected copies of a built workbook, read
//! back, say jixiao's own words in English — the 校验结果 sheet, the cell notes — and so do the
//! summary workbook and the errors of writing them. The workbook's own words stay as they are.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use jixiao::annotate::{self, Lang, WriteOptions};
use jixiao::i18n::Message;
use jixiao::model::{CellPos, Correction, FileReport, Finding, Replacement, Severity, Status};
use jixiao::summary::{self, RowStore, SummaryRow};
use rust_decimal::Decimal;

/// The workbook's own words, which an English copy shows as they are.
const SHEET: &str = "基础数据表";

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

/// A small 基础数据表 whose rate is a wrong formula (B3) and whose B4 is blank.
fn build_workbook(dir: &Path) -> PathBuf {
    let path = dir.join("book.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name(SHEET).unwrap();
    ws.write_string(0, 0, "编制数").unwrap();
    ws.write_number(0, 1, 198).unwrap();
    ws.write_string(1, 0, "实有人数").unwrap();
    ws.write_number(1, 1, 158).unwrap();
    ws.write_string(2, 0, "控制率").unwrap();
    let formula = rust_xlsxwriter::Formula::new("=B1/B2").set_result("1.2532");
    ws.write_formula(2, 1, formula).unwrap();
    ws.write_string(3, 0, "人员经费").unwrap();
    wb.save(&path).unwrap();
    path
}

fn finding(cell: &str, severity: Severity, found: &str, expected: &str, message: &str) -> Finding {
    Finding {
        sheet: SHEET.to_string(),
        cell: CellPos::parse_a1(cell).unwrap(),
        severity,
        check: "staff.rate".into(),
        found: found.to_string(),
        expected: Some(expected.to_string()),
        message: Message::raw(message),
        involves: Vec::new(),
        replacement: None,
        typo: None,
        text: None,
    }
}

/// The report of `path` as a check in English would leave it: two findings, the formula's
/// cell corrected.
fn report(path: &Path) -> FileReport {
    let mut report = FileReport::failed(path.display().to_string(), "");
    report.status = Status::Checked;
    report.error = None;
    report.year = Some(2024);
    report.total_score = Some("94".into());
    report.findings = vec![
        finding(
            "B3",
            Severity::Error,
            "125.32%",
            "79.80%",
            "Control rate should be 158 ÷ 198 = 79.80%; filed as 125.32%",
        ),
        finding(
            "B4",
            Severity::Missing,
            "",
            "12",
            "The staff costs are blank",
        ),
    ];
    report.corrections = vec![Correction {
        sheet: SHEET.to_string(),
        cell: CellPos::parse_a1("B3").unwrap(),
        from: "125.32%".into(),
        to: "79.80%".into(),
        formula: true,
        value: Replacement::Number(Decimal::new(798, 3)),
    }];
    report
}

fn options(dir: &Path) -> WriteOptions {
    WriteOptions {
        out_dir: Some(dir.join("out")),
        lang: Lang::En,
        marked: true,
        ..Default::default()
    }
}

fn open(path: &Path) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(std::fs::read(path).unwrap())).unwrap()
}

/// The first sheet's name and its text cells, row by row.
fn first_sheet(path: &Path) -> (String, Vec<Vec<String>>) {
    let mut book = open(path);
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let rows = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|d| match d {
                    Data::String(s) => s.clone(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    (name, rows)
}

/// The notes of the copy by cell (one sheet is marked here), read from its comments parts.
fn notes(path: &Path) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(std::fs::read(path).unwrap())).unwrap();
    let parts: Vec<String> = zip
        .file_names()
        .flatten()
        .filter(|n| n.starts_with("xl/") && n.contains("comments") && n.ends_with(".xml"))
        .map(|n| n.into_owned())
        .collect();
    let mut out = BTreeMap::new();
    for part in parts {
        let mut xml = String::new();
        zip.by_name(&part)
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        let mut reader = quick_xml::Reader::from_str(&xml);
        let (mut cell, mut text, mut in_t) = (None::<String>, String::new(), false);
        loop {
            use quick_xml::events::Event;
            match reader.read_event().unwrap() {
                Event::Start(e) if e.local_name().as_ref() == "comment" => {
                    cell = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == "ref")
                        .map(|a| a.value.into_owned());
                    text.clear();
                }
                Event::Start(e) if e.local_name().as_ref() == "t" => in_t = true,
                Event::End(e) if e.local_name().as_ref() == "t" => in_t = false,
                Event::Text(t) if in_t => text.push_str(&t),
                Event::GeneralRef(r) if in_t => {
                    let entity: &str = &r;
                    text.push_str(match entity {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        _ => "'",
                    });
                }
                Event::End(e) if e.local_name().as_ref() == "comment" => {
                    out.insert(cell.take().unwrap(), text.replace("\r\n", "\n"));
                }
                Event::Eof => break,
                _ => {}
            }
        }
    }
    out
}

#[test]
fn the_annotated_copy_says_its_own_words_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let input = build_workbook(dir.path());
    let wb = jixiao::read::read_path(&input).unwrap();
    let written = annotate::write_copy(&wb, &report(&input), &options(dir.path()), false).unwrap();
    assert!(written.notes.is_empty(), "{:?}", written.notes);

    let (name, rows) = first_sheet(&written.path);
    assert_eq!(name, "Check results");
    let labels: Vec<&str> = rows.iter().take(7).map(|r| r[0].as_str()).collect();
    assert_eq!(
        labels,
        [
            "Department",
            "Year",
            "File",
            "Total (as filed)",
            "Total (recalculated)",
            "Grade",
            "Findings"
        ]
    );
    assert_eq!(rows[0][1], "(not found)");
    assert_eq!(&rows[6][1..5], ["error", "rounding", "missing", "warning"]);
    let header = rows.iter().find(|r| r[0] == "Sheet").expect("table header");
    assert_eq!(
        &header[..7],
        ["Sheet", "Cell", "Severity", "Rule", "Found", "Expected", "Message"]
    );
    for cell in rows.iter().flatten() {
        assert!(
            cell == SHEET || !has_chinese(cell),
            "«{cell}» is not English"
        );
    }

    let notes = notes(&written.path);
    assert_eq!(
        notes["B3"],
        "The corrected copy holds 79.80%\n\
         The formula =B1/B2 gives a wrong result; the corrected copy holds the value instead\n\n\
         [error] staff.rate\nFound: 125.32%\nExpected: 79.80%\n\
         Control rate should be 158 ÷ 198 = 79.80%; filed as 125.32%"
    );
    assert_eq!(
        notes["B4"],
        "[missing] staff.rate\nFound: (blank)\nExpected: 12\nThe staff costs are blank"
    );
}

#[test]
fn the_corrected_copy_says_what_it_changed_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let input = build_workbook(dir.path());
    let wb = jixiao::read::read_path(&input).unwrap();
    let written = annotate::write_copy(&wb, &report(&input), &options(dir.path()), true).unwrap();
    let (_, rows) = first_sheet(&written.path);
    let counts = &rows[6];
    assert_eq!(
        (counts[5].as_str(), counts[6].as_str()),
        ("Corrected", "Needs review")
    );
    let header = rows.iter().find(|r| r[0] == "Sheet").expect("table header");
    assert_eq!(header[6], "Action");
    let actions: Vec<&str> = rows
        .iter()
        .skip_while(|r| r[0] != "Sheet")
        .skip(1)
        .take(2)
        .map(|r| r[6].as_str())
        .collect();
    assert_eq!(actions, ["Corrected", "Needs review"]);
    for cell in rows.iter().flatten() {
        assert!(
            cell == SHEET || !has_chinese(cell),
            "«{cell}» is not English"
        );
    }
    let notes = notes(&written.path);
    assert!(
        notes["B3"].starts_with(
            "Corrected: was 125.32%, now 79.80%\n\
             The formula =B1/B2 gave a wrong result and was replaced by the value\n\n[error]"
        ),
        "{}",
        notes["B3"]
    );
    assert!(notes.values().all(|n| !has_chinese(n)), "{notes:?}");
}

#[test]
fn the_summary_workbook_and_table_are_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let input = build_workbook(dir.path());
    let mut store = RowStore::new();
    store.push(&SummaryRow::from_report(&report(&input)));
    let failed = FileReport::failed("broken.xlsx".into(), "the file is not a workbook");
    store.push(&SummaryRow::from_report(&failed));
    let mut rows = store.finish().unwrap();
    let dest = dir.path().join("summary.xlsx");
    summary::write_summary(&dest, &mut rows, Lang::En, false).unwrap();

    let (name, cells) = first_sheet(&dest);
    assert_eq!(name, "Summary");
    assert_eq!(
        cells[0],
        [
            "Department",
            "Year",
            "File",
            "Total as filed",
            "Recalculated",
            "Grade",
            "Errors",
            "Rounding",
            "Missing",
            "Warnings",
            "Status",
            "Rules not checked"
        ]
    );
    assert_eq!(cells[1][10], "cannot check: the file is not a workbook");
    assert_eq!(cells[2][10], "checked");

    let table = summary::terminal_table(&mut rows, Lang::En, None, None).unwrap();
    assert!(table.contains("Recalc"), "{table}");
    assert!(table.contains("not checked"), "{table}");
    assert!(!has_chinese(&table), "{table}");
}

#[test]
fn failures_to_write_are_said_in_english_and_in_chinese_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let input = build_workbook(dir.path());
    let wb = jixiao::read::read_path(&input).unwrap();
    let opts = options(dir.path());
    let dest = annotate::output_path(&input, opts.out_dir.as_deref(), "checked");
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    std::fs::write(&dest, b"someone's own file").unwrap();
    let e = annotate::write_annotated(&wb, &report(&input), &opts).unwrap_err();
    let en = e.message().render(Lang::En);
    assert!(
        en.starts_with("the file exists and jixiao did not write it"),
        "{en}"
    );
    assert!(en.ends_with(&dest.display().to_string()), "{en}");
    assert!(
        e.to_string()
            .starts_with("目标文件已存在，不是 jixiao 生成的"),
        "{e}"
    );

    let mut rows = RowStore::new().finish().unwrap();
    let e = summary::write_summary(&dest, &mut rows, Lang::En, false).unwrap_err();
    let en = e.message().render(Lang::En);
    assert!(en.starts_with("the summary "), "{en}");
    assert!(
        !has_chinese(&en.replace(&dest.display().to_string(), "")),
        "{en}"
    );
}
