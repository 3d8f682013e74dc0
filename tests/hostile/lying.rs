//! Lying counts, dimensions and indices, far cells: checked as the honest file is.

use super::*;

/// The seed with a stray value at XFD1048576, a lying `<dimension>`, shared strings with absurd
/// counts, and a shared formula whose `si` would make calamine allocate terabytes.
pub(crate) fn hostile_seed_xlsx() -> Vec<u8> {
    let sst = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4294967295" uniqueCount="18446744073709551615"><si><t>stray</t></si></sst>"#;
    repack(
        &seed_xlsx(),
        |name, text| {
            match name {
            "xl/worksheets/sheet1.xml" => text
                .replace("<dimension ref=\"A1:E23\" />", "<dimension ref=\"A1:XFD1048576\" />")
                .replace(
                    "</sheetData>",
                    r#"<row r="1048576"><c r="XFB1048576"><f t="shared" ref="XFB1048576:XFC1048576" si="1000000000000">1+1</f><v>2</v></c><c r="XFC1048576"><f t="shared" si="1000000000000"/><v>2</v></c><c r="XFD1048576" t="s"><v>0</v></c></row></sheetData>"#,
                ),
            "[Content_Types].xml" => text.replace(
                "</Types>",
                r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
            ),
            _ => text,
        }
        },
        &[("xl/sharedStrings.xml", sst)],
    )
}

#[test]
fn far_cell_lying_counts_and_huge_si_in_xlsx() {
    let hostile = hostile_seed_xlsx();
    assert_eq!(
        position_of(&hostile, "xlsx", "stray"),
        vec![("基础数据表".to_string(), 1_048_575, 16_383)]
    );
    // The shared formula, anchor and follower, both read.
    assert_eq!(
        position_of(&hostile, "xlsx", "1+1"),
        vec![
            ("基础数据表".to_string(), 1_048_575, 16_381),
            ("基础数据表".to_string(), 1_048_575, 16_382)
        ]
    );
    let got = assert_checked_like("远处单元格.xlsx", &hostile, "原表.xlsx", &seed_xlsx());
    assert_eq!(findings(&got).len(), 9);
}

/// The seed's .ods with `rows` put after the first table's last row of content (LibreOffice
/// pads every table with empty rows down to row 1,048,576; those come after).
fn seed_ods_with_rows(rows: &str) -> Vec<u8> {
    let ods = fs::read(fixture("seed-leiyang-2024.ods")).unwrap();
    repack(
        &ods,
        |name, text| {
            if name != "content.xml" {
                return text;
            }
            let end = text.find("</table:table>").unwrap();
            let pad = text[..end]
                .rfind("table:number-rows-repeated=\"1048")
                .unwrap();
            let at = text[..pad].rfind("<table:table-row").unwrap();
            format!("{}{rows}{}", &text[..at], &text[at..])
        },
        &[],
    )
}

/// Where the text `needle` sits in the workbook as jixiao reads it.
fn position_of(bytes: &[u8], ext: &str, needle: &str) -> Vec<(String, u32, u32)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("x.{ext}"));
    fs::write(&path, bytes).unwrap();
    let wb = jixiao::read::read_path(&path).unwrap();
    let mut out = Vec::new();
    for s in &wb.sheets {
        for (p, c) in &s.cells {
            if c.value.as_text() == Some(needle) || c.formula.as_deref() == Some(needle) {
                out.push((s.name.clone(), p.row, p.col));
            }
        }
    }
    out
}

#[test]
fn far_cell_in_ods() {
    let ods = fs::read(fixture("seed-leiyang-2024.ods")).unwrap();
    let far = seed_ods_with_rows(
        r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="string"><text:p>stray</text:p></table:table-cell></table:table-row>"#,
    );
    let at = position_of(&far, "ods", "stray");
    assert_eq!(at.len(), 1, "{at:?}");
    assert_eq!((at[0].0.as_str(), at[0].2), ("基础数据表", 16_383));
    assert!(at[0].1 > 1_000_000, "{at:?}");
    assert_checked_like("远处单元格.ods", &far, "原表.ods", &ods);
}

