//! Shared by the integration tests: run the `jixiao` binary, read its JSON report, hold it against a
//! fixture's `.expected.json`, and build seed-like workbooks in other layouts ([`builder`]).
//!
//! Not every test file uses every helper.
#![allow(dead_code)]

pub mod builder;
pub mod seed;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use calamine::{open_workbook_auto, Data, Reader, Xlsx};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use builder::Variant;

/// How long one `jixiao check` may take before the test gives up.
const TIMEOUT: Duration = Duration::from_secs(180);

/// Puts `value` in `sheet!a1` of a workbook read, replacing any formula there.
pub fn set_cell(
    wb: &mut jixiao::model::Workbook,
    sheet: &str,
    a1: &str,
    value: jixiao::model::CellValue,
) {
    let sheet = wb.sheets.iter_mut().find(|s| s.name == sheet).unwrap();
    let cell = sheet
        .cells
        .entry(jixiao::model::CellPos::parse_a1(a1).unwrap())
        .or_default();
    cell.value = value;
    cell.formula = None;
}

/// The seed's 经费控制情况 amounts (基础数据表 rows 5–20, every column after the labels) typed
/// in 元: ×10,000, formulas dropped.
pub fn basic_amounts_in_yuan(wb: &mut jixiao::model::Workbook) {
    use jixiao::model::CellValue;
    let sheet = wb
        .sheets
        .iter_mut()
        .find(|s| s.name == "基础数据表")
        .unwrap();
    for (p, cell) in sheet.cells.iter_mut() {
        if (4..20).contains(&p.row) && p.col > 0 {
            if let CellValue::Number(n) = cell.value {
                cell.value = CellValue::Number((n * 10_000.0).round());
                cell.formula = None;
            }
        }
    }
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

pub fn fixture(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

/// "G29" → (28, 6), zero-based.
pub fn parse_a1(text: &str) -> (u32, u32) {
    let split = text
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or_else(|| panic!("bad A1 address {text:?}"));
    let (letters, digits) = text.split_at(split);
    assert!(!letters.is_empty(), "bad A1 address {text:?}");
    let col = letters.chars().fold(0u32, |acc, c| {
        acc * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
    });
    let row: u32 = digits
        .parse()
        .unwrap_or_else(|_| panic!("bad A1 address {text:?}"));
    (row - 1, col - 1)
}

/// (28, 6) → "G29".
pub fn a1(row: u32, col: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8(letters).expect("ascii"), row + 1)
}

// ---------------------------------------------------------------------------------------------
// What a fixture expects (`W.expected.json`)

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub struct CellRef {
    pub sheet: String,
    pub cell: String,
    #[serde(default)]
    pub what: String,
}

impl std::fmt::Display for CellRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}!{}", self.sheet, self.cell)?;
        if !self.what.is_empty() {
            write!(f, " ({})", self.what)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct MustFlag {
    #[serde(default)]
    pub sheet: String,
    #[serde(default)]
    pub cell: String,
    #[serde(default)]
    pub severity: Option<String>,
    /// The value the cell should show, or null where no single value follows.
    #[serde(default)]
    pub expected: Value,
    #[serde(default)]
    pub what: String,
    /// Alternative cells, any one of which may carry the finding.
    #[serde(default)]
    pub any_of: Option<Vec<CellRef>>,
}

impl MustFlag {
    pub fn at(&self) -> CellRef {
        CellRef {
            sheet: self.sheet.clone(),
            cell: self.cell.clone(),
            what: self.what.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Summary {
    #[serde(default)]
    pub total_score_as_filed: Option<String>,
    #[serde(default)]
    pub grade: Option<String>,
    /// How many findings the report must have in all, where the fixture says.
    #[serde(default)]
    pub findings: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Expectations {
    #[serde(default)]
    pub must_flag: Vec<MustFlag>,
    #[serde(default)]
    pub must_not_flag: Vec<CellRef>,
    #[serde(default)]
    pub summary: Summary,
}

impl Expectations {
    pub fn load(path: &Path) -> Expectations {
        let text =
            fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
    }

    /// The expectations of `tests/fixtures/NAME` (from `NAME.expected.json`).
    pub fn of_fixture(name: &str) -> Expectations {
        Expectations::load(&fixture(&format!("{name}.expected.json")))
    }

    /// Every address moved by `place`.
    pub fn map(&self, place: impl Fn(&CellRef) -> CellRef) -> Expectations {
        let must_flag = self
            .must_flag
            .iter()
            .map(|m| {
                let moved = if m.cell.is_empty() {
                    None
                } else {
                    Some(place(&m.at()))
                };
                MustFlag {
                    sheet: moved.as_ref().map_or(String::new(), |c| c.sheet.clone()),
                    cell: moved.as_ref().map_or(String::new(), |c| c.cell.clone()),
                    any_of: m
                        .any_of
                        .as_ref()
                        .map(|list| list.iter().map(&place).collect()),
                    ..m.clone()
                }
            })
            .collect();
        Expectations {
            must_flag,
            must_not_flag: self.must_not_flag.iter().map(&place).collect(),
            summary: self.summary.clone(),
        }
    }

    /// No finding at all may be raised: the fixture says `findings: 0`, or it lists nothing to flag.
    pub fn is_clean(&self) -> bool {
        match self.summary.findings {
            Some(n) => n == 0,
            None => self.must_flag.is_empty(),
        }
    }

    /// The exit status the binary must give, where it follows from the expectations.
    pub fn exit_status(&self) -> Option<i32> {
        let fails =
            |s: &Option<String>| matches!(s.as_deref(), Some("error" | "rounding" | "missing"));
        if self.must_flag.iter().any(|m| fails(&m.severity)) {
            Some(1)
        } else if self.is_clean() {
            Some(0)
        } else {
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What the binary reports (`jixiao check … --format json`)

#[derive(Debug, Clone, Deserialize)]
pub struct Report {
    pub files: Vec<FileResult>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FileResult {
    pub path: String,
    pub status: String,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub output: Option<String>,
    #[serde(default)]
    pub total_score: Value,
    #[serde(default)]
    pub grade: Option<String>,
    #[serde(default)]
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Finding {
    pub sheet: String,
    pub cell: String,
    pub severity: String,
    #[serde(default)]
    pub check: String,
    #[serde(default)]
    pub found: Value,
    #[serde(default)]
    pub expected: Value,
    #[serde(default)]
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}!{} {} {} found {} expected {}: {}",
            self.sheet,
            self.cell,
            self.severity,
            self.check,
            value_text(&self.found).unwrap_or_default(),
            value_text(&self.expected).unwrap_or_else(|| "null".into()),
            self.message
        )
    }
}

/// A JSON string or number as text; None for null and anything else.
pub fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The decimal in a value written as text ("79.80%", "3,157.85", "３１５７．８５", "≤3157.85万元"),
/// and whether it ends in a percent sign. Like `num` in shared/tools/score.py.
pub fn number_in(text: &str) -> Option<(Decimal, bool)> {
    let s: String = text.nfkc().collect::<String>().replace(',', "");
    let s = s.trim();
    let pct = s.ends_with('%');
    let s = s.trim_end_matches('%');
    let bytes = s.as_bytes();
    let start = (0..bytes.len()).find(|&i| bytes[i].is_ascii_digit())?;
    let mut end = start;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    if end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_digit() {
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    let negative = start > 0 && bytes[start - 1] == b'-';
    let value = Decimal::from_str(&s[start..end]).ok()?;
    Some((if negative { -value } else { value }, pct))
}

/// Whether a reported expected value matches the fixture's, within 0.005; a percentage may be
/// given as "79.80%" or as the ratio 0.798. Like `same_expected` in shared/tools/score.py.
pub fn same_expected(got: &Value, want: &Value) -> bool {
    let (Some(got), Some(want)) = (value_text(got), value_text(want)) else {
        return false;
    };
    let (Some((g, g_pct)), Some((w, w_pct))) = (number_in(&got), number_in(&want)) else {
        return false;
    };
    let mut candidates = vec![g];
    if w_pct && !g_pct {
        candidates.push(g * Decimal::ONE_HUNDRED);
    }
    if g_pct && !w_pct {
        candidates.push(g / Decimal::ONE_HUNDRED);
    }
    let tolerance = Decimal::new(5, 3);
    candidates.iter().any(|c| (c - w).abs() <= tolerance)
}

// ---------------------------------------------------------------------------------------------
// Running the binary

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn report(&self) -> Result<Report, String> {
        serde_json::from_str(&self.stdout).map_err(|e| {
            format!(
                "stdout is not the JSON report ({e}); exit {:?}\nstdout: {}\nstderr: {}",
                self.code,
                tail(&self.stdout),
                tail(&self.stderr)
            )
        })
    }
}

fn tail(text: &str) -> &str {
    let mut start = text.len().saturating_sub(2000);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// `jixiao ARGS…`, with stdout and stderr caught in files under `logs` (no pipe to fill up),
/// killed after [`TIMEOUT`].
pub fn run_jixiao(args: &[&std::ffi::OsStr], logs: &Path) -> Run {
    fs::create_dir_all(logs).expect("log dir");
    let out_path = logs.join("stdout");
    let err_path = logs.join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).expect("stdout file"))
        .stderr(fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("start jixiao");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for jixiao") {
            break Some(status);
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap_or_default()).into_owned();
    let run = Run {
        code: status.and_then(|s| s.code()),
        stdout: read(&out_path),
        stderr: read(&err_path),
    };
    assert!(
        status.is_some(),
        "jixiao {args:?} ran longer than {TIMEOUT:?}; stderr: {}",
        tail(&run.stderr)
    );
    run
}

/// `jixiao check INPUT --format json -o OUTDIR`, OUTDIR and the logs in a fresh directory under `scratch`.
pub fn run_check(input: &Path, scratch: &Path) -> Run {
    let outdir = scratch.join("out");
    fs::create_dir_all(&outdir).expect("out dir");
    let args = [
        "check".as_ref(),
        input.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "-o".as_ref(),
        outdir.as_os_str(),
    ];
    run_jixiao(&args, &scratch.join("logs"))
}

// ---------------------------------------------------------------------------------------------
// Holding a report against the expectations

/// Runs the checker on `input` and lists everything that does not match `want`: status, exit
/// status, each must_flag cell (severity and expected value), each must_not_flag cell, a clean
/// file's zero findings, total and grade, and that the input is left byte for byte as it was.
pub fn problems(input: &Path, want: &Expectations) -> Vec<String> {
    let before = fs::read(input).unwrap_or_else(|e| panic!("read {}: {e}", input.display()));
    let scratch = tempfile::tempdir().expect("tempdir");
    let run = run_check(input, scratch.path());
    let mut out = Vec::new();
    if fs::read(input).ok().as_deref() != Some(before.as_slice()) {
        out.push("the input file was changed".to_string());
    }
    let report = match run.report() {
        Ok(r) => r,
        Err(e) => {
            out.push(e);
            return out;
        }
    };
    let [file] = report.files.as_slice() else {
        out.push(format!(
            "expected one file in the report, got {}",
            report.files.len()
        ));
        return out;
    };
    if Path::new(&file.path).file_name() != input.file_name() {
        out.push(format!(
            "report path {:?} is not {}",
            file.path,
            input.display()
        ));
    }
    if file.status != "checked" {
        out.push(format!(
            "status {:?} (error {:?}), want \"checked\"",
            file.status, file.error
        ));
        return out;
    }
    if let Some(output) = &file.output {
        if Path::new(output) == input {
            out.push("the annotated output overwrote the input path".to_string());
        }
    }
    out.extend(compare(file, want));
    if let Some(code) = want.exit_status() {
        if run.code != Some(code) {
            out.push(format!("exit status {:?}, want {code}", run.code));
        }
    }
    if !out.is_empty() {
        out.push(format!(
            "all findings ({}):\n      {}",
            file.findings.len(),
            list(&file.findings)
        ));
    }
    out
}

/// Panics with every mismatch at once.
pub fn assert_checked(input: &Path, want: &Expectations) {
    let found = problems(input, want);
    assert!(
        found.is_empty(),
        "{}:\n  - {}",
        input.display(),
        found.join("\n  - ")
    );
}

/// Copies `src` to a temp file named `name` (perhaps with another extension) and checks that.
pub fn assert_checked_as(src: &Path, name: &str, want: &Expectations) {
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join(name);
    fs::copy(src, &copy).unwrap_or_else(|e| panic!("copy {}: {e}", src.display()));
    assert_checked(&copy, want);
}

/// Builds `variant` in a temp dir and checks it against the seed's (or corrected seed's)
/// expectations moved to where the variant put them.
pub fn assert_variant(variant: &Variant) {
    let dir = tempfile::tempdir().expect("tempdir");
    let built = variant.write(&dir.path().join("variant.xlsx"));
    assert_eq!(
        built.want.must_flag.len(),
        if variant.clean { 0 } else { 9 },
        "the seed has nine findings, the corrected seed none"
    );
    assert_checked(&built.path, &built.want);
}

fn list(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>()
        .join("\n      ")
}

/// The report against the expectations, findings only (no run, no exit status).
pub fn compare(file: &FileResult, want: &Expectations) -> Vec<String> {
    let mut out = Vec::new();
    let at = |sheet: &str, cell: &str| -> Vec<&Finding> {
        file.findings
            .iter()
            .filter(|f| f.sheet == sheet && f.cell == cell)
            .collect()
    };
    for m in &want.must_flag {
        if let Some(any) = &m.any_of {
            if !any.iter().any(|c| !at(&c.sheet, &c.cell).is_empty()) {
                let cells: Vec<String> = any.iter().map(|c| c.to_string()).collect();
                out.push(format!("none of {} flagged", cells.join(", ")));
            }
            continue;
        }
        let hits = at(&m.sheet, &m.cell);
        let want_sev = m.severity.as_deref();
        let want_exp = value_text(&m.expected);
        let matching = hits.iter().any(|f| {
            want_sev.is_none_or(|s| f.severity == s)
                && (m.expected.is_null() || same_expected(&f.expected, &m.expected))
        });
        if !matching {
            let got: Vec<String> = hits
                .iter()
                .map(|f| {
                    format!(
                        "{} expected {}",
                        f.severity,
                        value_text(&f.expected).unwrap_or("null".into())
                    )
                })
                .collect();
            out.push(format!(
                "{} must be flagged {} expected {}; got {}",
                m.at(),
                want_sev.unwrap_or("(any severity)"),
                want_exp.unwrap_or("(any)".into()),
                if got.is_empty() {
                    "nothing there".to_string()
                } else {
                    got.join(", ")
                }
            ));
        }
    }
    for c in &want.must_not_flag {
        for f in at(&c.sheet, &c.cell) {
            out.push(format!("{c} must not be flagged; got {f}"));
        }
    }
    match want.summary.findings {
        Some(n) if file.findings.len() != n => {
            out.push(format!(
                "{} findings, want exactly {n}",
                file.findings.len()
            ));
        }
        None if want.is_clean() && !file.findings.is_empty() => {
            out.push(format!(
                "{} findings on a clean workbook, want none",
                file.findings.len()
            ));
        }
        _ => {}
    }
    if let Some(total) = &want.summary.total_score_as_filed {
        let got = value_text(&file.total_score).unwrap_or_default();
        if !same_expected(&file.total_score, &Value::String(total.clone())) {
            out.push(format!("total_score {got:?}, want {total}"));
        }
    }
    if let Some(grade) = &want.summary.grade {
        if file.grade.as_deref() != Some(grade.as_str()) {
            out.push(format!("grade {:?}, want {grade}", file.grade));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Reading workbooks back (for the builder's and the converted fixtures' own tests)

/// Every non-empty cell of a workbook: (sheet, row, col) → value.
pub type Cells = BTreeMap<(String, u32, u32), Data>;

/// The sheet names in workbook order, and every non-empty cell.
pub fn read_cells(path: &Path) -> (Vec<String>, Cells) {
    let mut wb =
        open_workbook_auto(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let names = wb.sheet_names();
    let mut cells = BTreeMap::new();
    for name in &names {
        let range = wb
            .worksheet_range(name)
            .unwrap_or_else(|e| panic!("read {name}: {e}"));
        let Some((r0, c0)) = range.start() else {
            continue;
        };
        for (r, c, v) in range.used_cells() {
            if !matches!(v, Data::Empty) && !matches!(v, Data::String(s) if s.is_empty()) {
                cells.insert((name.clone(), r0 + r as u32, c0 + c as u32), v.clone());
            }
        }
    }
    (names, cells)
}

/// Merged ranges of each sheet of an .xlsx, as "A1:B2".
pub fn read_merges(path: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut wb: Xlsx<_> =
        calamine::open_workbook(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let mut out = BTreeMap::new();
    for name in wb.sheet_names() {
        let dims = wb.merge_cells_by_sheet_name(&name).expect("merged cells");
        let set = dims
            .iter()
            .map(|d| format!("{}:{}", a1(d.start.0, d.start.1), a1(d.end.0, d.end.1)))
            .collect();
        out.insert(name, set);
    }
    out
}

/// Number format of each cell of an .xlsx sheet that has one other than General.
pub fn read_formats(path: &Path, sheet: &str) -> BTreeMap<(u32, u32), String> {
    let mut wb: Xlsx<_> =
        calamine::open_workbook(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let styles = wb.worksheet_style(sheet).expect("styles");
    styles
        .cells()
        .filter_map(|(r, c, style)| {
            let code = style.number_format.as_ref()?.format_code.clone();
            (code != "General").then_some(((r, c), code))
        })
        .collect()
}

/// A cell value as a number: numbers as they are, text through [`number_in`] (a percentage as its ratio).
pub fn numeric(v: &Data) -> Option<Decimal> {
    match v {
        Data::Float(f) => Decimal::from_str(&f.to_string()).ok(),
        Data::Int(i) => Some(Decimal::from(*i)),
        Data::String(s) => {
            let (d, pct) = number_in(s)?;
            Some(if pct { d / Decimal::ONE_HUNDRED } else { d })
        }
        _ => None,
    }
}
