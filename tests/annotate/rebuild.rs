//! Copies rebuilt from the model, and what any copy keeps: values, formulas, merges, formats,
//! geometry; flagged cells filled, replacements written.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::path::Path;
use std::str::FromStr;

use calamine::{Data, Reader};
use jixiao::annotate::{self};
use jixiao::model::{CellPos, CellRange, CellValue, FileKind, Workbook};
use jixiao::model::{Finding, Replacement, Severity};
use jixiao::read::geometry;
use rust_decimal::Decimal;

use crate::common_local::*;

#[test]
fn every_fixture_is_copied_and_marked() {
    for input in fixtures() {
        let before = std::fs::read(&input).unwrap();
        let wb = load(&input);
        let findings = findings_for(&input, &wb);
        let rep = report(&input, findings.clone());
        let dir = tempfile::tempdir().unwrap();
        let out = annotate::write_annotated(&wb, &rep, &opts(dir.path())).unwrap();
        assert_eq!(
            out,
            annotate::output_path(&input, Some(dir.path()), "checked")
        );
        assert_eq!(std::fs::read(&input).unwrap(), before, "input untouched");
        assert!(annotate::is_jixiao_output(&out));

        let flagged = flagged_set(&findings);
        assert_preserved(&input, &out, &flagged, &BTreeSet::new());

        // Every flagged cell: the fill of its most severe finding and a note naming them all.
        let notes = notes(&out);
        let mut book = open(&out);
        for (sheet, cell) in &flagged {
            let on_cell: Vec<&Finding> = findings
                .iter()
                .filter(|f| &f.sheet == sheet && f.cell == *cell)
                .collect();
            let worst = on_cell.iter().map(|f| f.severity).min().unwrap();
            let style = styles(&mut book, sheet);
            assert_eq!(
                fill_rgb(style.get(&(cell.row, cell.col))),
                Some(tint(worst)),
                "{sheet}!{cell} fill"
            );
            let note = notes
                .get(sheet)
                .and_then(|n| n.get(cell))
                .unwrap_or_else(|| panic!("{sheet}!{cell} note"));
            for f in on_cell {
                assert!(note.contains(f.severity.label_zh()), "{note}");
                assert!(note.contains(&f.message.to_string()), "{note}");
                if let Some(e) = &f.expected {
                    assert!(note.contains(&format!("应为：{e}")), "{note}");
                }
                if !f.found.is_empty() {
                    assert!(note.contains(&format!("填报值：{}", f.found)), "{note}");
                } else {
                    assert!(note.contains("填报值：（空白）"), "{note}");
                }
            }
        }
        let noted: usize = notes.values().map(|n| n.len()).sum();
        assert_eq!(noted, flagged.len(), "notes only on flagged cells");

        // The summary sheet comes first, one row per finding.
        let (name, rows) = summary_rows(&out);
        assert_eq!(name, "校验结果");
        assert_eq!(rows.len(), findings.len());
        for (row, f) in rows.iter().zip(&findings) {
            assert_eq!(row["工作表"], f.sheet);
            assert_eq!(row["单元格"], f.cell.to_string());
            assert_eq!(row["类别"], f.severity.label_zh());
            assert_eq!(row["规则"], f.check);
            assert_eq!(row["填报值"], f.found);
            assert_eq!(row["应为"], f.expected.clone().unwrap_or_default());
            assert_eq!(row["说明"], f.message.to_string());
        }
    }
}