/// The seed's .xls fixture rebuilt record by record (numbers and labels, merged ranges), with
/// `extra` records added to the sheet named `target`.
fn seed_xls_with(target: &str, extra: &[Vec<u8>]) -> Vec<u8> {
    let mut wb: Xls<_> = open_workbook(fixture("seed-leiyang-2024.xls")).unwrap();
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut recs = Vec::new();
        for (r, c, d) in range.used_cells() {
            let (row, col) = ((r0 + r as u32) as u16, (c0 + c as u32) as u16);
            match d {
                Data::Float(v) => recs.push(number(row, col, *v)),
                Data::Int(v) => recs.push(number(row, col, *v as f64)),
                Data::String(s) => recs.push(label(row, col, s)),
                other => recs.push(label(row, col, &other.to_string())),
            }
        }
        let merges: Vec<(u16, u16, u16, u16)> = wb
            .merge_cells_by_sheet_name(&name)
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d.start.0 as u16,
                    d.end.0 as u16,
                    d.start.1 as u16,
                    d.end.1 as u16,
                )
            })
            .collect();
        if !merges.is_empty() {
            recs.push(merged(&merges));
        }
        if name == target {
            recs.extend_from_slice(extra);
        }
        sheets.push((name, recs));
    }
    cfb(&[("Workbook", &biff_book(&[], &sheets))])
}

#[test]
fn far_cells_and_lying_dimensions_in_xls() {
    let plain = seed_xls_with("", &[]);
    let hostile = seed_xls_with(
        "绩效自评表",
        &[
            dimensions(0, u32::MAX, 0, u16::MAX),
            number(65_535, 255, 7.0),
            label(60_000, 65_535, "stray"),
        ],
    );
    assert_eq!(
        position_of(&hostile, "xls", "stray"),
        vec![("绩效自评表".to_string(), 60_000, 65_535)]
    );
    assert_checked_like("远处单元格.xls", &hostile, "原表.xls", &plain);
}

#[test]
fn xls_cells_spread_everywhere_are_refused() {
    let diagonal: Vec<Vec<u8>> = (0..6000u16).map(|i| number(i * 10, i, 1.0)).collect();
    let f = cfb(&[("Workbook", &biff_book(&[], &[("表".into(), diagonal)]))]);
    assert_refused("散.xls", &f, "分布过散");
}

#[test]
fn ods_that_calamine_would_expand_or_spin_on() {
    let ods = fs::read(fixture("seed-leiyang-2024.ods")).unwrap();
    let with = |cell: &str| {
        repack(
            &ods,
            |name, text| {
                if name == "content.xml" {
                    text.replacen(
                        "</table:table>",
                        &format!("<table:table-row>{cell}</table:table-row></table:table>"),
                        1,
                    )
                } else {
                    text
                }
            },
            &[],
        )
    };
    // Four billion spaces in one cell.
    let spaces = with(
        r#"<table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/></text:p></table:table-cell>"#,
    );
    assert_refused("空格.ods", &spaces, "文字和公式过多");
    // One text cell repeated over every column of a million rows.
    let rows = seed_ods_with_rows(
        r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#,
    );
    assert_refused("重复.ods", &rows, "有内容的单元格");
    // An annotation that never ends: calamine 0.38 loops forever on it.
    let cut = repack(
        &ods,
        |name, text| {
            if name == "content.xml" {
                let at = text.find("</table:table>").unwrap();
                format!(
                    "{}<table:table-row><table:table-cell office:value-type=\"string\"><office:annotation><text:p>x</text:p>",
                    &text[..at]
                )
            } else {
                text
            }
        },
        &[],
    );
    assert_refused("截断.ods", &cut, "无法解析");
}
