//! The check of the 自评报告 in an English run: R1/R2/R3 messages, the document's text report,
//! the comments of the annotated copy and the errors of a report that cannot be read say it in
//! English, the workbook's and report's own words kept as they are.

use std::io::Write;
use std::path::{Path, PathBuf};

use jixiao::i18n::Lang;
use jixiao::model::CellPos;
use jixiao::narrative::tables::TableCell;
use jixiao::narrative::vocabulary::Vocabulary;
use jixiao::narrative::{self, annotate, Document, Tables};
use jixiao::{check_workbook, template::Template, FileReport, Finding};

const SEED_TEXT: &str = include_str!("fixtures/narrative/seed-report.txt");

fn seed_workbook() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed-leiyang-2024.xlsx")
}

fn seed_tables() -> Tables {
    let wb = jixiao::read::read_path(&seed_workbook()).unwrap();
    let report = check_workbook(&wb, Template::built_in_ref()).unwrap();
    Tables::from_workbook(&wb, Template::built_in_ref(), &report.findings).unwrap()
}

/// The seed report (as a text file) checked against the seed workbook, said in English.
fn seed_report_in_english(dir: &Path) -> (FileReport, Tables) {
    let path = dir.join("报告.txt");
    std::fs::write(&path, SEED_TEXT).unwrap();
    let tables = seed_tables();
    let mut report = narrative::check_report(&path, Some(&tables));
    report.localize(Lang::En);
    (report, tables)
}

fn is_chinese(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || "，。；：（）、".contains(c)
}

/// `text` without the workbook's and the vocabulary's words: what is left is ours.
fn ours(text: &str, tables: &Tables) -> String {
    let vocab = Vocabulary::get();
    let mut words: Vec<&str> = tables
        .cells
        .values()
        .flat_map(|c| [c.label.as_str(), c.sheet.as_str()])
        .chain(
            vocab
                .figures
                .iter()
                .flat_map(|f| f.phrases.iter())
                .map(String::as_str),
        )
        .chain(
            vocab
                .rates
                .iter()
                .flat_map(|r| r.phrases.iter())
                .map(String::as_str),
        )
        .chain(["万元", "元"])
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let mut rest = text.to_string();
    for w in words {
        rest = rest.replace(w, "");
    }
    rest
}

fn assert_english(text: &str, tables: &Tables) {
    let rest = ours(text, tables);
    assert!(
        !rest.chars().any(is_chinese),
        "Chinese of ours left in «{text}»: «{rest}»"
    );
}

/// The message of the finding of `check` on the figure `found`, in English.
fn message_of(findings: &[Finding], check: &str, found: &str) -> String {
    findings
        .iter()
        .find(|f| f.check == check && f.found == found)
        .map(|f| f.message.render(Lang::En))
        .unwrap_or_else(|| panic!("no {check} finding on {found}"))
}

#[test]
fn the_seed_reports_findings_read_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let (report, tables) = seed_report_in_english(dir.path());
    let findings = &report.findings;
    assert_eq!(findings.len(), 7);
    assert_eq!(
        message_of(findings, "R1", "2204.95 万元"),
        "The report gives 基本支出 as 2204.95 万元; 绩效自评表!G6 is filed as 2204.05 万元. \
         The table checks say the cell should be 2204.95 万元, and the report supports that \
         correction (correct the table, not the report) (the same in paragraph 139)"
    );
    assert_eq!(
        message_of(findings, "R1", "4.92 万元"),
        "The report gives 三公经费（2024年预算数） as 4.92 万元, which differs from 5.7 万元 in 基础数据表!C5"
    );
    assert!(message_of(findings, "R1", "3.02 万元").ends_with(
        "基础数据表!C6 is filed as (blank) and by the table checks should be 3.80 万元"
    ));
    assert_eq!(
        message_of(findings, "R2", "952.9 万元"),
        "The 7 items listed add up to 96 + 150 + 50 + 80 + 40 + 120 + 45 = 581 万元, \
         not to the stated total of 952.9 万元"
    );
    assert_eq!(
        message_of(findings, "R3", "4.46%"),
        "The report gives the change in 三公经费 from the year before as 4.46%; \
         (4.91 − 4.7) ÷ 4.7 gives an increase of 4.47% (this year 4.91 from paragraph 151, \
         last year 4.7 from 基础数据表!B5); the stated figure is truncated instead of rounded \
         (the same in paragraph 191)"
    );
    assert_eq!(
        message_of(findings, "R3", "100%"),
        "The report gives 财政供养人员控制率 as 100%; 158 ÷ 198 gives 79.80% \
         (158 from 基础数据表!C3, 198 from 基础数据表!B3); 基础数据表!D3 is filed as 100.00%"
    );
    for f in findings {
        assert_english(&f.message.to_string(), &tables);
    }
}

