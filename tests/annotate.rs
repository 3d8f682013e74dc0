//! The annotated and corrected copies, through the public interface: values, formulas, merges,
//! formats and geometry survive; flagged cells carry a fill and a note; the summary sheet comes
//! first; outputs are deterministic and never replace a file jixiao did not write.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use calamine::{Data, Reader, Xlsx};
use jixiao::annotate::{self, Lang, WriteError, WriteOptions};
use jixiao::model::{Cell, CellPos, CellRange, CellValue, FileKind, Sheet, Workbook};
use jixiao::model::{FileReport, Finding, Replacement, Severity, Status};
use jixiao::read::geometry;
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------------------------
// Helpers: inputs and reports.

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    out.sort();
    assert!(!out.is_empty());
    out
}

/// Reads a workbook the way the pipeline will: calamine through `read_path`, then geometry.
fn load(path: &Path) -> Workbook {
    let mut wb = jixiao::read::read_path(path).unwrap();
    geometry::fill_geometry(&mut wb, &std::fs::read(path).unwrap());
    wb
}

fn report(path: &Path, findings: Vec<Finding>) -> FileReport {
    FileReport {
        path: path.display().to_string(),
        status: Status::Checked,
        error: None,
        error_kind: None,
        output: None,
        corrected: None,
        department: Some("衡阳市生态环境局耒阳分局".to_string()),
        year: Some(2024),
        total_score: Some("94".to_string()),
        recalculated_total_score: Some("94.50".to_string()),
        grade: Some("优".to_string()),
        findings,
        notes: vec!["G4 是公式，按缓存值检查".to_string()],
    }
}

fn finding(
    sheet: &str,
    cell: &str,
    severity: Severity,
    found: &str,
    expected: Option<&str>,
) -> Finding {
    Finding {
        sheet: sheet.to_string(),
        cell: CellPos::parse_a1(cell).unwrap(),
        severity,
        check: "T1".to_string(),
        found: found.to_string(),
        expected: expected.map(str::to_string),
        message: format!("{cell} 的测试说明：应为 {}", expected.unwrap_or("人工判断")),
        involves: Vec::new(),
        replacement: None,
    }
}

fn severity_of(text: &str) -> Severity {
    match text {
        "error" => Severity::Error,
        "rounding" => Severity::Rounding,
        "missing" => Severity::Missing,
        _ => Severity::Warning,
    }
}

/// "79.80%" → 0.798, "3.8" → 3.8.
fn replacement_of(expected: &str) -> Option<Replacement> {
    let (text, percent) = match expected.strip_suffix('%') {
        Some(t) => (t, true),
        None => (expected, false),
    };
    let d = Decimal::from_str(text).ok()?;
    Some(Replacement::Number(if percent {
        d / Decimal::from(100)
    } else {
        d
    }))
}