#[test]
fn corrected_seed_has_the_replacements() {
    let input = fixtures_dir().join("seed-leiyang-2024.xlsx");
    let wb = load(&input);
    let findings = findings_for(&input, &wb);
    let dir = tempfile::tempdir().unwrap();
    let out = annotate::write_corrected(
        &wb,
        &corrected(&wb, report(&input, findings.clone())),
        &opts(dir.path()),
    )
    .unwrap();
    assert_eq!(out, dir.path().join("seed-leiyang-2024.corrected.xlsx"));
    assert!(annotate::is_jixiao_output(&out));

    let fixed: BTreeSet<(String, CellPos)> = findings
        .iter()
        .filter(|f| f.replacement.is_some())
        .map(|f| (f.sheet.clone(), f.cell))
        .collect();
    assert_eq!(fixed.len(), 6);
    assert_preserved(&input, &out, &flagged_set(&findings), &fixed);

    let mut book = open(&out);
    let want = [
        ("基础数据表", "D3", 0.798),
        ("基础数据表", "C6", 3.8),
        ("基础数据表", "D6", 3.02),
        ("绩效自评表", "G4", 0.9955),
        ("绩效自评表", "H4", 9.95),
        ("绩效自评表", "G6", 2204.95),
    ];
    let notes = notes(&out);
    for (sheet, cell, value) in want {
        let pos = CellPos::parse_a1(cell).unwrap();
        let got = cells(&mut book, sheet).get(&(pos.row, pos.col)).cloned();
        assert!(
            got.as_ref()
                .is_some_and(|g| same_data(g, &Data::Float(value))),
            "{sheet}!{cell}: {got:?}"
        );
        let style = styles(&mut book, sheet);
        assert_eq!(
            fill_rgb(style.get(&(pos.row, pos.col))),
            Some(GREEN),
            "{sheet}!{cell}"
        );
        assert!(
            notes[sheet][&pos].starts_with("已更正：原值 "),
            "{}",
            notes[sheet][&pos]
        );
    }
    // The rate keeps its percentage format and the note holds the original value.
    let d3 = CellPos::parse_a1("D3").unwrap();
    let style = styles(&mut book, "基础数据表");
    assert_eq!(
        style[&(d3.row, d3.col)]
            .number_format
            .as_ref()
            .unwrap()
            .format_code,
        "0.00%"
    );
    assert!(
        notes["基础数据表"][&d3].starts_with("已更正：原值 1 → 79.80%"),
        "{}",
        notes["基础数据表"][&d3]
    );
    assert!(notes["基础数据表"][&CellPos::parse_a1("C6").unwrap()]
        .starts_with("已更正：原值 （空白） → 3.8"));
    // Findings without a replacement keep their severity fill.
    let h27 = CellPos::parse_a1("H27").unwrap();
    assert_eq!(
        fill_rgb(styles(&mut book, "绩效自评表").get(&(h27.row, h27.col))),
        Some(tint(Severity::Warning))
    );

    let (_, rows) = summary_rows(&out);
    assert_eq!(rows.len(), 9);
    let done = rows.iter().filter(|r| r["处理"] == "已更正").count();
    let pending: Vec<&String> = rows
        .iter()
        .filter(|r| r["处理"] == "待人工处理")
        .map(|r| &r["单元格"])
        .collect();
    assert_eq!(done, 6);
    assert_eq!(pending, ["H29", "I29", "H27"]);
    let summary = book.worksheet_range("校验结果").unwrap();
    assert_eq!(summary.get((6, 5)), Some(&Data::String("已更正".into())));
    assert!(same_data(summary.get((7, 5)).unwrap(), &Data::Float(6.0)));
    assert_eq!(
        summary.get((6, 6)),
        Some(&Data::String("待人工处理".into()))
    );
    assert!(same_data(summary.get((7, 6)).unwrap(), &Data::Float(3.0)));
}

#[test]
fn a_corrected_formula_becomes_its_value() {
    let input = fixtures_dir().join("seed-leiyang-2024-formulas.xlsx");
    let wb = load(&input);
    let findings = findings_for(&input, &wb);
    let g4 = CellPos::parse_a1("G4").unwrap();
    assert!(wb
        .sheet("绩效自评表")
        .unwrap()
        .cell(g4)
        .unwrap()
        .formula
        .is_some());
    let dir = tempfile::tempdir().unwrap();
    let out = annotate::write_corrected(
        &wb,
        &corrected(&wb, report(&input, findings)),
        &opts(dir.path()),
    )
    .unwrap();
    let mut book = open(&out);
    assert!(!formulas(&mut book, "绩效自评表").contains_key(&(g4.row, g4.col)));
    assert!(same_data(
        &cells(&mut book, "绩效自评表")[&(g4.row, g4.col)],
        &Data::Float(0.9955)
    ));
    let note = &notes(&out)["绩效自评表"][&g4];
    assert!(
        note.contains("原为公式 =TRUNC(E4/D4,4)，公式结果有误，已改为数值"),
        "{note}"
    );
    // The other formulas are still formulas, with their cached values.
    let f = formulas(&mut book, "基础数据表");
    assert_eq!(f.get(&(4, 1)).map(String::as_str), Some("B6+B9+B10"));
    assert!(same_data(
        &cells(&mut book, "基础数据表")[&(4, 1)],
        &Data::Float(4.7)
    ));
}

