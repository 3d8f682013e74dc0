//! `jixiao export` and `jixiao import` through the library: the seed's export in each format
//! (snapshots), the wide workbook read back, import from each input shape, the round trip
//! export → import → check, and the errors for bad data.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};
use common::builder::{Amounts, Layout, Names, Percents, Variant};
use jixiao::exchange::export::{self, ExportOptions, Format};
use jixiao::exchange::import::{self, ImportOptions};
use jixiao::exchange::{DataFile, WorkbookData};
use jixiao::template::Template;

const SEED: &str = "examples/seed-leiyang-2024.xlsx";

fn export_to(paths: &[PathBuf], format: Format, indicators: bool, out: &Path) {
    let opts = ExportOptions {
        format,
        indicators,
        out: Some(out.to_path_buf()),
        jobs: Some(2),
        ..ExportOptions::default()
    };
    let done = export::export(paths, &opts).expect("export runs");
    assert!(done.failed.is_empty(), "{:?}", done.failed);
}

fn import_from(data: &[PathBuf], out: &Path) -> Vec<PathBuf> {
    let opts = ImportOptions {
        out: out.to_path_buf(),
        ..ImportOptions::default()
    };
    import::import(data, &opts).unwrap_or_else(|e| panic!("import failed: {e:?}"))
}

/// The findings of a workbook, without their addresses: what the round trip keeps.
fn findings(path: &Path) -> Vec<(String, String, String, Option<String>, String)> {
    let report = jixiao::check_file(
        path,
        &jixiao::Options {
            annotate: false,
            ..jixiao::Options::default()
        },
    );
    assert_eq!(report.status, jixiao::Status::Checked, "{:?}", report.error);
    let mut out: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.check.to_string(),
                format!("{:?}", f.severity),
                f.found.clone(),
                f.expected.clone(),
                f.message.to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn data_of(path: &Path) -> WorkbookData {
    let templates = Template::built_in_ref();
    let infos: Vec<_> = templates.iter().map(Template::field_infos).collect();
    WorkbookData::of_file(path, templates, &infos, jixiao::i18n::Lang::Zh).1
}

/// What export → import keeps of a record: every field's value as filed and shown, its
/// recalculated value and finding; every indicator.
fn kept(d: &WorkbookData) -> String {
    let mut out = format!("{:?} {:?} {:?}\n", d.department, d.year, d.family);
    for (k, f) in &d.fields {
        out.push_str(&format!(
            "{k} {:?} {:?} {:?} {:?}\n",
            f.value, f.shown, f.recalculated, f.finding
        ));
    }
    for i in &d.indicators {
        out.push_str(&format!("{i:?}\n"));
    }
    out
}

/// Export in `format`, import, check: the same findings, and exporting the imported workbook
/// gives the same data.
fn round_trip(input: &Path, format: Format) {
    let dir = tempfile::tempdir().unwrap();
    let inputs = vec![input.to_path_buf()];
    let data = match format {
        Format::Json => vec![dir.path().join("data.json")],
        Format::Csv => vec![dir.path().join("data.csv"), dir.path().join("ind.csv")],
        Format::Xlsx => vec![dir.path().join("data.xlsx")],
    };
    export_to(&inputs, format, false, &data[0]);
    if format == Format::Csv {
        export_to(&inputs, format, true, &data[1]);
    }
    let written = import_from(&data, &dir.path().join("out"));
    assert_eq!(written.len(), 1);
    assert_eq!(
        findings(input),
        findings(&written[0]),
        "{}",
        input.display()
    );
    assert_eq!(kept(&data_of(input)), kept(&data_of(&written[0])));
}

#[test]
fn the_seed_round_trips_in_every_format() {
    for format in [Format::Json, Format::Csv, Format::Xlsx] {
        round_trip(Path::new(SEED), format);
    }
}

#[test]
fn the_fixtures_round_trip() {
    for name in [
        "seed-leiyang-2024.xlsx",
        "seed-leiyang-2024-corrected.xlsx",
        "seed-leiyang-2024-corrected.xls",
        "seed-leiyang-2024-corrected.ods",
        "seed-leiyang-2024-formulas.xlsx",
        "county-agri-2024-clean.xlsx",
    ] {
        round_trip(&common::fixture(name), Format::Json);
    }
}

#[test]
fn workbooks_the_tests_build_round_trip() {
    let variants = [
        Variant::seed(),
        Variant::clean(),
        Variant {
            layout: Layout::OneSheetScoreFirst,
            names: Names::Generic,
            basic_origin: "B1",
            score_origin: "D2",
            ..Variant::seed()
        },
        Variant {
            cover: true,
            layout: Layout::OneSheetBasicFirst,
            percents: Percents::Text,
            ..Variant::seed()
        },
        Variant {
            amounts: Amounts::Numbers,
            names: Names::Attachment,
            basic_origin: "F10",
            score_origin: "C5",
            ..Variant::clean()
        },
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, v) in variants.iter().enumerate() {
        let path = dir.path().join(format!("variant-{i}.xlsx"));
        v.write(&path);
        round_trip(&path, Format::Json);
        round_trip(&path, Format::Xlsx);
    }
}

#[test]
fn the_seed_exports_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seed.json");
    export_to(&[PathBuf::from(SEED)], Format::Json, false, &out);
    let text = fs::read_to_string(&out).unwrap();
    let parsed: DataFile = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed.schema, "jixiao.data/1");
    insta::assert_snapshot!("seed_json", text);
}