#[test]
fn the_documents_text_report_is_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let (report, tables) = seed_report_in_english(dir.path());
    let text = narrative::to_text(&report, Lang::En);
    assert!(text.contains("\n  findings in the report: 7\n"), "{text}");
    assert!(
        text.contains("  [warning] paragraph 131 2204.95 万元  R1 The report gives"),
        "{text}"
    );
    assert!(
        text.contains("  [error] paragraph 191 100% → 79.80%  R3 "),
        "{text}"
    );
    // Past the file's name (a Chinese one) and the figures as the report writes them.
    let body: String = text.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_english(&body, &tables);

    let alone = dir.path().join("单独.txt");
    std::fs::write(
        &alone,
        "公用经费 100 万元，其中：办公费 40 万元，差旅费 50 万元。",
    )
    .unwrap();
    let mut report = narrative::check_report(&alone, None);
    report.localize(Lang::En);
    let text = narrative::to_text(&report, Lang::En);
    assert!(
        text.contains(
            "  note: no workbook pairs with it: only the report's own figures were checked"
        ),
        "{text}"
    );
    assert!(
        text.contains("[error] paragraph 1 100 万元 → 90.00  R2 The 2 items listed add up to 40 + 50 = 90 万元"),
        "{text}"
    );
}

fn cell(label: &str, a1: &str, filed: &str) -> TableCell {
    TableCell {
        label: label.into(),
        sheet: "自评表".into(),
        pos: CellPos::parse_a1(a1).unwrap(),
        filed: Some(filed.parse().unwrap()),
        shown: filed.into(),
        corrected: None,
    }
}

fn document(paragraphs: &[&str]) -> Document {
    Document {
        path: PathBuf::from("其他.docx"),
        paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn a_repeated_statement_names_the_other_paragraphs_in_either_language() {
    let mut tables = Tables::default();
    tables
        .cells
        .insert("spending.basic".into(), cell("基本支出", "G6", "800.46"));
    let thrice = document(&[
        "基本支出 790 万元。",
        "基本支出 790 万元。",
        "基本支出 790 万元。",
    ]);
    let findings = narrative::check_document(&thrice, Some(&tables));
    assert_eq!(findings.len(), 1);
    let m = &findings[0].message;
    assert!(
        m.render(Lang::En)
            .ends_with("differs from 800.46 万元 in 自评表!G6 (the same in paragraphs 2, 3)"),
        "{}",
        m.render(Lang::En)
    );
    assert!(
        m.render(Lang::Zh).ends_with("不一致（第 2、3 段同）"),
        "{}",
        m.render(Lang::Zh)
    );

    let twice = document(&["基本支出 790 万元。", "另，基本支出 790 万元。"]);
    let findings = narrative::check_document(&twice, Some(&tables));
    let m = &findings[0].message;
    assert!(m.render(Lang::En).ends_with(" (the same in paragraph 2)"));
    assert!(m.render(Lang::Zh).ends_with("（第 2 段同）"));
}

#[test]
fn figures_in_yuan_and_rounded_items_are_said_in_english() {
    let mut tables = Tables::default();
    tables
        .cells
        .insert("spending.basic".into(), cell("基本支出", "G6", "800.46"));
    let doc = document(&[
        "基本支出 8,000,000 元。",
        "公用经费 10.01 万元，其中：办公费 4.55 万元，差旅费 5.45 万元。",
    ]);
    let findings = narrative::check_document(&doc, Some(&tables));
    let said: Vec<String> = findings
        .iter()
        .map(|f| f.message.render(Lang::En))
        .collect();
    assert!(
        said[0]
            .starts_with("The report gives 基本支出 as 8,000,000 元 (= 800 万元), which differs"),
        "{said:?}"
    );
    assert!(
        said[1].ends_with("(the difference is within the rounding of the items)"),
        "{said:?}"
    );
    for s in &said {
        assert_english(s, &tables);
    }
}

/// A .docx of one paragraph a line, in one run each.
fn docx(text: &str) -> Vec<u8> {
    let body: String = text
        .lines()
        .map(|l| {
            let l = l.replace('&', "&amp;").replace('<', "&lt;");
            format!(r#"<w:p><w:r><w:t xml:space="preserve">{l}</w:t></w:r></w:p>"#)
        })
        .collect();
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string()),
        ("word/document.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#)),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn comments(path: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/comments.xml").unwrap(), &mut text)
        .unwrap();
    text
}

#[test]
fn the_annotated_copy_comments_in_the_runs_language() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("报告.docx");
    std::fs::write(
        &path,
        docx("公用经费 100 万元，其中：办公费 40 万元，差旅费 50 万元。"),
    )
    .unwrap();
    let doc = narrative::read_document(&path).unwrap();
    let findings = narrative::check_document(&doc, None);
    let out = annotate::write_annotated(&path, &findings, None, false, Lang::En)
        .unwrap()
        .unwrap();
    let said = comments(&out);
    assert!(
        said.contains(">[error] R2 The 2 items listed add up to 40 + 50 = 90 万元, not to the stated total of 100 万元 (should read 90.00)<"),
        "{said}"
    );
    let out = annotate::write_annotated(&path, &findings, None, false, Lang::Zh)
        .unwrap()
        .unwrap();
    assert!(comments(&out).contains(
        ">[错误] R2 所列 2 项合计 40 + 50 = 90 万元，与所述合计 100 万元 不符（应为 90.00）<"
    ));

    // A stranger's file where the copy goes is left alone, and the error says why in English.
    std::fs::write(&out, b"not ours").unwrap();
    let error = annotate::write_annotated(&path, &findings, None, false, Lang::En).unwrap_err();
    assert_eq!(
        error.message().render(Lang::En),
        format!(
            "the output file exists and was not written by jixiao (--force replaces it): {}",
            out.display()
        )
    );
    assert!(error
        .to_string()
        .starts_with("目标文件已存在且不是 jixiao 生成的"));
}