/// A workbook with what the fixtures lack: CJK fonts, colours, fills, borders, alignment, dates,
/// booleans, errors, text formulas, hidden columns, row heights and a sheet named 校验结果.
fn rich_input(path: &Path) {
    use rust_xlsxwriter as xw;
    let mut book = xw::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("校验结果").unwrap();
    ws.write_string(0, 0, "已有的校验结果表").unwrap();
    let ws = book.add_worksheet();
    ws.set_name("附件1 基础数据").unwrap();
    let title = xw::Format::new()
        .set_font_name("宋体")
        .set_font_size(16)
        .set_bold()
        .set_align(xw::FormatAlign::Center)
        .set_align(xw::FormatAlign::VerticalCenter);
    ws.merge_range(0, 0, 0, 4, "部门整体支出绩效评价基础数据表", &title)
        .unwrap();
    let boxed = xw::Format::new()
        .set_font_name("仿宋")
        .set_font_size(11)
        .set_border(xw::FormatBorder::Thin)
        .set_border_bottom(xw::FormatBorder::Medium)
        .set_border_bottom_color(xw::Color::RGB(0x1F4E79))
        .set_text_wrap()
        .set_align(xw::FormatAlign::Left)
        .set_align(xw::FormatAlign::Top);
    let pct = boxed.clone().set_num_format("0.00%");
    let money = boxed
        .clone()
        .set_num_format("#,##0.00")
        .set_font_color(xw::Color::RGB(0xC00000))
        .set_italic();
    let date = xw::Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    let shaded = xw::Format::new()
        .set_pattern(xw::FormatPattern::Solid)
        .set_background_color(xw::Color::RGB(0xDDEBF7))
        .set_underline(xw::FormatUnderline::Single)
        .set_rotation(45);
    ws.write_string_with_format(1, 0, "编制数（人）", &boxed)
        .unwrap();
    ws.write_number_with_format(1, 1, 198, &boxed).unwrap();
    ws.write_number_with_format(1, 2, 158, &boxed).unwrap();
    ws.write_formula_with_format(
        1,
        3,
        xw::Formula::new("=C2/B2").set_result("0.797979797979798"),
        &pct,
    )
    .unwrap();
    ws.write_number_with_format(2, 1, 3157.85, &money).unwrap();
    ws.write_number_with_format(2, 2, 45657.5, &date).unwrap();
    ws.write_boolean(2, 3, true).unwrap();
    ws.write_formula(2, 4, xw::Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    ws.write_formula(
        3,
        0,
        xw::Formula::new("=\"执行率\"&TEXT(D2,\"0.00%\")").set_result("执行率79.80%"),
    )
    .unwrap();
    ws.write_string_with_format(3, 1, "有效提升", &shaded)
        .unwrap();
    ws.write_string(3, 2, "  前后有空格  ").unwrap();
    ws.write_string(5, 1, "a < b & c > \"d\"").unwrap();
    ws.merge_range(6, 0, 8, 1, "", &boxed).unwrap();
    ws.write_string_with_format(6, 0, "合并的单元格\n第二行", &boxed)
        .unwrap();
    ws.set_column_width(0, 30).unwrap();
    ws.set_column_width(1, 12.5).unwrap();
    ws.set_column_hidden(5).unwrap();
    ws.set_row_height(3, 42).unwrap();
    ws.set_row_hidden(9).unwrap();
    ws.write_string(9, 0, "隐藏行").unwrap();
    book.save(path).unwrap();
}

#[test]
fn rich_styles_survive() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("rich.xlsx");
    rich_input(&input);
    let wb = load(&input);
    let sheet = "附件1 基础数据";
    let findings = vec![
        finding(sheet, "D2", Severity::Error, "79.80%", Some("79.80%")),
        finding(
            sheet,
            "A1",
            Severity::Warning,
            "部门整体支出绩效评价基础数据表",
            None,
        ),
        finding(sheet, "B4", Severity::Rounding, "有效提升", None),
        finding(sheet, "G12", Severity::Missing, "", Some("1")),
        finding(
            "校验结果",
            "A1",
            Severity::Warning,
            "已有的校验结果表",
            None,
        ),
    ];
    let out_dir = dir.path().join("out");
    let out =
        annotate::write_annotated(&wb, &report(&input, findings.clone()), &opts(&out_dir)).unwrap();
    assert!(out_dir.is_dir(), "a missing output folder is created");
    assert_preserved(&input, &out, &flagged_set(&findings), &BTreeSet::new());

    let mut book = open(&out);
    assert_eq!(book.sheet_names(), ["校验结果(jixiao)", "校验结果", sheet]);
    let values = cells(&mut book, sheet);
    assert!(
        matches!(values[&(2, 2)], Data::DateTime(_)),
        "a date stays a date: {:?}",
        values[&(2, 2)]
    );
    assert_eq!(values[&(2, 3)], Data::Bool(true));
    assert!(matches!(
        values[&(2, 4)],
        Data::Error(calamine::CellErrorType::Div0)
    ));
    assert_eq!(values[&(3, 0)], Data::String("执行率79.80%".into()));
    assert_eq!(values[&(3, 2)], Data::String("  前后有空格  ".into()));
    // The flagged percentage keeps its font and format under the red fill.
    let style = styles(&mut book, sheet);
    let d2 = &style[&(1, 3)];
    assert_eq!(d2.font.as_ref().unwrap().name.as_deref(), Some("仿宋"));
    assert_eq!(d2.number_format.as_ref().unwrap().format_code, "0.00%");
    assert_eq!(fill_rgb(Some(d2)), Some(tint(Severity::Error)));
    assert!(d2.alignment.as_ref().unwrap().wrap_text);
    // The flagged merged title keeps its merge, font and alignment.
    let a1 = &style[&(0, 0)];
    assert!(a1.font.as_ref().unwrap().is_bold());
    assert_eq!(a1.font.as_ref().unwrap().size, Some(16.0));
    let geo = geometry::read_xlsx_geometry(&std::fs::read(&out).unwrap());
    assert_eq!(
        geo[sheet].col_widths.get(&5),
        Some(&0.0),
        "hidden column stays hidden"
    );
    assert_eq!(
        geo[sheet].row_heights.get(&9),
        Some(&0.0),
        "hidden row stays hidden"
    );
    assert_eq!(geo[sheet].row_heights.get(&3), Some(&42.0));
    let notes = notes(&out);
    assert!(notes["校验结果"].contains_key(&CellPos::new(0, 0)));
    let (_, rows) = summary_rows(&out);
    assert_eq!(rows.len(), 5);
}