#[test]
fn the_seed_exports_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (fields, indicators) = (dir.path().join("f.csv"), dir.path().join("i.csv"));
    export_to(&[PathBuf::from(SEED)], Format::Csv, false, &fields);
    export_to(&[PathBuf::from(SEED)], Format::Csv, true, &indicators);
    let fields = fs::read_to_string(fields).unwrap();
    assert!(fields.starts_with('\u{feff}'), "UTF-8 with a BOM");
    insta::assert_snapshot!("seed_csv", fields);
    insta::assert_snapshot!(
        "seed_indicators_csv",
        fs::read_to_string(indicators).unwrap()
    );
}

/// Every sheet's cells as text, a line per row.
fn dump(path: &Path) -> String {
    let mut wb = open_workbook_auto(path).unwrap();
    let mut out = String::new();
    for name in wb.sheet_names() {
        out.push_str(&format!("== {name}\n"));
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    other => other.to_string(),
                })
                .collect();
            out.push_str(&cells.join(" | "));
            out.push('\n');
        }
    }
    out
}

#[test]
fn the_seed_exports_as_one_wide_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seed.xlsx");
    export_to(&[PathBuf::from(SEED)], Format::Xlsx, false, &out);
    insta::assert_snapshot!("seed_xlsx", dump(&out));
}

#[test]
fn the_wide_workbook_has_a_row_per_workbook_worst_first_with_numbers_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("wide.xlsx");
    let clean = common::fixture("seed-leiyang-2024-corrected.xlsx");
    export_to(&[clean, PathBuf::from(SEED)], Format::Xlsx, false, &out);
    let mut wb = open_workbook_auto(&out).unwrap();
    assert_eq!(wb.sheet_names(), ["数据", "指标"]);
    let range = wb.worksheet_range("数据").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), 4, "two header rows and two workbooks");
    let col = (0..rows[1].len())
        .find(|&c| {
            let group = rows[0][..=c].iter().rev().find(|d| **d != Data::Empty);
            rows[1][c] == Data::String("控制率".into())
                && group.is_some_and(|g| *g == Data::String("财政供养人员".into()))
        })
        .expect("财政供养人员 / 控制率");
    // The seed, with findings, comes first; its 控制率 is the number filed.
    assert!(rows[2][0].to_string().ends_with("seed-leiyang-2024.xlsx"));
    assert_eq!(rows[2][col], Data::Float(1.0));
    assert!(rows[3][0].to_string().ends_with("corrected.xlsx"));
    let indicators = wb.worksheet_range("指标").unwrap();
    assert!(indicators.rows().count() > 20);
}

