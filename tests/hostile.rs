//! Every file gets an answer: broken, encrypted, foreign and hostile workbooks (issue 4).
//!
//! Each input is built here, at test time, and run through the `jixiao` binary under a 1 GiB
//! address-space limit (`ulimit -v`) and a generous timeout. A file that cannot be checked must
//! get one line of Chinese saying why, exit status 2, `status: failed` in the JSON report, no
//! output file, and its bytes left as they were; the hostile files that are still workbooks must
//! be checked exactly as their honest twins are. Runs use `--no-write` where a file is expected to
//! be checked, while the annotated-workbook writer is a stub.

mod common;
#[path = "common/hostile.rs"]
mod kit;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xls};
use kit::*;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    common::fixture(name)
}

struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("in")).unwrap();
        fs::create_dir(dir.path().join("out")).unwrap();
        Scratch { dir }
    }

    fn input(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join("in").join(name);
        fs::write(&p, bytes).unwrap();
        p
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// `jixiao check FILES… --format json -o out [--no-write]`, limited.
    fn check(&self, files: &[&Path], write: bool) -> Outcome {
        let out = self.out();
        let mut args: Vec<&OsStr> = vec!["check".as_ref()];
        args.extend(files.iter().map(|p| p.as_os_str()));
        args.extend([
            "--format".as_ref(),
            "json".as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
        ]);
        if !write {
            args.push("--no-write".as_ref());
        }
        run_limited(&args, &self.dir.path().join("logs"))
    }

    /// Names of the files in `in/` and `out/`.
    fn listing(&self) -> (Vec<String>, Vec<String>) {
        let names = |d: &Path| {
            let mut v: Vec<String> = fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        (names(&self.dir.path().join("in")), names(&self.out()))
    }
}

/// The file is refused: exit 2, `failed`, one line containing `phrase`, nothing written, input
/// unchanged, no panic. The run asks for the annotated copy: reading fails before any writing.
fn assert_refused(name: &str, bytes: &[u8], phrase: &str) -> String {
    let s = Scratch::new();
    let input = s.input(name, bytes);
    let run = s.check(&[&input], true);
    let files = run.files();
    assert_eq!(files.len(), 1, "{name}: {}", run.stdout);
    let f = &files[0];
    let error = f["error"].as_str().unwrap_or_default().to_string();
    assert_eq!(f["status"], "failed", "{name}: {f}");
    assert_eq!(
        run.code,
        Some(2),
        "{name}: exit status; stderr {}",
        run.stderr
    );
    assert!(
        !error.is_empty() && !error.contains('\n') && !error.contains('\r'),
        "{name}: not one line: {error:?}"
    );
    assert!(error.contains(phrase), "{name}: {error:?} lacks {phrase:?}");
    assert!(
        error
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{name}: not Chinese: {error:?}"
    );
    assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
    assert_eq!(f["output"], Value::Null, "{name}: {f}");
    assert_eq!(fs::read(&input).unwrap(), bytes, "{name}: input changed");
    assert_eq!(s.listing(), (vec![name.to_string()], vec![]), "{name}");
    error
}

/// Findings as (sheet, cell, check, severity, found, expected).
fn findings(f: &Value) -> Vec<String> {
    f["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings in {f}"))
        .iter()
        .map(|x| {
            format!(
                "{} {} {} {} {} {}",
                x["sheet"], x["cell"], x["check"], x["severity"], x["found"], x["expected"]
            )
        })
        .collect()
}

