//! The notes and the summary sheet: what they say, on which cell, in which language.

use calamine::{Data, Reader};
use jixiao::annotate::{self, Lang, WriteOptions};
use jixiao::model::{CellPos, Replacement, Severity};
use rust_decimal::Decimal;

use crate::common_local::*;

#[test]
fn seed_summary_and_notes() {
    let input = fixtures_dir().join("seed-leiyang-2024.xlsx");
    let wb = load(&input);
    let findings = findings_for(&input, &wb);
    assert_eq!(findings.len(), 9);
    let dir = tempfile::tempdir().unwrap();
    let out = annotate::write_annotated(&wb, &report(&input, findings), &opts(dir.path())).unwrap();
    let mut book = open(&out);
    let summary = book.worksheet_range("校验结果").unwrap();
    let at = |r: usize, c: usize| summary.get((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(at(0, 0), Data::String("部门".into()));
    assert_eq!(at(0, 1), Data::String("衡阳市生态环境局耒阳分局".into()));
    assert_eq!(at(1, 0), Data::String("年度".into()));
    assert!(same_data(&at(1, 1), &Data::Float(2024.0)));
    assert_eq!(at(2, 1), Data::String("seed-leiyang-2024.xlsx".into()));
    assert_eq!(at(3, 0), Data::String("总分（填报）".into()));
    assert!(same_data(&at(3, 1), &Data::Float(94.0)));
    assert_eq!(at(4, 0), Data::String("总分（重算）".into()));
    assert!(same_data(&at(4, 1), &Data::Float(94.5)));
    assert_eq!(at(5, 1), Data::String("优".into()));
    // Counts by severity: 3 errors, 1 rounding, 2 missing, 3 warnings.
    let counts: Vec<(Data, Data)> = (1..=4).map(|c| (at(6, c), at(7, c))).collect();
    let want = [("错误", 3.0), ("舍入", 1.0), ("缺失", 2.0), ("提示", 3.0)];
    for ((label, n), (wl, wn)) in counts.iter().zip(want) {
        assert_eq!(label, &Data::String(wl.into()));
        assert!(same_data(n, &Data::Float(wn)), "{wl}: {n:?}");
    }
    // The severity cells are coloured like the flagged cells.
    let style = styles(&mut book, "校验结果");
    for (c, (s, _)) in TINTS.iter().enumerate() {
        assert_eq!(fill_rgb(style.get(&(6, 1 + c as u32))), Some(tint(*s)));
    }
    // "94.50" keeps its two decimals on screen.
    assert_eq!(
        style[&(4, 1)].number_format.as_ref().unwrap().format_code,
        "0.00"
    );
    // Cell column links to the flagged cell.
    let links = book.hyperlinks_by_sheet_name("校验结果").unwrap();
    assert_eq!(links.len(), 9);
    let notes = notes(&out);
    let d3 = &notes["基础数据表"][&CellPos::parse_a1("D3").unwrap()];
    assert!(d3.starts_with("【错误】staff.rate"), "{d3}");
    assert!(
        d3.contains("填报值：1") && d3.contains("应为：79.80%"),
        "{d3}"
    );
    // Blank flagged cell: C6 has a note and a fill but stays without a value.
    let c6 = CellPos::parse_a1("C6").unwrap();
    assert!(notes["基础数据表"][&c6].contains("填报值：（空白）"));
    assert!(!cells(&mut book, "基础数据表").contains_key(&(c6.row, c6.col)));
}

#[test]
fn several_findings_on_one_cell_share_one_note_and_the_worst_fill() {
    let input = fixtures_dir().join("seed-leiyang-2024.xlsx");
    let wb = load(&input);
    let findings = vec![
        finding("绩效自评表", "H29", Severity::Warning, "9", Some("10")),
        finding("绩效自评表", "H29", Severity::Rounding, "9", Some("9.5")),
        finding("绩效自评表", "H29", Severity::Error, "9", Some("8")),
        finding("不存在的表", "A1", Severity::Error, "", None),
    ];
    let dir = tempfile::tempdir().unwrap();
    let out = annotate::write_annotated(&wb, &report(&input, findings.clone()), &opts(dir.path()))
        .unwrap();
    let mut book = open(&out);
    let h29 = CellPos::parse_a1("H29").unwrap();
    assert_eq!(
        fill_rgb(styles(&mut book, "绩效自评表").get(&(h29.row, h29.col))),
        Some(tint(Severity::Error))
    );
    let note = &notes(&out)["绩效自评表"][&h29];
    let order: Vec<usize> = ["【错误】", "【舍入】", "【提示】"]
        .iter()
        .map(|l| note.find(l).unwrap())
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "most severe first: {note}"
    );
    // A finding on a sheet the workbook does not have is still listed.
    let (_, rows) = summary_rows(&out);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[3]["工作表"], "不存在的表");
}

#[test]
fn english_notes_and_summary() {
    let input = fixtures_dir().join("seed-leiyang-2024.xlsx");
    let wb = load(&input);
    let dir = tempfile::tempdir().unwrap();
    let options = WriteOptions {
        lang: Lang::En,
        ..opts(dir.path())
    };
    let out = annotate::write_annotated(&wb, &report(&input, findings_for(&input, &wb)), &options)
        .unwrap();
    let (name, rows) = summary_rows(&out);
    assert_eq!(name, "Check results");
    assert_eq!(rows[0]["Severity"], "error");
    let note = &notes(&out)["基础数据表"][&CellPos::parse_a1("D3").unwrap()];
    assert!(
        note.starts_with("[error] staff.rate\nFound: 1\nExpected: 79.80%"),
        "{note}"
    );
}

#[test]
fn a_cell_hidden_in_a_merge_is_shown_on_its_top_left() {
    let input = fixtures_dir().join("seed-leiyang-2024.xlsx");
    let wb = load(&input);
    // 基础数据表 B23:E23 is merged; D23 is hidden under B23.
    assert!(wb
        .sheet("基础数据表")
        .unwrap()
        .merged_at(CellPos::parse_a1("D23").unwrap())
        .is_some());
    let mut hidden = finding("基础数据表", "D23", Severity::Missing, "", Some("1"));
    hidden.replacement = Some(Replacement::Number(Decimal::ONE));
    let dir = tempfile::tempdir().unwrap();
    let rep = report(&input, vec![hidden]);
    let out =
        annotate::write_corrected(&wb, &corrected(&wb, rep.clone()), &opts(dir.path())).unwrap();
    let b23 = CellPos::parse_a1("B23").unwrap();
    let notes = notes(&out);
    assert_eq!(notes["基础数据表"].keys().collect::<Vec<_>>(), [&b23]);
    assert!(notes["基础数据表"][&b23].contains("【缺失】"));
    let mut book = open(&out);
    assert_eq!(
        fill_rgb(styles(&mut book, "基础数据表").get(&(b23.row, b23.col))),
        Some(tint(Severity::Missing))
    );
    // Nothing is written on the hidden cell's behalf: the top-left keeps its text.
    let before = cells(&mut open(&input), "基础数据表")[&(b23.row, b23.col)].clone();
    assert_eq!(cells(&mut book, "基础数据表")[&(b23.row, b23.col)], before);
    let (_, rows) = summary_rows(&out);
    assert_eq!(rows[0]["单元格"], "D23");
    assert_eq!(rows[0]["处理"], "待人工处理");
}
