//! The 自评报告's figures against the tables (R1) and against themselves (R2, R3); the report
//! built as a .docx here, from the seed text.

use std::io::Write;
use std::path::{Path, PathBuf};

use jixiao::narrative::{self, Tables};
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
