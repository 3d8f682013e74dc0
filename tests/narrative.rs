//! The 自评报告's figures against the tables (R1) and against themselves (R2, R3); the report
//! built as a .docx here, from the seed text.

use std::io::Write;
use std::path::{Path, PathBuf};

use jixiao::i18n::Lang;
use jixiao::model::CellPos;
use jixiao::narrative::tables::TableCell;
use jixiao::narrative::{self, annotate, Document, Tables};
use jixiao::{check_workbook, template::Template, Finding};

const SEED_TEXT: &str = include_str!("fixtures/narrative/seed-report.txt");

fn seed_workbook() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed-leiyang-2024.xlsx")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A paragraph in two runs (the second bold), so that marking a figure splits runs.
fn paragraph(text: &str) -> String {
    if text.is_empty() {
        return "<w:p/>".into();
    }
    let cut = text.char_indices().nth(6).map_or(text.len(), |(i, _)| i);
    let (a, b) = text.split_at(cut);
    let mut xml = format!(
        r#"<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
        escape(a)
    );
    if !b.is_empty() {
        xml.push_str(&format!(
            r#"<w:r w:rsidR="00AB12CD"><w:rPr><w:b/><w:sz w:val="24"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#,
            escape(b)
        ));
    }
    xml.push_str("</w:p>");
    xml
}

/// A .docx of `text`: one paragraph per line; lines with tabs make the rows of a table.
pub fn docx(text: &str) -> Vec<u8> {
    let mut body = String::new();
    let mut rows: Vec<&str> = Vec::new();
    let flush = |rows: &mut Vec<&str>, body: &mut String| {
        if rows.is_empty() {
            return;
        }
        body.push_str("<w:tbl>");
        for row in rows.drain(..) {
            body.push_str("<w:tr>");
            for cell in row.split('\t') {
                body.push_str(&format!("<w:tc>{}</w:tc>", paragraph(cell)));
            }
            body.push_str("</w:tr>");
        }
        body.push_str("</w:tbl>");
    };
    for line in text.lines() {
        if line.contains('\t') {
            rows.push(line);
        } else {
            flush(&mut rows, &mut body);
            body.push_str(&paragraph(line));
        }
    }
    flush(&mut rows, &mut body);
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string()),
        ("word/_rels/document.xml.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>"#.to_string()),
        ("word/document.xml", document),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, content) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn seed_tables() -> Tables {
    let wb = jixiao::read::read_path(&seed_workbook()).unwrap();
    let report = check_workbook(&wb, Template::built_in_ref()).unwrap();
    Tables::from_workbook(&wb, Template::built_in_ref(), &report.findings).unwrap()
}

fn write_docx(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, docx(text)).unwrap();
    path
}

/// `check found→expected @paragraph` for each finding.
fn summary(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            let cell = if f.sheet.is_empty() {
                String::new()
            } else {
                format!(" {}!{}", f.sheet, f.cell)
            };
            format!(
                "{} {:?} {}→{}{cell}",
                f.check,
                f.severity,
                f.found,
                f.expected.as_deref().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn the_seed_report_with_its_workbook_gives_the_findings_of_the_issue_and_no_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_docx(dir.path(), "报告.docx", SEED_TEXT);
    let doc = narrative::read_document(&path).unwrap();
    let findings = narrative::check_document(&doc, Some(&seed_tables()));
    for f in &findings {
        eprintln!("{f:?}");
    }
    assert_eq!(
        summary(&findings),
        vec![
            "R1 Warning 2204.95 万元→2204.05 绩效自评表!G6",
            "R2 Error 352.14 万元→350.33",
            "R2 Error 952.9 万元→581.00",
            "R1 Error 4.92 万元→5.7 基础数据表!C5",
            "R1 Error 3.02 万元→3.80 基础数据表!C6",
            "R3 Rounding 4.46%→4.47%",
            "R3 Error 100%→79.80%",
        ]
    );
    let basic = &findings[0];
    assert!(
        basic.message.contains("正文支持这一更正"),
        "{}",
        basic.message
    );
    let place = basic.text.as_ref().unwrap();
    assert_eq!(place.document, path.display().to_string());
    assert!(place.quote.contains("2204.95"), "{}", place.quote);
}

#[test]
fn the_seed_report_alone_gives_its_lists_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("报告.txt");
    std::fs::write(&path, SEED_TEXT).unwrap();
    let report = narrative::check_report(&path, None);
    assert_eq!(
        summary(&report.findings),
        vec!["R2 Error 352.14 万元→350.33", "R2 Error 952.9 万元→581.00"]
    );
    assert!(report.notes[0].contains("未找到与之配对的工作簿"));
}