#[test]
fn reports_that_cannot_be_read_say_why_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "报告.doc",
            b"whatever",
            "a report in .doc format cannot be read: save it as .docx and check it again",
        ),
        (
            "加密.docx",
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            "the file is encrypted or an old .doc: remove the password, save it as .docx and check it again",
        ),
        (
            "坏.docx",
            b"PK\x03\x04garbage",
            "not a valid .docx file (the package cannot be opened)",
        ),
        (
            "乱码.txt",
            b"\xB9\xAB\xD3\xC3\xBE\xAD\xB7\xD1",
            "the text file is not UTF-8: save it as UTF-8 or as .docx",
        ),
        ("空.docx", &[], "not a valid .docx file (the package cannot be opened)"),
    ];
    for (name, bytes, says) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut report = narrative::check_report(&path, None);
        report.localize(Lang::En);
        assert_eq!(report.error_text(), says, "{name}");
        assert_eq!(
            narrative::to_text(&report, Lang::En),
            format!("{}\n  cannot check: {says}\n", path.display())
        );
    }
}

#[test]
fn an_english_run_on_a_report_and_its_workbook_says_it_all_in_english() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(seed_workbook(), dir.path().join("表.xlsx")).unwrap();
    std::fs::write(dir.path().join("报告.docx"), docx(SEED_TEXT)).unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(dir.path())
        .args(["--lang", "en", "check", "-o", "out", "报告.docx", "表.xlsx"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    let stdout = String::from_utf8(run.stdout).unwrap();
    let block = &stdout[stdout.find("报告.docx\n").expect("the report's block")..];
    assert!(block.contains("  findings in the report: 7\n"), "{stdout}");
    assert!(block.contains("  annotated copy: "), "{stdout}");
    assert!(!block.contains("报告中发现问题"), "{stdout}");
    let said = comments(&dir.path().join("out/报告.checked.docx"));
    assert_eq!(said.matches("<w:comment ").count(), 7);
    assert!(
        said.contains(">[error] R3 The report gives 财政供养人员控制率 as 100%"),
        "{said}"
    );
    assert!(!said.contains("应为"), "{said}");
}
