//! Layouts, checks and blanks as data (issue 6), through the binary and the library's public API:
//! the blanks `jixiao template` writes (and the committed ones are fresh), filled with the
//! corrected seed's figures; a check added by a template file only; malformed template files;
//! and a workbook of each layout family, built here with rust_xlsxwriter.
//!
//! Every run passes `--no-write`: these tests are about reading and checking, not the annotated copy.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use jixiao::locate::{self, Layout};
use jixiao::model::{CellPos, CellValue, Workbook};
use jixiao::template::Template;
use rust_xlsxwriter as xw;
use serde_json::Value;

use common::builder::{BASIC, SCORE};
use common::seed::V;
use common::{compare, value_text, Expectations, FileResult, Report, Run};

const FAMILIES: [&str; 3] = ["hunan-2024", "hunan-2018", "hunan-2024-extended"];
const DEPT: &str = "衡阳市生态环境局耒阳分局";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corrected_seed() -> PathBuf {
    common::fixture("seed-leiyang-2024-corrected.xlsx")
}

fn jixiao(args: &[&OsStr], dir: &Path) -> Run {
    common::run_jixiao(args, &dir.join("logs"))
}

/// `jixiao check FILE --no-write --format json [--template T]`: the file's result and the exit status.
fn check(path: &Path, template: Option<&Path>, dir: &Path) -> (FileResult, Option<i32>) {
    let mut args: Vec<&OsStr> = vec![
        "check".as_ref(),
        path.as_os_str(),
        "--no-write".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    if let Some(t) = template {
        args.extend(["--template".as_ref(), t.as_os_str()]);
    }
    let run = jixiao(&args, dir);
    let report: Report = run.report().unwrap_or_else(|e| panic!("{e}"));
    let [file] = report.files.as_slice() else {
        panic!("one file in the report: {}", run.stdout)
    };
    assert_eq!(
        file.status,
        "checked",
        "{}: {:?}",
        path.display(),
        file.error
    );
    (file.clone(), run.code)
}

fn findings_list(file: &FileResult) -> String {
    file.findings.iter().map(|f| format!("\n    {f}")).collect()
}

fn assert_clean(path: &Path, file: &FileResult, code: Option<i32>) {
    assert!(
        file.findings.is_empty(),
        "{}: want no findings, got{}",
        path.display(),
        findings_list(file)
    );
    assert_eq!(code, Some(0), "{}", path.display());
}

/// The family the checker chooses for a workbook file.
fn family_of(path: &Path) -> String {
    let wb = jixiao::read::read_path(path).expect("workbook reads");
    let templates = Template::built_in();
    locate::choose(&wb, &templates)
        .map(|(t, _)| t.family.clone())
        .expect("a template fits")
}

// ---------------------------------------------------------------------------------------------
// Blanks: written by the binary, committed copies fresh

/// `jixiao template --family F --year Y --dept DEPT -o DIR/F-blank.xlsx`.
fn write_blank(family: &str, year: u32, dir: &Path) -> PathBuf {
    let out = dir.join(format!("{family}-blank.xlsx"));
    let year = year.to_string();
    let args: [&OsStr; 9] = [
        "template".as_ref(),
        "--family".as_ref(),
        family.as_ref(),
        "--year".as_ref(),
        year.as_ref(),
        "--dept".as_ref(),
        DEPT.as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ];
    let run = jixiao(&args, dir);
    assert_eq!(run.code, Some(0), "jixiao template: {}", run.stderr);
    out
}

#[test]
fn committed_blanks_are_what_jixiao_template_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    for family in FAMILIES {
        let committed = root()
            .join("workbook-templates/blank")
            .join(format!("{family}.xlsx"));
        let fresh = dir.path().join(format!("{family}.xlsx"));
        let args: [&OsStr; 5] = [
            "template".as_ref(),
            "--family".as_ref(),
            family.as_ref(),
            "-o".as_ref(),
            fresh.as_os_str(),
        ];
        let run = jixiao(&args, dir.path());
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let regenerate = format!(
            "regenerate with: cargo run --release -- template --family {family} -o {} --force",
            committed
                .strip_prefix(root())
                .unwrap_or(&committed)
                .display()
        );
        assert!(
            committed.exists(),
            "{} is missing; {regenerate}",
            committed.display()
        );
        if fs::read(&committed).ok() != fs::read(&fresh).ok() {
            let (_, old) = common::read_cells(&committed);
            let (_, new) = common::read_cells(&fresh);
            let keys: std::collections::BTreeSet<_> = old.keys().chain(new.keys()).collect();
            let changed: Vec<String> = keys
                .into_iter()
                .filter(|k| old.get(*k) != new.get(*k))
                .take(8)
                .map(|(s, r, c)| {
                    format!(
                        "{s}!{}: {:?} → {:?}",
                        common::a1(*r, *c),
                        old.get(&(s.clone(), *r, *c)),
                        new.get(&(s.clone(), *r, *c))
                    )
                })
                .collect();
            panic!(
                "{} is stale (cells that differ: {:?}; otherwise styles or layout); {regenerate}",
                committed.display(),
                changed
            );
        }
    }
}

