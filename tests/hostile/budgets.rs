//! Budgets of the reading stage.

use super::*;

#[test]
fn sheets_aliasing_one_big_part_are_stopped() {
    let rows: String = (1..=60_000)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#))
        .collect();
    let names: Vec<(String, String)> = (0..200)
        .map(|i| (format!("表{i}"), "worksheets/sheet1.xml".to_string()))
        .collect();
    let mut parts = xlsx_parts(&names);
    parts.push((
        "xl/worksheets/sheet1.xml".into(),
        sheet_xml(&rows).into_bytes(),
    ));
    assert_refused("别名.xlsx", &zip_owned(&parts), "反复引用");
}

#[test]
fn thousands_of_sheets_are_refused() {
    let names: Vec<(String, String)> = (0..5000)
        .map(|i| (format!("表{i}"), "worksheets/sheet1.xml".to_string()))
        .collect();
    let mut parts = xlsx_parts(&names);
    parts.push((
        "xl/worksheets/sheet1.xml".into(),
        sheet_xml("").into_bytes(),
    ));
    assert_refused("多表.xlsx", &zip_owned(&parts), "5000 个工作表");
    let sheets: Vec<(String, Vec<Vec<u8>>)> =
        (0..5000).map(|i| (format!("S{i}"), vec![])).collect();
    let f = cfb(&[("Workbook", &biff_book(&[], &sheets))]);
    assert_refused("多表.xls", &f, "工作表超过 1000 个");
}

#[test]
fn too_many_cells_are_refused() {
    let row: String = (0..1000).map(|c| format!("<c><v>{c}</v></c>")).collect();
    let rows: String = (1..=2100)
        .map(|r| format!(r#"<row r="{r}">{row}</row>"#))
        .collect();
    let mut parts = xlsx_parts(&[("大表".into(), "worksheets/sheet1.xml".into())]);
    parts.push((
        "xl/worksheets/sheet1.xml".into(),
        sheet_xml(&rows).into_bytes(),
    ));
    assert_refused("大表.xlsx", &zip_owned(&parts), "有内容的单元格");
}

#[test]
fn many_cells_still_fit_under_the_memory_limit() {
    // The seed, and a sheet of 1.5 million numbers and 1 million style-only cells.
    let row: String = (0..500)
        .map(|c| format!("<c><v>{c}.5</v></c><c s=\"1\"/><c s=\"1\"/>"))
        .collect();
    let rows: String = (1..=3000)
        .map(|r| format!(r#"<row r="{r}">{row}</row>"#))
        .collect();
    let big = repack(
        &seed_xlsx(),
        |name, text| {
            match name {
            "xl/workbook.xml" => text.replace(
                "</sheets>",
                r#"<sheet name="数据" sheetId="99" r:id="rId99"/></sheets>"#,
            ),
            "xl/_rels/workbook.xml.rels" => text.replace(
                "</Relationships>",
                r#"<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet99.xml"/></Relationships>"#,
            ),
            _ => text,
        }
        },
        &[("xl/worksheets/sheet99.xml", sheet_xml(&rows).as_bytes())],
    );
    let got = assert_checked_like("大.xlsx", &big, "原表.xlsx", &seed_xlsx());
    assert_eq!(findings(&got).len(), 9);
}

#[test]
fn calamine_panic_is_one_files_error() {
    // A MERGEDCELLS record that promises five ranges and holds none: calamine indexes past it.
    let stream = biff_book(
        &[],
        &[("表".into(), vec![number(0, 0, 1.0), rec(0x00E5, &[5, 0])])],
    );
    let msg = assert_refused("坏记录.xls", &cfb(&[("Workbook", &stream)]), "无法解析");
    assert!(msg.contains("另存为"), "{msg}");
}