/// The file is checked (with `--no-write`), with the same findings, total and grade as `twin`.
fn assert_checked_like(name: &str, bytes: &[u8], twin_name: &str, twin: &[u8]) -> Value {
    let s = Scratch::new();
    let input = s.input(name, bytes);
    let twin_path = s.input(twin_name, twin);
    let run = s.check(&[&input, &twin_path], false);
    let files = run.files();
    assert_eq!(files.len(), 2, "{}", run.stdout);
    let (got, want) = (&files[0], &files[1]);
    assert_eq!(want["status"], "checked", "{twin_name}: {want}");
    assert_eq!(got["status"], "checked", "{name}: {got}");
    assert_eq!(findings(got), findings(want), "{name} vs {twin_name}");
    for key in ["total_score", "grade", "recalculated_total_score"] {
        assert_eq!(got[key], want[key], "{name}: {key}");
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(fs::read(&input).unwrap(), bytes, "{name}: input changed");
    assert!(s.listing().1.is_empty(), "output written with --no-write");
    got.clone()
}

fn seed_xlsx() -> Vec<u8> {
    fs::read(fixture("seed-leiyang-2024.xlsx")).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Not workbooks

#[test]
fn empty_file() {
    assert_refused("空.xlsx", b"", "0 字节");
}

#[test]
fn text_file_named_xlsx() {
    assert_refused(
        "说明.xlsx",
        "这是一段说明文字，不是表格。\n".as_bytes(),
        "纯文本文件",
    );
}

#[test]
fn word_document_named_xlsx() {
    let docx = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", b"<w:document/>"),
    ]);
    assert_refused("自评报告.xlsx", &docx, "Word 文档");
    // An old binary .doc named .xls.
    let doc = cfb(&[("WordDocument", &[0u8; 600]), ("1Table", &[0u8; 100])]);
    assert_refused("自评报告.xls", &doc, "Word 文档");
}

#[test]
fn truncated_and_corrupt_zip() {
    let seed = seed_xlsx();
    assert_refused("半截.xlsx", &seed[..seed.len() / 2], "损坏或不完整");
    assert_refused("开头.xlsx", &seed[..100], "损坏或不完整");
    // Flip bytes inside the first entry's compressed data.
    let mut bad = seed.clone();
    for b in &mut bad[200..260] {
        *b ^= 0x5A;
    }
    assert_refused("坏块.xlsx", &bad, "损坏");
}

// ---------------------------------------------------------------------------------------------
// Password protection

#[test]
fn password_protected_xlsx() {
    let f = cfb(&[
        ("EncryptionInfo", &[4, 0, 4, 0, 0x40, 0, 0, 0]),
        ("EncryptedPackage", &[0x5Au8; 5000]),
    ]);
    let msg = assert_refused("加密.xlsx", &f, "密码保护");
    assert!(msg.contains("取消密码后重试"), "{msg}");
}

#[test]
fn password_protected_xls() {
    let real = fs::read(fixture("sniff/password-secret.xls")).unwrap();
    assert_refused("加密.xls", &real, "密码保护");
    let stream = biff_book(&[rec(FILEPASS.0, FILEPASS.1)], &[]);
    assert_refused("加密2.xls", &cfb(&[("Workbook", &stream)]), "密码保护");
}

#[test]
fn password_protected_ods() {
    let ods = fs::read(fixture("seed-leiyang-2024.ods")).unwrap();
    let locked = repack(
        &ods,
        |name, text| {
            if name == "META-INF/manifest.xml" {
                let entry = r#"manifest:full-path="content.xml" manifest:media-type="text/xml"/>"#;
                assert!(text.contains(entry));
                text.replacen(
                    entry,
                    r#"manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry>"#,
                    1,
                )
            } else {
                text
            }
        },
        &[],
    );
    assert_refused("加密.ods", &locked, "密码保护");
}

// ---------------------------------------------------------------------------------------------
// A workbook, but not the form