fn write(path: &Path, text: &str) -> PathBuf {
    fs::write(path, text).unwrap();
    path.to_path_buf()
}

#[test]
fn a_bureau_table_with_a_row_per_department_imports() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        &dir.path().join("bureau.csv"),
        "department,year,staff.authorized,staff.actual,staff.rate,budget.full,budget.executed,budget.rate\n\
         甲局,2024,10,8,80%,100,90,90.00%\n\
         乙局,2024,20,19,0.9,200,150,70%\n",
    );
    let written = import_from(&[csv], &dir.path().join("out"));
    assert_eq!(written.len(), 2);
    let a = data_of(&written[0]);
    assert_eq!(a.department.as_deref(), Some("甲局"));
    assert_eq!(a.fields["staff.rate"].shown.as_deref(), Some("80.00%"));
    let b = findings(&written[1]);
    // 乙局 filed 70% for 150 ÷ 200 = 75%; 95% for 19 ÷ 20, not 90%.
    assert!(
        b.iter()
            .any(|f| f.0 == "S1" && f.3.as_deref() == Some("75.00%")),
        "{b:?}"
    );
    assert!(
        b.iter()
            .any(|f| f.0 == "B1" && f.3.as_deref() == Some("95.00%")),
        "{b:?}"
    );
}

#[test]
fn a_wide_table_with_the_chinese_headers_imports() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        &dir.path().join("wide.csv"),
        "工作簿,,财政供养人员,三公经费,本级专项资金 2\n\
         部门,年度,编制数,本年决算数,本年预算数\n\
         丙局,2023,12,3.5,1.25\n",
    );
    let written = import_from(&[csv], &dir.path().join("out"));
    let d = data_of(&written[0]);
    assert_eq!(d.year, Some(2023));
    assert_eq!(d.fields["staff.authorized"].value.as_deref(), Some("12"));
    assert_eq!(d.fields["sangong.final"].value.as_deref(), Some("3.5"));
    assert_eq!(d.fields["special#1.budget"].value.as_deref(), Some("1.25"));
}

fn import_error(name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(&dir.path().join(name), text);
    let opts = ImportOptions {
        out: dir.path().join("out"),
        ..ImportOptions::default()
    };
    let errors = import::import(&[csv], &opts).expect_err("bad data is refused");
    assert!(
        !dir.path().join("out").exists()
            || fs::read_dir(dir.path().join("out"))
                .unwrap()
                .next()
                .is_none()
    );
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n")
        .replace(&dir.path().display().to_string(), "DIR")
}

#[test]
fn bad_data_is_named_by_row_and_column() {
    insta::assert_snapshot!(
        import_error("unknown.csv", "department,sangong.final,sangong.nonsense\n甲局,1,2\n"),
        @"DIR/unknown.csv 第 1 行、第 3 列：没有字段「sangong.nonsense」（字段名见 docs/fields.md）"
    );
    insta::assert_snapshot!(
        import_error("dup.csv", "department,sangong.final\n甲局,1\n乙局,2\n甲局,3\n"),
        @"DIR/dup.csv 第 4 行：部门「甲局」重复（DIR/dup.csv 第 2 行 已有）"
    );
    insta::assert_snapshot!(
        import_error("nan.csv", "department,sangong.final\n甲局,很多\n"),
        @"DIR/nan.csv 第 2 行、第 2 列（sangong.final）：「很多」不是数字"
    );
}

#[test]
fn import_never_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        &dir.path().join("a.csv"),
        "department,sangong.final\n甲局,1\n",
    );
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("甲局.xlsx"), "someone's").unwrap();
    let opts = ImportOptions {
        out: out.clone(),
        ..ImportOptions::default()
    };
    let errors = import::import(&[csv], &opts).expect_err("the file is there");
    assert!(errors[0].to_string().contains("已存在"), "{errors:?}");
    assert_eq!(
        fs::read_to_string(out.join("甲局.xlsx")).unwrap(),
        "someone's"
    );
}
