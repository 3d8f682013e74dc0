//! Filling a blank with the corrected seed's figures.

use super::*;
use crate::blanks::write_blank;
use jixiao::model::SheetId;

fn set(wb: &mut Workbook, sheet: SheetId, pos: CellPos, value: CellValue) {
    let cell = wb.sheets[sheet.index()].cells.entry(pos).or_default();
    cell.value = value;
    cell.formula = None;
}

fn value_at(wb: &Workbook, sheet: SheetId, pos: CellPos) -> CellValue {
    wb.sheets[sheet.index()].value(pos).clone()
}

fn number(v: &CellValue) -> f64 {
    match v {
        CellValue::Number(n) => *n,
        other => panic!("not a number: {other:?}"),
    }
}

/// Text of a cell, or of the merged range it lies in.
fn shown_text(wb: &Workbook, sheet: SheetId, pos: CellPos) -> String {
    let s = &wb.sheets[sheet.index()];
    let anchor = s.merged_at(pos).map(|m| m.first).unwrap_or(pos);
    s.text(anchor).unwrap_or("").trim().to_string()
}

/// Copies the figures of `source` into the input cells of `blank`, field by field as the
/// template locates them in both, indicator by indicator into the rows of the same
/// 一级/二级指标 (or, where the family has no such 二级指标, the one named like the 一级指标),
/// fills the 总分 row, applies `changes` (field key → number) and writes `out`.
fn fill_blank(
    blank: &Path,
    template: &Template,
    source: &Path,
    changes: &[(&str, f64)],
    out: &Path,
) -> Layout {
    let src = jixiao::read::read_path(source).expect("source reads");
    let (_, from) = locate::locate(&src, template).expect("source located");
    let mut wb = jixiao::read::read_path(blank).expect("blank reads");
    let (_, to) = locate::locate(&wb, template).expect("blank located");

    for (key, field) in &from.fields {
        let name = key.to_string();
        if name.starts_with("ind") || name.starts_with("total.") {
            continue;
        }
        let value = value_at(&src, field.sheet, field.pos);
        if value.is_empty() {
            continue;
        }
        let dst = to
            .fields
            .get(key)
            .unwrap_or_else(|| panic!("the blank has no cell for {key} ({})", field.label));
        set(&mut wb, dst.sheet, dst.pos, value);
    }

    // Indicator rows, by the texts of their header rows.
    let (src_cols, _) = indicator_columns(&src, &from, template);
    let (cols, si) = indicator_columns(&wb, &to, template);
    let header_row = to.fields["ind.points_header"].pos.row;
    let last_row = wb.sheets[si.index()]
        .cells
        .keys()
        .map(|p| p.row)
        .max()
        .unwrap_or(0);
    let mut free: Vec<(u32, String, String)> = (header_row + 1..=last_row)
        .map(|r| {
            (
                r,
                shown_text(&wb, si, CellPos::new(r, cols[0])),
                shown_text(&wb, si, CellPos::new(r, cols[1])),
            )
        })
        .filter(|(_, _, l2)| !l2.is_empty())
        .collect();
    let (mut points, mut score) = (
        number(&value_at(&wb, si, to.fields["budget.points"].pos)),
        number(&value_at(&wb, si, to.fields["budget.score"].pos)),
    );
    for row in &from.indicators {
        let slot = free
            .iter()
            .position(|(_, l1, l2)| *l1 == row.level1 && *l2 == row.level2)
            .or_else(|| free.iter().position(|(_, _, l2)| *l2 == row.level1))
            .unwrap_or_else(|| {
                panic!(
                    "no free row for {} / {} ({}) in the blank",
                    row.level1, row.level2, row.name
                )
            });
        let (r, _, _) = free.remove(slot);
        // 三级指标 … 偏差原因分析及改进措施.
        for (src_col, col) in src_cols[2..].iter().zip(&cols[2..]) {
            let v = value_at(&src, row.sheet, CellPos::new(row.row, *src_col));
            if !v.is_empty() {
                set(&mut wb, si, CellPos::new(r, *col), v);
            }
        }
        points += number(&value_at(&src, row.sheet, row.points));
        score += number(&value_at(&src, row.sheet, row.score));
    }
    if let (Some(tp), Some(ts)) = (to.fields.get("total.points"), to.fields.get("total.score")) {
        let round = |x: f64| (x * 100.0).round() / 100.0;
        set(&mut wb, si, tp.pos, CellValue::Number(round(points)));
        set(&mut wb, si, ts.pos, CellValue::Number(round(score)));
        let grade = if score >= 90.0 { "优" } else { "良" };
        set(
            &mut wb,
            si,
            CellPos::new(ts.pos.row, ts.pos.col + 1),
            CellValue::Text(grade.into()),
        );
    }
    for (key, v) in changes {
        let dst = to
            .fields
            .get(*key)
            .unwrap_or_else(|| panic!("the blank has no cell for {key}"));
        set(&mut wb, dst.sheet, dst.pos, CellValue::Number(*v));
    }
    save(&wb, out);
    to
}