#[test]
fn workbook_without_the_two_tables() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "2024 年度工作总结").unwrap();
    ws.write_number(1, 1, 12.5).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let msg = assert_refused("总结.xlsx", &bytes, "未找到基础数据表");
    assert!(msg.contains("三级指标"), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// Zip bombs

fn bomb_parts() -> Vec<(String, Vec<u8>)> {
    xlsx_parts(&[("绩效自评表".into(), "worksheets/sheet1.xml".into())])
}

#[test]
fn zip_bomb_sheet_of_two_gibibytes() {
    let parts = bomb_parts();
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let bomb = zeros_zip(&refs, "xl/worksheets/sheet1.xml", 2 << 30);
    assert!(bomb.len() < 4 << 20, "bomb is {} bytes on disk", bomb.len());
    let msg = assert_refused("炸弹.xlsx", &bomb, "疑似压缩炸弹");
    assert!(msg.contains("128 MiB"), "{msg}");
}

#[test]
fn zip_bomb_with_lying_sizes() {
    // 600 MiB of zeros that the headers say are 100 bytes: caught while inflating.
    let parts = bomb_parts();
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let mut bomb = zeros_zip(&refs, "xl/worksheets/sheet1.xml", 600 << 20);
    lie_about_size(&mut bomb, "xl/worksheets/sheet1.xml", 100);
    let s = Scratch::new();
    let input = s.input("炸弹2.xlsx", &bomb);
    let run = s.check(&[&input], true);
    let f = &run.files()[0];
    let error = f["error"].as_str().unwrap_or_default();
    assert_eq!(run.code, Some(2));
    assert!(
        error.contains("疑似压缩炸弹") || error.contains("损坏"),
        "{error}"
    );
    assert!(s.listing().1.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Lying counts, dimensions and indices, far cells: checked as the honest file is

/// The seed with a stray value at XFD1048576, a lying `<dimension>`, shared strings with absurd
/// counts, and a shared formula whose `si` would make calamine allocate terabytes.
fn hostile_seed_xlsx() -> Vec<u8> {
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

// ---------------------------------------------------------------------------------------------
// Budgets of the reading stage

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

// ---------------------------------------------------------------------------------------------
// Opened by content, whatever the name

#[test]
fn files_are_opened_by_content() {
    let seed = seed_xlsx();
    for name in ["自评表.et", "自评表.xls", "自评表.xlsm"] {
        assert_checked_like(name, &seed, "原表.xlsx", &seed);
    }
    let xls = fs::read(fixture("seed-leiyang-2024.xls")).unwrap();
    let ods = fs::read(fixture("seed-leiyang-2024.ods")).unwrap();
    assert_checked_like("旧格式.xlsx", &xls, "原表.xls", &xls);
    assert_checked_like("开放格式.xlsx", &ods, "原表.ods", &ods);
}

// ---------------------------------------------------------------------------------------------
// A batch: the good file is checked, every bad one gets its own error

#[test]
fn one_bad_file_does_not_spoil_the_batch() {
    let s = Scratch::new();
    let good = s.input("a-原表.xlsx", &seed_xlsx());
    let bad: Vec<(PathBuf, &str)> = vec![
        (s.input("b-空.xlsx", b""), "0 字节"),
        (s.input("c-文本.xlsx", "备注".as_bytes()), "纯文本文件"),
        (
            s.input("d-加密.xlsx", &cfb(&[("EncryptedPackage", &[1u8; 5000])])),
            "密码保护",
        ),
        (s.input("e-半截.xlsx", &seed_xlsx()[..3000]), "损坏"),
        (
            s.input(
                "f-坏记录.xls",
                &cfb(&[(
                    "Workbook",
                    &biff_book(&[], &[("表".into(), vec![rec(0x00E5, &[5, 0])])]),
                )]),
            ),
            "无法解析",
        ),
    ];
    let far = s.input("g-远处.xlsx", &hostile_seed_xlsx());
    let mut paths: Vec<&Path> = vec![&good];
    paths.extend(bad.iter().map(|(p, _)| p.as_path()));
    paths.push(&far);
    let run = s.check(&paths, false);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let files = run.files();
    assert_eq!(files.len(), paths.len());
    for f in [&files[0], &files[paths.len() - 1]] {
        assert_eq!(f["status"], "checked", "{f}");
        assert_eq!(findings(f).len(), 9);
    }
    for ((path, phrase), f) in bad.iter().zip(&files[1..]) {
        assert_eq!(f["path"], path.display().to_string());
        assert_eq!(f["status"], "failed", "{f}");
        let e = f["error"].as_str().unwrap();
        assert!(
            e.contains(phrase) && !e.contains('\n'),
            "{}: {e}",
            path.display()
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(s.listing().1.is_empty());
}
