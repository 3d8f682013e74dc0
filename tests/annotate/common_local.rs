//! Helpers of the annotate tests: inputs and reports, and reading the outputs back.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use calamine::{Data, Reader, Xlsx};
use jixiao::annotate::{Lang, WriteOptions};
use jixiao::model::{Cell, CellPos, CellValue, Sheet, Workbook};
use jixiao::model::{Correction, FileReport, Finding, Replacement, Severity, Status};
use jixiao::read::geometry;
use rust_decimal::Decimal;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn fixtures() -> Vec<PathBuf> {
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
pub fn load(path: &Path) -> Workbook {
    let mut wb = jixiao::read::read_path(path).unwrap();
    geometry::fill_geometry(&mut wb, &std::fs::read(path).unwrap());
    wb
}

pub fn report(path: &Path, findings: Vec<Finding>) -> FileReport {
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
        not_checked: Vec::new(),
        corrections: Vec::new(),
        not_corrected: Vec::new(),
        notes: vec!["G4 是公式，按缓存值检查".into()],
    }
}

/// `report` with a correction for every error, rounding or missing finding that has a value,
/// as the pipeline decides them when they all settle: what the corrected copy writes.
pub fn corrected(wb: &Workbook, mut report: FileReport) -> FileReport {
    report.corrections = report
        .findings
        .iter()
        .filter(|f| f.severity.fails())
        .filter_map(|f| {
            let value = f.replacement.clone()?;
            let sheet = wb.sheet(&f.sheet)?;
            // A cell hidden in a merged range is never written.
            if sheet.merged_at(f.cell).is_some_and(|m| m.first != f.cell) {
                return None;
            }
            let cell = sheet.cell(f.cell);
            Some(Correction {
                sheet: f.sheet.clone(),
                cell: f.cell,
                from: f.found.clone(),
                to: f.expected.clone()?,
                formula: cell.is_some_and(|c| c.formula.is_some()),
                value,
            })
        })
        .collect();
    report
}

pub fn finding(
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
        check: "T1".into(),
        found: found.to_string(),
        expected: expected.map(str::to_string),
        message: format!("{cell} 的测试说明：应为 {}", expected.unwrap_or("人工判断")).into(),
        involves: Vec::new(),
        replacement: None,
        typo: None,
        text: None,
    }
}

pub fn severity_of(text: &str) -> Severity {
    match text {
        "error" => Severity::Error,
        "rounding" => Severity::Rounding,
        "missing" => Severity::Missing,
        _ => Severity::Warning,
    }
}

/// "79.80%" → 0.798, "3.8" → 3.8.
pub fn replacement_of(expected: &str) -> Option<Replacement> {
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

pub fn shown(wb: &Workbook, sheet: &str, cell: CellPos) -> String {
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
pub fn findings_for(path: &Path, wb: &Workbook) -> Vec<Finding> {
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
        f.check = m["what"].as_str().unwrap_or("").into();
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

pub fn opts(dir: &Path) -> WriteOptions {
    WriteOptions {
        out_dir: Some(dir.to_path_buf()),
        force: false,
        lang: Lang::Zh,
        // The writers' tests look at the marks in the corrected copy too.
        marked: true,
        ..Default::default()
    }
}

pub fn open(path: &Path) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(std::fs::read(path).unwrap())).unwrap()
}

pub fn same_data(a: &Data, b: &Data) -> bool {
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

pub fn cells(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> BTreeMap<(u32, u32), Data> {
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

pub fn formulas(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> BTreeMap<(u32, u32), String> {
    let range = book.worksheet_formula(sheet).unwrap();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    range
        .used_cells()
        .filter(|(_, _, f)| !f.is_empty())
        .map(|(r, c, f)| ((r0 + r as u32, c0 + c as u32), f.clone()))
        .collect()
}

pub fn merges(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> BTreeSet<((u32, u32), (u32, u32))> {
    book.merge_cells_by_sheet_name(sheet)
        .unwrap()
        .into_iter()
        .map(|d| (d.start, d.end))
        .collect()
}

/// Styles of the cells that have one other than the default (calamine's style range covers the
/// bounding box, so this also holds unstyled cells inside it).
pub fn styles(
    book: &mut Xlsx<Cursor<Vec<u8>>>,
    sheet: &str,
) -> HashMap<(u32, u32), calamine::Style> {
    let range = book.worksheet_style(sheet).unwrap();
    range.cells().map(|(r, c, s)| ((r, c), s.clone())).collect()
}

pub fn read_part(zip: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str) -> Option<String> {
    let mut part = zip.by_name(name).ok()?;
    let mut text = String::new();
    part.read_to_string(&mut text).ok()?;
    Some(text)
}

pub fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// Each `<Relationship>` of a rels part as (Id, Type, Target).
pub fn relationships(xml: &str) -> Vec<(String, String, String)> {
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
pub fn notes(path: &Path) -> HashMap<String, BTreeMap<CellPos, String>> {
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

pub fn rgb(c: &calamine::Color) -> u32 {
    (u32::from(c.red) << 16) | (u32::from(c.green) << 8) | u32::from(c.blue)
}

pub fn fill_rgb(style: Option<&calamine::Style>) -> Option<u32> {
    let fill = style?.fill.as_ref()?;
    if fill.pattern != calamine::FillPattern::Solid {
        return None;
    }
    fill.get_color().map(|c| rgb(&c))
}

pub const TINTS: [(Severity, u32); 4] = [
    (Severity::Error, 0xFFC7CE),
    (Severity::Rounding, 0xFCD5B4),
    (Severity::Missing, 0xBDD7EE),
    (Severity::Warning, 0xFFEB9C),
];

pub const GREEN: u32 = 0xC6EFCE;

pub fn tint(s: Severity) -> u32 {
    TINTS.iter().find(|(t, _)| *t == s).unwrap().1
}

/// Everything `input` holds is in `output` under the same sheet names: values, formulas,
/// merges, number formats, fonts, borders, alignment, unflagged fills, widths and heights.
/// `changed` cells (corrected ones) are skipped in the value and formula comparison.
pub fn assert_preserved(
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
pub fn summary_rows(output: &Path) -> (String, Vec<HashMap<String, String>>) {
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

pub fn flagged_set(findings: &[Finding]) -> BTreeSet<(String, CellPos)> {
    findings.iter().map(|f| (f.sheet.clone(), f.cell)).collect()
}

pub fn sheet_of(name: &str, cells: &[(&str, CellValue)]) -> Sheet {
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