/// Columns of the indicator table (一级指标 … 偏差原因分析及改进措施) found by their header texts,
/// and its sheet.
fn indicator_columns(wb: &Workbook, layout: &Layout, template: &Template) -> ([u32; 8], SheetId) {
    let header = &layout.fields["ind.points_header"];
    let ind = &template.score.indicators;
    let col_of = |labels: &[String]| -> u32 {
        let wanted: Vec<String> = labels
            .iter()
            .map(|l| jixiao::model::text::norm(l))
            .collect();
        (0..30)
            .find(|&c| {
                let text = jixiao::model::text::norm(&shown_text(
                    wb,
                    header.sheet,
                    CellPos::new(header.pos.row, c),
                ));
                wanted.contains(&text)
            })
            .unwrap_or_else(|| panic!("no {} header", labels[0]))
    };
    let cols = [
        col_of(&ind.level1),
        col_of(&ind.level2),
        col_of(&ind.name),
        col_of(&ind.target),
        col_of(&ind.actual),
        col_of(&ind.points),
        col_of(&ind.score),
        col_of(&ind.reason),
    ];
    (cols, header.sheet)
}

/// Writes a workbook model back to .xlsx: values, number formats, merged ranges, widths.
fn save(wb: &Workbook, path: &Path) {
    let mut out = xw::Workbook::new();
    for sheet in &wb.sheets {
        let ws = out.add_worksheet();
        ws.set_name(&sheet.name).expect("sheet name");
        for (col, width) in &sheet.col_widths {
            ws.set_column_width(*col as u16, *width).expect("width");
        }
        let format = |pos: CellPos| {
            let code = sheet
                .cell(pos)
                .and_then(|c| wb.number_format(c))
                .filter(|f| *f != "General");
            match code {
                Some(code) => xw::Format::new().set_num_format(code),
                None => xw::Format::new(),
            }
        };
        for m in &sheet.merged {
            let text = sheet.text(m.first).unwrap_or("");
            ws.merge_range(
                m.first.row,
                m.first.col as u16,
                m.last.row,
                m.last.col as u16,
                text,
                &format(m.first),
            )
            .expect("merge");
        }
        for (pos, cell) in &sheet.cells {
            if let Some(m) = sheet.merged_at(*pos) {
                if m.first != *pos || !matches!(cell.value, CellValue::Number(_)) {
                    continue;
                }
            }
            let (row, col) = (pos.row, pos.col as u16);
            let f = format(*pos);
            match &cell.value {
                CellValue::Number(n) => ws.write_number_with_format(row, col, *n, &f),
                CellValue::Text(t) => ws.write_string_with_format(row, col, t, &f),
                _ => ws.write_blank(row, col, &f),
            }
            .expect("write cell");
        }
    }
    out.save(path).expect("save");
}

#[test]
fn a_blank_of_each_family_filled_with_the_corrected_seed_checks_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    for family in FAMILIES {
        let template = Template::built_in_family(family).expect("built-in family");
        let blank = write_blank(family, 2024, dir.path());
        let filled = dir.path().join(format!("{family}-filled.xlsx"));
        fill_blank(&blank, &template, &corrected_seed(), &[], &filled);
        assert_eq!(
            family_of(&filled),
            family,
            "family chosen for its own blank"
        );
        let (file, code) = check(&filled, None, dir.path());
        assert_clean(&filled, &file, code);
        assert_eq!(file.grade.as_deref(), Some("优"));
    }
}

#[test]
fn repeated_rows_of_a_blank_add_up() {
    // hunan-2018 prints three 省级专项资金 rows: move 100 of 业务工作专项 to the second one.
    let dir = tempfile::tempdir().expect("tempdir");
    let template = Template::built_in_family("hunan-2018").expect("family");
    let blank = write_blank("hunan-2018", 2024, dir.path());
    let filled = dir.path().join("filled.xlsx");
    let changes = [("business.final", 445.49), ("special#1.final", 100.0)];
    fill_blank(&blank, &template, &corrected_seed(), &changes, &filled);
    let (file, code) = check(&filled, None, dir.path());
    assert_clean(&filled, &file, code);
}

#[test]
fn one_changed_total_in_a_filled_blank_is_flagged_exactly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let template = Template::built_in_family("hunan-2024").expect("family");
    let blank = write_blank("hunan-2024", 2024, dir.path());
    // (field, wrong value, the check that catches it, the value it should have)
    let cases = [
        ("sangong.final", 5.91, "B2", "4.91"),
        ("project.final", 925.9, "B4", "952.9"),
        ("total.score", 96.95, "S10", "97.95"),
    ];
    for (key, wrong, rule, expected) in cases {
        let filled = dir.path().join(format!("{key}.xlsx"));
        let layout = fill_blank(
            &blank,
            &template,
            &corrected_seed(),
            &[(key, wrong)],
            &filled,
        );
        let field = &layout.fields[key];
        let sheet = if field.sheet.index() == 0 {
            "基础数据表"
        } else {
            "绩效自评表"
        };
        let (file, code) = check(&filled, None, dir.path());
        let [f] = file.findings.as_slice() else {
            panic!(
                "{key} = {wrong}: want one finding, got{}",
                findings_list(&file)
            );
        };
        assert_eq!(
            (f.sheet.as_str(), f.cell.as_str(), f.severity.as_str()),
            (sheet, field.pos.to_string().as_str(), "error"),
            "{key}: {f}"
        );
        assert!(
            f.check == rule || f.message.contains(rule),
            "{key}: want {rule}, got {f}"
        );
        assert!(
            common::same_expected(&f.expected, &Value::String(expected.into())),
            "{key}: expected {expected}, got {f}"
        );
        assert_eq!(code, Some(1));
    }
}