#[test]
fn xls_and_ods_inputs_get_widths_and_dates() {
    let dir = tempfile::tempdir().unwrap();
    let long = "纳入专户管理的非税收入拨款（万元）";
    let mut sheet = sheet_of(
        "Sheet1",
        &[
            ("A1", CellValue::Text(long.into())),
            ("B1", CellValue::Number(3157.85)),
            ("C1", CellValue::DateTime(45657.0)),
            (
                "D1",
                CellValue::Text("跨两列的很长很长很长很长的标题文字".into()),
            ),
            ("B2", CellValue::Text("x".into())),
            ("A3", CellValue::Error("#N/A".into())),
            ("B3", CellValue::Bool(false)),
        ],
    );
    sheet.merged.push(CellRange {
        first: CellPos::new(0, 3),
        last: CellPos::new(0, 4),
    });
    // B1 a plain formula (in each kind's syntax), B2 one that refers to another sheet.
    let b1 = CellPos::new(0, 1);
    let b2 = CellPos::new(1, 1);
    for kind in [FileKind::Xls, FileKind::Ods] {
        let mut sheet = sheet.clone();
        let (plain, foreign) = match kind {
            FileKind::Xls => ("SUM(1,2)", "Sheet2!A1"),
            _ => ("of:=SUM(1;2)", "of:=[$Sheet2.A1]"),
        };
        sheet.cells.get_mut(&b1).unwrap().formula = Some(plain.into());
        sheet.cells.get_mut(&b2).unwrap().formula = Some(foreign.into());
        let wb = Workbook {
            path: dir.path().join(if kind == FileKind::Xls {
                "old.xls"
            } else {
                "old.ods"
            }),
            kind,
            sheets: vec![sheet.clone()],
            styles: vec![calamine::Style::default()],
            package: None,
        };
        let rep = report(
            &wb.path,
            vec![finding("Sheet1", "A1", Severity::Error, long, Some("x"))],
        );
        let out = annotate::write_annotated(&wb, &rep, &opts(dir.path())).unwrap();
        let geo = geometry::read_xlsx_geometry(&std::fs::read(&out).unwrap());
        let widths = &geo["Sheet1"].col_widths;
        assert!(
            widths[&0] >= jixiao::model::text::excel_width(long),
            "{widths:?}"
        );
        assert!(
            !widths.contains_key(&3),
            "a merged title does not widen its column: {widths:?}"
        );
        let mut book = open(&out);
        let values = cells(&mut book, "Sheet1");
        assert!(
            matches!(values[&(0, 2)], Data::DateTime(_)),
            "{:?}",
            values[&(0, 2)]
        );
        assert!(same_data(&values[&(0, 1)], &Data::Float(3157.85)));
        let f = formulas(&mut book, "Sheet1");
        assert_eq!(f[&(0, 1)], "SUM(1,2)");
        assert!(
            !f.contains_key(&(1, 1)),
            "a formula that cannot be carried over is kept as its value"
        );
        assert_eq!(values[&(1, 1)], Data::String("x".into()));
        let summary = book.worksheet_range("校验结果").unwrap();
        let said = summary
            .used_cells()
            .any(|(_, _, d)| matches!(d, Data::String(t) if t.contains("1 个公式无法原样转为")));
        assert!(said, "the summary says so");
        assert!(matches!(
            values[&(2, 0)],
            Data::Error(calamine::CellErrorType::NA)
        ));
        assert_eq!(values[&(2, 1)], Data::Bool(false));
        assert_eq!(
            merges(&mut book, "Sheet1"),
            BTreeSet::from([((0, 3), (0, 4))])
        );
    }
    // Both went to old.checked.xlsx; the second replaced the first, which jixiao wrote.
    assert!(dir.path().join("old.checked.xlsx").exists());
}