fn cell(
    label: &str,
    sheet: &str,
    a1: &str,
    filed: Option<&str>,
    corrected: Option<&str>,
) -> TableCell {
    TableCell {
        label: label.into(),
        sheet: sheet.into(),
        pos: CellPos::parse_a1(a1).unwrap(),
        filed: filed.map(|v| v.parse().unwrap()),
        shown: filed.unwrap_or("").into(),
        corrected: corrected.map(|v| v.parse().unwrap()),
    }
}

/// Tables of another department, built by hand.
fn other_tables() -> Tables {
    let mut t = Tables::default();
    for (key, c) in [
        (
            "budget.executed",
            cell("全年执行数", "自评表", "E4", Some("1500.5"), None),
        ),
        (
            "budget.full",
            cell("全年预算数", "自评表", "D4", Some("1600"), None),
        ),
        (
            "spending.basic",
            cell("基本支出", "自评表", "G6", Some("800.46"), None),
        ),
        (
            "spending.project",
            cell("项目支出", "自评表", "G9", Some("700"), Some("700.04")),
        ),
        (
            "public.final",
            cell(
                "公用经费（本年决算数）",
                "基础数据表",
                "D15",
                Some("100"),
                None,
            ),
        ),
        (
            "public.prev",
            cell(
                "公用经费（上年决算数）",
                "基础数据表",
                "B15",
                Some("110"),
                None,
            ),
        ),
    ] {
        t.cells.insert(key.to_string(), c);
    }
    t
}

fn check_text(text: &str, tables: Option<&Tables>) -> Vec<String> {
    let doc = Document {
        path: PathBuf::from("其他.docx"),
        paragraphs: text.lines().map(str::to_string).collect(),
    };
    summary(&narrative::check_document(&doc, tables))
}

#[test]
fn each_kind_on_a_report_with_other_figures() {
    let text =
        "三、决算情况：2025 年总收入 1500.00 万元，基本支出 800.4 万元，项目支出 700.04 万元。\n\
                （一）公用经费 100 万元，其中：办公费 40 万元，差旅费 50 万元。\n\
                公用经费比上年减少 10 万元，下降 10%。\n\
                全年预算 1600 万元，预算执行率为 93.78%。";
    assert_eq!(
        check_text(text, Some(&other_tables())),
        vec![
            "R1 Error 1500.00 万元→1500.5 自评表!E4",
            "R1 Rounding 800.4 万元→800.46 自评表!G6",
            "R1 Warning 700.04 万元→700 自评表!G9",
            "R2 Error 100 万元→90.00",
            "R3 Error 10%→9.09%",
            "R3 Error 93.78%→93.75%",
        ]
    );
}

#[test]
fn a_change_the_wrong_way_and_a_rate_alone() {
    let text = "2024 年公用经费 120 万元，比上年减少 10 万元。\n\
                预算调整：年终调减基本支出 50 万元；年初预算收入 1000 万元，预算调整率为 5.5%。";
    let mut tables = other_tables();
    tables.cells.shift_remove("public.final");
    assert_eq!(
        check_text(text, Some(&tables)),
        vec!["R3 Error 10 万元→10.00万元", "R3 Error 5.5%→5.00%"]
    );
    assert_eq!(check_text(text, None), vec!["R3 Error 5.5%→5.00%"]);
}