#[test]
fn the_blank_is_deterministic_and_puts_year_and_department_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = write_blank("hunan-2024", 2025, dir.path());
    let bytes = fs::read(&a).expect("blank");
    fs::remove_file(&a).expect("remove");
    let b = write_blank("hunan-2024", 2025, dir.path());
    assert_eq!(
        bytes,
        fs::read(&b).expect("blank"),
        "same arguments, same bytes"
    );

    let (names, cells) = common::read_cells(&b);
    assert_eq!(names, ["基础数据表", "绩效自评表"]);
    let text = |sheet: &str, a1: &str| {
        let (r, c) = common::parse_a1(a1);
        cells
            .get(&(sheet.to_string(), r, c))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        text("基础数据表", "A1"),
        format!("{DEPT}2025年部门整体支出绩效评价基础数据表")
    );
    assert_eq!(text("基础数据表", "C2"), "2025年实际在职人数");
    assert_eq!(text("基础数据表", "B4"), "2024年决算数");
    assert_eq!(text("基础数据表", "D4"), "2025年决算数");
    assert_eq!(
        text("绩效自评表", "A1"),
        format!("{DEPT}2025年部门整体支出绩效自评表")
    );
    assert_eq!(text("绩效自评表", "C2"), DEPT);
    assert_eq!(text("绩效自评表", "F4"), "10", "default 分值 of 预算执行率");

    // 一级/二级指标 merged down their groups; formats by kind.
    let merges = common::read_merges(&b);
    let score_merges = &merges["绩效自评表"];
    assert!(score_merges.contains("B13:B25"), "{score_merges:?}");
    assert!(score_merges.contains("C13:C20"), "{score_merges:?}");
    let basic = common::read_formats(&b, "基础数据表");
    assert_eq!(
        basic.get(&(2, 3)).map(String::as_str),
        Some("0.00%"),
        "控制率"
    );
    assert_eq!(
        basic.get(&(4, 3)).map(String::as_str),
        Some("0.00"),
        "三公经费"
    );
    let score = common::read_formats(&b, "绩效自评表");
    assert_eq!(
        score.get(&(3, 6)).map(String::as_str),
        Some("0.00%"),
        "执行率"
    );
    assert_eq!(score.get(&(3, 7)).map(String::as_str), Some("0.00"), "得分");
}

// ---------------------------------------------------------------------------------------------
// Filling a blank with the corrected seed's figures

fn set(wb: &mut Workbook, sheet: usize, pos: CellPos, value: CellValue) {
    let cell = wb.sheets[sheet].cells.entry(pos).or_default();
    cell.value = value;
    cell.formula = None;
}

fn value_at(wb: &Workbook, sheet: usize, pos: CellPos) -> CellValue {
    wb.sheets[sheet].value(pos).clone()
}

fn number(v: &CellValue) -> f64 {
    match v {
        CellValue::Number(n) => *n,
        other => panic!("not a number: {other:?}"),
    }
}