#[test]
fn replacements_of_text_cells() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = sheet_of(
        "绩效自评表",
        &[
            ("G4", CellValue::Text("99.54%".into())),
            ("H4", CellValue::Text("１０．００".into())),
            ("I4", CellValue::Text("无".into())),
        ],
    );
    let wb = Workbook {
        path: dir.path().join("typed.xls"),
        kind: FileKind::Xls,
        sheets: vec![sheet],
        styles: vec![calamine::Style::default()],
        package: None,
    };
    let mut rate = finding(
        "绩效自评表",
        "G4",
        Severity::Rounding,
        "99.54%",
        Some("99.55%"),
    );
    rate.replacement = Some(Replacement::Number(Decimal::from_str("0.9955").unwrap()));
    let mut score = finding(
        "绩效自评表",
        "H4",
        Severity::Error,
        "１０．００",
        Some("9.95"),
    );
    score.replacement = Some(Replacement::Number(Decimal::from_str("9.95").unwrap()));
    let mut reason = finding("绩效自评表", "I4", Severity::Missing, "无", Some("见说明"));
    reason.replacement = Some(Replacement::Text("见说明".into()));
    let out = annotate::write_corrected(
        &wb,
        &corrected(&wb, report(&wb.path, vec![rate, score, reason])),
        &opts(dir.path()),
    )
    .unwrap();
    let mut book = open(&out);
    let values = cells(&mut book, "绩效自评表");
    assert!(same_data(&values[&(3, 6)], &Data::Float(0.9955)));
    assert!(same_data(&values[&(3, 7)], &Data::Float(9.95)));
    assert_eq!(values[&(3, 8)], Data::String("见说明".into()));
    let style = styles(&mut book, "绩效自评表");
    // A rate typed as text, replaced by its ratio, still shows as a percentage.
    assert_eq!(
        style[&(3, 6)].number_format.as_ref().unwrap().format_code,
        "0.00%"
    );
    let general = |s: &calamine::Style| {
        s.number_format
            .as_ref()
            .is_none_or(|f| f.format_code == "General")
    };
    assert!(general(&style[&(3, 7)]));
    let notes = notes(&out);
    assert!(notes["绩效自评表"][&CellPos::new(3, 6)].starts_with("已更正：原值 99.54% → 99.55%"));
}