#[test]
fn the_annotated_copy_carries_a_comment_per_finding_and_leaves_the_original_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_docx(dir.path(), "报告.docx", SEED_TEXT);
    let original = std::fs::read(&path).unwrap();
    let doc = narrative::read_document(&path).unwrap();
    let findings = narrative::check_document(&doc, Some(&seed_tables()));
    let out = annotate::write_annotated(&path, &findings, None, false, Lang::Zh)
        .unwrap()
        .unwrap();
    assert_eq!(out, dir.path().join("报告.checked.docx"));
    assert_eq!(std::fs::read(&path).unwrap(), original);

    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut parts = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut part, &mut text).unwrap();
        let name = part.name().unwrap().to_string();
        well_formed(&name, &text);
        parts.insert(name, text);
    }
    let comments = &parts["word/comments.xml"];
    assert_eq!(comments.matches("<w:comment ").count(), findings.len());
    assert!(comments.contains("正文支持这一更正"));
    let document = &parts["word/document.xml"];
    for tag in [
        "<w:commentRangeStart",
        "<w:commentRangeEnd",
        "<w:commentReference",
    ] {
        assert_eq!(document.matches(tag).count(), findings.len(), "{tag}");
    }
    assert_eq!(document.matches("<w:highlight").count(), findings.len());
    assert!(parts["word/_rels/document.xml.rels"].contains("comments.xml"));
    assert!(parts["[Content_Types].xml"].contains("/word/comments.xml"));
    // The text reads the same: only marks were added.
    assert_eq!(
        narrative::read_document(&out).unwrap().paragraphs,
        doc.paragraphs
    );

    // Its own output is replaced; a stranger's file of that name is not.
    assert!(annotate::write_annotated(&path, &findings, None, false, Lang::Zh).is_ok());
    std::fs::write(&out, b"not ours").unwrap();
    assert!(annotate::write_annotated(&path, &findings, None, false, Lang::Zh).is_err());
    assert_eq!(std::fs::read(&out).unwrap(), b"not ours");
}

fn well_formed(name: &str, xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0i64;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{name}: {e}"),
        }
    }
    assert_eq!(depth, 0, "{name}");
}

#[test]
fn reports_that_cannot_be_read_get_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("报告.doc", b"whatever", "请另存为 .docx"),
        ("报告.pdf", b"%PDF-1.4", "请另存为 .docx"),
        (
            "加密.docx",
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            "已加密",
        ),
        ("坏.docx", b"PK\x03\x04garbage", "不是有效的 .docx"),
    ];
    for (name, bytes, says) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let report = narrative::check_report(&path, None);
        let error = report.error_text();
        assert!(error.contains(says), "{name}: {error}");
        assert!(!error.contains('\n'));
        assert_eq!(report.exit_code(), 2);
    }
}

#[test]
fn a_zip_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..80 {
        zip.write_all(&zeros).unwrap();
    }
    let path = dir.path().join("炸弹.docx");
    std::fs::write(&path, zip.finish().unwrap().into_inner()).unwrap();
    let report = narrative::check_report(&path, None);
    assert!(report.error.unwrap_or_default().contains("过大"));
}