fn shown(wb: &Workbook, sheet: &str, cell: CellPos) -> String {
    let sheet = wb.sheet(sheet).unwrap();
    match sheet.value(cell) {
        CellValue::Empty => String::new(),
        CellValue::Number(n) => format!("{n}"),
        CellValue::Text(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

/// The fixture's `must_flag` as findings (with replacements for determined expected values), or
/// a few hand-made ones on a number, a text and a blank cell when it has none.
fn findings_for(path: &Path, wb: &Workbook) -> Vec<Finding> {
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{}.expected.json", path.display())).unwrap(),
    )
    .unwrap();
    let mut out = Vec::new();
    for m in json["must_flag"].as_array().unwrap() {
        let Some(cell) = m["cell"].as_str() else {
            continue;
        };
        let sheet = m["sheet"].as_str().unwrap();
        let pos = CellPos::parse_a1(cell).unwrap();
        let expected = m["expected"].as_str();
        let mut f = finding(
            sheet,
            cell,
            severity_of(m["severity"].as_str().unwrap()),
            &shown(wb, sheet, pos),
            expected,
        );
        f.check = m["what"].as_str().unwrap_or("").to_string();
        // Warnings are judgement calls: nothing to write in for them.
        if f.severity != Severity::Warning {
            f.replacement = expected.and_then(replacement_of);
        }
        out.push(f);
    }
    if out.is_empty() {
        let sheet = &wb.sheets[0];
        let number = sheet
            .cells
            .iter()
            .find(|(_, c)| matches!(c.value, CellValue::Number(_)))
            .map(|(p, _)| *p)
            .unwrap();
        let text = sheet
            .cells
            .iter()
            .find(|(_, c)| matches!(c.value, CellValue::Text(_)))
            .map(|(p, _)| *p)
            .unwrap();
        let name = sheet.name.clone();
        out.push(finding(
            &name,
            &number.to_string(),
            Severity::Error,
            &shown(wb, &name, number),
            Some("1.00"),
        ));
        out.push(finding(
            &name,
            &text.to_string(),
            Severity::Warning,
            &shown(wb, &name, text),
            None,
        ));
        out.push(finding(&name, "K40", Severity::Missing, "", Some("12.5")));
    }
    out
}

fn opts(dir: &Path) -> WriteOptions {
    WriteOptions {
        out_dir: Some(dir.to_path_buf()),
        force: false,
        lang: Lang::Zh,
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers: reading outputs back.

fn open(path: &Path) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(std::fs::read(path).unwrap())).unwrap()
}

fn same_data(a: &Data, b: &Data) -> bool {
    match (a, b) {
        (Data::Int(x), Data::Int(y)) => x == y,
        (Data::Int(_) | Data::Float(_), Data::Int(_) | Data::Float(_)) => {
            let f = |d: &Data| match d {
                Data::Int(i) => *i as f64,
                Data::Float(f) => *f,
                _ => unreachable!(),
            };
            f(a) == f(b)
        }
        (Data::DateTime(x), Data::DateTime(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn cells(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> BTreeMap<(u32, u32), Data> {
    let range = book.worksheet_range(sheet).unwrap();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    range
        .used_cells()
        .filter(|(_, _, d)| {
            !matches!(d, Data::Empty) && !matches!(d, Data::String(s) if s.is_empty())
        })
        .map(|(r, c, d)| ((r0 + r as u32, c0 + c as u32), d.clone()))
        .collect()
}

fn formulas(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> BTreeMap<(u32, u32), String> {
    let range = book.worksheet_formula(sheet).unwrap();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    range
        .used_cells()
        .filter(|(_, _, f)| !f.is_empty())
        .map(|(r, c, f)| ((r0 + r as u32, c0 + c as u32), f.clone()))
        .collect()
}

fn merges(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> BTreeSet<((u32, u32), (u32, u32))> {
    book.merge_cells_by_sheet_name(sheet)
        .unwrap()
        .into_iter()
        .map(|d| (d.start, d.end))
        .collect()
}

/// Styles of the cells that have one other than the default (calamine's style range covers the
/// bounding box, so this also holds unstyled cells inside it).
fn styles(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> HashMap<(u32, u32), calamine::Style> {
    let range = book.worksheet_style(sheet).unwrap();
    range.cells().map(|(r, c, s)| ((r, c), s.clone())).collect()
}

fn read_part(zip: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str) -> Option<String> {
    let mut part = zip.by_name(name).ok()?;
    let mut text = String::new();
    part.read_to_string(&mut text).ok()?;
    Some(text)
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// Each `<Relationship>` of a rels part as (Id, Type, Target).
fn relationships(xml: &str) -> Vec<(String, String, String)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Empty(e) | quick_xml::events::Event::Start(e)
                if e.local_name().as_ref() == "Relationship" =>
            {
                out.push((
                    attr(&e, "Id").unwrap(),
                    attr(&e, "Type").unwrap(),
                    attr(&e, "Target").unwrap(),
                ));
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The notes of an xlsx file: sheet name → cell → note text, read from xl/comments*.xml.
fn notes(path: &Path) -> HashMap<String, BTreeMap<CellPos, String>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(std::fs::read(path).unwrap())).unwrap();
    let workbook = read_part(&mut zip, "xl/workbook.xml").unwrap();
    let rels = relationships(&read_part(&mut zip, "xl/_rels/workbook.xml.rels").unwrap());
    let mut sheets = Vec::new();
    let mut reader = quick_xml::Reader::from_str(&workbook);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Empty(e) | quick_xml::events::Event::Start(e)
                if e.local_name().as_ref() == "sheet" =>
            {
                sheets.push((attr(&e, "name").unwrap(), attr(&e, "r:id").unwrap()));
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    let mut out = HashMap::new();
    for (name, rid) in sheets {
        let target = rels
            .iter()
            .find(|(id, _, _)| *id == rid)
            .unwrap()
            .2
            .trim_start_matches('/')
            .to_string();
        let part = if target.starts_with("xl/") {
            target
        } else {
            format!("xl/{target}")
        };
        let (dir, file) = part.rsplit_once('/').unwrap();
        let Some(sheet_rels) = read_part(&mut zip, &format!("{dir}/_rels/{file}.rels")) else {
            continue;
        };
        let Some((_, _, comments)) = relationships(&sheet_rels)
            .into_iter()
            .find(|(_, t, _)| t.ends_with("/comments"))
        else {
            continue;
        };
        let comments_part = format!(
            "xl/{}",
            comments
                .trim_start_matches("../")
                .trim_start_matches("/xl/")
        );
        let xml = read_part(&mut zip, &comments_part).unwrap();
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut current: Option<(CellPos, String)> = None;
        let mut in_text = false;
        let mut by_cell = BTreeMap::new();
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Start(e) if e.local_name().as_ref() == "comment" => {
                    current = Some((
                        CellPos::parse_a1(&attr(&e, "ref").unwrap()).unwrap(),
                        String::new(),
                    ));
                }
                quick_xml::events::Event::Start(e) if e.local_name().as_ref() == "t" => {
                    in_text = true
                }
                quick_xml::events::Event::End(e) if e.local_name().as_ref() == "t" => {
                    in_text = false
                }
                quick_xml::events::Event::Text(t) if in_text => {
                    if let Some((_, text)) = current.as_mut() {
                        text.push_str(&t);
                    }
                }
                quick_xml::events::Event::GeneralRef(r) if in_text => {
                    if let Some((_, text)) = current.as_mut() {
                        let entity: &str = &r;
                        text.push_str(match entity {
                            "lt" => "<",
                            "gt" => ">",
                            "amp" => "&",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => "?",
                        });
                    }
                }
                quick_xml::events::Event::End(e) if e.local_name().as_ref() == "comment" => {
                    if let Some((pos, text)) = current.take() {
                        by_cell.insert(pos, text);
                    }
                }
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        out.insert(name, by_cell);
    }
    out
}

fn rgb(c: &calamine::Color) -> u32 {
    (u32::from(c.red) << 16) | (u32::from(c.green) << 8) | u32::from(c.blue)
}

fn fill_rgb(style: Option<&calamine::Style>) -> Option<u32> {
    let fill = style?.fill.as_ref()?;
    if fill.pattern != calamine::FillPattern::Solid {
        return None;
    }
    fill.get_color().map(|c| rgb(&c))
}

const TINTS: [(Severity, u32); 4] = [
    (Severity::Error, 0xFFC7CE),
    (Severity::Rounding, 0xFCD5B4),
    (Severity::Missing, 0xBDD7EE),
    (Severity::Warning, 0xFFEB9C),
];
const GREEN: u32 = 0xC6EFCE;

fn tint(s: Severity) -> u32 {
    TINTS.iter().find(|(t, _)| *t == s).unwrap().1
}

/// Everything `input` holds is in `output` under the same sheet names: values, formulas,
/// merges, number formats, fonts, borders, alignment, unflagged fills, widths and heights.
/// `changed` cells (corrected ones) are skipped in the value and formula comparison.
fn assert_preserved(
    input: &Path,
    output: &Path,
    flagged: &BTreeSet<(String, CellPos)>,
    changed: &BTreeSet<(String, CellPos)>,
) {
    let mut a = open(input);
    let mut b = open(output);
    let in_names = a.sheet_names();
    let out_names = b.sheet_names();
    assert_eq!(
        &out_names[1..],
        &in_names[..],
        "input sheets follow the summary, same names and order"
    );
    let model = jixiao::read::read_path(input).unwrap();
    let geo_in = geometry::read_xlsx_geometry(&std::fs::read(input).unwrap());
    let geo_out = geometry::read_xlsx_geometry(&std::fs::read(output).unwrap());
    for name in &in_names {
        let skip = |r: u32, c: u32| changed.contains(&(name.clone(), CellPos::new(r, c)));
        let (va, vb) = (cells(&mut a, name), cells(&mut b, name));
        for (pos, value) in &va {
            if skip(pos.0, pos.1) {
                continue;
            }
            let got = vb.get(pos);
            assert!(
                got.is_some_and(|g| same_data(value, g)),
                "{name}!{}: {value:?} became {got:?}",
                CellPos::new(pos.0, pos.1)
            );
        }
        let (fa, fb) = (formulas(&mut a, name), formulas(&mut b, name));
        for (pos, f) in &fa {
            if !skip(pos.0, pos.1) {
                assert_eq!(fb.get(pos), Some(f), "{name}: formula at {pos:?}");
            }
        }
        assert_eq!(
            merges(&mut a, name),
            merges(&mut b, name),
            "{name}: merged ranges"
        );
        let (sa, sb) = (styles(&mut a, name), styles(&mut b, name));
        let styled: BTreeSet<(u32, u32)> = model
            .sheet(name)
            .unwrap()
            .cells
            .iter()
            .filter(|(_, c)| c.style != 0)
            .map(|(p, _)| (p.row, p.col))
            .collect();
        for (pos, style) in sa.iter().filter(|(p, _)| styled.contains(p)) {
            let is_flagged = flagged.contains(&(name.clone(), CellPos::new(pos.0, pos.1)));
            let out = sb
                .get(pos)
                .unwrap_or_else(|| panic!("{name}: style lost at {pos:?}"));
            let code =
                |s: &calamine::Style| s.number_format.as_ref().map(|f| f.format_code.clone());
            assert_eq!(code(out), code(style), "{name}: number format at {pos:?}");
            let font = |s: &calamine::Style| {
                s.font.as_ref().map(|f| {
                    (
                        f.name.clone(),
                        f.size,
                        f.is_bold(),
                        f.is_italic(),
                        f.underline,
                        f.strikethrough,
                        f.color.as_ref().map(rgb),
                    )
                })
            };
            assert_eq!(font(out), font(style), "{name}: font at {pos:?}");
            let borders = |s: &calamine::Style| {
                s.borders.as_ref().map(|b| {
                    [&b.left, &b.right, &b.top, &b.bottom]
                        .map(|x| (x.style, x.color.as_ref().map(rgb)))
                })
            };
            if style
                .borders
                .as_ref()
                .is_some_and(|b| b.has_visible_borders())
            {
                assert_eq!(borders(out), borders(style), "{name}: borders at {pos:?}");
            }
            let align = |s: &calamine::Style| {
                s.alignment
                    .clone()
                    .map(|a| (a.horizontal, a.vertical, a.wrap_text, a.text_rotation))
                    .unwrap_or_default()
            };
            assert_eq!(align(out), align(style), "{name}: alignment at {pos:?}");
            if !is_flagged {
                assert_eq!(
                    fill_rgb(Some(out)),
                    fill_rgb(Some(style)),
                    "{name}: fill at {pos:?}"
                );
            }
        }
        let (ga, gb) = (
            geo_in.get(name).cloned().unwrap_or_default(),
            geo_out.get(name).cloned().unwrap_or_default(),
        );
        assert_eq!(
            ga.col_widths.keys().collect::<Vec<_>>(),
            gb.col_widths.keys().collect::<Vec<_>>(),
            "{name}: widths"
        );
        for (col, w) in &ga.col_widths {
            assert!(
                (gb.col_widths[col] - w).abs() < 0.01,
                "{name}: width of column {col}: {w} became {}",
                gb.col_widths[col]
            );
        }
        assert_eq!(ga.row_heights, gb.row_heights, "{name}: row heights");
    }
}

/// Rows of the summary sheet's findings table as header → value maps.
fn summary_rows(output: &Path) -> (String, Vec<HashMap<String, String>>) {
    let mut book = open(output);
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let text = |d: Option<&Data>| match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Int(i)) => format!("{i}"),
        _ => String::new(),
    };
    let header_row = (0..range.height())
        .find(|&r| text(range.get((r, 0))) == "工作表" || text(range.get((r, 0))) == "Sheet");
    let header_row = header_row.expect("findings table header");
    let headers: Vec<String> = (0..range.width())
        .map(|c| text(range.get((header_row, c))))
        .collect();
    let mut rows = Vec::new();
    for r in header_row + 1..range.height() {
        if text(range.get((r, 1))).is_empty() {
            break;
        }
        rows.push(
            headers
                .iter()
                .enumerate()
                .map(|(c, h)| (h.clone(), text(range.get((r, c)))))
                .collect(),
        );
    }
    (name, rows)
}

fn flagged_set(findings: &[Finding]) -> BTreeSet<(String, CellPos)> {
    findings.iter().map(|f| (f.sheet.clone(), f.cell)).collect()
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[test]
fn output_paths() {
    let p = annotate::output_path(Path::new("/data/in/耒阳.xlsx"), None, "checked");
    assert_eq!(p, Path::new("/data/in/耒阳.checked.xlsx"));
    let p = annotate::output_path(
        Path::new("/data/in/a.xls"),
        Some(Path::new("/out")),
        "corrected",
    );
    assert_eq!(p, Path::new("/out/a.corrected.xlsx"));
    let p = annotate::output_path(Path::new("a.ods"), None, "checked");
    assert_eq!(p, Path::new("a.checked.xlsx"));
}

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
                assert!(note.contains(&f.message), "{note}");
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
            assert_eq!(row["说明"], f.message);
        }
    }
}

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
fn two_runs_are_byte_identical() {
    let input = fixtures_dir().join("seed-leiyang-2024-formulas.xlsx");
    let wb = load(&input);
    let rep = report(&input, findings_for(&input, &wb));
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for write in [annotate::write_annotated, annotate::write_corrected] {
        let a = write(&wb, &rep, &opts(d1.path())).unwrap();
        let b = write(&wb, &rep, &opts(d2.path())).unwrap();
        let first = std::fs::read(&a).unwrap();
        assert_eq!(first, std::fs::read(&b).unwrap());
        // Writing again over jixiao's own output is allowed and gives the same bytes.
        let again = write(&wb, &rep, &opts(d1.path())).unwrap();
        assert_eq!(std::fs::read(again).unwrap(), first);
    }
    // No temporary files are left behind.
    for dir in [&d1, &d2] {
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
        assert_eq!(names.len(), 2);
    }
}

#[test]
fn a_foreign_file_is_never_replaced_without_force() {
    let input = fixtures_dir().join("seed-leiyang-2024.xlsx");
    let wb = load(&input);
    let rep = report(&input, findings_for(&input, &wb));
    let dir = tempfile::tempdir().unwrap();
    let dest = annotate::output_path(&input, Some(dir.path()), "checked");

    // Some other file under the output's name.
    std::fs::write(&dest, b"somebody's notes").unwrap();
    let err = annotate::write_annotated(&wb, &rep, &opts(dir.path())).unwrap_err();
    assert!(matches!(err, WriteError::NotOurs { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("不是 jixiao 生成的") && text.contains("--force") && !text.contains('\n'),
        "{text}"
    );
    assert_eq!(std::fs::read(&dest).unwrap(), b"somebody's notes");

    // A real workbook that jixiao did not write is foreign too.
    std::fs::copy(&input, &dest).unwrap();
    assert!(!annotate::is_jixiao_output(&dest));
    assert!(annotate::write_annotated(&wb, &rep, &opts(dir.path())).is_err());
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        std::fs::read(&input).unwrap()
    );

    // With force it is replaced, and from then on it is jixiao's own.
    let forced = WriteOptions {
        force: true,
        ..opts(dir.path())
    };
    annotate::write_annotated(&wb, &rep, &forced).unwrap();
    assert!(annotate::is_jixiao_output(&dest));
    annotate::write_annotated(&wb, &rep, &opts(dir.path())).unwrap();

    // A jixiao output under some other name is not taken for one of ours.
    let renamed = dir.path().join("seed.xlsx");
    std::fs::copy(&dest, &renamed).unwrap();
    assert!(!annotate::is_jixiao_output(&renamed));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn the_input_is_never_the_output() {
    // Re-checking an output names the new one after it.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.checked.xlsx");
    std::fs::copy(fixtures_dir().join("seed-leiyang-2024.xlsx"), &input).unwrap();
    let wb = load(&input);
    let before = std::fs::read(&input).unwrap();
    let out =
        annotate::write_annotated(&wb, &report(&input, Vec::new()), &opts(dir.path())).unwrap();
    assert_eq!(out, dir.path().join("x.checked.checked.xlsx"));
    assert_eq!(std::fs::read(&input).unwrap(), before);

    // An output path that leads to the input (a link) is refused, even with force.
    #[cfg(unix)]
    {
        let outdir = dir.path().join("out");
        std::fs::create_dir(&outdir).unwrap();
        let link = annotate::output_path(&input, Some(&outdir), "checked");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let forced = WriteOptions {
            force: true,
            ..opts(&outdir)
        };
        let err = annotate::write_annotated(&wb, &report(&input, Vec::new()), &forced).unwrap_err();
        assert!(matches!(err, WriteError::SameAsInput { .. }), "{err:?}");
        assert_eq!(std::fs::read(&input).unwrap(), before);
    }
}

#[test]
fn an_unwritable_folder_is_reported() {
    let input = fixtures_dir().join("seed-leiyang-2024.xlsx");
    let wb = load(&input);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let err = annotate::write_annotated(&wb, &report(&input, Vec::new()), &opts(&file.join("sub")))
        .unwrap_err();
    assert!(matches!(err, WriteError::DirNotWritable { .. }), "{err:?}");
    assert!(err.to_string().starts_with("输出目录不可写"), "{err}");
}

#[test]
fn corrected_seed_has_the_replacements() {
    let input = fixtures_dir().join("seed-leiyang-2024.xlsx");
    let wb = load(&input);
    let findings = findings_for(&input, &wb);
    let dir = tempfile::tempdir().unwrap();
    let out = annotate::write_corrected(&wb, &report(&input, findings.clone()), &opts(dir.path()))
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
    let out = annotate::write_corrected(&wb, &report(&input, findings), &opts(dir.path())).unwrap();
    let mut book = open(&out);
    assert!(!formulas(&mut book, "绩效自评表").contains_key(&(g4.row, g4.col)));
    assert!(same_data(
        &cells(&mut book, "绩效自评表")[&(g4.row, g4.col)],
        &Data::Float(0.9955)
    ));
    let note = &notes(&out)["绩效自评表"][&g4];
    assert!(
        note.contains("原为公式 =TRUNC(E4/D4,4)，已改为数值"),
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

// ---------------------------------------------------------------------------------------------
// Inputs built here: richer styles, a clashing sheet name, xls/ods-like workbooks.

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

fn sheet_of(name: &str, cells: &[(&str, CellValue)]) -> Sheet {
    let mut sheet = Sheet {
        name: name.to_string(),
        ..Sheet::default()
    };
    for (a1, value) in cells {
        sheet.cells.insert(
            CellPos::parse_a1(a1).unwrap(),
            Cell {
                value: value.clone(),
                formula: None,
                style: 0,
            },
        );
    }
    sheet
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
        assert!(widths[&0] >= geometry::text_width(long), "{widths:?}");
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
fn odd_sheet_names_and_far_cells_do_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let wb = Workbook {
        path: dir.path().join("odd.ods"),
        kind: FileKind::Ods,
        sheets: vec![
            sheet_of("a/b:c", &[("A1", CellValue::Text("x".into()))]),
            sheet_of("A/B:C", &[("A1", CellValue::Text("y".into()))]),
            sheet_of(
                "一个名字超过三十一个字符的工作表名称一个名字超过三十一个字符的工作表名称",
                &[("A1", CellValue::Number(1.0))],
            ),
            sheet_of("history", &[("XFD1048576", CellValue::Number(2.0))]),
        ],
        styles: vec![calamine::Style::default()],
        package: None,
    };
    let rep = report(
        &wb.path,
        vec![finding("a/b:c", "A1", Severity::Error, "x", None)],
    );
    let out = annotate::write_annotated(&wb, &rep, &opts(dir.path())).unwrap();
    let names = open(&out).sheet_names();
    assert_eq!(names.len(), 5);
    let unique: BTreeSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(unique.len(), 5, "{names:?}");
    assert!(notes(&out)[&names[1]].contains_key(&CellPos::new(0, 0)));
}

#[test]
fn geometry_of_fixtures_and_garbage() {
    let input = fixtures_dir().join("seed-leiyang-2024-formulas.xlsx");
    let geo = geometry::read_xlsx_geometry(&std::fs::read(&input).unwrap());
    let widths = &geo["基础数据表"].col_widths;
    // <col min="4" max="5" width="16.7109375"> is 16 characters in the Excel UI.
    assert!(
        (widths[&3] - 16.0).abs() < 0.01 && (widths[&4] - 16.0).abs() < 0.01,
        "{widths:?}"
    );
    assert!((widths[&0] - 34.0).abs() < 0.01);
    // The reader fills the widths itself.
    let wb = jixiao::read::read_path(&input).unwrap();
    assert_eq!(&wb.sheets[0].col_widths, widths);

    let bytes = std::fs::read(&input).unwrap();
    for cut in [0, 10, bytes.len() / 2, bytes.len() - 10] {
        let _ = geometry::read_xlsx_geometry(&bytes[..cut]);
    }
    assert!(geometry::read_xlsx_geometry(b"not a zip").is_empty());
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
        &report(&wb.path, vec![rate, score, reason]),
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
    let out = annotate::write_corrected(&wb, &rep, &opts(dir.path())).unwrap();
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
    let again = std::process::Command::new(bin)
        .args(["check", "--no-write", "--format", "json", corrected])
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

// ---------------------------------------------------------------------------------------------
// The copy of an xlsx file is its own package, patched.

/// `bytes` with each part passed through `edit` (name, text → text) and `extra` parts added.
fn edit_package(
    bytes: &[u8],
    edit: impl Fn(&str, String) -> String,
    extra: &[(&str, &str)],
) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(edit(&name, text).as_bytes()).unwrap();
    }
    for (name, text) in extra {
        out.start_file(*name, options).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The formulas fixture's bytes.
fn formulas_fixture() -> Vec<u8> {
    std::fs::read(fixtures_dir().join("seed-leiyang-2024-formulas.xlsx")).unwrap()
}

/// An edited formulas fixture written to a temporary folder and read back, with the findings
/// the fixture's expected file lists.
struct Edited {
    dir: tempfile::TempDir,
    input: PathBuf,
    wb: Workbook,
    findings: Vec<Finding>,
}

fn edited(bytes: Vec<u8>) -> Edited {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("edited.xlsx");
    std::fs::write(&input, bytes).unwrap();
    let wb = load(&input);
    let findings = findings_for(&fixtures_dir().join("seed-leiyang-2024-formulas.xlsx"), &wb);
    Edited {
        dir,
        input,
        wb,
        findings,
    }
}

/// Every part of an xlsx file, inflated.
fn parts(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(std::fs::read(path).unwrap())).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

/// Fails unless every XML part is well formed and every sheet's rows and cells are in order.
fn assert_well_formed(path: &Path) {
    for (name, data) in parts(path) {
        if !(name.ends_with(".xml") || name.ends_with(".rels") || name.ends_with(".vml")) {
            continue;
        }
        let text = String::from_utf8(data).unwrap();
        let mut reader = quick_xml::Reader::from_str(&text);
        let (mut last_row, mut last_col) = (0u32, None::<u32>);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                    match e.local_name().as_ref() {
                        "row" if name.contains("worksheets/") => {
                            let r: u32 = attr(&e, "r").unwrap().parse().unwrap();
                            assert!(r > last_row, "{name}: row {r} after {last_row}");
                            (last_row, last_col) = (r, None);
                        }
                        "c" if name.contains("worksheets/") => {
                            let pos = CellPos::parse_a1(&attr(&e, "r").unwrap()).unwrap();
                            assert_eq!(pos.row + 1, last_row, "{name}: {pos} in its row");
                            assert!(
                                last_col.is_none_or(|c| pos.col > c),
                                "{name}: {pos} in order"
                            );
                            last_col = Some(pos.col);
                        }
                        _ => {}
                    }
                }
                Ok(quick_xml::events::Event::Eof) => break,
                Err(e) => panic!("{name} is not well formed: {e}"),
                _ => {}
            }
        }
    }
}

/// The formulas fixture with what the rebuild used to lose: data validation, a print area on
/// the second sheet, the first sheet selected, and a part jixiao knows nothing about.
fn rich_package() -> Vec<u8> {
    edit_package(
        &formulas_fixture(),
        |name, xml| {
            match name {
            "xl/worksheets/sheet1.xml" => xml.replace(
                "</mergeCells>",
                r#"</mergeCells><dataValidations count="1"><dataValidation type="whole" sqref="B3"><formula1>0</formula1></dataValidation></dataValidations>"#,
            ),
            "xl/workbook.xml" => xml.replace(
                "</sheets>",
                r#"</sheets><definedNames><definedName name="_xlnm.Print_Area" localSheetId="1">'绩效自评表'!$A$1:$I$20</definedName></definedNames>"#,
            ),
            _ => xml,
        }
        },
        &[("customXml/item1.xml", "<note>kept as it is</note>")],
    )
}

#[test]
fn a_patched_copy_keeps_every_part_it_does_not_change() {
    let Edited {
        dir,
        input,
        wb,
        findings,
    } = edited(rich_package());
    let flagged = flagged_set(&findings);
    let out_dir = dir.path().join("out");
    let out = annotate::write_annotated(&wb, &report(&input, findings), &opts(&out_dir)).unwrap();

    assert_well_formed(&out);
    assert_preserved(&input, &out, &flagged, &BTreeSet::new());
    let before = parts(&input);
    let after = parts(&out);
    let rewritten = [
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
    ];
    for (name, data) in &before {
        if !rewritten.contains(&name.as_str()) {
            assert_eq!(after.get(name), Some(data), "{name} is copied as it is");
        }
    }
    let text = |name: &str| String::from_utf8(after[name].clone()).unwrap();
    assert!(
        text("xl/worksheets/sheet1.xml").contains(r#"<dataValidation type="whole" sqref="B3">"#)
    );
    let workbook = text("xl/workbook.xml");
    let summary = workbook.find("name=\"校验结果\"").unwrap();
    assert!(summary < workbook.find("name=\"基础数据表\"").unwrap());
    assert!(
        workbook.contains(r#"name="_xlnm.Print_Area" localSheetId="2""#),
        "{workbook}"
    );
    assert!(!text("xl/worksheets/sheet1.xml").contains("tabSelected"));
    assert!(annotate::is_jixiao_output(&out));
    assert_eq!(notes(&out)["基础数据表"].len(), 3);
}

#[test]
fn a_fix_over_a_shared_formula_rebuilds_the_corrected_copy() {
    let bytes = formulas_fixture();
    let shared = edit_package(
        &bytes,
        |name, xml| {
            if name == "xl/worksheets/sheet2.xml" {
                xml.replace(
                    "<f>TRUNC(E4/D4,4)</f>",
                    r#"<f t="shared" ref="G4:G4" si="0">TRUNC(E4/D4,4)</f>"#,
                )
            } else {
                xml
            }
        },
        &[],
    );
    assert_ne!(shared, bytes);
    let Edited {
        dir,
        input,
        wb,
        findings,
    } = edited(shared);
    let rep = report(&input, findings);
    let out_dir = dir.path().join("out");
    // The annotated copy only restyles G4: patched, shared formula kept.
    let checked = annotate::write_annotated(&wb, &rep, &opts(&out_dir)).unwrap();
    assert!(parts(&checked).contains_key("xl/worksheets/jixiao-summary.xml"));
    assert!(
        String::from_utf8(parts(&checked)["xl/worksheets/sheet2.xml"].clone())
            .unwrap()
            .contains(r#"t="shared" ref="G4:G4""#)
    );
    // The corrected copy would orphan the formula: rebuilt, with G4 a value.
    let corrected = annotate::write_corrected(&wb, &rep, &opts(&out_dir)).unwrap();
    assert!(!parts(&corrected).contains_key("xl/worksheets/jixiao-summary.xml"));
    assert_well_formed(&corrected);
    let g4 = CellPos::parse_a1("G4").unwrap();
    let mut book = open(&corrected);
    assert!(same_data(
        &cells(&mut book, "绩效自评表")[&(g4.row, g4.col)],
        &Data::Float(0.9955)
    ));
    assert!(notes(&corrected)["绩效自评表"].contains_key(&g4));
}

/// The formulas fixture with notes of its own on its first sheet: on A1, and on D3, which the
/// checker flags. `vml` is that sheet's drawing.
fn noted_package(vml: &str) -> Vec<u8> {
    edit_package(
        &formulas_fixture(),
        |name, xml| {
            match name {
            "xl/worksheets/sheet1.xml" => xml.replace(
                "</worksheet>",
                r#"<legacyDrawing r:id="rIdN1"/></worksheet>"#,
            ),
            "[Content_Types].xml" => xml.replace(
                "</Types>",
                r#"<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/><Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/></Types>"#,
            ),
            _ => xml,
        }
        },
        &[
            (
                "xl/worksheets/_rels/sheet1.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdN1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/><Relationship Id="rIdN2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments1.xml"/></Relationships>"#,
            ),
            (
                "xl/comments1.xml",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>科员</author></authors><commentList><comment ref="A1" authorId="0"><text><t>已核对</t></text></comment><comment ref="D3" authorId="0"><text><r><t>编制数待确认</t></r></text></comment></commentList></comments>"#,
            ),
            ("xl/drawings/vmlDrawing1.vml", vml),
        ],
    )
}

const EXCEL_VML: &str = r##"<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype><v:shape id="_x0000_s1025" type="#_x0000_t202" style="visibility:hidden"><x:ClientData ObjectType="Note"><x:Row>0</x:Row><x:Column>0</x:Column></x:ClientData></v:shape><v:shape id="_x0000_s1026" type="#_x0000_t202" style="visibility:hidden"><x:ClientData ObjectType="Note"><x:Row>2</x:Row><x:Column>3</x:Column></x:ClientData></v:shape></xml>"##;

#[test]
fn notes_of_a_flagged_sheet_are_kept_beside_jixiaos() {
    let Edited {
        dir,
        input,
        wb,
        findings,
    } = edited(noted_package(EXCEL_VML));
    let flagged = flagged_set(&findings);
    let out = annotate::write_annotated(&wb, &report(&input, findings), &opts(dir.path())).unwrap();
    assert!(parts(&out).contains_key("xl/worksheets/jixiao-summary.xml"));
    assert_well_formed(&out);
    assert_preserved(&input, &out, &flagged, &BTreeSet::new());

    let notes = &notes(&out)["基础数据表"];
    let at = |a1: &str| notes[&CellPos::parse_a1(a1).unwrap()].clone();
    assert_eq!(at("A1"), "已核对");
    // D3 keeps its note, and jixiao's follows it.
    assert!(
        at("D3").starts_with("编制数待确认\n\n【错误】"),
        "{}",
        at("D3")
    );
    assert!(at("C6").starts_with("【缺失】"), "{}", at("C6"));
    assert_eq!(notes.len(), 4);
    let text = |name: &str| String::from_utf8(parts(&out)[name].clone()).unwrap();
    let comments = text("xl/comments1.xml");
    assert!(comments.contains("<authors><author>科员</author><author>jixiao</author></authors>"));
    assert!(
        comments.contains(r#"<comment ref="C6" authorId="1">"#),
        "{comments}"
    );
    // The drawing gets shapes for the two new notes only, in a block of ids of their own.
    let vml = text("xl/drawings/vmlDrawing1.vml");
    assert!(vml.contains(r#"data="1,2""#), "{vml}");
    assert_eq!(vml.matches("<v:shape ").count(), 4, "{vml}");
    assert!(
        vml.contains("_x0000_s2049") && vml.contains("_x0000_s2050"),
        "{vml}"
    );
    assert!(!text("xl/worksheets/sheet1.xml").contains("rIdJixiao"));
}

#[test]
fn notes_in_a_drawing_jixiao_cannot_extend_are_rebuilt_and_still_marked() {
    let Edited {
        dir,
        input,
        wb,
        findings,
    } = edited(noted_package("<xml/>"));
    let flagged = flagged_set(&findings);
    let out = annotate::write_annotated(&wb, &report(&input, findings), &opts(dir.path())).unwrap();
    assert!(!parts(&out).contains_key("xl/worksheets/jixiao-summary.xml"));
    assert_well_formed(&out);
    assert_preserved(&input, &out, &flagged, &BTreeSet::new());
    assert_eq!(notes(&out)["基础数据表"].len(), 3);
}

#[test]
fn the_corrected_copy_is_recalculated_on_opening() {
    let without = edit_package(
        &formulas_fixture(),
        |name, xml| {
            if name == "xl/workbook.xml" {
                xml.replace(r#"<calcPr calcId="124519" fullCalcOnLoad="1"/>"#, "")
            } else {
                xml
            }
        },
        &[],
    );
    let Edited {
        dir,
        input,
        wb,
        findings,
    } = edited(without);
    let rep = report(&input, findings);
    let workbook = |path: &Path| String::from_utf8(parts(path)["xl/workbook.xml"].clone()).unwrap();
    let checked = annotate::write_annotated(&wb, &rep, &opts(dir.path())).unwrap();
    assert!(!workbook(&checked).contains("calcPr"));
    let corrected = annotate::write_corrected(&wb, &rep, &opts(dir.path())).unwrap();
    let xml = workbook(&corrected);
    assert!(
        xml.contains(r#"</definedNames><calcPr fullCalcOnLoad="1"/></workbook>"#),
        "{xml}"
    );
    assert_well_formed(&corrected);
}

/// Writes both copies of the formulas fixture edited by `edit`, checks they are well formed,
/// keep every cell and carry jixiao's notes, and returns whether they were patched (not rebuilt).
fn both_copies_of(edit: impl Fn(&str, String) -> String) -> [bool; 2] {
    let Edited {
        dir,
        input,
        wb,
        findings,
    } = edited(edit_package(&formulas_fixture(), edit, &[]));
    let flagged = flagged_set(&findings);
    let rep = report(&input, findings);
    let checked = annotate::write_annotated(&wb, &rep, &opts(dir.path())).unwrap();
    let corrected = annotate::write_corrected(&wb, &rep, &opts(dir.path())).unwrap();
    for out in [&checked, &corrected] {
        assert_well_formed(out);
        assert_eq!(notes(out)["基础数据表"].len(), 3);
    }
    assert_preserved(&input, &checked, &flagged, &BTreeSet::new());
    [checked, corrected].map(|out| parts(&out).contains_key("xl/worksheets/jixiao-summary.xml"))
}

#[test]
fn parts_that_start_with_a_byte_order_mark_are_patched_whole() {
    for part in [
        "xl/worksheets/sheet1.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "[Content_Types].xml",
    ] {
        let patched = both_copies_of(|name, xml| {
            if name == part {
                format!("\u{FEFF}{xml}")
            } else {
                xml
            }
        });
        assert_eq!(patched, [true, true], "{part}");
    }
}

#[test]
fn rows_out_of_order_are_rebuilt_not_patched() {
    // Row 6 (flagged C6, D6) moved before row 5.
    let patched = both_copies_of(|name, xml| {
        if name != "xl/worksheets/sheet1.xml" {
            return xml;
        }
        let row = |r: u32| {
            let start = xml.find(&format!("<row r=\"{r}\"")).unwrap();
            let end = start + xml[start..].find("</row>").unwrap() + "</row>".len();
            (start, end)
        };
        let ((s5, e5), (s6, e6)) = (row(5), row(6));
        assert_eq!(e5, s6);
        format!(
            "{}{}{}{}",
            &xml[..s5],
            &xml[s6..e6],
            &xml[s5..e5],
            &xml[e6..]
        )
    });
    assert_eq!(patched, [false, false]);
}