/// A copy of an xlsx package with one part's text edited.
fn edit_part(bytes: &[u8], part: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        if name == part {
            data = edit(&String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn geometry_defaults_hidden_and_odd_entries() {
    let bytes = std::fs::read(fixtures_dir().join("seed-leiyang-2024-formulas.xlsx")).unwrap();
    let edited = edit_part(&bytes, "xl/worksheets/sheet2.xml", |xml| {
        let start = xml.find("<cols>").unwrap();
        let end = xml.find("</cols>").unwrap() + "</cols>".len();
        let cols = r#"<cols><col min="1" max="1" width="12.7109375" customWidth="1"/><col min="3" max="3" hidden="1"/><col min="0" max="2"/><col min="x" max="2" width="9"/><col min="20" max="99999" width="5.7109375"/></cols>"#;
        format!("{}{}{}", &xml[..start], cols, &xml[end..])
            .replace(
                r#"<sheetFormatPr defaultRowHeight="15"/>"#,
                r#"<sheetFormatPr defaultRowHeight="15" defaultColWidth="15.7109375"/>"#,
            )
            .replacen(r#"<row r="2""#, r#"<row r="2" ht="30" customHeight="1""#, 1)
            .replacen(r#"<row r="3""#, r#"<row r="3" hidden="1""#, 1)
            .replacen(r#"<row r="4""#, r#"<row ht="-4" r="4""#, 1)
    });
    let geo = geometry::read_xlsx_geometry(&edited);
    let g = &geo["绩效自评表"];
    assert!((g.col_widths[&0] - 12.0).abs() < 0.01);
    assert_eq!(g.col_widths[&2], 0.0);
    assert!(!g.col_widths.contains_key(&1));
    assert!((g.col_widths[&19] - 5.0).abs() < 0.01);
    assert_eq!(g.col_widths.keys().max(), Some(&16383));
    assert!((g.default_col_width.unwrap() - 15.0).abs() < 0.01);
    assert_eq!(g.row_heights.get(&1), Some(&30.0));
    assert_eq!(g.row_heights.get(&2), Some(&0.0));
    assert!(
        !g.row_heights.contains_key(&3),
        "a negative height is ignored"
    );
    // The other sheet is as the file states it.
    assert!((geo["基础数据表"].col_widths[&0] - 34.0).abs() < 0.01);

    // Filled into the model, the default covers the unlisted columns in use, and the copy
    // shows them at that width.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("edited.xlsx");
    std::fs::write(&input, &edited).unwrap();
    let wb = load(&input);
    let sheet = wb.sheet("绩效自评表").unwrap();
    assert!((sheet.col_widths[&1] - 15.0).abs() < 0.01);
    let out =
        annotate::write_annotated(&wb, &report(&input, Vec::new()), &opts(dir.path())).unwrap();
    let back = geometry::read_xlsx_geometry(&std::fs::read(out).unwrap());
    let widths = &back["绩效自评表"].col_widths;
    // Stated for the column, or the sheet's default the copy keeps.
    let shown = widths
        .get(&1)
        .copied()
        .or(back["绩效自评表"].default_col_width);
    assert!((shown.unwrap() - 15.0).abs() < 0.01);
    assert_eq!(widths[&2], 0.0);
    assert_eq!(back["绩效自评表"].row_heights.get(&1), Some(&30.0));
}

#[test]
fn unstyled_cells_of_a_merge_keep_the_default_format() {
    let input = fixtures_dir().join("seed-leiyang-2024.xlsx");
    let mut wb = load(&input);
    let sheet = wb
        .sheets
        .iter_mut()
        .find(|s| s.name == "基础数据表")
        .unwrap();
    // A1:E1 is merged; pretend only A1 was styled.
    for col in 1..=4 {
        sheet.cells.remove(&CellPos::new(0, col));
    }
    let dir = tempfile::tempdir().unwrap();
    let out =
        annotate::write_annotated(&wb, &report(&input, Vec::new()), &opts(dir.path())).unwrap();
    let mut book = open(&out);
    assert!(merges(&mut book, "基础数据表").contains(&((0, 0), (0, 4))));
    let style = styles(&mut book, "基础数据表");
    let wraps = |pos: (u32, u32)| {
        style
            .get(&pos)
            .and_then(|s| s.alignment.as_ref())
            .is_some_and(|a| a.wrap_text)
    };
    assert!(wraps((0, 0)));
    assert!(!wraps((0, 1)) && !wraps((0, 4)));
}

/// The corrected seed, checked again, has nothing left but judgement calls.
#[test]
fn corrected_seed_checks_clean_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_jixiao");
    let seed = fixtures_dir().join("seed-leiyang-2024.xlsx");
    let first = std::process::Command::new(bin)
        .args(["check", "--fix", "--format", "json", "-o"])
        .arg(dir.path())
        .arg(&seed)
        .output()
        .unwrap();
    assert_eq!(
        first.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    let corrected = report["files"][0]["corrected"]
        .as_str()
        .expect("corrected path");
    // Named as jixiao's own output it would be skipped (issue 14): checked under a name of its
    // own, as a department sending it back would.
    let returned = dir.path().join("复核.xlsx");
    std::fs::copy(corrected, &returned).unwrap();
    let again = std::process::Command::new(bin)
        .args(["check", "--no-write", "--format", "json"])
        .arg(&returned)
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    let findings = report["files"][0]["findings"].as_array().unwrap();
    assert!(
        findings.iter().all(|f| f["severity"] == "warning"),
        "{findings:#?}"
    );
}