/// Text of a cell, or of the merged range it lies in.
fn shown_text(wb: &Workbook, sheet: usize, pos: CellPos) -> String {
    let s = &wb.sheets[sheet];
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
        if key.starts_with("ind") || key.starts_with("total.") {
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
    let last_row = wb.sheets[si].cells.keys().map(|p| p.row).max().unwrap_or(0);
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
fn indicator_columns(wb: &Workbook, layout: &Layout, template: &Template) -> ([u32; 8], usize) {
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
        let sheet = if field.sheet == 0 {
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

// ---------------------------------------------------------------------------------------------
// A check added by a template file only

#[test]
fn a_check_added_in_a_template_file_fires() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text =
        fs::read_to_string(root().join("workbook-templates/hunan-2024.toml")).expect("template");
    text.push_str(
        r#"
[[checks]]
id = "Z1"
name = "政府采购金额不超过公用经费"
rule = "政府采购金额 ≤ 公用经费"
severity = "warning"
"#,
    );
    let custom = dir.path().join("bureau.toml");
    fs::write(&custom, text).expect("write template");

    // The corrected seed is clean with the built-in checks…
    let seed = corrected_seed();
    let (file, code) = check(&seed, None, dir.path());
    assert_clean(&seed, &file, code);
    // …and with the bureau's check (written with labels, as the form prints them), 政府采购金额
    // 500 > 公用经费 224.96 in the 2023 column.
    let (file, code) = check(&seed, Some(&custom), dir.path());
    let [f] = file.findings.as_slice() else {
        panic!("want the one Z1 finding, got{}", findings_list(&file));
    };
    assert_eq!(
        (
            f.check.as_str(),
            f.sheet.as_str(),
            f.cell.as_str(),
            f.severity.as_str()
        ),
        ("Z1", "基础数据表", "B19", "warning"),
        "{f}"
    );
    assert!(f.message.contains("政府采购金额不超过公用经费"), "{f}");
    assert_eq!(code, Some(0), "a warning does not fail the run");

    // `jixiao rules --template` lists it, in words.
    let args: [&OsStr; 3] = ["rules".as_ref(), "--template".as_ref(), custom.as_os_str()];
    let run = jixiao(&args, dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Z1"))
        .unwrap_or_else(|| panic!("no Z1 in\n{}", run.stdout));
    assert!(line.contains("政府采购金额 ≤ 公用经费"), "{line}");
    assert!(line.contains("提示"), "{line}");
}

/// The rows `jixiao rules` prints for a rule: the one that starts with its id and those under
/// it with no id of their own.
fn rule_rows<'a>(table: &'a str, id: &str) -> Vec<&'a str> {
    let mut lines = table
        .lines()
        .skip_while(|l| l.split_whitespace().next() != Some(id));
    let Some(first) = lines.next() else {
        return Vec::new();
    };
    std::iter::once(first)
        .chain(lines.take_while(|l| l.starts_with(' ') && !l.trim().is_empty()))
        .collect()
}

#[test]
fn rules_lists_the_checks_of_each_family() {
    let dir = tempfile::tempdir().expect("tempdir");
    for family in FAMILIES {
        let template = Template::built_in_family(family).expect("family");
        let args: [&OsStr; 3] = ["rules".as_ref(), "--family".as_ref(), family.as_ref()];
        let run = jixiao(&args, dir.path());
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(run.stdout.contains("编号"), "{}", run.stdout);
        for c in &template.checks {
            assert!(
                rule_rows(&run.stdout, &c.id)
                    .iter()
                    .any(|l| l.contains(&c.name)),
                "{family}: {} {} missing from\n{}",
                c.id,
                c.name,
                run.stdout
            );
        }
        // Every template has B6's range check; only one recalculates the rates.
        let b6 = rule_rows(&run.stdout, "B6");
        assert!(!b6.is_empty(), "{family}: B6 listed");
        assert_eq!(
            b6.iter().any(|l| l.contains('÷')),
            family == "hunan-2024-extended",
            "{family}: B6 recalculated"
        );
    }
    let args: [&OsStr; 2] = ["rules".as_ref(), "--fields".as_ref()];
    let run = jixiao(&args, dir.path());
    assert!(run.stdout.contains("sangong.final"), "{}", run.stdout);
    let args: [&OsStr; 3] = ["rules".as_ref(), "--family".as_ref(), "guangdong".as_ref()];
    let run = jixiao(&args, dir.path());
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("hunan-2024"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Malformed template files

#[test]
fn a_malformed_template_is_refused_naming_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good =
        fs::read_to_string(root().join("workbook-templates/hunan-2024.toml")).expect("template");
    let base_lines = good.lines().count();
    // (text appended, line of the fault counted from the first appended line, words the message has)
    let cases: [(&str, usize, &[&str]); 5] = [
        (
            "[[checks]]\nid = \"Z1\"\nname = \"x\"\nrule = \"sangong = vehicle\n",
            4,
            &["TOML"],
        ),
        (
            "[[checks]]\nid = \"Z1\"\nname = \"x\"\nrul = \"sangong = vehicle\"\n",
            4,
            &["rul"],
        ),
        (
            "[[checks]]\nid = \"Z1\"\nname = \"x\"\nrule = \"procurement <= publik\"\n",
            4,
            &["Z1", "publik"],
        ),
        (
            "[[checks]]\nid = \"Z1\"\nname = \"x\"\nrule = \"sangong = vehicle +\"\n",
            4,
            &["Z1", "公式"],
        ),
        (
            "[[checks]]\nid = \"Z1\"\nname = \"x\"\nrule = \"sangong = vehicle\"\nseverity = \"fatal\"\n",
            5,
            &["fatal"],
        ),
    ];
    let seed = corrected_seed();
    for (i, (tail, line, words)) in cases.iter().enumerate() {
        let bad = dir.path().join(format!("bad{i}.toml"));
        fs::write(&bad, format!("{good}\n{tail}")).expect("write");
        let want_line = base_lines + 1 + line;
        for command in ["check", "rules"] {
            let mut args: Vec<&OsStr> = vec![command.as_ref()];
            if command == "check" {
                args.extend([seed.as_os_str(), "--no-write".as_ref()]);
            }
            args.extend(["--template".as_ref(), bad.as_os_str()]);
            let run = jixiao(&args, dir.path());
            assert_eq!(run.code, Some(2), "{command} case {i}: {}", run.stderr);
            let err = run.stderr.trim();
            assert!(
                err.contains(&format!("第 {want_line} 行")),
                "case {i}: want line {want_line} named in {err:?}"
            );
            for w in *words {
                assert!(err.contains(w), "case {i}: want {w:?} in {err:?}");
            }
            assert!(
                err.contains("bad"),
                "case {i}: the file is named in {err:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A workbook of each family, built cell by cell (not from a blank)

/// The seed's two tables, as the fixture has them (or corrected), with label texts replaced and
/// cells overridden.
fn seed_tables(
    clean: bool,
    labels: Relabel,
    basic_cells: &[(&str, V)],
) -> (BTreeMap<String, V>, BTreeMap<String, V>) {
    let relabel = |table: BTreeMap<String, V>| -> BTreeMap<String, V> {
        table
            .into_iter()
            .map(|(cell, v)| {
                let v = match v {
                    V::S(s) => labels
                        .iter()
                        .find(|(from, _)| *from == s)
                        .map(|(_, to)| V::S(to))
                        .unwrap_or(v),
                    other => other,
                };
                (cell, v)
            })
            .collect()
    };
    let mut basic = relabel(BASIC.cells(clean));
    for (cell, v) in basic_cells {
        basic.insert(cell.to_string(), *v);
    }
    (basic, relabel(SCORE.cells(clean)))
}

fn write_tables(path: &Path, basic: &BTreeMap<String, V>, score: &BTreeMap<String, V>) {
    let mut wb = xw::Workbook::new();
    let pct = xw::Format::new().set_num_format("0.00%");
    let two = xw::Format::new().set_num_format("0.00");
    let plain = xw::Format::new();
    for (name, cells, merged) in [
        ("基础数据表", basic, BASIC.merged()),
        ("绩效自评表", score, SCORE.merged()),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(name).expect("name");
        for range in merged {
            let (a, b) = range.split_once(':').expect("range");
            let ((r1, c1), (r2, c2)) = (common::parse_a1(a), common::parse_a1(b));
            ws.merge_range(r1, c1 as u16, r2, c2 as u16, "", &plain)
                .expect("merge");
        }
        for (cell, v) in cells {
            let (r, c) = common::parse_a1(cell);
            let c = c as u16;
            match *v {
                V::S(s) => ws.write_string(r, c, s),
                V::N(n) | V::Amount(n) => ws.write_number(r, c, n),
                V::Pct(p) => ws.write_number_with_format(r, c, p, &pct),
                V::Score(n) => ws.write_number_with_format(r, c, n, &two),
                V::Blank => continue,
            }
            .expect("write");
        }
    }
    wb.save(path).expect("save");
}

/// Label texts replaced: (2024 text, other text).
type Relabel = &'static [(&'static str, &'static str)];

/// Cells put over the seed's: (address, content).
type Cells = [(&'static str, V)];

/// Labels of the 2018 form in place of the 2024 ones.
const LABELS_2018: &[(&str, &str)] = &[
    ("2023年决算数", "上年决算数"),
    ("2024年预算数", "本年预算数"),
    ("2024年决算数", "本年决算数"),
    ("1、业务经费", "1、业务工作专项"),
    ("2、运行维护经费", "2、运行维护专项"),
    (
        "3、本级专项资金（一个专项一行）",
        "3、省级专项资金（一个专项一行）",
    ),
    ("部门基本支出预算调整", "部门整体支出预算调整"),
    ("纳入专户管理的非税收入拨款：", "财政专户管理资金："),
];

/// The six-column 楼堂馆所 block, with figures.
fn building_six(scale_rate: f64) -> Vec<(&'static str, V)> {
    vec![
        ("B21", V::S("批复规模（m²）")),
        ("C21", V::S("实际规模（m²）")),
        ("D21", V::S("规模控制率")),
        ("E21", V::S("投资概算（万元）")),
        ("F21", V::S("实际投资（万元）")),
        ("G21", V::S("投资概算控制率")),
        ("B22", V::N(1200.0)),
        ("C22", V::N(1180.0)),
        ("D22", V::Pct(scale_rate)),
        ("E22", V::Amount(450.0)),
        ("F22", V::Amount(441.0)),
        ("G22", V::Pct(0.98)),
    ]
}

#[test]
fn workbooks_of_each_family_check_as_the_seed_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let six = building_six(0.9833);
    let families: [(&str, Relabel, &Cells); 3] = [
        ("hunan-2024", &[], &[]),
        ("hunan-2018", LABELS_2018, &[]),
        ("hunan-2024-extended", &[], &six),
    ];
    for (family, labels, cells) in families {
        for clean in [false, true] {
            let (basic, score) = seed_tables(clean, labels, cells);
            let path = dir.path().join(format!("{family}-{clean}.xlsx"));
            write_tables(&path, &basic, &score);
            assert_eq!(family_of(&path), family, "{}", path.display());
            let fixture = if clean {
                "seed-leiyang-2024-corrected.xlsx"
            } else {
                "seed-leiyang-2024.xlsx"
            };
            let want = Expectations::of_fixture(fixture);
            let (file, code) = check(&path, None, dir.path());
            let problems = compare(&file, &want);
            assert!(
                problems.is_empty(),
                "{family} ({}): {}\n  findings:{}",
                if clean { "corrected" } else { "seed" },
                problems.join("\n  "),
                findings_list(&file)
            );
            assert_eq!(code, Some(if clean { 0 } else { 1 }));
        }
    }
}

#[test]
fn the_extended_family_recalculates_the_building_rates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (basic, score) = seed_tables(true, &[], &building_six(0.9533));
    let path = dir.path().join("building.xlsx");
    write_tables(&path, &basic, &score);
    assert_eq!(family_of(&path), "hunan-2024-extended");
    let (file, _) = check(&path, None, dir.path());
    let [f] = file.findings.as_slice() else {
        panic!("want one finding, got{}", findings_list(&file));
    };
    assert_eq!(
        (f.check.as_str(), f.cell.as_str(), f.severity.as_str()),
        ("B6", "D22", "error"),
        "{f}"
    );
    assert_eq!(value_text(&f.expected).as_deref(), Some("98.33%"), "{f}");
}

#[test]
fn fixtures_are_read_as_their_family() {
    assert_eq!(
        family_of(&common::fixture("seed-leiyang-2024.xlsx")),
        "hunan-2024"
    );
    assert_eq!(family_of(&corrected_seed()), "hunan-2024");
    assert_eq!(
        family_of(&common::fixture("county-agri-2024-clean.xlsx")),
        "hunan-2024-extended"
    );
    for family in FAMILIES {
        let blank = root()
            .join("workbook-templates/blank")
            .join(format!("{family}.xlsx"));
        assert_eq!(family_of(&blank), family, "committed blank");
    }
}