fn run_jixiao(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn zip_parts(path: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut part = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut part, &mut bytes).unwrap();
            (part.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn summary_rows(path: &Path) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = wb.worksheet_range("校验结果").unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn the_workbook_copy_lists_the_reports_findings_and_marks_no_cell_for_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(seed_workbook(), dir.path().join("表.xlsx")).unwrap();
    write_docx(dir.path(), "报告.docx", SEED_TEXT);
    let alone = run_jixiao(dir.path(), &["check", "-o", "alone", "表.xlsx"]);
    assert_eq!(alone.status.code(), Some(1));
    let out = run_jixiao(dir.path(), &["check", "-o", "out", "报告.docx", "表.xlsx"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(dir.path().join("out/报告.checked.docx").is_file());
    assert!(dir.path().join("out/汇总.xlsx").is_file());

    let doc = narrative::read_document(&dir.path().join("报告.docx")).unwrap();
    let findings = narrative::check_document(&doc, Some(&seed_tables()));
    let rows = summary_rows(&dir.path().join("out/表.checked.xlsx"));
    let start = rows.iter().position(|r| r[0] == "自评报告").unwrap();
    assert_eq!(rows[start][1], "报告.docx");
    assert_eq!(rows[start + 1][0], "段落");
    assert_eq!(rows[start + 1][7], "原文");
    let listed: Vec<&Vec<String>> = rows[start + 2..]
        .iter()
        .take_while(|r| r[0].starts_with('第'))
        .collect();
    assert_eq!(listed.len(), findings.len());
    for (row, f) in listed.iter().zip(&findings) {
        let place = f.text.as_ref().unwrap();
        assert_eq!(row[0], format!("第 {} 段", place.paragraph));
        assert_eq!(row[3], f.check.to_string());
        assert_eq!(row[4], f.found);
        assert_eq!(row[7], place.quote);
        let cell = if f.sheet.is_empty() {
            String::new()
        } else {
            f.cell.to_string()
        };
        assert_eq!(row[1], cell);
    }
    // The workbook's own findings are listed as without the report.
    let before = summary_rows(&dir.path().join("alone/表.checked.xlsx"));
    let first_seven = |rows: &[Vec<String>]| -> Vec<Vec<String>> {
        rows.iter().map(|r| r[..7].to_vec()).collect()
    };
    assert_eq!(
        first_seven(&rows[..start - 1]),
        first_seven(&before[..start - 1])
    );

    // Only the summary sheet differs from the copy made without the report: no cell is marked
    // for the report's findings.
    let (with, without) = (
        zip_parts(&dir.path().join("out/表.checked.xlsx")),
        zip_parts(&dir.path().join("alone/表.checked.xlsx")),
    );
    assert_eq!(
        with.keys().collect::<Vec<_>>(),
        without.keys().collect::<Vec<_>>()
    );
    // docProps/custom.xml holds the digest of the other parts, so it differs with them.
    let differ: Vec<&String> = with
        .keys()
        .filter(|k| with[*k] != without[*k] && *k != "docProps/custom.xml")
        .collect();
    assert_eq!(differ.len(), 1, "{differ:?}");
}

#[test]
fn a_run_with_reports_writes_the_summary_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(inbox.join("甲")).unwrap();
    std::fs::copy(seed_workbook(), inbox.join("甲/表.xlsx")).unwrap();
    write_docx(&inbox.join("甲"), "报告.docx", SEED_TEXT);
    write_docx(
        &inbox,
        "乙局自评报告.docx",
        "公用经费 100 万元，其中：办公费 40 万元，差旅费 50 万元。",
    );
    let out = run_jixiao(dir.path(), &["check", "inbox"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("乙局自评报告.docx"), "{stdout}");
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(inbox.join("汇总.xlsx")).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let files: Vec<String> = range.rows().skip(1).map(|r| r[2].to_string()).collect();
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(
        files.iter().any(|f| f.ends_with("乙局自评报告.docx")),
        "{files:?}"
    );
    // A second run replaces its own summary rather than checking it as a workbook.
    let again = run_jixiao(dir.path(), &["check", "inbox"]);
    assert_eq!(again.status.code(), Some(1), "{again:?}");
    assert!(!String::from_utf8(again.stdout)
        .unwrap()
        .contains("汇总.xlsx："));
}

/// The annotated seed report opens in LibreOffice with every comment (scripts/…; needs
/// LibreOffice Writer).
#[test]
#[ignore = "needs LibreOffice Writer"]
fn libreoffice_opens_the_annotated_report_with_its_comments() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_docx(dir.path(), "报告.docx", SEED_TEXT);
    let doc = narrative::read_document(&path).unwrap();
    let findings = narrative::check_document(&doc, Some(&seed_tables()));
    let out = annotate::write_annotated(&path, &findings, None, false, Lang::Zh)
        .unwrap()
        .unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check-docx-libreoffice.sh");
    let run = std::process::Command::new(script)
        .arg(&out)
        .arg(findings.len().to_string())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{run:?}");
}

#[test]
fn figures_written_in_yuan_are_compared_with_the_tables_wan_yuan() {
    let doc = Document {
        path: PathBuf::from("元.docx"),
        paragraphs: [
            "基本支出 8,004,600 元。",
            "基本支出 8004612 元。",
            "基本支出 8,000,000 元。",
            "项目支出 7000400 元。",
            "公用经费 1000000 元，其中：办公费 400000 元，差旅费 500000 元。",
            "基本支出 800.4 万元。",
        ]
        .map(str::to_string)
        .to_vec(),
    };
    let findings = narrative::check_document(&doc, Some(&other_tables()));
    assert_eq!(
        summary(&findings),
        vec![
            "R1 Error 8,000,000 元→8004600 元 自评表!G6",
            "R1 Warning 7000400 元→7000000 元 自评表!G9",
            "R2 Error 1000000 元→900000 元",
            "R1 Rounding 800.4 万元→800.46 自评表!G6",
        ]
    );
    let messages: Vec<String> = findings.iter().map(|f| f.message.to_string()).collect();
    assert!(
        messages[0].contains("8,000,000 元（合 800 万元）"),
        "{}",
        messages[0]
    );
    assert!(messages[0].contains("800.46 万元"), "{}", messages[0]);
    assert!(
        messages[2].contains("400000 + 500000 = 900000 元"),
        "{}",
        messages[2]
    );
    assert!(messages[3].contains("为 800.4 万元"), "{}", messages[3]);
}
